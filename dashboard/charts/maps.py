"""Small-area maps: where children in need, child protection plans and care starts
concentrate, by LSOA or ward, with deprivation beside it for context.

The figures come from the authority's case management extracts (or the synthetic
sample), never from its annual reports. Every figure is already suppressed by the ETL
(counts of 1 to 5, and any count that would give one away, are ``c``): the charts only
ever see ``c``. The maps exist only for authorities whose small-area boundaries the ETL
built; for any other, ``smallareas.summary`` raises ``DataUnavailable``.
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd

from dashboard import figures, store
from dashboard.charts.registry import ChartResult, chart, source_of
from dashboard.figures import choropleth as map_figures
from dashboard.ids import Page
from dashboard.store import smallareas
from dashboard.store.files import DataUnavailable
from dashboard.words import format as fmt
from etl.profile import UnknownAuthority

PAGE = Page.MAPS
DATASET = "maps"  # no annual-report tables: the figures are the extracts'


class Ids(StrEnum):
    SMALL_AREAS = "maps-small-areas"
    DEPRIVATION = "maps-deprivation"
    WARDS = "maps-wards"
    MEASURE = "maps-measure"
    YEAR = "maps-year"
    VIEW = "maps-view"


MEASURE_NAMES = {
    "cp": "Child protection plans started",
    "cin": "Children who became children in need",
    "cla": "Children who started to be looked after",
}
MEASURE_WORDS = {  # "... per 10,000 children"
    "cp": "children who became subject to a child protection plan",
    "cin": "children who became children in need",
    "cla": "children who started to be looked after",
}
LATEST = "latest"  # the year choice before any figures are there


def years() -> tuple[str, ...]:
    """The years the extract has figures for, latest first (the default)."""
    try:
        return tuple(smallareas.periods()) or (LATEST,)
    except (DataUnavailable, UnknownAuthority):
        return (LATEST,)


OPTIONS = {"measure": tuple(MEASURE_NAMES), "year": years, "view": ("lsoa", "ward")}
CLASS_NOTE = ("Shades: areas with none, then quartiles of the rest (each holds about a "
              "quarter of the areas with a rate above zero).")
SUPPRESSION_NOTE = ("c: fewer than 6 children, or a figure that would let one be worked "
                    "out from the totals; it is not shown as a number or a colour.")
OS_NOTE = ("Boundaries: Office for National Statistics, generalised clipped LSOA boundaries. "
           "Contains OS data © Crown copyright and database right.")
COUNTED, CHILDREN, RANK = "Children counted", "Children aged 0–15", "Rank"
IDACI_KEY = ["Deciles 9–10: least deprived fifth", "Deciles 7–8", "Deciles 5–6",
             "Deciles 3–4", "Deciles 1–2: most deprived fifth"]


def _period(year: str) -> str:
    periods = smallareas.periods()
    if not periods:
        raise DataUnavailable("the extract has no figures yet")
    if year == LATEST:
        return periods[0]
    if year not in periods:
        raise DataUnavailable(f"the extract has no figures for {year}")
    return year


def _synthetic() -> bool:
    return bool(smallareas.summary().get("synthetic"))


def _flag(text: str) -> str:
    return f"Synthetic sample — not real data: {text}" if _synthetic() else text


def _notes(extra: list[str] | None = None) -> list[str]:
    info = smallareas.summary()
    notes = [f"Rates per 10,000 {info['denominator']}.", SUPPRESSION_NOTE, *(extra or [])]
    if info.get("synthetic"):
        notes.insert(0, "SYNTHETIC SAMPLE — NOT REAL DATA: made-up records for trying the "
                        "maps; load an extract from the case management system to see real "
                        "figures.")
    left_out = info.get("excluded") or {}
    if left_out:
        notes.append("Left out of the extract: " + "; ".join(
            f"{n:,} records ({why})" for why, n in left_out.items()) + ".")
    return [*notes, OS_NOTE]


def _figures(state: dict, level: str) -> tuple[pd.DataFrame, str]:
    measure = smallareas.MEASURES[state["measure"]]
    period = _period(state["year"])
    rows = smallareas.values(measure, level)
    return rows[rows["period"] == period].reset_index(drop=True), period


def _rate_text(rate: float | None, count: float | None, status: str | None) -> str:
    if status == "c":
        return "c: fewer than 6 children, or hidden so that none can be worked out"
    return f"{fmt.value(rate, 'rate_per_10000')} ({fmt.number(count)} children)"


def _classes(rates: pd.Series, codes: pd.Series, status: pd.Series):
    """Areas with none in the lightest shade, the rest in (at most 4) quantile classes."""
    shown = rates.where(status != "c")
    edges = figures.class_breaks(shown[shown > 0], 4)
    n = max(len(edges) - 1, 0)
    classes = {}
    for code, rate, s in zip(codes, rates, status, strict=True):
        if s == "c":
            classes[code] = map_figures.SUPPRESSED
        elif pd.isna(rate):
            classes[code] = None
        else:
            classes[code] = 0 if rate == 0 else 1 + figures.class_of(rate, edges)
    key = ["0 (none)"] + [f"{fmt.short(edges[i], 'rate_per_10000')} to "
                          f"{fmt.short(edges[i + 1], 'rate_per_10000')}" for i in range(n)]
    return classes, key, figures._palette(n + 1)


def _wide(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per area: its count, rate and status (the same for both: c or not)."""
    counts = rows[rows["unit"] == "count"].set_index("area_code")
    rates = rows[rows["unit"] == "rate_per_10000"].set_index("area_code")
    return pd.DataFrame({"area_name": counts["area_name"], "count": counts["value"],
                         "rate": rates["value"].reindex(counts.index),
                         "status": counts["status"], "children": counts["denominator"]})


