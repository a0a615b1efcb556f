"""Racist incidents in schools: how many were reported, who was involved, where, and how
schools responded (the yearly returns schools send the council, as the authority's own
reports give them: for Dudley, Table 2 of the Children's Services equality report 2010/11)."""

from __future__ import annotations

from enum import StrEnum

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, store
from dashboard.charts.registry import ChartResult, chart, periods_of, reports, source_of
from dashboard.figures import theme
from dashboard.ids import Page
from dashboard.words import format as fmt
from dashboard.words import summaries
from etl.config import TOTAL

PAGE = Page.RACIST_INCIDENTS
DATASET = "racist_incidents"  # the reports' tables of racist incidents in schools
reports(PAGE, DATASET)
PUPILS = "schools"  # the reports' figures for schools and pupils (for rates and scale)
HEADING = "Racist incidents in schools"
ALL = "all"  # the year choice for every year the report gives


class Ids(StrEnum):
    TREND = "racist-incidents-trend"
    BREAKDOWN = "racist-incidents-breakdown"
    LOCATIONS = "racist-incidents-locations"
    SCHOOLS = "racist-incidents-schools"
    SUPPORT = "racist-incidents-support"
    SHOW = "racist-incidents-show"
    GROUP = "racist-incidents-group"
    BY = "racist-incidents-by"
    YEAR = "racist-incidents-year"


GROUPS = {"victims": ("racist_incident_victims", "victims"),
          "perpetrators": ("racist_incident_perpetrators", "alleged perpetrators")}
BY = {"ethnicity": ("ethnicity", "ethnicity"), "age-band": ("age_band", "age"),
      "sex": ("sex", "sex")}
# Ordering hints: the report's own labels, in its order. A label the data gives that is not
# listed here is still drawn, after the listed ones.
ORDER = {
    "ethnicity": ["Asian", "Black Groups", "Chinese or Other", "Mixed Race", "White Groups"],
    "age_band": ["Under 8", "Between 8 and 10", "Between 11 and 14", "Between 15 and 17",
                 "Over 18"],
    "sex": ["Female", "Male"],
}
# How a group reads in a sentence: "… were Asian", "… were aged under 8", "… were male".
WORDS = {
    "ethnicity": {"Asian": "Asian", "Black Groups": "from Black groups",
                  "Chinese or Other": "Chinese or from another group",
                  "Mixed Race": "of mixed race", "White Groups": "from White groups"},
    "sex": {"Female": "female", "Male": "male"},
}
SUPPORT = ("Senior staff involvement", "Parental involvement")  # the report's labels
KNOWN_NOTE = ("Victims and alleged perpetrators are counted only where their ethnicity, age or "
              "sex was known, and one incident can involve several people or none that can be "
              "identified (racist graffiti, for example). So these figures need not add up to "
              "the number of incidents, or to each other.")


def _rows(dataset: str, measures: str | list[str], breakdown: str | None = TOTAL
          ) -> pd.DataFrame:
    return store.select(dataset, measures, areas=[store.profile().code], breakdown=breakdown)


def _incidents() -> pd.DataFrame:
    return _rows(DATASET, "racist_incidents")


def _periods(rows: pd.DataFrame) -> list[str]:
    """The periods of ``rows``, oldest first."""
    return rows.sort_values("period_start")["period"].drop_duplicates().tolist()


def years() -> list[str]:
    """The years the partnership's report gives on the people involved, oldest first."""
    try:
        return _periods(_rows(DATASET, [m for m, _ in GROUPS.values()], breakdown=None))
    except store.DataUnavailable:
        return []


def report_years() -> tuple[str, ...]:
    """The year choice: the latest year the report gives (the default), the earlier ones,
    and every year at once."""
    found = years()
    return (found[-1], *found[:-1], ALL) if found else (ALL,)


OPTIONS = {
    "show": ("number", "rate"),
    "group": tuple(GROUPS),
    "by": tuple(BY),
    "year": report_years,
}


def options() -> dict[str, tuple[str, ...]]:
    """The allowed values of every choice on the page, worked out now from the data."""
    return {key: tuple(allowed() if callable(allowed) else allowed)
            for key, allowed in OPTIONS.items()}


def _order(rows: pd.DataFrame, by: str) -> list[str]:
    """The categories of ``rows``: the listed ones in the report's order, then the rest."""
    present = rows["breakdown_value"].drop_duplicates().tolist()
    listed = [v for v in ORDER.get(by, []) if v in present]
    return listed + [v for v in present if v not in listed]


