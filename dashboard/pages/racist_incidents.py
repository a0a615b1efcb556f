"""Racist incidents in schools: how many were reported, who was involved, where, and
how schools responded."""

from __future__ import annotations

import dash
import pandas as pd
import plotly.graph_objects as go

from dashboard import figures
from dashboard import store as data
from dashboard.charts import ChartResult, chart, periods_of, source_of
from dashboard.figures import theme
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = "racist-incidents"
DATASET = "racist_incidents"
dash.register_page(__name__, path="/racist-incidents", name="Racist incidents",
                   title="Racist incidents in schools", order=5)

DUDLEY = "E08000027"
YEARS = ("2006-07", "2007-08", "2008-09", "2009-10", "2010-11")
GROUPS = {"victims": ("racist_incident_victims", "victims"),
          "perpetrators": ("racist_incident_perpetrators", "alleged perpetrators")}
BY = {"ethnicity": ("ethnicity", "ethnicity"), "age-band": ("age_band", "age"),
      "sex": ("sex", "sex")}
ORDER = {
    "ethnicity": ["Asian", "Black Groups", "Chinese or Other", "Mixed Race", "White Groups"],
    "age_band": ["Under 8", "Between 8 and 10", "Between 11 and 14", "Between 15 and 17",
                 "Over 18"],
    "sex": ["Female", "Male"],
}
# How each group reads in a sentence: "… were Asian", "… were aged under 8", "… were male".
WORDS = {
    "ethnicity": {"Asian": "Asian", "Black Groups": "from Black groups",
                  "Chinese or Other": "Chinese or from another group",
                  "Mixed Race": "of mixed race", "White Groups": "from White groups"},
    "age_band": {v: f"aged {v.lower()}" for v in ORDER["age_band"]},
    "sex": {"Female": "female", "Male": "male"},
}
OPTIONS = {
    "show": ("number", "rate"),
    "group": tuple(GROUPS),
    "by": tuple(BY),
    "year": (YEARS[-1], *YEARS[:-1], "all"),
}
KNOWN_NOTE = ("Victims and alleged perpetrators are counted only where their ethnicity, age or "
              "sex was known, and one incident can involve several people or none that can be "
              "identified (racist graffiti, for example). So these figures need not add up to "
              "the number of incidents, or to each other.")


def _incidents() -> pd.DataFrame:
    return data.select(DATASET, "racist_incidents", areas=[DUDLEY])


def _pupils_note(rates: pd.DataFrame) -> str:
    years = rates.dropna(subset=["value"]).sort_values("period_start")["period"].tolist()
    if not years:
        return "The report does not give pupil numbers, so no rate can be worked out."
    text = (f"The rate can only be worked out for {' and '.join(years)}: these are the only "
            "years for which the report gives the number of pupils")
    try:
        pupils = data.select("schools", "school_pupils", areas=[DUDLEY]).dropna(
            subset=["value"])
        if not pupils.empty:
            text += " (over " + " and over ".join(fmt.number(v) for v in pupils["value"]) + ")"
    except data.DataUnavailable:
        pass
    return (text + ". Other years are left blank, not drawn as zero. The report gives pupil "
            "numbers as 'over' a round figure, so the true rates are a little lower.")


@chart("racist-incidents-trend", PAGE, "Incidents reported", options={"show": OPTIONS["show"]})
def ri_trend(state: dict) -> ChartResult:
    if state["show"] == "rate":
        rows = data.select(DATASET, "racist_incidents_rate_per_1000_pupils", areas=[DUDLEY])
        fig = figures.bars(rows, category="period", category_order=list(YEARS))
        label = data.measure("racist_incidents_rate_per_1000_pupils")["label"]
        return ChartResult(fig, rows, summaries.trend(rows, label),
                           f"Racist incidents reported by Dudley schools for every 1,000 "
                           f"pupils, {periods_of(rows)}", source_of(rows),
                           [_pupils_note(rows)])
    rows = _incidents()
    return ChartResult(figures.trend(rows), rows,
                       summaries.trend(rows, "Racist incidents reported by schools"),
                       f"Number of racist incidents reported by Dudley schools, "
                       f"{periods_of(rows)}", source_of(rows),
                       ["Schools report the incidents they record each year (April to March)."])


def _largest_sentence(rows: pd.DataFrame, group: str, by: str, by_word: str) -> str:
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return f"No published figures for {group}"
    top = rows.sort_values("value", ascending=False).iloc[0]
    whole = rows["value"].sum()
    words = WORDS[by].get(top["breakdown_value"], top["breakdown_value"])
    return (f"In {top['period']}, {fmt.number(top['value'])} of the {fmt.number(whole)} "
            f"{group} whose {by_word} was recorded were {words} "
            f"({100 * top['value'] / whole:.0f}%)")


@chart("racist-incidents-breakdown", PAGE, "Victims and alleged perpetrators",
       options={"group": OPTIONS["group"], "by": OPTIONS["by"], "year": OPTIONS["year"]})
