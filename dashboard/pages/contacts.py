"""Contacts and referrals: how many concerns reach children's social care, who raises
them, and how Dudley's rates compare."""

from __future__ import annotations

import dash
import pandas as pd

from dashboard import figures
from dashboard import store as data
from dashboard._legacy import COMPARATOR_CHOICES, COMPARATORS, DUDLEY
from dashboard.charts import ChartResult, chart, official, periods_of, source_of
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = "contacts"
DATASET = "contacts"
dash.register_page(__name__, path="/contacts", name="Contacts & referrals",
                   title="Contacts & referrals", order=1)

OPTIONS = {
    "comparator": tuple(COMPARATORS),
    "caf": ("counts", "starters"),
}
PROVISIONAL = ("Dudley's 2011-12 figure is provisional local data; the region and England "
               "figures are the latest published at the time (2010-11).")


def _at_31_march(rows: pd.DataFrame) -> pd.DataFrame:
    """Label 31 March snapshots in words: 2012-03-31 → 31 March 2012."""
    out = rows.copy()
    snap = out["period_type"] == "snapshot"
    ends = pd.to_datetime(out.loc[snap, "period_end"])
    out.loc[snap, "period"] = [f"{d.day} {d:%B} {d.year}" for d in ends]
    return out


def _stated(measure: str, period_type: str | None = None) -> list[pd.Series]:
    """Rows of a change stated in the report (percentage change over a span)."""
    rows = data.select(DATASET, measure, areas=[DUDLEY], periods="all").dropna(subset=["value"])
    if period_type:
        rows = rows[rows["period_type"] == period_type]
    return [row for _, row in rows.iterrows()]


@chart("contacts-trend", PAGE, "Contacts to social care")
def contacts_trend(state: dict) -> ChartResult:
    rows = data.select(DATASET, "contacts", areas=[DUDLEY])
    label = data.measure("contacts")["label"]
    stated = [f"{fmt.value(r['value'], r['unit'])} from {r['period']}"
              for r in _stated("contacts_change_pct")]
    notes = ["The report gives the number of contacts for these two years only; the years in "
             "between are not published as figures, so they are not drawn."]
    if stated:
        notes.append("Change stated in the report: " + "; ".join(stated) + ".")
    for r in _stated("contacts_excl_domestic_abuse_change_pct"):
        notes.append(f"Without police domestic abuse notifications, contacts changed by "
                     f"{fmt.value(r['value'], r['unit'])} from {r['period']}.")
    return ChartResult(
        figure=figures.bars(rows, category="period",
                            category_order=rows.sort_values("period_start")["period"].tolist()),
        data=rows,
        title=summaries.trend(rows, "Contacts"),
        subtitle=f"{label}, number in the year, Dudley, {periods_of(rows)}",
        source=source_of(rows),
        notes=notes,
    )


@chart("contacts-sources", PAGE, "Where contacts came from")
def contacts_sources(state: dict) -> ChartResult:
    rows = data.select(DATASET, "contact_source_share", areas=[DUDLEY],
                       breakdown="contact_source").dropna(subset=["value"])
    rows = rows.sort_values("value", ascending=False).reset_index(drop=True)
    period = periods_of(rows)
    if rows.empty:
        title = "No published figures for where contacts came from"
    else:
        top = rows.iloc[0]
        title = (f"{top['breakdown_value']} made the most contacts in {top['period']} "
                 f"({fmt.value(top['value'], top['unit'])} of all contacts)")
    named = rows["value"].sum()
    notes = []
    if 0 < named < 100:
        notes.append(f"The report names these sources only. Together they made "
                     f"{fmt.number(named)}% of contacts; the other {fmt.number(100 - named)}% "
                     "are not broken down.")
    return ChartResult(
        figure=figures.bars(rows, category="breakdown_value", horizontal=True, height=300),
        data=rows,
        title=title,
        subtitle=f"Share of all contacts to social care (%), by source, Dudley, {period}",
        source=source_of(rows),
        notes=notes,
    )


@chart("contacts-domestic-abuse", PAGE, "Domestic abuse notifications")
def contacts_domestic_abuse(state: dict) -> ChartResult:
    measures = ["domestic_abuse_notifications", "domestic_abuse_children_involved"]
    rows = data.select(DATASET, measures, areas=[DUDLEY], periods="all")
    names = {"domestic_abuse_notifications": "Notifications",
             "domestic_abuse_children_involved": "Children involved"}
    spans = rows["period_type"].str.endswith("_span")
    shown = rows.assign(series=rows["measure"].map(names),
                        category=rows["period"].where(~spans, rows["period"] + " (total)"))
    shown = shown.sort_values(["period_type", "measure"], ascending=[True, False])
    year = rows[~spans & rows["value"].notna()]
    latest = year[year["period_start"] == year["period_start"].max()]
    notified = latest[latest["measure"] == measures[0]]
    children = latest[latest["measure"] == measures[1]]
    if notified.empty:
        title = "No published figures for domestic abuse notifications"
    else:
        n = notified.iloc[0]
        title = (f"In {n['period']} the police sent {fmt.number(n['value'])} domestic abuse "
                 "notifications")
        if not children.empty:
            title += f", involving {fmt.number(children['value'].iloc[0])} children"
    notes = []
    for r in _stated("domestic_abuse_notifications_change_pct"):
        notes.append(f"The report states notifications changed by "
                     f"{fmt.value(r['value'], r['unit'])} from {r['period']}.")
    for r in _stated("domestic_abuse_repeat_victims_share"):
        notes.append(f"The report estimates that about {fmt.value(r['value'], r['unit'])} of "
                     f"the children named from {r['period']} were repeat victims.")
    notes.append("Figures for each single year before the latest are not published as "
                 "numbers, so they are not drawn.")
    return ChartResult(
        figure=figures.bars(shown, category="category", series="series",
                            category_order=shown["category"].drop_duplicates().tolist()),
        data=rows,
        title=title,
        subtitle="Number of police notifications and children named in them, Dudley, "
                 f"{' and '.join(shown['category'].unique())}",
        source=source_of(rows),
        notes=notes,
    )


