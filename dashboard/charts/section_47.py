"""Section 47 enquiries and initial child protection conferences: from a strategy
discussion to a child protection plan."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, store
from dashboard.charts import lead
from dashboard.charts.registry import ChartResult, chart, periods_of, reports, source_of
from dashboard.figures import theme
from dashboard.ids import Page
from dashboard.store.areas import COMPARATOR_KEYS
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = Page.SECTION_47
DATASET = "s47"  # the annual reports' tables on this theme
reports(PAGE, DATASET)
lead.register(PAGE)  # the official series lead the page


class Ids(StrEnum):
    LATEST = "section-47-latest"  # the official series (dashboard.charts.lead)
    OFFICIAL = "section-47-official"
    INDICATOR = "section-47-indicator"
    FUNNEL = "section-47-funnel"
    COUNTS = "section-47-counts"
    CONVERSION = "section-47-conversion"
    TIMELINESS = "section-47-timeliness"
    YEAR = "section-47-year"
    COMPARATOR = "section-47-comparator"


STAGES = {
    "strategy_discussions": "Discussed at a strategy discussion",
    "s47_required": "Needing a Section 47 enquiry",
    "s47_enquiries": "Section 47 enquiry held",
    "icpc_required": "Needing an initial conference",
    "icpcs": "Discussed at an initial conference",
    "icpc_to_plan": "Made subject to a plan",
}
RATES = {
    "s47_required_pct": "Strategy discussions leading to an enquiry",
    "icpc_required_pct": "Enquiries leading to a conference",
    "icpc_to_plan_pct": "Conferences leading to a plan",
}
COUNTS = {
    "strategy_discussions": "Strategy discussions",
    "s47_enquiries": "Section 47 enquiries",
    "icpcs": "Initial conferences",
    "icpc_to_plan": "Made subject to a plan",
}
BANDS = ["0-10", "11-15", "16-20", "21+"]
YEAR, AVERAGE, AVERAGE_TYPE = "financial_year", "average", "financial_year_average"
LATEST = "latest"  # the only year choice when the reports give no year
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten"}
ROLE_ORDER = {"authority": 0, "region": 1, "england": 2, "neighbours": 3}


def _stage_rows() -> pd.DataFrame:
    """The authority's rows for the steps, every year and average the reports give."""
    rows = store.select(DATASET, list(STAGES), areas=[store.profile().code], periods="all")
    return rows.dropna(subset=["value"])


def average_name(rows: pd.DataFrame) -> str:
    """``five-year average``: the span of the newest average column among ``rows``, in
    years (``average`` when the rows have none)."""
    averages = rows[rows["period_type"] == AVERAGE_TYPE]
    if averages.empty:
        return AVERAGE
    newest = averages[averages["period_end"] == averages["period_end"].max()]
    start, end = pd.Timestamp(newest["period_start"].min()), pd.Timestamp(newest["period_end"]
                                                                          .max())
    years = round((end - start).days / 365.25)
    if years < 2:
        return AVERAGE
    return f"{NUMBER_WORDS.get(years, str(years))}-year average"


@lru_cache(maxsize=16)
def _year_buttons(code: str, version: tuple) -> tuple[tuple[str, str], ...]:
    """(value, label) of each year choice for the authority ``code``, worked out once per
    data build (``version``)."""
    rows = _stage_rows()
    years = rows[rows["period_type"] == YEAR].sort_values("period_start", ascending=False)
    buttons = [(year, year) for year in years["period"].drop_duplicates()]
    if (rows["period_type"] == AVERAGE_TYPE).any():
        buttons.append((AVERAGE, average_name(rows).capitalize()))
    return tuple(buttons) or ((LATEST, "Latest year"),)


def year_choices() -> list[tuple[str, str]]:
    """The year buttons of the steps chart, value and label: the financial years the
    partnership's reports give for the steps, newest first, then ``average`` (labelled
    with its span, ``Five-year average``) when they give an average over the years;
    ``latest`` alone when they give none."""
    try:
        return list(_year_buttons(store.profile().code, store.version()))
    except store.DataUnavailable:
        return [(LATEST, "Latest year")]


def report_years() -> tuple[str, ...]:
    """The year choices of the steps chart (see ``year_choices``), the newest first."""
    return tuple(value for value, _ in year_choices())


def options() -> dict[str, tuple[str, ...]]:
    """The page's choices as the data stands now, the first of each the default."""
    return {"year": report_years(), "comparator": COMPARATOR_KEYS}


def _year_rows(measures: list[str], year: str) -> pd.DataFrame:
    """The authority's rows for one financial year (the newest for ``latest``), or for the
    newest average column; one row per measure."""
    rows = store.select(DATASET, measures, areas=[store.profile().code], periods="all")
    if year == AVERAGE:
        rows = rows[rows["period_type"] == AVERAGE_TYPE]
        rows = rows[rows["period_end"] == rows["period_end"].max()]
    else:
        rows = rows[rows["period_type"] == YEAR]
        if year == LATEST:
            year = rows.sort_values("period_start")["period"].iloc[-1] if len(rows) else ""
        rows = rows[rows["period"] == year]
    return rows.drop_duplicates("measure", keep="last")