class Tabled(ChartResult):
    """A chart whose table has columns of its own (SOA, ward, children counted) after
    the area, and whose export keeps a map's key beside it. On screen a suppressed count
    reads ``c`` and a suppressed area's rank ``–``; exports keep the numbers as numbers,
    missing where suppressed."""

    def extra_shown(self) -> pd.DataFrame | None:
        if self.extra is None:
            return None
        shown = self.extra.copy()
        status = self.data["status"].reset_index(drop=True)
        if COUNTED in shown:
            shown[COUNTED] = ["c" if s == "c" else fmt.figure(v, 0) for v, s in
                              zip(shown[COUNTED], status, strict=True)]
        if CHILDREN in shown:
            shown[CHILDREN] = [fmt.figure(v, 0) for v in shown[CHILDREN]]
        if RANK in shown:
            shown[RANK] = ["–" if pd.isna(v) else str(int(v)) for v in shown[RANK]]
        return shown

    def export_figure(self):
        out = super().export_figure()
        if any(t.showlegend for t in out.data):
            out.update_layout(legend=map_figures.LEGEND)
        return out


@chart(Ids.SMALL_AREAS, PAGE, "Small-area map", options=OPTIONS)
def small_area_map(state: dict) -> ChartResult:
    me = store.profile()
    level = state["view"]
    rows, period = _figures(state, level)
    shapes = smallareas.shapes(level).rename(columns={f"{level}_code": "area_code"})
    wide = _wide(rows).reindex(shapes["area_code"])
    classes, key, colours = _classes(wide["rate"], shapes["area_code"], wide["status"])
    hover = {}
    for _, s in shapes.iterrows():
        w = wide.loc[s["area_code"]]
        figure_text = _rate_text(w["rate"], w["count"], w["status"])
        if level == "lsoa":
            hover[s["area_code"]] = (f"<b>SOA {s['soa_number']}</b> · {s['lsoa_name']} "
                                     f"({s['area_code']})<br>Ward: {s['ward_name']}<br>"
                                     f"{figure_text}")
        else:
            hover[s["area_code"]] = (f"<b>{s['ward_name']}</b> ward ({s['lsoas']} LSOAs)<br>"
                                     f"{figure_text}")
    outlines = smallareas.shapes("ward") if level == "lsoa" else None
    synthetic = _synthetic()
    key_title = "<b>Rate per 10,000 children</b><br>(quartiles above zero)" + (
        "<br><b>SYNTHETIC SAMPLE —<br>NOT REAL DATA</b>" if synthetic else "")
    fig = map_figures.area_map(shapes, classes, colours, key, hover, key_title,
                               outlines=outlines,
                               note="Synthetic sample — not real data" if synthetic else None)
    where = "LSOA" if level == "lsoa" else "ward"
    shown = wide.dropna(subset=["rate"])
    if shown.empty:
        finding = f"Every {where} figure for {period} is suppressed"
    else:
        top = shown["rate"].idxmax()
        name = (f"SOA {shapes.set_index('area_code').at[top, 'soa_number']} "
                f"({shapes.set_index('area_code').at[top, 'ward_name']} ward)"
                if level == "lsoa" else f"{wide.at[top, 'area_name']} ward")
        finding = (f"The highest rate of {MEASURE_WORDS[state['measure']]} in {period} was "
                   f"in {name}: {fmt.value(shown.at[top, 'rate'], 'rate_per_10000')}")
    subtitle = (f"{MEASURE_NAMES[state['measure']]} per 10,000 children, {me.name}, "
                f"{period}, by {where}"
                f"{' (ward boundaries drawn thick)' if level == 'lsoa' else ''}. {CLASS_NOTE}")
    rates, extra = _area_rows(rows, shapes, wide, level)
    result = Tabled(fig, rates, _flag(finding), subtitle, source_of(rows), _notes())
    result.extra = extra
    return result


def _counted(wide: pd.DataFrame) -> pd.Series:
    """The children counted, missing where suppressed (the ETL gives no number there)."""
    counts = wide["count"].where(wide["status"] != "c")
    return pd.Series([fmt.rounded(v, 0) for v in counts], dtype="Int64")


def _children(wide: pd.DataFrame) -> pd.Series:
    """The children living in each area (the rates' denominator), as whole numbers."""
    return pd.Series([fmt.rounded(v, 0) for v in wide["children"]], dtype="Int64")