def _open_referrals_title(rows: pd.DataFrame) -> str:
    """The change between the first and last 31 March, said as months."""
    rows = rows.dropna(subset=["value"]).sort_values("period_start")
    if len(rows) < 2:
        return summaries.trend(rows, "Open referrals")
    first, last = rows.iloc[0], rows.iloc[-1]
    return summaries.change("Open referrals", f"{pd.Timestamp(first['period_end']):%B %Y}",
                            first["value"], f"{pd.Timestamp(last['period_end']):%B %Y}",
                            last["value"], last["unit"])


@chart("contacts-open-referrals", PAGE, "Open referrals")
def contacts_open_referrals(state: dict) -> ChartResult:
    rows = _at_31_march(data.select(DATASET, "open_referrals", areas=[DUDLEY]))
    return ChartResult(
        figure=figures.trend(rows),
        data=rows,
        title=_open_referrals_title(rows),
        subtitle=f"Referrals to social care still open, number, Dudley, {periods_of(rows)}",
        source=source_of(rows),
    )


@chart("contacts-referral-rate", PAGE, "Referral rate",
       options={"comparator": OPTIONS["comparator"]})
def contacts_referral_rate(state: dict) -> ChartResult:
    measure = "referrals_rate_per_10000"
    rows = data.select(DATASET, measure, areas=COMPARATORS[state["comparator"]])
    info = data.measure(measure)
    ours = rows[rows["area_code"] == DUDLEY]
    order = rows.sort_values("period_start")["period"].drop_duplicates().tolist()
    notes = [summaries.compare(rows, info["label"]) + ".",
             "The region and England figures are published for 2010-11 only. The 2011-12 "
             "figure is provisional local data.",
             "No figures are published for 2012-13 to 2016-17, so those years are missing."]
    return ChartResult(
        figure=figures.bars(rows, category="period", series="area_name", category_order=order),
        data=rows,
        title=summaries.trend(ours, info["label"]),
        subtitle=f"{info['label']} ({fmt.unit_label(info['unit'])}), {periods_of(rows)}",
        source=source_of(rows),
        notes=notes,
    )


@chart("contacts-referral-sources", PAGE, "Who referred children",
       options={"comparator": OPTIONS["comparator"]})
def contacts_referral_sources(state: dict) -> ChartResult:
    rows = data.select(DATASET, "referral_source_share", areas=COMPARATORS[state["comparator"]],
                       breakdown="referral_source")
    ours = rows[rows["area_code"] == DUDLEY].dropna(subset=["value"])
    order = ours.sort_values("value", ascending=False)["breakdown_value"].tolist()
    order += [b for b in rows["breakdown_value"].drop_duplicates() if b not in order]
    if ours.empty:
        title = "No published figures for who referred children"
    else:
        top = ours.sort_values("value", ascending=False).iloc[0]
        title = (f"{top['breakdown_value']} made the most referrals in Dudley in "
                 f"{top['period']} ({fmt.value(top['value'], top['unit'])})")
        versus = summaries.versus_shares(rows[rows["breakdown_value"] == top["breakdown_value"]])
        if versus:
            title += f", {versus}"
    fig = figures.bars(rows, category="breakdown_value", series="area_name", horizontal=True,
                       category_order=order, height=640)
    # Plotly stacks horizontal groups from the bottom: put Dudley's bar on top of each group
    # and keep the legend in the usual order.
    fig.data = fig.data[::-1]
    fig.update_layout(legend_traceorder="reversed")
    return ChartResult(
        figure=fig,
        data=rows,
        title=title,
        subtitle=f"Share of referrals to social care (%), by who made them, "
                 f"{periods_of(rows)}",
        source=source_of(rows),
        notes=["The West Midlands figures are published as whole numbers."],
    )


@chart("contacts-assessments", PAGE, "Initial assessment rate",
       options={"comparator": OPTIONS["comparator"]})