def _words(by: str, label: str) -> str:
    if by == "age_band":
        return f"aged {label.lower()}"
    return WORDS.get(by, {}).get(label, label)


def _each_year(rows: pd.DataFrame) -> str:
    """"each year (April to March)" when every row is a financial year."""
    if not rows.empty and (rows["period_type"] == "financial_year").all():
        return "each year (April to March)"
    return "each year"


def _pupils_note(rates: pd.DataFrame, incidents: pd.DataFrame) -> list[str]:
    years_given = _periods(rates.dropna(subset=["value"]))
    if not years_given:
        return ["The report does not give pupil numbers, so no rate can be worked out."]
    text = (f"The rate can only be worked out for {' and '.join(years_given)}: these are the "
            "only years for which the report gives the number of pupils")
    notes = []
    try:
        pupils = _rows(PUPILS, "school_pupils").dropna(subset=["value"])
        if not pupils.empty:
            text += " (" + " and ".join(fmt.number(v) for v in pupils["value"]) + ")"
            notes = store.table_notes(pupils)
    except store.DataUnavailable:
        pass
    text += "."
    if set(_periods(incidents)) - set(years_given):
        text += " Other years are left blank, not drawn as zero."
    return [text, *notes]


@chart(Ids.TREND, PAGE, "Incidents reported", options={"show": OPTIONS["show"]})
def trend(state: dict) -> ChartResult:
    me = store.profile()
    incidents = _incidents()
    if state["show"] == "rate":
        rows = _rows(DATASET, "racist_incidents_rate_per_1000_pupils")
        fig = figures.bars(rows, category="period", category_order=_periods(incidents) or None)
        label = store.measure("racist_incidents_rate_per_1000_pupils")["label"]
        return ChartResult(fig, rows, summaries.trend(rows, label),
                           f"Racist incidents reported by {me.name} schools for every 1,000 "
                           f"pupils, {periods_of(rows)}", source_of(rows),
                           _pupils_note(rows, incidents))
    return ChartResult(figures.trend(incidents), incidents,
                       summaries.trend(incidents, "Racist incidents reported by schools"),
                       f"Number of racist incidents reported by {me.name} schools, "
                       f"{periods_of(incidents)}", source_of(incidents),
                       [f"Schools report the incidents they record {_each_year(incidents)}.",
                        *store.table_notes(incidents)])


def _largest_sentence(rows: pd.DataFrame, group: str, by: str, by_word: str) -> str:
    rows = rows.dropna(subset=["value"])
    if rows.empty or not rows["value"].sum():
        return f"No published figures for {group}"
    top = rows.sort_values("value", ascending=False).iloc[0]
    whole = rows["value"].sum()
    return (f"In {top['period']}, {fmt.number(top['value'])} of the {fmt.number(whole)} "
            f"{group} whose {by_word} was recorded were {_words(by, top['breakdown_value'])} "
            f"({100 * top['value'] / whole:.0f}%)")


@chart(Ids.BREAKDOWN, PAGE, "Victims and alleged perpetrators",
       options={"group": OPTIONS["group"], "by": OPTIONS["by"], "year": OPTIONS["year"]})
def breakdown(state: dict) -> ChartResult:
    me = store.profile()
    measure, group = GROUPS[state["group"]]
    by, by_word = BY[state["by"]]
    rows = _rows(DATASET, measure, breakdown=by)
    order = _order(rows, by)
    rank = {v: i for i, v in enumerate(order)}
    rows = (rows.assign(_order=rows["breakdown_value"].map(rank))
            .sort_values(["period_start", "_order"]).drop(columns="_order")
            .reset_index(drop=True))
    incidents = _incidents().dropna(subset=["value"])
    notes = [KNOWN_NOTE]
    where = f"{group} of racist incidents in {me.name} schools, by {by_word} where recorded"
    if state["year"] == ALL:
        latest = rows[rows["period_start"] == rows["period_start"].max()].dropna(
            subset=["value"]).sort_values("value", ascending=False)
        if latest.empty:
            title = f"No published figures for {group}"
        else:
            top = latest["breakdown_value"].iloc[0]
            title = summaries.trend(rows[rows["breakdown_value"] == top],
                                    f"{group.capitalize()} who were {_words(by, top)}")
        fig = figures.trend(rows.assign(role=""), series="breakdown_value", height=460)
        subtitle = f"Number of {where}, {periods_of(rows)}"
        if not incidents.empty:
            first, last = incidents.iloc[0], incidents.iloc[-1]
            notes.append(f"For comparison, schools reported {fmt.number(first['value'])} "
                         f"incidents in {first['period']} and {fmt.number(last['value'])} in "
                         f"{last['period']}.")
    else:
        rows = rows[rows["period"] == state["year"]].reset_index(drop=True)
        title = _largest_sentence(rows, group, by, by_word)
        fig = figures.bars(rows, category="breakdown_value", horizontal=True,
                           category_order=order or None, height=300)
        subtitle = f"Number of {where}, {state['year']}"
        year_total = incidents[incidents["period"] == state["year"]]
        if not year_total.empty:
            notes.append(f"Schools reported {fmt.number(year_total['value'].iloc[0])} "
                         f"incidents in {state['year']}.")
    return ChartResult(fig, rows, title, subtitle, source_of(rows), notes)


