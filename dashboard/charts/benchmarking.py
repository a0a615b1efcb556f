"""Benchmarking: the authority against its statistical neighbours, its region and England,
from the Department for Education's official releases, with confidence intervals and
significance. Every chart here is drawn from the official statistics alone, so it is shown
for any authority."""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from dashboard import figures, store
from dashboard.charts import benchmarking_map
from dashboard.charts.benchmarking_map import ordinal, region_words
from dashboard.charts.registry import ChartResult, chart, periods_of
from dashboard.figures import theme
from dashboard.ids import Page
from dashboard.words import format as fmt
from etl.official import statistics as stats
from etl.profile import NEIGHBOURS_CODE, NEIGHBOURS_NAME, UnknownAuthority

PAGE = Page.BENCHMARKING
DATASET = "benchmarking"  # no annual-report tables: the page is official statistics only


class Ids(StrEnum):
    TREND = "benchmarking-trend"
    RANKED = "benchmarking-ranked"
    GRID = "benchmarking-grid"
    MAP = "benchmarking-map"
    INDICATOR = "benchmarking-indicator"
    SCOPE = "benchmarking-scope"


# indicator slug → (dataset, measure)
INDICATORS = {
    "cin": ("dfe_children_in_need", "dfe_cin_rate_per_10000"),
    "referrals": ("dfe_referrals", "dfe_referrals_rate_per_10000"),
    "re-referrals": ("dfe_referrals", "dfe_rereferrals_pct"),
    "s47": ("dfe_s47_icpcs", "dfe_s47_rate_per_10000"),
    "icpc": ("dfe_s47_icpcs", "dfe_icpc_rate_per_10000"),
    "icpc-15-days": ("dfe_s47_icpcs", "dfe_icpc_within_15_days_pct"),
    "cp-plans": ("dfe_cp_plans", "dfe_cp_plans_at_31_march_rate_per_10000"),
    "cp-started": ("dfe_cp_plans", "dfe_cp_plans_started_rate_per_10000"),
    "cp-repeat": ("dfe_cp_plans", "dfe_cp_plans_subsequent_pct"),
    "cp-2-years": ("dfe_cp_plans", "dfe_cp_plans_2_years_or_more_pct"),
    "cla": ("dfe_children_looked_after", "dfe_cla_rate_per_10000"),
    "cla-started": ("dfe_children_looked_after", "dfe_cla_started_rate_per_10000"),
}
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten"}
ROLE_ORDER = {"authority": 0, "neighbours": 1, "region": 2, "england": 3}


def scopes() -> tuple[str, ...]:
    """The areas the ranked chart and the map can cover: the region only when it is known."""
    try:
        return ("region", "england") if store.profile().region is not None else ("england",)
    except (store.DataUnavailable, UnknownAuthority):
        return ("england",)


OPTIONS = {"indicator": tuple(INDICATORS), "scope": scopes}
CATEGORY_COLOURS = {
    "better": "#9cc3e6", "similar": "#f7cf72", "worse": "#f4a29b",
    "higher": "#c9b6e4", "lower": "#b9e0d4", "England": "#e6e6e6", "not compared": "#ffffff",
}
VERDICT_WORDS = {"better": "better than England", "worse": "worse than England",
                 "similar": "similar to England", "higher": "higher than England",
                 "lower": "lower than England", "not compared": "not compared with England"}
COLOUR_NOTE = ("Cell colours repeat the words: blue better, red worse, yellow similar, "
               "purple higher, green lower, grey England.")
SIGNIFICANCE_NOTE = ("Better, worse, higher or lower means the 95% confidence interval does "
                     "not include England's value; similar means it does. Intervals use "
                     "Byar's method for rates and Wilson's for percentages.")


def no_neighbours_note() -> str | None:
    """Why there is no neighbours' line or column, when the authority has no neighbours."""
    me = store.profile()
    if me.neighbours:
        return None
    try:
        store.frame("dfe_neighbours")
    except store.DataUnavailable:
        return ("DfE's statistical neighbour groupings have not been imported, so there is "
                "no neighbours' figure.")
    return (f"DfE's statistical neighbour groupings do not include {me.name} (they predate "
            "it), so there is no neighbours' figure.")


def neighbour_codes() -> list[str]:
    """The statistical neighbours' codes, nearest first, each with any code it had before,
    so that a neighbour's older figures published under its former code are pooled too."""
    codes = store.neighbour_codes()
    if not codes:
        return []
    table = store.authorities()
    former = dict(zip(table["authority_code"], table["former_codes"], strict=True))
    return [c for code in codes for c in (code, *(former.get(code) if former.get(code)
                                                  is not None else ()))]