def _year_words(year: str, rows: pd.DataFrame) -> str:
    """``In 2011-12`` or ``On average each year from 2007-08 to 2011-12``."""
    if year != AVERAGE:
        return f"In {rows['period'].iloc[0]}" if not rows.empty else f"In {year}"
    if rows.empty:
        return "On average each year"
    return f"On average each year from {rows['period'].iloc[0].removesuffix(' average')}"


def _no_figures(text: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=theme.TEMPLATE, height=200, xaxis={"visible": False},
                      yaxis={"visible": False})
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font={"size": 16, "color": theme.MUTED})
    return fig


def _in_legend_order(rows: pd.DataFrame, labels: dict[str, str]) -> tuple[pd.DataFrame,
                                                                           pd.DataFrame]:
    """The rows to draw (one series per measure, ``role`` blank: they are not areas) and
    the same rows for the table, both in the legend's order."""
    shown = rows.assign(series=rows["measure"].map(labels), role="")
    shown["series"] = pd.Categorical(shown["series"], list(labels.values()), ordered=True)
    shown = shown.sort_values(["series", "period_start"])
    return shown, rows.loc[shown.index].reset_index(drop=True)


@chart(Ids.FUNNEL, PAGE, "From strategy discussion to plan", options={"year": report_years})
def funnel(state: dict) -> ChartResult:
    me = store.profile()
    year = state["year"]
    rows = _year_rows(list(STAGES), year).dropna(subset=["value"])
    rows = rows.set_index("measure", drop=False).reindex(
        [m for m in STAGES if m in set(rows["measure"])]).reset_index(drop=True)
    when = _year_words(year, rows)
    if rows.empty:
        text = (f"No published figures for the {average_name(_stage_rows())}"
                if year == AVERAGE else "No published figures for the latest year"
                if year == LATEST else f"No published figures for {year}")
        return ChartResult(_no_figures(text), rows, text,
                           f"Number of children at each stage, {me.name}",
                           "No published figures", ["Choose another year."])
    values = dict(zip(rows["measure"], rows["value"], strict=True))
    stages = [(STAGES[m], v) for m, v in values.items()]
    first, last = rows.iloc[0], rows.iloc[-1]
    title = (f"{when}, {fmt.number(first['value'])} children were discussed at a strategy "
             f"discussion and {fmt.number(last['value'])} were made subject to a child "
             "protection plan")
    if first["measure"] != "strategy_discussions" or last["measure"] != "icpc_to_plan":
        title = (f"{when}: {STAGES[first['measure']].lower()}, {fmt.number(first['value'])}; "
                 f"{STAGES[last['measure']].lower()}, {fmt.number(last['value'])}")
    notes = ["Each bar shows the number of children and its share of the bar above. Children "
             "are counted in the year each step happened, so a child can be counted in "
             "different years at different steps."]
    needed, held = values.get("icpc_required"), values.get("icpcs")
    if needed and held and held > needed:
        notes.append(f"More children were discussed at an initial conference "
                     f"({fmt.number(held)}) than were recorded as needing one "
                     f"({fmt.number(needed)}); the report does not say why.")
    missing = [STAGES[m] for m in STAGES if m not in values]
    if missing:
        notes.append("Not published for this year: " + "; ".join(missing).lower() + ".")
    return ChartResult(
        figure=figures.funnel(stages),
        data=rows,
        title=title,
        subtitle=f"Number of children at each stage, {me.name}, {rows['period'].iloc[0]}",
        source=source_of(rows),
        notes=notes,
    )


@chart(Ids.COUNTS, PAGE, "Children at each stage over time")
def counts(state: dict) -> ChartResult:
    me = store.profile()
    shown, rows = _in_legend_order(store.select(DATASET, list(COUNTS), areas=[me.code]),
                                   COUNTS)
    discussions = rows[rows["measure"] == "strategy_discussions"]
    notes = []
    stated = store.select(DATASET, "strategy_discussions_change_pct", areas=[me.code],
                          periods="all").dropna(subset=["value"])
    for _, r in stated.iterrows():
        notes.append(f"The report states strategy discussions changed by "
                     f"{fmt.value(r['value'], r['unit'])} from {r['period']}.")
    meetings = store.select(DATASET, ["icpc_meetings", "transfer_in_conferences"],
                            areas=[me.code]).dropna(subset=["value"])
    held = meetings[meetings["measure"] == "icpc_meetings"]
    transfer = meetings[meetings["measure"] == "transfer_in_conferences"]
    if not held.empty:
        h = held.iloc[-1]
        children = rows[(rows["measure"] == "icpcs") & (rows["period"] == h["period"])]
        text = f"In {h['period']}, {fmt.number(h['value'])} initial conference meetings were held"
        if not children.empty:
            text += f" for {fmt.number(children['value'].iloc[0])} children"
        if not transfer.empty and transfer["period"].iloc[-1] == h["period"]:
            text += (f", and {fmt.number(transfer['value'].iloc[-1])} conferences for children "
                     f"who moved to {me.name} on a plan")
        notes.append(text + ".")
    return ChartResult(
        figure=figures.trend(shown, series="series", height=420),
        data=rows,
        title=summaries.trend(discussions, "Children at strategy discussions"),
        subtitle=f"Number of children in the year, {me.name}, {periods_of(rows)}",
        source=source_of(rows),
        notes=notes,
    )


