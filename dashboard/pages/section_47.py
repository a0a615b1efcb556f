"""Section 47 enquiries and initial child protection conferences: from a strategy
discussion to a child protection plan."""

from __future__ import annotations

import dash
import pandas as pd
import plotly.graph_objects as go

from dashboard import figures
from dashboard import store as data
from dashboard._legacy import COMPARATOR_CHOICES, COMPARATORS, DUDLEY
from dashboard.charts import ChartResult, chart, periods_of, source_of
from dashboard.figures import theme
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = "section-47"
DATASET = "s47"
dash.register_page(__name__, path="/section-47", name="Section 47 & conferences",
                   title="Section 47 & conferences", order=2)

# The years of the report's five-year table, latest first (the default), and its average.
# Declared here because nothing may be read at import time; a year without figures is
# handled when the chart is drawn.
YEARS = ("2011-12", "2010-11", "2009-10", "2008-09", "2007-08")
OPTIONS = {
    "year": (*YEARS, "average"),
    "comparator": tuple(COMPARATORS),
}
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


def _year_rows(measures: list[str], year: str) -> pd.DataFrame:
    """Dudley's rows for one financial year, or for the five-year average column."""
    rows = data.select(DATASET, measures, areas=[DUDLEY], periods="all")
    if year == "average":
        return rows[rows["period_type"] == "financial_year_average"]
    return rows[(rows["period_type"] == "financial_year") & (rows["period"] == year)]


def _year_words(year: str, rows: pd.DataFrame) -> str:
    """``In 2011-12`` or ``On average each year from 2007-08 to 2011-12``."""
    if year != "average":
        return f"In {year}"
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


@chart("section-47-funnel", PAGE, "From strategy discussion to plan", options={"year": OPTIONS["year"]})
def s47_funnel(state: dict) -> ChartResult:
    year = state["year"]
    rows = _year_rows(list(STAGES), year).dropna(subset=["value"])
    rows = rows.set_index("measure", drop=False).reindex(
        [m for m in STAGES if m in set(rows["measure"])]).reset_index(drop=True)
    when = _year_words(year, rows)
    if rows.empty:
        text = ("No published figures for the five-year average" if year == "average"
                else f"No published figures for {year}")
        return ChartResult(_no_figures(text), rows, text,
                           "Number of children at each stage, Dudley", "No published figures",
                           ["Choose another year."])
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
        subtitle=f"Number of children at each stage, Dudley, {rows['period'].iloc[0]}",
        source=source_of(rows),
        notes=notes,
    )


@chart("section-47-counts", PAGE, "Children at each stage over time")
def s47_counts(state: dict) -> ChartResult:
    rows = data.select(DATASET, list(COUNTS), areas=[DUDLEY])
    shown = rows.assign(series=rows["measure"].map(COUNTS))
    shown["series"] = pd.Categorical(shown["series"], list(COUNTS.values()), ordered=True)
    shown = shown.sort_values(["series", "period_start"])
    rows = rows.loc[shown.index].reset_index(drop=True)  # the table in the legend's order
    discussions = rows[rows["measure"] == "strategy_discussions"]
    notes = []
    stated = data.select(DATASET, "strategy_discussions_change_pct", areas=[DUDLEY],
                         periods="all").dropna(subset=["value"])
    for _, r in stated.iterrows():
        notes.append(f"The report states strategy discussions changed by "
                     f"{fmt.value(r['value'], r['unit'])} from {r['period']}.")
    meetings = data.select(DATASET, ["icpc_meetings", "transfer_in_conferences"],
                           areas=[DUDLEY]).dropna(subset=["value"])
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
                     "who moved to Dudley on a plan")
        notes.append(text + ".")
    fig = figures.trend(shown, series="series", height=420)
    # Pairs of lines run close together: label the lower line of each pair below its points.
    below = {COUNTS["s47_enquiries"], COUNTS["icpc_to_plan"]}
    fig.for_each_trace(lambda t: t.update(textposition="bottom center") if t.name in below
                       else None)
    return ChartResult(
        figure=fig,
        data=rows,
        title=summaries.trend(discussions, "Children at strategy discussions"),
        subtitle=f"Number of children in the year, Dudley, {periods_of(rows)}",
        source=source_of(rows),
        notes=notes,
    )


