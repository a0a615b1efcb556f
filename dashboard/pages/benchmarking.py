"""Benchmarking: Dudley against its statistical neighbours, the region and England,
from the official DfE releases, with confidence intervals and significance."""

from __future__ import annotations

import dash
import numpy as np
import pandas as pd

from dashboard import figures
from dashboard import store as data
from dashboard.charts import ChartResult, chart, periods_of
from dashboard.figures import theme
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.words import format as fmt
from etl import config
from etl.geo import districts as boundaries
from etl.official import statistics as stats

PAGE = "benchmarking"
DATASET = "benchmarking"
dash.register_page(__name__, path="/benchmarking", name="Benchmarking",
                   title="Benchmarking with official statistics", order=8)

REGION, ENGLAND = "E12000005", "E92000001"
NEIGHBOURS = "Statistical neighbours"
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
OPTIONS = {"indicator": tuple(INDICATORS), "scope": ("region", "england")}
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


def _authority() -> str:
    return config.settings().authority


def neighbour_codes() -> list[str]:
    table = data.frame("dfe_neighbours")
    table = table[table["authority_code"] == _authority()].sort_values("neighbour_rank")
    return table["neighbour_code"].dropna().tolist()


def neighbours_average(rows: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The neighbours combined: total events over total population (or cases), per period,
    with its confidence interval."""
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
                          breakdown_value="Total", area_code="NEIGHBOURS",
                          area_name=NEIGHBOURS, geographic_level="neighbours", unit=unit,
                          status=None, source="Derived from: " + first["source"],
                          source_id=first["source_id"], source_table=first["source_table"])


def _series(slug: str) -> tuple[pd.DataFrame, pd.Series]:
    dataset, measure = INDICATORS[slug]
    rows = data.dataset(dataset)
    rows = rows[(rows["measure"] == measure) & (rows["breakdown_value"] == "Total")]
    return rows, data.measure(measure)


@chart("benchmarking-trend", PAGE, "Trend against neighbours, region and England",
       options={"indicator": OPTIONS["indicator"]})
def bm_trend(state: dict) -> ChartResult:
    rows, info = _series(state["indicator"])
    me = _authority()
    shown = rows[rows["area_code"].isin([me, REGION, ENGLAND])]
    shown = pd.concat([shown, neighbours_average(rows, neighbour_codes())], ignore_index=True)
    name = shown.loc[shown["area_code"] == me, "area_name"]
    local = name.iloc[0] if len(name) else me
    order = [local, NEIGHBOURS, "West Midlands", "England"]
    shown["order"] = shown["area_name"].map({n: i for i, n in enumerate(order)})
    shown = shown.sort_values(["order", "period_start"])
    fig = figures.trend(shown, series="area_name")
    figures.add_band(fig, shown[shown["area_code"] == me], "lower_95", "upper_95",
                     f"{local}: 95% confidence interval", theme.SERIES[0])
    latest = shown[shown["area_code"] == me].dropna(subset=["value"]).sort_values(
        "period_start")
    if latest.empty:
        title = f"No published figures for {local}"
    else:
        last = latest.iloc[-1]
        verdict = last.get("compared_with_england")
        verdict = verdict if isinstance(verdict, str) else "not compared"
        when = fmt.period_words(last["period"], last["period_type"])
        title = (f"{info['label']}: {local} {fmt.value(last['value'], last['unit'])} {when}, "
                 f"{VERDICT_WORDS[verdict]}")
    return ChartResult(fig, shown.drop(columns=["order"]), title,
                       f"{info['label']} ({fmt.unit_label(info['unit'])}), "
                       f"{periods_of(shown)}",
                       data.release_source(INDICATORS[state["indicator"]][0], info["unit"]),
                       [SIGNIFICANCE_NOTE, "The neighbours' line combines the ten statistical "
                        "neighbours' children and events into one rate."])


@chart("benchmarking-ranked", PAGE, "Every authority ranked",
       options={"indicator": OPTIONS["indicator"], "scope": OPTIONS["scope"]})
def bm_ranked(state: dict) -> ChartResult:
    rows, info = _series(state["indicator"])
    me = _authority()
    las = rows[rows["geographic_level"] == "local_authority"].dropna(subset=["value"])
    mine = las[las["area_code"] == me]
    period_start = mine["period_start"].max() if not mine.empty else las["period_start"].max()
    las = las[las["period_start"] == period_start]
    if state["scope"] == "region":
        las = las[las["region_code"] == REGION]
    england = rows[(rows["area_code"] == ENGLAND) & (rows["period_start"] == period_start)]
    reference = float(england["value"].iloc[0]) if len(england) else None
    fig = figures.ranked_bars(las, me, reference)
    where = "in the West Midlands" if state["scope"] == "region" else "in England"
    title = f"No figure for the authority in {periods_of(las)}"
    if not mine.empty and (las["area_code"] == me).any():
        row = las[las["area_code"] == me].iloc[0]
        position = int((las["value"] > row["value"]).sum()) + 1
        quartile = row.get("quartile")
        q = (f"; quartile {int(quartile)} of 4 nationally (1 = "
             f"{'best' if info['polarity'] != 'neutral' else 'highest'})"
             if pd.notna(quartile) else "")
        title = (f"{row['area_name']} had the {_ordinal(position)} highest "
                 f"{info['label'].lower()} of {len(las)} authorities {where} "
                 f"{fmt.period_words(row['period'], row['period_type'])}{q}")
    return ChartResult(fig, las, title,
                       f"{info['label']} ({fmt.unit_label(info['unit'])}), "
                       f"{periods_of(las)}, local authorities {where}",
                       data.release_source(INDICATORS[state["indicator"]][0], info["unit"]),
                       ["The dashed line is England's figure."])


def _ordinal(n: int) -> str:
    if n == 1:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@chart("benchmarking-grid", PAGE, "All indicators at a glance")
def bm_grid(state: dict) -> ChartResult:
    me = _authority()
    codes = neighbour_codes()
    cells, used, sources = [], [], []
    for slug in INDICATORS:
        rows, info = _series(slug)
        mine = rows[rows["area_code"] == me].dropna(subset=["value"])
        if mine.empty:
            continue
        period = mine.sort_values("period_start").iloc[-1]["period"]
        at = rows[rows["period"] == period]
        england = at[at["area_code"] == ENGLAND]
        bench = float(england["value"].iloc[0]) if len(england) else np.nan
        label = f"{info['label']} ({period})"
        sources.append(data.release_source(INDICATORS[slug][0], info["unit"]).split(";")[0])
        neighbours = neighbours_average(at, codes)
        for column, row_frame, code in (
                (mine.iloc[0]["area_name"], at[at["area_code"] == me], me),
                (NEIGHBOURS, neighbours, None), ("West Midlands", at[at["area_code"] == REGION],
                                                 REGION),
                ("England", england, ENGLAND)):
            if row_frame.empty:
                continue
            row = row_frame.iloc[0]
            if code == ENGLAND:
                category = "England"
            elif code is None:
                category = str(stats.compare([row["lower_95"]], [row["upper_95"]], [bench],
                                             [info["polarity"]])[0])
            else:
                category = row.get("compared_with_england")
                category = category if isinstance(category, str) else "not compared"
            word = "" if category == "England" else f" · {category}"
            cells.append({"row": label, "column": column,
                          "text": f"{fmt.short(row['value'], row['unit'])}{word}",
                          "category": category})
            used.append(row_frame.iloc[[0]].assign(compared_with_england=category))
    grid = pd.DataFrame(cells)
    fig = figures.category_grid(grid, CATEGORY_COLOURS, height=140 + 48 * grid["row"].nunique())
    table = pd.concat(used, ignore_index=True)
    counts = grid[grid["column"] == grid["column"].iloc[0]]["category"].value_counts()
    summary = ", ".join(f"{n} {c}" for c, n in counts.items())
    local = grid["column"].iloc[0]
    return ChartResult(fig, table, f"{local}'s latest figures against England: {summary}",
                       "Latest year of each indicator: the authority, its statistical "
                       "neighbours combined, the West Midlands and England",
                       "; ".join(dict.fromkeys(sources)),
                       [SIGNIFICANCE_NOTE, COLOUR_NOTE, "Rates are worked out per 10,000 "
                        "children aged 0 to 17 from ONS mid-year population estimates for "
                        "the year before."])


KEY_TITLES = {"rate_per_10000": "Per 10,000 children", "percent": "Percentage"}
MAP_TOLERANCE_M = {"region": 100, "england": 400}  # simplify more for all England
BOUNDARY_SOURCE = ("boundaries: ONS local authority districts (December 2013, generalised); "
                   "contains OS data © Crown copyright and database right")


def _names(codes: list[str], names: dict[str, str]) -> str:
    """Authorities' names as a list in words (semicolons when a name has a comma)."""
    listed = sorted(str(names.get(c, c)) for c in codes)
    if len(listed) < 2:
        return "".join(listed)
    comma = any("," in name for name in listed)
    return ("; " if comma else ", ").join(listed[:-1]) + f"{';' if comma else ''} and " \
        + listed[-1]


def map_shapes(las: pd.DataFrame, scope: str) -> tuple[pd.DataFrame, boundaries.Match]:
    """The rings to draw for each authority in ``las``, each tagged with its ``area_code``."""
    geo = data.frame("geo_lad")
    try:
        lookup = data.frame("dfe_ltla_utla")
    except data.DataUnavailable:
        lookup = None
    match = boundaries.match_districts(las, geo, lookup)
    shapes = geo.merge(match.districts, on="lad_code", how="inner")
    return boundaries.at_tolerance(shapes, MAP_TOLERANCE_M[scope]), match


@chart("benchmarking-map", PAGE, "Map of authorities' rates",
       options={"indicator": OPTIONS["indicator"], "scope": OPTIONS["scope"]})
def bm_map(state: dict) -> ChartResult:
    rows, info = _series(state["indicator"])
    me = _authority()
    las = rows[rows["geographic_level"] == "local_authority"]
    mine = las[(las["area_code"] == me)].dropna(subset=["value"])
    period_start = (mine if not mine.empty else las.dropna(subset=["value"]))[
        "period_start"].max()
    las = las[las["period_start"] == period_start]
    las = las[las["status"].ne("z").fillna(True)]  # "not applicable": gone by that year
    region = state["scope"] == "region"
    if region:
        las = las[las["region_code"] == REGION]
    las = las.sort_values("area_name").reset_index(drop=True)
    shapes, match = map_shapes(las, state["scope"])
    names = dict(zip(las["area_code"], las["area_name"], strict=True))
    unmatched = list(match.unmatched)
    on_map = f"Not drawn (no boundary for their code): {_names(unmatched, names)}." \
        if unmatched else None
    where = "West Midlands authorities" if region else "authorities in England"
    unit = info["unit"]
    fig = figures.polygon_map(shapes, las, highlight=me, unit=unit, labels=region,
                              legend_title=KEY_TITLES.get(unit, fmt.unit_label(unit)),
                              note=on_map, height=640 if region else 760,
                              decimals=4 if region else 3)
    edges = figures.class_breaks(las["value"])
    n = len(edges) - 1
    row = las[las["area_code"] == me]
    if row.empty or pd.isna(row["value"].iloc[0]):
        title = f"No figure for the authority in {periods_of(las)}: it is shaded as no data"
    else:
        row = row.iloc[0]
        band = figures.class_of(row["value"], edges)
        words = (f"the highest of {n} bands" if band == n - 1 else
                 f"the lowest of {n} bands" if band == 0 else
                 f"band {band + 1} of {n} (1 = lowest)")
        valued = las.dropna(subset=["value"])
        position = int((valued["value"] > row["value"]).sum()) + 1
        rank = f"{_ordinal(position)} highest" if position > 1 else "highest"
        title = (f"{info['label']} {fmt.period_words(row['period'], row['period_type'])}: "
                 f"{row['area_name']} ({fmt.short(row['value'], unit)}) is in {words} "
                 f"and ranks {rank} of {len(valued)} {where}")
    by_how = match.districts.drop_duplicates("area_code").groupby("how")["area_code"].apply(
        list).to_dict()
    blank = las.loc[las["value"].isna(), "area_code"].tolist()
    notes = [f"Shades are quantile bands of the {len(las) - len(blank)} {where} with a "
             "figure" + (f"; grey hatching: no figure published for {_names(blank, names)}"
                         if 0 < len(blank) <= 8 else f"; grey hatching: no figure published "
                         f"for {len(blank)} authorities" if blank else "") + "."]
    counties = by_how.get("county: its districts", [])
    rebuilt = [c for how in ("2013 districts it replaced", "districts named", "same name")
               for c in by_how.get(how, [])]
    drawn = []
    if counties:
        drawn.append(f"counties ({_names(counties, names)}) as the union of their districts"
                     if region else f"the {len(counties)} counties as the union of their "
                     "districts")
    if rebuilt:
        drawn.append(f"{_names(rebuilt, names)} from the 2013 districts they replaced")
    if drawn:
        notes.append("Drawn " + "; ".join(drawn) + ".")
    notes.append(on_map or f"All {len(las)} {where} are drawn.")
    measure = info["label"] if fmt.unit_label(unit) in info["label"] else \
        f"{info['label']} ({fmt.unit_label(unit)})"
    return ChartResult(fig, las, title, f"{measure}, {periods_of(las)}, {where}",
                       data.release_source(INDICATORS[state["indicator"]][0], unit)
                       + "; " + BOUNDARY_SOURCE, notes)


def _summary() -> list[str]:
    try:
        names = data.frame("dfe_neighbours")
        names = names[names["authority_code"] == _authority()].sort_values("neighbour_rank")
        return [f"Statistical neighbours (DfE, closest first): "
                f"{', '.join(names['neighbour_name'])}."]
    except data.DataUnavailable:
        return ["The official statistics have not been imported: put the DfE releases in "
                "the external folder and rerun the ETL (see the README)."]


def layout(**query) -> dash.html.Div:
    state = state_from_query(query, OPTIONS)
    controls = [
        radio("benchmarking-indicator", "Indicator", [
            ("cin", "Children in need"), ("referrals", "Referrals"),
            ("re-referrals", "Re-referrals (%)"), ("s47", "Section 47 enquiries"),
            ("icpc", "Initial conferences"), ("icpc-15-days", "Conferences in 15 days (%)"),
            ("cp-plans", "Children on plans"), ("cp-started", "Plans started"),
            ("cp-repeat", "Repeat plans (%)"), ("cp-2-years", "Plans 2 years or more (%)"),
            ("cla", "Children looked after"), ("cla-started", "Started to be looked after"),
        ], state["indicator"]),
        radio("benchmarking-scope", "Rank among", [("region", "West Midlands authorities"),
                                         ("england", "All authorities in England")],
              state["scope"]),
    ]
    return page_layout(PAGE, "Benchmarking with official statistics",
                       "How Dudley compares with its statistical neighbours, the West "
                       "Midlands and England, year by year, from the Department for "
                       "Education's published statistics.", state, controls, _summary())


interactive(PAGE, {"indicator": "benchmarking-indicator", "scope": "benchmarking-scope"})