def neighbours_average(rows: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The neighbours combined: total events over total population (or cases), per period,
    with its confidence interval; ``role`` is ``neighbours``."""
    mine = rows[rows["area_code"].isin(codes)].dropna(subset=["numerator", "denominator"])
    if mine.empty:
        return mine
    unit = mine["unit"].iloc[0]
    per = 10_000 if unit == "rate_per_10000" else 100
    grouped = mine.groupby(["period", "period_start", "period_end", "period_type"],
                           as_index=False)[["numerator", "denominator"]].sum()
    grouped["value"] = grouped["numerator"] / grouped["denominator"] * per
    if unit == "rate_per_10000":
        lo, hi = stats.byar_rate(grouped["numerator"], grouped["denominator"], per)
    else:
        lo, hi = (np.asarray(v) * 100 for v in stats.wilson(grouped["numerator"],
                                                            grouped["denominator"]))
    grouped["lower_95"], grouped["upper_95"] = lo, hi
    first = mine.iloc[0]
    return grouped.assign(measure=first["measure"], breakdown="Total",
                          breakdown_value="Total", area_code=NEIGHBOURS_CODE,
                          area_name=NEIGHBOURS_NAME, geographic_level="neighbours", unit=unit,
                          status=None, source="Derived from: " + first["source"],
                          source_id=first["source_id"], source_table=first["source_table"],
                          role="neighbours")


def series(slug: str, areas: list[str] | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """The headline rows of one indicator (every area, or ``areas``) and its measure."""
    dataset, measure = INDICATORS[slug]
    return store.select(dataset, measure, areas=areas), store.measure(measure)


def _by_role(rows: pd.DataFrame) -> pd.DataFrame:
    """The authority first, then its neighbours, its region and England."""
    order = rows["role"].map(ROLE_ORDER).fillna(len(ROLE_ORDER))
    return rows.assign(_order=order).sort_values(["_order", "period_start"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)


@chart(Ids.TREND, PAGE, "Trend against neighbours, region and England",
       options={"indicator": OPTIONS["indicator"]}, official=True)
def trend(state: dict) -> ChartResult:
    me = store.profile()
    codes = neighbour_codes()
    rows, info = series(state["indicator"], [*store.compared_codes(), *codes])
    compared = rows[rows["role"].isin(["authority", "region", "england"])]
    shown = _by_role(pd.concat([compared, neighbours_average(rows, codes)],
                               ignore_index=True))
    mine = shown[shown["role"] == "authority"]
    fig = figures.trend(shown, series="area_name")
    figures.add_band(fig, mine, "lower_95", "upper_95", f"{me.name}: 95% confidence interval",
                     theme.ROLE_STYLE["authority"]["color"])
    latest = mine.dropna(subset=["value"]).sort_values("period_start")
    if latest.empty:
        title = f"No published figures for {me.name}"
    else:
        last = latest.iloc[-1]
        verdict = last.get("compared_with_england")
        verdict = verdict if isinstance(verdict, str) else "not compared"
        when = fmt.period_words(last["period"], last["period_type"])
        title = (f"{info['label']}: {me.name} {fmt.value(last['value'], last['unit'])} {when}, "
                 f"{VERDICT_WORDS[verdict]}")
    notes = [SIGNIFICANCE_NOTE]
    if me.neighbours:
        count = NUMBER_WORDS.get(len(me.neighbours), str(len(me.neighbours)))
        notes.append(f"The neighbours' line combines the {count} statistical "
                     "neighbours' children and events into one rate.")
    else:
        notes.append(no_neighbours_note())
    return ChartResult(fig, shown, title,
                       f"{info['label']} ({fmt.unit_label(info['unit'])}), "
                       f"{periods_of(shown)}",
                       store.release_source(INDICATORS[state["indicator"]][0], info["unit"]),
                       notes)


@chart(Ids.RANKED, PAGE, "Every authority ranked",
       options={"indicator": OPTIONS["indicator"], "scope": OPTIONS["scope"]}, official=True)
def ranked(state: dict) -> ChartResult:
    me = store.profile()
    rows, info = series(state["indicator"])
    las = rows[rows["geographic_level"] == "local_authority"].dropna(subset=["value"])
    mine = las[las["role"] == "authority"]
    period_start = mine["period_start"].max() if not mine.empty else las["period_start"].max()
    las = las[las["period_start"] == period_start]
    region = state["scope"] == "region" and me.region is not None
    if region:
        las = las[las["region_code"] == me.region.code]
    england = rows[(rows["role"] == "england") & (rows["period_start"] == period_start)]
    reference = float(england["value"].iloc[0]) if len(england) else None
    here = las[las["role"] == "authority"]
    fig = figures.ranked_bars(las, here["area_code"].iloc[0] if len(here) else me.code,
                              reference)
    where = f"in {region_words(me.region)}" if region else "in England"
    title = f"No figure for {me.name} in {periods_of(las)}"
    if not here.empty:
        row = here.iloc[0]
        position = int((las["value"] > row["value"]).sum()) + 1
        quartile = row.get("quartile")
        q = (f"; quartile {int(quartile)} of 4 nationally (1 = "
             f"{'best' if info['polarity'] != 'neutral' else 'highest'})"
             if pd.notna(quartile) else "")
        title = (f"{row['area_name']} had the {ordinal(position)} highest "
                 f"{info['label'].lower()} of {len(las)} authorities {where} "
                 f"{fmt.period_words(row['period'], row['period_type'])}{q}")
    return ChartResult(fig, las, title,
                       f"{info['label']} ({fmt.unit_label(info['unit'])}), "
                       f"{periods_of(las)}, local authorities {where}",
                       store.release_source(INDICATORS[state["indicator"]][0], info["unit"]),
                       ["The dashed line is England's figure."])


def _category(row: pd.Series, bench: float, polarity: str) -> str:
    """How a grid cell's area compares with England."""
    if row["role"] == "england":
        return "England"
    if row["role"] == "neighbours":
        return str(stats.compare([row["lower_95"]], [row["upper_95"]], [bench],
                                 [polarity])[0])
    verdict = row.get("compared_with_england")
    return verdict if isinstance(verdict, str) else "not compared"


@chart(Ids.GRID, PAGE, "All indicators at a glance", official=True)
def grid(state: dict) -> ChartResult:
    me = store.profile()
    codes = neighbour_codes()
    cells, used, sources = [], [], []
    for slug in INDICATORS:
        rows, info = series(slug, [*store.compared_codes(), *codes])
        mine = rows[rows["role"] == "authority"].dropna(subset=["value"])
        if mine.empty:
            continue
        period = mine.sort_values("period_start").iloc[-1]["period"]
        at = rows[rows["period"] == period]
        england = at[at["role"] == "england"]
        bench = float(england["value"].iloc[0]) if len(england) else np.nan
        label = f"{info['label']} ({period})"
        sources.append(store.release_source(INDICATORS[slug][0], info["unit"]).split(";")[0])
        areas = [at[at["role"] == "authority"], neighbours_average(at, codes),
                 at[at["role"] == "region"], england]
        for frame in areas:
            if frame.empty:
                continue
            row = frame.iloc[0]
            category = _category(row, bench, info["polarity"])
            word = "" if category == "England" else f" · {category}"
            cells.append({"row": label, "column": row["area_name"],
                          "text": f"{fmt.short(row['value'], row['unit'])}{word}",
                          "category": category})
            used.append(frame.iloc[[0]].assign(compared_with_england=category))
    if not cells:
        raise store.DataUnavailable(f"no official figures for {me.name} have been imported")
    cells = pd.DataFrame(cells)
    fig = figures.category_grid(cells, CATEGORY_COLOURS,
                                height=140 + 48 * cells["row"].nunique())
    table = pd.concat(used, ignore_index=True)
    counts = cells[cells["column"] == cells["column"].iloc[0]]["category"].value_counts()
    summary = ", ".join(f"{n} {c}" for c, n in counts.items())
    compared = ["the authority"]
    if me.neighbours:
        compared.append("its statistical neighbours combined")
    if me.region is not None:
        compared.append(region_words(me.region))
    notes = [SIGNIFICANCE_NOTE, COLOUR_NOTE, "Rates are worked out per 10,000 children "
             "aged 0 to 17 from ONS mid-year population estimates for the year before."]
    if not me.neighbours:
        notes.append(no_neighbours_note())
    return ChartResult(fig, table, f"{me.name}'s latest figures against England: {summary}",
                       f"Latest year of each indicator: {', '.join(compared)} and England",
                       "; ".join(dict.fromkeys(sources)), notes)


benchmarking_map.register(PAGE, Ids.MAP, "Map of authorities' rates", OPTIONS, series,
                          INDICATORS)


def summary() -> list[str]:
    """The page's "In brief": the authority's statistical neighbours, nearest first."""
    me = store.profile()
    try:
        store.frame("dfe_neighbours")
    except store.DataUnavailable:
        return ["The official statistics have not been imported: put the DfE releases in "
                "the external folder and rerun the ETL (see the README)."]
    if not me.neighbours:
        return [no_neighbours_note()]
    return ["Statistical neighbours (DfE, closest first): "
            f"{', '.join(area.name for area in me.neighbours)}."]