@chart("section-47-conversion", PAGE, "How often each step led to the next")
def s47_conversion(state: dict) -> ChartResult:
    rows = data.select(DATASET, list(RATES), areas=[DUDLEY])
    shown = rows.assign(series=rows["measure"].map(RATES))
    shown["series"] = pd.Categorical(shown["series"], list(RATES.values()), ordered=True)
    shown = shown.sort_values(["series", "period_start"])
    rows = rows.loc[shown.index].reset_index(drop=True)  # the table in the legend's order
    conference = rows[rows["measure"] == "icpc_required_pct"]
    averages = _year_rows(list(RATES), "average").dropna(subset=["value"])
    notes = []
    if not averages.empty:
        parts = [f"{RATES[r['measure']].lower()} {fmt.value(r['value'], r['unit'])}"
                 for _, r in averages.set_index("measure", drop=False)
                 .reindex([m for m in RATES if m in set(averages["measure"])]).iterrows()]
        span = averages["period"].iloc[0].removesuffix(" average")
        notes.append(f"Five-year averages, {span}: " + "; ".join(parts) + ".")
    return ChartResult(
        figure=figures.trend(shown, series="series", height=420),
        data=rows,
        title=summaries.trend(conference, RATES["icpc_required_pct"]),
        subtitle=f"Share of children going on to the next step (%), Dudley, "
                 f"{periods_of(rows)}",
        source=source_of(rows),
        notes=notes,
    )


@chart("section-47-timeliness", PAGE, "Time from enquiry to conference",
       options={"comparator": OPTIONS["comparator"]})
def s47_timeliness(state: dict) -> ChartResult:
    rows = data.select(DATASET, "s47_to_icpc_duration_share",
                       areas=COMPARATORS[state["comparator"]], breakdown="working_days")
    shown = rows.assign(band=rows["breakdown_value"] + " working days")
    order = [f"{b} working days" for b in BANDS if b in set(rows["breakdown_value"])]
    order += [b for b in shown["band"].drop_duplicates() if b not in order]
    first = rows[rows["breakdown_value"] == BANDS[0]].dropna(subset=["value"])
    ours = first[first["area_code"] == DUDLEY]
    if ours.empty:
        title = "No published figures for the time from enquiry to conference"
    else:
        mine = ours.iloc[0]
        title = (f"In {mine['period']}, Dudley held {fmt.value(mine['value'], mine['unit'])} "
                 "of initial conferences within 10 working days of the enquiry starting")
        versus = summaries.versus_shares(first)
        if versus:
            title += f", {versus}"
    notes = []
    within = rows[rows["breakdown_value"].isin(BANDS[:2])].dropna(subset=["value"])
    counted = within.groupby("area_name")["value"].agg(["sum", "count"])
    counted = counted[counted["count"] == 2]
    if not counted.empty:
        names = [a for a in ("Dudley", "West Midlands", "England") if a in counted.index]
        parts = [f"{a} {fmt.number(counted.loc[a, 'sum'])}%" for a in names]
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


def _summary() -> list[str]:
    try:
        discussions = data.select(DATASET, "strategy_discussions", areas=[DUDLEY])
        lines = [summaries.trend(discussions, "Children at strategy discussions") + "."]
        rate = data.select(DATASET, "icpc_required_pct", areas=[DUDLEY]).dropna(subset=["value"])
        average = _year_rows(["icpc_required_pct"], "average").dropna(subset=["value"])
        if not rate.empty:
            latest = rate.sort_values("period_start").iloc[-1]
            text = (f"In {latest['period']}, {fmt.value(latest['value'], latest['unit'])} of "
                    "Section 47 enquiries led to an initial conference")
            if not average.empty:
                text += (f", against a five-year average of "
                         f"{fmt.value(average['value'].iloc[0], average['unit'].iloc[0])}")
            lines.append(text + ".")
        plan = data.select(DATASET, "icpc_to_plan_pct", areas=[DUDLEY]).dropna(subset=["value"])
        if not plan.empty:
            latest = plan.sort_values("period_start").iloc[-1]
            lines.append(f"In {latest['period']}, {fmt.value(latest['value'], latest['unit'])} "
                         "of children at an initial conference were made subject to a plan.")
        return lines
    except data.DataUnavailable:
        return []


def layout(**query) -> dash.html.Div:
    state = state_from_query(query, OPTIONS)
    years = [(y, y) for y in YEARS] + [("average", "Five-year average")]
    controls = [
        radio("section-47-year", "Year for the steps chart", years, state["year"]),
        radio("section-47-comparator", "Compare with", COMPARATOR_CHOICES, state["comparator"]),
    ]
    return page_layout(PAGE, "Section 47 & conferences",
                       "What happens after a strategy discussion: how many children have a "
                       "Section 47 child protection enquiry, go to an initial child protection "
                       "conference and are made subject to a plan.",
                       state, controls, _summary())


interactive(PAGE, {"year": "section-47-year", "comparator": "section-47-comparator"})
