"""Child protection plans: how many, why, and how the authority compares."""

from __future__ import annotations

from enum import StrEnum

from dashboard import figures, store
from dashboard.charts import lead
from dashboard.charts.registry import ChartResult, chart, periods_of, reports, source_of
from dashboard.ids import Page
from dashboard.store.areas import COMPARATOR_KEYS
from dashboard.store.series import year_ending_march
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = Page.CHILD_PROTECTION_PLANS
DATASET = "cp_plans"  # the annual reports' tables on this theme
reports(PAGE, DATASET)
lead.register(PAGE)  # the official series lead the page


class Ids(StrEnum):
    LATEST = "child-protection-plans-latest"  # the official series (dashboard.charts.lead)
    TREND = "child-protection-plans-trend"
    CATEGORY = "child-protection-plans-category"
    RATES = "child-protection-plans-rates"
    DURATION = "child-protection-plans-duration"
    OFFICIAL = "child-protection-plans-official"
    INDICATOR = "child-protection-plans-indicator"
    SHOW = "child-protection-plans-show"
    RATE = "child-protection-plans-rate"
    COMPARATOR = "child-protection-plans-comparator"


RATES = {
    "on-plans": "cp_plans_rate_per_10000",
    "new": "cp_plans_new_rate_per_10000",
    "ceased": "cp_plans_ceased_rate_per_10000",
    "repeat": "cp_plans_repeat_pct",
}
OPTIONS = {
    "show": ("counts", "shares"),
    "rate": tuple(RATES),
    "comparator": COMPARATOR_KEYS,
}
CATEGORY_ORDER = ["Neglect", "Emotional", "Physical", "Sexual", "Multiple"]


@chart(Ids.TREND, PAGE, "Children on plans, new plans and ended plans")
def trend(state: dict) -> ChartResult:
    me = store.profile()
    rows = store.select(DATASET, ["cp_plans_at_31_march", "cp_plans_new", "cp_plans_ceased"],
                        areas=[me.code])
    rows = year_ending_march(rows)
    labels = store.measures()["label"]
    shown = rows.assign(series=rows["measure"].map(labels), role="")
    on_plans = rows[rows["measure"] == "cp_plans_at_31_march"]
    return ChartResult(
        figure=figures.trend(shown, series="series"),
        data=rows,
        title=summaries.trend(on_plans, "Children on a plan at 31 March"),
        subtitle=f"Number of children, {me.name}, {periods_of(rows)} (plans at 31 March "
                 "shown against the year they close)",
        source=source_of(rows),
    )


@chart(Ids.CATEGORY, PAGE, "Category of harm", options={"show": OPTIONS["show"]})
def category(state: dict) -> ChartResult:
    me = store.profile()
    rows = store.select(DATASET, "cp_plans_at_31_march", areas=[me.code],
                        breakdown="category_of_harm")
    rows = year_ending_march(rows)
    latest = rows[rows["period_start"] == rows["period_start"].max()]
    title = summaries.largest(latest, "category of harm", latest["period"].iloc[0]
                              if not latest.empty else "")
    notes = []
    if state["show"] == "shares":
        totals = rows.groupby("period")["value"].transform("sum")
        shown = rows.assign(value=100 * rows["value"] / totals, unit="percent")
        subtitle = f"Share of children on a plan at 31 March, by category of harm, {me.name}"
        notes.append("Shares are worked out from the published counts.")
        table_rows = shown.assign(source="Derived from: " + shown["source"])
    else:
        shown = rows
        subtitle = f"Children on a plan at 31 March, by category of harm, {me.name}"
        table_rows = rows
    fig = figures.bars(shown.assign(role=""), category="period", series="breakdown_value",
                       stacked=True)
    fig.for_each_trace(lambda t: t.update(legendrank=CATEGORY_ORDER.index(t.name)
                                          if t.name in CATEGORY_ORDER else 99))
    return ChartResult(fig, table_rows, title, f"{subtitle}, {periods_of(rows)}",
                       source_of(rows), notes)


@chart(Ids.RATES, PAGE, "Rates compared with the region and England",
       options={"rate": OPTIONS["rate"], "comparator": OPTIONS["comparator"]})
def rates(state: dict) -> ChartResult:
    me = store.profile()
    measure = RATES[state["rate"]]
    rows = store.select(DATASET, measure, areas=store.comparators()[state["comparator"]])
    rows = year_ending_march(rows)
    info = store.measure(measure)
    fig = figures.bars(rows, category="period", series="area_name",
                       category_order=sorted(rows["period"].unique()))
    return ChartResult(
        figure=fig,
        data=rows,
        title=summaries.compare(rows, info["label"], me.code),
        subtitle=f"{info['label']} ({fmt.unit_label(info['unit'])}), {periods_of(rows)}",
        source=source_of(rows),
        notes=[f"{me.name}'s latest year is provisional local data; the comparators are the "
               "latest published national statistics at the time of the report."],
    )


@chart(Ids.DURATION, PAGE, "How long plans lasted")
def duration(state: dict) -> ChartResult:
    me = store.profile()
    rows = store.select(DATASET, "cp_plans_ceased_duration_share", breakdown="duration",
                        areas=[me.code, me.england.code])
    label = rows.assign(category=rows["breakdown_value"] + " (" + rows["period"] + ")")
    fig = figures.bars(label, category="category", series="area_name", horizontal=True)
    return ChartResult(
        figure=fig,
        data=rows,
        title=f"How long plans had lasted when they ended: {me.name} and England",
        subtitle="Share of plans ended in the year, by length of plan",
        source=source_of(rows),
    )




def summary() -> list[str]:
    """The page's findings in brief, from the reports' figures."""
    me = store.profile()
    try:
        rows = year_ending_march(store.select(DATASET, "cp_plans_at_31_march",
                                              areas=[me.code]))
        new = store.select(DATASET, "cp_plans_new", areas=[me.code])
    except store.DataUnavailable:
        return []
    if rows.empty and new.empty:
        return []
    return [summaries.trend(rows, "Children on a plan at 31 March") + ".",
            summaries.trend(new, "New plans in the year") + "."]