def ri_breakdown(state: dict) -> ChartResult:
    measure, group = GROUPS[state["group"]]
    by, by_word = BY[state["by"]]
    rows = data.select(DATASET, measure, areas=[DUDLEY], breakdown=by)
    order = ORDER[by]
    rank = {v: i for i, v in enumerate(order)}
    rows = (rows.assign(_order=rows["breakdown_value"].map(lambda v: rank.get(v, 99)))
            .sort_values(["period_start", "_order"]).drop(columns="_order")
            .reset_index(drop=True))
    incidents = _incidents().dropna(subset=["value"])
    notes = [KNOWN_NOTE]
    if state["year"] == "all":
        latest = rows[rows["period_start"] == rows["period_start"].max()].dropna(
            subset=["value"])
        top = latest.sort_values("value", ascending=False)["breakdown_value"].iloc[0]
        title = summaries.trend(rows[rows["breakdown_value"] == top],
                                f"{group.capitalize()} who were "
                                f"{WORDS[by].get(top, top)}")
        fig = figures.trend(rows, series="breakdown_value", height=460)
        subtitle = (f"Number of {group} of racist incidents in Dudley schools, by {by_word} "
                    f"where recorded, {periods_of(rows)}")
        if not incidents.empty:
            first, last = incidents.iloc[0], incidents.iloc[-1]
            notes.append(f"For comparison, schools reported {fmt.number(first['value'])} "
                         f"incidents in {first['period']} and {fmt.number(last['value'])} in "
                         f"{last['period']}.")
    else:
        rows = rows[rows["period"] == state["year"]].reset_index(drop=True)
        title = _largest_sentence(rows, group, by, by_word)
        fig = figures.bars(rows, category="breakdown_value", horizontal=True,
                           category_order=order, height=300)
        subtitle = (f"Number of {group} of racist incidents in Dudley schools, by {by_word} "
                    f"where recorded, {state['year']}")
        year_total = incidents[incidents["period"] == state["year"]]
        if not year_total.empty:
            notes.append(f"Schools reported {fmt.number(year_total['value'].iloc[0])} "
                         f"incidents in {state['year']}.")
    return ChartResult(fig, rows, title, subtitle, source_of(rows), notes)


def _location_flags() -> pd.DataFrame:
    try:
        flags = data.flags()
    except data.DataUnavailable:
        return pd.DataFrame(columns=["dataset", "period", "published", "expected"])
    return flags[flags["dataset"] == DATASET]


@chart("racist-incidents-locations", PAGE, "Where incidents happened")
def ri_locations(state: dict) -> ChartResult:
    parts = data.select(DATASET, "racist_incidents", areas=[DUDLEY], breakdown="location")
    totals = _incidents()
    fig = figures.bars(parts, category="period", series="breakdown_value", stacked=True,
                       category_order=list(YEARS))
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
    other = latest[latest["breakdown_value"] == "Other areas"]
    if latest.empty or other.empty:
        title = "No published figures for where incidents happened"
    else:
        n, whole = other["value"].iloc[0], latest["value"].sum()
        title = (f"In {latest['period'].iloc[0]}, {fmt.number(n)} of the {fmt.number(whole)} "
                 f"incidents with a recorded location ({100 * n / whole:.0f}%) happened in "
                 "other areas, not in closely supervised locations")
    notes = []
    flags = _location_flags()
    loc = flags[flags["check_id"].astype(str).str.endswith(":location")] if not \
        flags.empty else flags
    if not loc.empty:
        gaps = [f"in {r['period']} they add up to {fmt.number(r['expected'])}, not "
                f"{fmt.number(r['published'])}" for _, r in loc.sort_values("period").iterrows()]
        notes.append("The report's location figures do not add up to its total in "
                     f"{len(loc)} years: " + "; ".join(gaps) + ".")
    notes.append("'Closely supervised locations' and 'other areas' are the report's words; "
                 "it does not define them further.")
    rows = pd.concat([parts, totals], ignore_index=True).sort_values(
        ["period_start", "breakdown"]).reset_index(drop=True)
    return ChartResult(fig, rows, title,
                       f"Number of racist incidents reported by Dudley schools, by where they "
                       f"happened, {periods_of(rows)}", source_of(rows), notes)


