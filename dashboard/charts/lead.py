"""The official series every theme page leads with, for whichever authority is configured.

Each theme page with indicators in ``indicators.toml`` gets two charts before its annual
reports' tables: ``<page>-latest``, the latest figure of each indicator for the authority,
its statistical neighbours pooled, its region and England, with the comparison with England
and the authority's rank; and ``<page>-official``, one indicator's trend over every
published year with the authority's 95% interval, continued by the annual reports' own
figures where they are the same measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import figures, store
from dashboard.charts import comparison
from dashboard.charts.indicators import Indicator, for_page
from dashboard.charts.registry import ChartResult, chart, periods_of, source_of
from dashboard.figures import theme
from dashboard.ids import Page
from dashboard.store.series import year_ending_march
from dashboard.words import format as fmt

REPORT_NOTE = ("Dotted lines with crosses are the annual reports' own figures; solid lines "
               "are the Department for Education's official statistics, worked out the same "
               "way for every authority. Where both give a year, both are shown.")
COUNT_NOTE = ("Numbers are not compared with other areas, whose sizes differ: the rates and "
              "percentages are.")


def latest_id(page: str) -> str:
    return f"{page}-latest"


def trend_id(page: str) -> str:
    return f"{page}-official"


def indicator_id(page: str) -> str:
    """The id of the page's choice of official indicator."""
    return f"{page}-indicator"


def _imported(indicator: Indicator) -> bool:
    try:
        return not store.select(indicator.dataset, indicator.measure).empty
    except store.DataUnavailable:
        return False


def available(page: str) -> tuple[str, ...]:
    """The slugs of ``page``'s indicators that have been imported (the first if none)."""
    slugs = [s for s, i in for_page(page).items() if _imported(i)]
    return tuple(slugs) or tuple(for_page(page))[:1]