def _location_flags() -> pd.DataFrame:
    """The data checks' findings on the partnership's racist incident figures."""
    try:
        flags = store.flags()
    except store.DataUnavailable:
        return pd.DataFrame(columns=["dataset", "period", "published", "expected", "check_id"])
    return flags[(flags["dataset"] == DATASET)
                 & flags["area_code"].isin(store.profile().codes)]


def _location_title(latest: pd.DataFrame) -> str:
    if latest.empty or not latest["value"].sum():
        return "No published figures for where incidents happened"
    ranked = latest.sort_values("value", ascending=False)
    top, whole = ranked.iloc[0], latest["value"].sum()
    title = (f"In {top['period']}, {fmt.number(top['value'])} of the {fmt.number(whole)} "
             f"incidents with a recorded location ({100 * top['value'] / whole:.0f}%) "
             f"happened in {top['breakdown_value'].lower()}")
    if len(ranked) == 2:
        title += f", not in {ranked['breakdown_value'].iloc[1].lower()}"
    return title


@chart(Ids.LOCATIONS, PAGE, "Where incidents happened")
def locations(state: dict) -> ChartResult:
    me = store.profile()
    parts = _rows(DATASET, "racist_incidents", breakdown="location")
    totals = _incidents()
    fig = figures.bars(parts.assign(role=""), category="period", series="breakdown_value",
                       stacked=True, category_order=_periods(totals) or None)
    shown = totals.dropna(subset=["value"])
    fig.add_trace(go.Scatter(
        x=shown["period"], y=shown["value"], name="All incidents (as published)",
        mode="markers+text", marker={"symbol": "line-ew-open", "size": 44,
                                     "color": theme.INK, "line": {"width": 3}},
        text=[f"All: {fmt.number(v)}" for v in shown["value"]], textposition="top center",
        textfont={"color": theme.INK}, cliponaxis=False,
        hovertemplate="%{x}: %{y:,} incidents in all<extra></extra>",
    ))
    latest = parts[parts["period_start"] == parts["period_start"].max()].dropna(
        subset=["value"])
    notes = []
    flags = _location_flags()
    loc = flags[flags["check_id"].astype(str).str.endswith(":location")]
    if not loc.empty:
        gaps = [f"in {r['period']} they add up to {fmt.number(r['expected'])}, not "
                f"{fmt.number(r['published'])}" for _, r in loc.sort_values("period").iterrows()]
        notes.append("The report's location figures do not add up to its total in "
                     f"{len(loc)} years: " + "; ".join(gaps) + ".")
    notes += store.table_notes(parts)
    rows = pd.concat([parts, totals], ignore_index=True).sort_values(
        ["period_start", "breakdown"]).reset_index(drop=True)
    return ChartResult(fig, rows, _location_title(latest),
                       f"Number of racist incidents reported by {me.name} schools, by where "
                       f"they happened, {periods_of(rows)}", source_of(rows), notes)