@chart("racist-incidents-schools", PAGE, "Schools reporting")
def ri_schools(state: dict) -> ChartResult:
    rows = data.select(DATASET, ["schools_making_return", "schools_reporting_no_racist_incidents"],
                       areas=[DUDLEY])
    labels = data.measures()["label"]
    shown = rows.assign(series=rows["measure"].map(labels))
    fig = figures.bars(shown, category="period", series="series", category_order=list(YEARS))
    wide = rows.pivot_table(index="period", columns="measure", values="value").dropna()
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
    notes = [f"The number of schools sending a return was given only for "
             f"{' and '.join(returns['period'])}; other years are left blank, not drawn as "
             "zero."]
    try:
        schools = data.select("schools", "schools", areas=[DUDLEY]).dropna(subset=["value"])
        for _, r in schools.tail(1).iterrows():
            when = pd.Timestamp(r["period_end"]).strftime("%B %Y")
            notes.append(f"For scale, there were {fmt.number(r['value'])} schools in Dudley in "
                         f"{when}.")
    except data.DataUnavailable:
        pass
    return ChartResult(fig, rows, title,
                       f"Number of schools, {periods_of(rows)}", source_of(rows), notes)


@chart("racist-incidents-support", PAGE, "Support for victims")
def ri_support(state: dict) -> ChartResult:
    support = data.select(DATASET, "racist_incident_victim_support", areas=[DUDLEY],
                          breakdown="support")
    incidents = _incidents()
    rows = pd.concat([incidents, support], ignore_index=True)
    shown = rows.assign(series=rows["breakdown_value"].replace(
        {"Total": "All incidents"}))
    fig = figures.trend(shown, series="series")
    latest_period = incidents.dropna(subset=["value"]).sort_values("period_start")[
        "period"].iloc[-1] if not incidents.dropna(subset=["value"]).empty else None
    latest = support[support["period"] == latest_period].set_index("breakdown_value")["value"]
    total = incidents.loc[incidents["period"] == latest_period, "value"]
    if latest_period and not total.empty and {"Senior staff involvement",
                                              "Parental involvement"} <= set(latest.index):
        whole = total.iloc[0]
        senior, parents = latest["Senior staff involvement"], latest["Parental involvement"]
        title = (f"In {latest_period}, senior staff were involved in {fmt.number(senior)} of "
                 f"the {fmt.number(whole)} incidents ({100 * senior / whole:.0f}%) and the "
                 f"victim's parents in {fmt.number(parents)} ({100 * parents / whole:.0f}%)")
    else:
        title = summaries.trend(support, "Support given to victims")
    return ChartResult(fig, rows, title,
                       f"Number of racist incidents reported by Dudley schools, and those in "
                       f"which the victim's parents or senior staff were involved, "
                       f"{periods_of(rows)}", source_of(rows),
                       ["An incident can involve both parents and senior staff, so the two "
                        "lines need not add up to the total."])


def _summary() -> list[str]:
    out = []
    try:
        out.append(summaries.trend(_incidents(), "Racist incidents reported by schools") + ".")
        rates = data.select(DATASET, "racist_incidents_rate_per_1000_pupils",
                            areas=[DUDLEY]).dropna(subset=["value"])
        if not rates.empty:
            parts = [f"{fmt.value(r['value'], r['unit'])} pupils in {r['period']}"
                     if i == 0 else f"{fmt.short(r['value'], r['unit'])} in {r['period']}"
                     for i, (_, r) in enumerate(rates.iterrows())]
            out.append(f"That is {' and '.join(parts)}; pupil numbers are given only for "
                       f"{' and '.join(rates['period'])}.")
        for key in GROUPS:
            measure, group = GROUPS[key]
            rows = data.select(DATASET, measure, areas=[DUDLEY], breakdown="ethnicity")
            rows = rows[rows["period_start"] == rows["period_start"].max()]
            out.append(_largest_sentence(rows, group, "ethnicity", "ethnicity") + ".")
        loc = _location_flags()
        if not loc.empty:
            out.append(f"The data checks found {len(loc)} places where the report's racist "
                       f"incident figures do not add up ({', '.join(sorted(loc['period']))}): "
                       "see the chart of where incidents happened.")
    except data.DataUnavailable:
        return out
    return out


def layout(**query) -> dash.html.Div:
    state = state_from_query(query, OPTIONS)
    controls = [
        radio("racist-incidents-show", "Incidents shown as", [("number", "Numbers"),
                                          ("rate", "Per 1,000 pupils")], state["show"]),
        radio("racist-incidents-group", "People involved", [("victims", "Victims"),
                                              ("perpetrators", "Alleged perpetrators")],
              state["group"]),
        radio("racist-incidents-by", "People grouped by", [("ethnicity", "Ethnicity"), ("age-band", "Age"),
                                             ("sex", "Sex")], state["by"]),
        radio("racist-incidents-year", "Year for people involved",
              [*[(y, y) for y in YEARS], ("all", "All years")], state["year"]),
    ]
    return page_layout(PAGE, "Racist incidents in schools",
                       "Racist incidents that Dudley's primary, secondary and special schools "
                       "recorded and reported to the council each year from 2006-07 to "
                       "2010-11: how many, who was involved, where they happened and how "
                       "schools responded.",
                       state, controls, _summary())


interactive(PAGE, {"show": "racist-incidents-show", "group": "racist-incidents-group", "by": "racist-incidents-by", "year": "racist-incidents-year"})