def _area_rows(rows: pd.DataFrame, shapes: pd.DataFrame, wide: pd.DataFrame, level: str
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rates drawn, one row per area in SOA (or ward) order, and the columns the table
    adds: c where suppressed, never a number."""
    order = shapes.sort_values("soa_number" if level == "lsoa" else "ward_name")
    rates = rows[rows["unit"] == "rate_per_10000"].set_index("area_code").loc[
        order["area_code"]].reset_index()
    if level == "lsoa":
        rates["area_name"] = [f"{n} ({c})" for n, c in
                              zip(rates["area_name"], rates["area_code"], strict=True)]
    wide = wide.loc[order["area_code"]]
    extra = pd.DataFrame({COUNTED: _counted(wide),
                          CHILDREN: _children(wide)})
    if level == "lsoa":
        extra.insert(0, "SOA", order["soa_number"].to_numpy())
        extra.insert(1, "Ward", order["ward_name"].to_numpy())
    return rates, extra


@chart(Ids.DEPRIVATION, PAGE, "Deprivation affecting children (IDACI)")
def deprivation_map(state: dict) -> ChartResult:
    me = store.profile()
    edition = smallareas.deprivation_year()
    iod = f"English Indices of Deprivation{f' {edition}' if edition else ''}"
    idaci = f"IDACI{f' {edition}' if edition else ''}"
    shapes = smallareas.shapes("lsoa").rename(columns={"lsoa_code": "area_code"})
    deciles = pd.to_numeric(shapes["idaci_decile"], errors="coerce")
    classes = {code: (None if pd.isna(d) else 4 - (int(d) - 1) // 2)
               for code, d in zip(shapes["area_code"], deciles, strict=True)}
    hover = {s["area_code"]: (f"<b>SOA {s['soa_number']}</b> · {s['lsoa_name']}<br>Ward: "
                              f"{s['ward_name']}<br>IDACI decile {s['idaci_decile']} "
                              "(1 = the most deprived tenth of areas in England)")
             for _, s in shapes.iterrows()}
    fig = map_figures.area_map(shapes, classes, map_figures.PURPLES, IDACI_KEY, hover,
                               "<b>Income deprivation<br>affecting children</b><br>"
                               f"({idaci}, deciles)")
    most = int((deciles <= 2).sum())
    data = pd.DataFrame({
        "measure": "IDACI decile (1 = most deprived tenth in England)",
        "period": edition or "", "area_code": shapes["area_code"],
        "area_name": shapes["lsoa_name"], "breakdown_value": "Total",
        "value": deciles.astype(float), "unit": "decile", "status": None,
        "source": f"Derived from the {iod} (MHCLG): each LSOA's IDACI decile"}).sort_values(
            ["value", "area_name"]).reset_index(drop=True)
    title = (f"{most} of the {len(shapes)} LSOAs are among the most deprived fifth in "
             "England for income deprivation affecting children")
    result = Tabled(fig, data, title, "Income Deprivation Affecting Children Index "
                    f"({idaci}), by LSOA, {me.name}: context for the map of need",
                    f"{iod} (MHCLG)",
                    ["Contains public sector information licensed under the Open "
                     "Government Licence v3.0.", OS_NOTE])
    at = shapes.set_index("area_code").loc[data["area_code"]]
    result.extra = pd.DataFrame({"SOA": at["soa_number"].to_numpy(),
                                 "Ward": at["ward_name"].to_numpy()})
    return result


@chart(Ids.WARDS, PAGE, "Wards ranked by rate", options={"measure": OPTIONS["measure"],
                                                         "year": OPTIONS["year"]})
def ward_ranking(state: dict) -> ChartResult:
    me = store.profile()
    rows, period = _figures(state, "ward")
    wide = _wide(rows).reset_index()
    shown = wide.dropna(subset=["rate"]).sort_values("rate", ascending=False)
    hidden = wide[wide["status"] == "c"].sort_values("area_name")
    bars = pd.DataFrame({"area_code": shown["area_code"], "area_name": shown["area_name"],
                         "value": shown["rate"], "unit": "rate_per_10000"})
    fig = figures.ranked_bars(bars, highlight="", reference=None)
    fig.update_xaxes(title="Wards, highest rate first")
    table = pd.concat([shown, hidden], ignore_index=True)
    rates = rows[rows["unit"] == "rate_per_10000"].set_index("area_code").loc[
        table["area_code"]].reset_index()
    extra = pd.DataFrame({
        RANK: pd.array([*range(1, len(shown) + 1), *[None] * len(hidden)], dtype="Int64"),
        COUNTED: _counted(table),
        CHILDREN: _children(table),
    })
    notes = _notes([f"{len(hidden)} ward(s) suppressed (c) are listed last in the table."]
                   if len(hidden) else None)
    title = (_flag(f"{shown.iloc[0]['area_name']} had the highest ward rate in {period}")
             if len(shown) else _flag(f"Every ward figure for {period} is suppressed"))
    result = Tabled(fig, rates, title, f"{MEASURE_NAMES[state['measure']]} per 10,000 "
                    f"children, {me.name}, {period}, by ward", source_of(rows), notes)
    result.extra = extra
    return result
