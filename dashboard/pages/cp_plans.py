"""Child protection plans: how many, why, and how Dudley compares."""

from __future__ import annotations

import dash

from dashboard import figures
from dashboard.charts import ChartResult, chart, official, periods_of, source_of
from dashboard.store import files as data
from dashboard.store.areas import COMPARATOR_CHOICES, COMPARATORS, DUDLEY, ENGLAND
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, state_from_query, year_ending_march
from dashboard.ui.pagekit import layout as page_layout
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = "cp_plans"
dash.register_page(__name__, path="/child-protection-plans", name="Child protection plans",
                   title="Child protection plans", order=3)

RATES = {
    "on-plans": "cp_plans_rate_per_10000",
    "new": "cp_plans_new_rate_per_10000",
    "ceased": "cp_plans_ceased_rate_per_10000",
    "repeat": "cp_plans_repeat_pct",
}
OPTIONS = {
    "show": ("counts", "shares"),
    "rate": tuple(RATES),
    "comparator": tuple(COMPARATORS),
}


@chart("cp-trend", PAGE, "Children on plans, new plans and ended plans")
def cp_trend(state: dict) -> ChartResult:
    rows = data.select(PAGE, ["cp_plans_at_31_march", "cp_plans_new", "cp_plans_ceased"],
                       areas=[DUDLEY])
    rows = year_ending_march(rows)
    labels = data.measures()["label"]
    shown = rows.assign(series=rows["measure"].map(labels))
    on_plans = rows[rows["measure"] == "cp_plans_at_31_march"]
    return ChartResult(
        figure=figures.trend(shown, series="series"),
        data=rows,
        title=summaries.trend(on_plans, "Children on a plan at 31 March"),
        subtitle=f"Number of children, Dudley, {periods_of(rows)} (plans at 31 March shown "
                 "against the year they close)",
        source=source_of(rows),
    )


@chart("cp-category", PAGE, "Category of harm", options={"show": OPTIONS["show"]})
def cp_category(state: dict) -> ChartResult:
    rows = data.select(PAGE, "cp_plans_at_31_march", areas=[DUDLEY],
                       breakdown="category_of_harm")
    rows = year_ending_march(rows)
    order = ["Neglect", "Emotional", "Physical", "Sexual", "Multiple"]
    latest = rows[rows["period_start"] == rows["period_start"].max()]
    title = summaries.largest(latest, "category of harm", latest["period"].iloc[0]
                              if not latest.empty else "")
    notes = []
    if state["show"] == "shares":
        totals = rows.groupby("period")["value"].transform("sum")
        shown = rows.assign(value=100 * rows["value"] / totals, unit="percent")
        subtitle = "Share of children on a plan at 31 March, by category of harm, Dudley"
        notes.append("Shares are worked out from the published counts.")
        table_rows = shown.assign(source="Derived from: " + shown["source"])
    else:
        shown = rows
        subtitle = "Children on a plan at 31 March, by category of harm, Dudley"
        table_rows = rows
    fig = figures.bars(shown, category="period", series="breakdown_value", stacked=True)
    fig.for_each_trace(lambda t: t.update(legendrank=order.index(t.name) if t.name in order
                                          else 99))
    return ChartResult(fig, table_rows, title, f"{subtitle}, {periods_of(rows)}",
                       source_of(rows), notes)


@chart("cp-rates", PAGE, "Rates compared with the region and England",
       options={"rate": OPTIONS["rate"], "comparator": OPTIONS["comparator"]})
def cp_rates(state: dict) -> ChartResult:
    measure = RATES[state["rate"]]
    rows = data.select(PAGE, measure, areas=COMPARATORS[state["comparator"]])
    rows = year_ending_march(rows)
    info = data.measure(measure)
    fig = figures.bars(rows, category="period", series="area_name",
                       category_order=sorted(rows["period"].unique()))
    return ChartResult(
        figure=fig,
        data=rows,
        title=summaries.compare(rows, info["label"]),
        subtitle=f"{info['label']} ({fmt.unit_label(info['unit'])}), {periods_of(rows)}",
        source=source_of(rows),
        notes=["Dudley's latest year is provisional local data; the comparators are the "
               "latest published national statistics at the time of the report."],
    )


@chart("cp-duration", PAGE, "How long plans lasted")
def cp_duration(state: dict) -> ChartResult:
    rows = data.select(PAGE, "cp_plans_ceased_duration_share", breakdown="duration",
                       areas=[DUDLEY, ENGLAND])
    label = rows.assign(category=rows["breakdown_value"] + " (" + rows["period"] + ")")
    fig = figures.bars(label, category="category", series="area_name", horizontal=True)
    return ChartResult(
        figure=fig,
        data=rows,
        title="How long plans had lasted when they ended: Dudley and England",
        subtitle="Share of plans ended in the year, by length of plan",
        source=source_of(rows),
    )


def _summary() -> list[str]:
    try:
        rows = year_ending_march(data.select(PAGE, "cp_plans_at_31_march", areas=[DUDLEY]))
        new = data.select(PAGE, "cp_plans_new", areas=[DUDLEY])
        return [summaries.trend(rows, "Children on a plan at 31 March") + ".",
                summaries.trend(new, "New plans in the year") + "."]
    except data.DataUnavailable:
        return []


def layout(**query) -> dash.html.Div:
    state = state_from_query(query, OPTIONS)
    controls = [
        radio("cp-show", "Category of harm as", [("counts", "Numbers"),
                                                 ("shares", "Shares (%)")], state["show"]),
        radio("cp-rate", "Rate to compare", [("on-plans", "Children on plans"),
                                             ("new", "New plans"), ("ceased", "Ended plans"),
                                             ("repeat", "Repeat plans (%)")], state["rate"]),
        radio("cp-comparator", "Compare with", COMPARATOR_CHOICES, state["comparator"]),
    ]
    return page_layout(PAGE, "Child protection plans",
                       "Children with a child protection plan: how many there are, the main "
                       "kind of harm, and how Dudley's rates compare.",
                       state, controls, _summary())


official.register(PAGE, "cp-official", "Children on plans: reports and official statistics",
                  ("cp_plans", "cp_plans_rate_per_10000"),
                  ("dfe_cp_plans", "dfe_cp_plans_at_31_march_rate_per_10000"))

interactive(PAGE, {"show": "cp-show", "rate": "cp-rate", "comparator": "cp-comparator"})