@chart(Ids.CONVERSION, PAGE, "How often each step led to the next")
def conversion(state: dict) -> ChartResult:
    me = store.profile()
    shown, rows = _in_legend_order(store.select(DATASET, list(RATES), areas=[me.code]), RATES)
    conference = rows[rows["measure"] == "icpc_required_pct"]
    averages = _year_rows(list(RATES), AVERAGE).dropna(subset=["value"])
    notes = []
    if not averages.empty:
        parts = [f"{RATES[r['measure']].lower()} {fmt.value(r['value'], r['unit'])}"
                 for _, r in averages.set_index("measure", drop=False)
                 .reindex([m for m in RATES if m in set(averages["measure"])]).iterrows()]
        span = averages["period"].iloc[0].removesuffix(" average")
        notes.append(f"{average_name(averages).capitalize()}s, {span}: "
                     + "; ".join(parts) + ".")
    return ChartResult(
        figure=figures.trend(shown, series="series", height=420),
        data=rows,
        title=summaries.trend(conference, RATES["icpc_required_pct"]),
        subtitle=f"Share of children going on to the next step (%), {me.name}, "
                 f"{periods_of(rows)}",
        source=source_of(rows),
        notes=notes,
    )


@chart(Ids.TIMELINESS, PAGE, "Time from enquiry to conference",
       options={"comparator": COMPARATOR_KEYS})
def timeliness(state: dict) -> ChartResult:
    me = store.profile()
    rows = store.select(DATASET, "s47_to_icpc_duration_share",
                        areas=store.comparators()[state["comparator"]], breakdown="working_days")
    rows = rows.assign(_order=rows["role"].map(ROLE_ORDER).fillna(9)).sort_values(
        "_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    shown = rows.assign(band=rows["breakdown_value"] + " working days")
    order = [f"{b} working days" for b in BANDS if b in set(rows["breakdown_value"])]
    order += [b for b in shown["band"].drop_duplicates() if b not in order]
    first = rows[rows["breakdown_value"] == BANDS[0]].dropna(subset=["value"])
    ours = first[first["role"] == "authority"]
    if ours.empty:
        title = "No published figures for the time from enquiry to conference"
    else:
        mine = ours.iloc[0]
        title = (f"In {mine['period']}, {me.name} held "
                 f"{fmt.value(mine['value'], mine['unit'])} of initial conferences within 10 "
                 "working days of the enquiry starting")
        versus = summaries.versus_shares(first, mine["area_code"])
        if versus:
            title += f", {versus}"
    notes = []
    within = rows[rows["breakdown_value"].isin(BANDS[:2])].dropna(subset=["value"])
    counted = within.groupby("area_code", sort=False).agg(
        name=("area_name", "first"), sum=("value", "sum"), count=("value", "count"))
    counted = counted[counted["count"] == 2]
    if not counted.empty:
        parts = [f"{r['name']} {fmt.number(r['sum'])}%" for _, r in counted.iterrows()]
        notes.append("Within 15 working days, the timescale in national guidance (worked out "
                     "by adding the first two bands): " + ", ".join(parts) + ".")
    return ChartResult(
        figure=figures.bars(shown, category="band", series="area_name", category_order=order),
        data=rows,
        title=title,
        subtitle="Share of initial conferences (%), by working days after the Section 47 "
                 f"enquiry began, {periods_of(rows)}",
        source=source_of(rows),
        notes=notes,
    )


def summary() -> list[str]:
    """The page's findings in brief, from the reports' figures."""
    me = store.profile()
    try:
        discussions = store.select(DATASET, "strategy_discussions", areas=[me.code])
        rate = store.select(DATASET, "icpc_required_pct", areas=[me.code]).dropna(
            subset=["value"])
        average = _year_rows(["icpc_required_pct"], AVERAGE).dropna(subset=["value"])
        plan = store.select(DATASET, "icpc_to_plan_pct", areas=[me.code]).dropna(
            subset=["value"])
    except store.DataUnavailable:
        return []
    if discussions.dropna(subset=["value"]).empty and rate.empty and plan.empty:
        return []
    lines = [summaries.trend(discussions, "Children at strategy discussions") + "."]
    if not rate.empty:
        latest = rate.sort_values("period_start").iloc[-1]
        text = (f"In {latest['period']}, {fmt.value(latest['value'], latest['unit'])} of "
                "Section 47 enquiries led to an initial conference")
        if not average.empty:
            text += (f", against a {average_name(average)} of "
                     f"{fmt.value(average['value'].iloc[0], average['unit'].iloc[0])}")
        lines.append(text + ".")
    if not plan.empty:
        latest = plan.sort_values("period_start").iloc[-1]
        lines.append(f"In {latest['period']}, {fmt.value(latest['value'], latest['unit'])} "
                     "of children at an initial conference were made subject to a plan.")
    return lines