def with_report(indicator: Indicator, rows: pd.DataFrame) -> pd.DataFrame:
    """The official rows (``variant`` official) and the annual reports' rows of the same
    measure for the authority, its region and England (``variant`` report), one line each."""
    rows = year_ending_march(rows).assign(series=lambda f: f["area_name"], variant="official")
    if indicator.report is None:
        return rows
    try:
        ours = store.select(*indicator.report, areas=store.compared_codes())
    except store.DataUnavailable:
        return rows
    if ours.empty:
        return rows
    ours = year_ending_march(ours).assign(
        series=lambda f: f["area_name"] + " (annual report)", variant="report")
    both = pd.concat([rows, ours[[c for c in ours.columns if c in rows.columns]]],
                     ignore_index=True)
    order = both["role"].map(comparison.ROLE_ORDER).fillna(9) + \
        (both["variant"] == "report") * 0.5
    return both.assign(_order=order).sort_values(["_order", "period_start"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)


def _change_words(rows: pd.DataFrame, last: pd.Series) -> str | None:
    """``up 12 on 2022-23``: the change on the year before, when there is one."""
    mine = rows[(rows["role"] == "authority") & (rows["period_start"] < last["period_start"])]
    if "variant" in mine:
        mine = mine[mine["variant"] == "official"]
    mine = mine.dropna(subset=["value"]).sort_values("period_start")
    if mine.empty:
        return None
    before = mine.iloc[-1]
    diff = float(last["value"]) - float(before["value"])
    if np.isclose(diff, 0):
        return f"the same as {before['period']}"
    size = fmt.points(diff) if last["unit"] == "percent" else fmt.value(abs(diff), last["unit"])
    return f"{'up' if diff > 0 else 'down'} {size} on {before['period']}"


def _trend(page: str, state: dict) -> ChartResult:
    indicator = for_page(page)[state["indicator"]]
    me = store.profile()
    info = store.measure(indicator.measure)
    comparable = info["unit"] in comparison.COMPARABLE_UNITS
    official = comparison.compared(indicator.dataset, indicator.measure)
    if not comparable:
        official = official[official["role"] == "authority"]
    rows = with_report(indicator, official)
    fig = figures.trend(rows, series="series")
    mine = rows[(rows["role"] == "authority") & (rows["variant"] == "official")]
    if comparable:
        figures.add_band(fig, mine, "lower_95", "upper_95",
                         f"{me.name}: 95% confidence interval",
                         theme.ROLE_STYLE["authority"]["color"])
    has_report = bool((rows["variant"] == "report").any())
    notes = [REPORT_NOTE] if has_report else []
    if comparable:
        notes += [comparison.SIGNIFICANCE_NOTE, comparison.neighbours_note()]
    else:
        notes.append(COUNT_NOTE)
    last = comparison.latest(rows)
    subtitle = f"{info['label']} ({fmt.unit_label(info['unit'])}), {periods_of(rows)}"
    if last is None:
        title = f"{info['label']}: no published figures for {me.name}"
    else:
        when = fmt.period_words(last["period"], last["period_type"])
        words = [f"{info['label']}: {me.name} {fmt.value(last['value'], last['unit'])} {when}"]
        words.append(comparison.verdict(last) if comparable else _change_words(rows, last))
        title = ", ".join(w for w in words if w)
        ranked = comparison.rank_words(last, info["polarity"])
        if ranked:
            subtitle += f"; {me.name} {ranked} in {last['period']}"
    sources = [store.release_source(indicator.dataset, info["unit"])]
    if has_report:
        sources.insert(0, source_of(rows[rows["variant"] == "report"]))
    return ChartResult(fig, rows.drop(columns=["series", "variant"]), title, subtitle,
                       "; ".join(sources), [n for n in notes if n])


def _latest_chart(page: str, state: dict) -> ChartResult:
    me = store.profile()
    codes = comparison.neighbour_codes()
    cells, used, sources = [], [], []
    for slug in available(page):
        indicator = for_page(page)[slug]
        try:
            more, rows = comparison.latest_cells(indicator.dataset, indicator.measure,
                                                     codes, rank=True)
        except store.DataUnavailable:
            continue
        if more:
            cells += more
            used += rows
            sources.append(store.release_source(indicator.dataset, "count").split(";")[0])
    if not cells:
        raise store.DataUnavailable(f"no official figures for {me.name} have been imported")
    cells = pd.DataFrame(cells)
    columns = [c for c in dict.fromkeys(cells["column"]) if c != comparison.RANK_COLUMN]
    columns.append(comparison.RANK_COLUMN)
    cells["_col"] = cells["column"].map({c: i for i, c in enumerate(columns)})
    cells = cells.sort_values("_col", kind="stable").drop(columns="_col")
    fig = figures.category_grid(cells, comparison.CATEGORY_COLOURS,
                                height=140 + 48 * cells["row"].nunique())
    table = pd.concat(used, ignore_index=True)
    notes = [comparison.SIGNIFICANCE_NOTE, comparison.COLOUR_NOTE,
             "Rank 1 is the best where higher or lower is better, and the highest otherwise; "
             "Q1 to Q4 are quarters of all authorities, Q1 holding ranks 1 onwards.",
             comparison.neighbours_note()]
    if (cells["category"] == "not compared").sum() > cells["row"].nunique():
        notes.append(COUNT_NOTE)
    newest = table["period_end"].max()
    return ChartResult(fig, table,
                       f"{me.name}'s latest official figures, to {fmt.date_words(newest)}",
                       f"Latest year of each indicator: {me.name}, its statistical "
                       "neighbours combined, its region and England",
                       "; ".join(dict.fromkeys(sources)), [n for n in notes if n])


def register(page: str) -> None:
    """Add ``page``'s latest-figures grid and official trend to the registry (before the
    page's own charts, so they lead it)."""
    if not for_page(page):
        return
    title = Page(page).title

    @chart(latest_id(page), page, f"{title}: the latest official figures", official=True)
    def latest(state: dict) -> ChartResult:
        return _latest_chart(page, state)

    @chart(trend_id(page), page, f"{title}: official figures over time",
           options={"indicator": lambda: available(page)}, official=True)
    def trend(state: dict) -> ChartResult:
        return _trend(page, state)
