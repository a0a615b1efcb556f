"""Benchmarking: the authority against its statistical neighbours, its region and England,
from the Department for Education's official releases, with confidence intervals and
significance. Every chart here is drawn from the official statistics alone, so it is shown
for any authority."""

from __future__ import annotations

from enum import StrEnum

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, store
from dashboard.charts import benchmarking_map
from dashboard.charts.benchmarking_map import ordinal, region_words
from dashboard.charts.comparison import (
    CATEGORY_COLOURS,
    COLOUR_NOTE,
    SIGNIFICANCE_NOTE,
    VERDICT_WORDS,
    by_role,
    latest_cells,
    neighbour_codes,
    neighbours_average,
    neighbours_note,
    no_neighbours_note,
)
from dashboard.charts.indicators import benchmarked
from dashboard.charts.registry import ChartResult, chart, periods_of
from dashboard.figures import theme
from dashboard.ids import Page
from dashboard.words import format as fmt
from etl.profile import UnknownAuthority

PAGE = Page.BENCHMARKING
DATASET = "benchmarking"  # no annual-report tables: the page is official statistics only


class Ids(StrEnum):
    TREND = "benchmarking-trend"
    RANKED = "benchmarking-ranked"
    GRID = "benchmarking-grid"
    MAP = "benchmarking-map"
    INDICATOR = "benchmarking-indicator"
    SCOPE = "benchmarking-scope"


# indicator slug → (dataset, measure): the indicators marked for benchmarking in
# indicators.toml
INDICATORS = {slug: (i.dataset, i.measure) for slug, i in benchmarked().items()}


def scopes() -> tuple[str, ...]:
    """The areas the ranked chart and the map can cover: the region only when it is known."""
    try:
        return ("region", "england") if store.profile().region is not None else ("england",)
    except (store.DataUnavailable, UnknownAuthority):
        return ("england",)


OPTIONS = {"indicator": tuple(INDICATORS), "scope": scopes}
def series(slug: str, areas: list[str] | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """The headline rows of one indicator (every area, or ``areas``) and its measure."""
    dataset, measure = INDICATORS[slug]
    return store.select(dataset, measure, areas=areas), store.measure(measure)


def trend_rows(rows: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The authority, its neighbours pooled, its region and England, in that order, from
    one measure's rows (``codes``: the neighbours')."""
    compared = rows[rows["role"].isin(["authority", "region", "england"])]
    return by_role(pd.concat([compared, neighbours_average(rows, codes)], ignore_index=True))


def trend_figure(shown: pd.DataFrame, name: str) -> go.Figure:
    """The lines of ``trend_rows``, with the authority's 95% interval where it has one."""
    fig = figures.trend(shown, series="area_name")
    mine = shown[shown["role"] == "authority"]
    if {"lower_95", "upper_95"} <= set(shown.columns):
        figures.add_band(fig, mine, "lower_95", "upper_95", f"{name}: 95% confidence interval",
                         theme.ROLE_STYLE["authority"]["color"])
    return fig


@chart(Ids.TREND, PAGE, "Trend against neighbours, region and England",
       options={"indicator": OPTIONS["indicator"]}, official=True)
def trend(state: dict) -> ChartResult:
    me = store.profile()
    codes = neighbour_codes()
    rows, info = series(state["indicator"], [*store.compared_codes(), *codes])
    shown = trend_rows(rows, codes)
    mine = shown[shown["role"] == "authority"]
    fig = trend_figure(shown, me.name)
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
    notes = [SIGNIFICANCE_NOTE, neighbours_note()]
    return ChartResult(fig, shown, title,
                       f"{info['label']} ({fmt.unit_label(info['unit'])}), "
                       f"{periods_of(shown)}",
                       store.release_source(INDICATORS[state["indicator"]][0], info["unit"]),
                       notes)


@chart(Ids.RANKED, PAGE, "Every authority ranked",
       options={"indicator": OPTIONS["indicator"], "scope": OPTIONS["scope"]}, official=True)
def ranked(state: dict) -> ChartResult:
    rows, info = series(state["indicator"])
    return ranked_result(rows, info, state["scope"],
                         store.release_source(INDICATORS[state["indicator"]][0], info["unit"]))


def ranked_result(rows: pd.DataFrame, info: pd.Series, scope: str, source: str
                  ) -> ChartResult:
    """Every authority's latest figure of one measure (``rows``: every area, with
    ``role``), in order, within the region (``scope`` ``region``) or England."""
    me = store.profile()
    las = rows[rows["geographic_level"] == "local_authority"].dropna(subset=["value"])
    mine = las[las["role"] == "authority"]
    period_start = mine["period_start"].max() if not mine.empty else las["period_start"].max()
    las = las[las["period_start"] == period_start]
    region = scope == "region" and me.region is not None
    if region:
        las = las[las["region_code"] == me.region.code]
    england = rows[(rows["role"] == "england") & (rows["period_start"] == period_start)]
    england = england.dropna(subset=["value"])
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
                       f"{periods_of(las)}, local authorities {where}", source,
                       ["The dashed line is England's figure."])


@chart(Ids.GRID, PAGE, "All indicators at a glance", official=True)
def grid(state: dict) -> ChartResult:
    me = store.profile()
    codes = neighbour_codes()
    cells, used, sources = [], [], []
    for dataset, measure in INDICATORS.values():
        more, rows = latest_cells(dataset, measure, codes)
        if more:
            cells += more
            used += rows
            sources.append(store.release_source(dataset, "count").split(";")[0])
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