def contacts_assessments(state: dict) -> ChartResult:
    measure = "initial_assessments_rate_per_10000"
    rows = data.select(DATASET, measure, areas=COMPARATORS[state["comparator"]])
    info = data.measure(measure)
    order = rows.sort_values("period_start")["period"].drop_duplicates().tolist()
    return ChartResult(
        figure=figures.bars(rows, category="period", series="area_name", category_order=order),
        data=rows,
        title=summaries.compare(rows, info["label"]),
        subtitle=f"{info['label']} ({fmt.unit_label(info['unit'])}), {periods_of(rows)}",
        source=source_of(rows),
        notes=[PROVISIONAL],
    )


@chart("contacts-common-assessments", PAGE, "Common assessments",
       options={"caf": OPTIONS["caf"]})
def contacts_common_assessments(state: dict) -> ChartResult:
    if state["caf"] == "starters":
        rows = data.select(DATASET, "common_assessments_initiator_share", areas=[DUDLEY],
                           breakdown="initiator").dropna(subset=["value"])
        rows = rows.sort_values("value", ascending=False).reset_index(drop=True)
        if rows.empty:
            title = "No published figures for who started common assessments"
        else:
            top = rows.iloc[0]
            title = (f"{top['breakdown_value']} started the most common assessments in "
                     f"{top['period']} ({fmt.value(top['value'], top['unit'])})")
        named = rows["value"].sum()
        notes = []
        if 0 < named < 100:
            notes.append(f"The report names these starters only. Together they started "
                         f"{fmt.number(named)}% of common assessments; the other "
                         f"{fmt.number(100 - named)}% are not broken down.")
        return ChartResult(
            figure=figures.bars(rows, category="breakdown_value", horizontal=True, height=300),
            data=rows,
            title=title,
            subtitle="Share of common assessments started (%), by who started them, Dudley, "
                     f"{periods_of(rows)}",
            source=source_of(rows),
            notes=notes,
        )
    measures = ["common_assessments", "common_assessments_completed"]
    rows = data.select(DATASET, measures, areas=[DUDLEY])
    labels = {"common_assessments": "Started", "common_assessments_completed": "Completed"}
    shown = rows.assign(series=rows["measure"].map(labels))
    started = rows[rows["measure"] == "common_assessments"]
    notes = []
    for r in _stated("common_assessments_completed_pct"):
        notes.append(f"{fmt.value(r['value'], r['unit'])} of the common assessments started in "
                     f"{r['period']} were completed.")
    counts = started.dropna(subset=["value"]).sort_values("period_start")
    for r in _stated("common_assessments_change_pct"):
        text = (f"The report states a change of {fmt.value(r['value'], r['unit'])} from "
                f"{r['period']}")
        if len(counts) >= 2 and counts["value"].iloc[0]:
            first, last = counts["value"].iloc[0], counts["value"].iloc[-1]
            pct = round(100 * (last - first) / first, 1)
            text += (f", but its counts ({fmt.number(first)} and {fmt.number(last)}) give "
                     f"{fmt.value(pct, 'percent_change')}. The title uses the counts")
        notes.append(text + ".")
    notes.append("The number completed is published for the latest year only.")
    order = rows.sort_values("period_start")["period"].drop_duplicates().tolist()
    return ChartResult(
        figure=figures.bars(shown, category="period", series="series", category_order=order),
        data=rows,
        title=summaries.trend(started, "Common assessments started"),
        subtitle=f"Common assessments (CAF) started and completed, number, Dudley, "
                 f"{periods_of(rows)}",
        source=source_of(rows),
        notes=notes,
    )


def _summary() -> list[str]:
    try:
        contacts = data.select(DATASET, "contacts", areas=[DUDLEY])
        rate = data.select(DATASET, "referrals_rate_per_10000", areas=[DUDLEY])
        sources = data.select(DATASET, "referral_source_share", areas=[DUDLEY],
                              breakdown="referral_source").dropna(subset=["value"])
        lines = [summaries.trend(contacts, "Contacts to social care") + ".",
                 summaries.trend(rate, "The referral rate") + "."]
        if not sources.empty:
            top = sources.sort_values("value", ascending=False).iloc[0]
            lines.append(f"{top['breakdown_value']} made the most referrals in "
                         f"{top['period']}: {fmt.value(top['value'], top['unit'])}.")
        return lines
    except data.DataUnavailable:
        return []


def layout(**query) -> dash.html.Div:
    state = state_from_query(query, OPTIONS)
    controls = [
        radio("contacts-comparator", "Compare with", COMPARATOR_CHOICES,
              state["comparator"]),
        radio("contacts-caf", "Common assessments as", [("counts", "Numbers"),
                                                        ("starters", "Who started them")],
              state["caf"]),
    ]
    return page_layout(PAGE, "Contacts & referrals",
                       "How many concerns about children reach children's social care, who "
                       "raises them, and how Dudley's referral and assessment rates compare.",
                       state, controls, _summary())


official.register(PAGE, "contacts-official", "Referrals: reports and official statistics",
                  ("contacts", "referrals_rate_per_10000"),
                  ("dfe_referrals", "dfe_referrals_rate_per_10000"))

interactive(PAGE, {"comparator": "contacts-comparator", "caf": "contacts-caf"})