@chart(Ids.SCHOOLS, PAGE, "Schools reporting")
def schools(state: dict) -> ChartResult:
    me = store.profile()
    rows = _rows(DATASET, ["schools_making_return", "schools_reporting_no_racist_incidents"])
    labels = store.measures()["label"]
    shown = rows.assign(series=rows["measure"].map(labels), role="")
    fig = figures.bars(shown, category="period", series="series",
                       category_order=_periods(_incidents()) or None)
    wide = rows.pivot_table(index="period", columns="measure", values="value")
    wide = wide.dropna() if len(wide.columns) == 2 else wide.iloc[0:0]
    if wide.empty:
        title = summaries.trend(rows[rows["measure"] == "schools_reporting_no_racist_incidents"],
                                labels["schools_reporting_no_racist_incidents"])
    else:
        period = wide.index.max()
        none, made = wide.loc[period, "schools_reporting_no_racist_incidents"], wide.loc[
            period, "schools_making_return"]
        title = (f"In {period}, {fmt.number(none)} of the {fmt.number(made)} schools that sent "
                 "a return reported no racist incidents")
    returns = rows[rows["measure"] == "schools_making_return"].dropna(subset=["value"])
    notes = []
    if not returns.empty and len(returns) < rows["period"].nunique():
        notes.append(f"The number of schools sending a return was given only for "
                     f"{' and '.join(_periods(returns))}; other years are left blank, not "
                     "drawn as zero.")
    try:
        counted = _rows(PUPILS, "schools").dropna(subset=["value"])
        for _, r in counted.sort_values("period_start").tail(1).iterrows():
            when = pd.Timestamp(r["period_end"]).strftime("%B %Y")
            notes.append(f"For scale, there were {fmt.number(r['value'])} schools in "
                         f"{me.name} in {when}.")
    except store.DataUnavailable:
        pass
    return ChartResult(fig, rows, title,
                       f"Number of schools, {periods_of(rows)}", source_of(rows), notes)


@chart(Ids.SUPPORT, PAGE, "Support for victims")
def support(state: dict) -> ChartResult:
    me = store.profile()
    given = _rows(DATASET, "racist_incident_victim_support", breakdown="support")
    incidents = _incidents()
    rows = pd.concat([incidents, given], ignore_index=True)
    shown = rows.assign(series=rows["breakdown_value"].replace({TOTAL: "All incidents"}),
                        role="")
    fig = figures.trend(shown, series="series")
    known = incidents.dropna(subset=["value"])
    latest_period = _periods(known)[-1] if not known.empty else None
    latest = given[given["period"] == latest_period].set_index("breakdown_value")["value"]
    total = known.loc[known["period"] == latest_period, "value"]
    if latest_period and not total.empty and set(SUPPORT) <= set(latest.index) \
            and total.iloc[0]:
        whole = total.iloc[0]
        senior, parents = latest[SUPPORT[0]], latest[SUPPORT[1]]
        title = (f"In {latest_period}, senior staff were involved in {fmt.number(senior)} of "
                 f"the {fmt.number(whole)} incidents ({100 * senior / whole:.0f}%) and the "
                 f"victim's parents in {fmt.number(parents)} ({100 * parents / whole:.0f}%)")
    else:
        title = summaries.trend(given, "Support given to victims")
    return ChartResult(fig, rows, title,
                       f"Number of racist incidents reported by {me.name} schools, and those "
                       f"in which the victim's parents or senior staff were involved, "
                       f"{periods_of(rows)}", source_of(rows),
                       ["An incident can involve both parents and senior staff, so the two "
                        "lines need not add up to the total."])


def summary() -> list[str]:
    """The page's findings in brief, from the report's figures."""
    out: list[str] = []
    try:
        incidents = _incidents()
        if incidents.dropna(subset=["value"]).empty:
            return out
        out.append(summaries.trend(incidents, "Racist incidents reported by schools") + ".")
        rates = _rows(DATASET, "racist_incidents_rate_per_1000_pupils").dropna(
            subset=["value"]).sort_values("period_start")
        if not rates.empty:
            parts = [f"{fmt.value(r['value'], r['unit'])} pupils in {r['period']}"
                     if i == 0 else f"{fmt.short(r['value'], r['unit'])} in {r['period']}"
                     for i, (_, r) in enumerate(rates.iterrows())]
            out.append(f"That is {' and '.join(parts)}; pupil numbers are given only for "
                       f"{' and '.join(rates['period'])}.")
        for measure, group in GROUPS.values():
            rows = _rows(DATASET, measure, breakdown="ethnicity")
            rows = rows[rows["period_start"] == rows["period_start"].max()]
            out.append(_largest_sentence(rows, group, "ethnicity", "ethnicity") + ".")
        loc = _location_flags()
        if not loc.empty:
            out.append(f"The data checks found {len(loc)} places where the report's racist "
                       f"incident figures do not add up ({', '.join(sorted(loc['period']))}): "
                       "see the chart of where incidents happened.")
    except store.DataUnavailable:
        return out
    return out
