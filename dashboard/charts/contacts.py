"""Contacts and referrals: how many concerns reach children's social care, who raises
them, and how the authority's rates compare."""

from __future__ import annotations

import itertools
from enum import StrEnum

import pandas as pd

from dashboard import figures, store
from dashboard.charts import lead
from dashboard.charts.registry import ChartResult, chart, periods_of, reports, source_of
from dashboard.ids import Page
from dashboard.store.areas import COMPARATOR_KEYS
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = Page.CONTACTS
DATASET = "contacts"  # the annual reports' tables on this theme
reports(PAGE, DATASET)
lead.register(PAGE)  # the official series lead the page


class Ids(StrEnum):
    LATEST = "contacts-latest"  # the official series (dashboard.charts.lead)
    TREND = "contacts-trend"
    SOURCES = "contacts-sources"
    DOMESTIC_ABUSE = "contacts-domestic-abuse"
    OPEN_REFERRALS = "contacts-open-referrals"
    REFERRAL_RATE = "contacts-referral-rate"
    REFERRAL_SOURCES = "contacts-referral-sources"
    ASSESSMENTS = "contacts-assessments"
    COMMON_ASSESSMENTS = "contacts-common-assessments"
    OFFICIAL = "contacts-official"
    INDICATOR = "contacts-indicator"
    COMPARATOR = "contacts-comparator"
    CAF = "contacts-caf"


OPTIONS = {
    "comparator": COMPARATOR_KEYS,
    "caf": ("counts", "starters"),
}


# --- words worked out from the rows ---------------------------------------------------------


def _at_31_march(rows: pd.DataFrame) -> pd.DataFrame:
    """Label 31 March snapshots in words: 2012-03-31 → 31 March 2012."""
    out = rows.copy()
    snap = out["period_type"] == "snapshot"
    ends = pd.to_datetime(out.loc[snap, "period_end"])
    out.loc[snap, "period"] = [f"{d.day} {d:%B} {d.year}" for d in ends]
    return out


def _stated(measure: str) -> list[pd.Series]:
    """Rows of a change stated in the report (percentage change over a span)."""
    rows = store.select(DATASET, measure, areas=[store.profile().code], periods="all")
    return [row for _, row in rows.dropna(subset=["value"]).iterrows()]


def _order(rows: pd.DataFrame) -> list[str]:
    return rows.sort_values("period_start")["period"].drop_duplicates().tolist()


def _financial_year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def missing_years(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """The runs of financial years missing between the first and last year of ``rows``:
    ``[("2012-13", "2016-17")]``."""
    years = sorted({pd.Timestamp(s).year for s in rows.loc[
        rows["period_type"] == "financial_year", "period_start"]})
    return [(_financial_year(a + 1), _financial_year(b - 1))
            for a, b in itertools.pairwise(years) if b - a > 1]


def gap_note(rows: pd.DataFrame) -> str | None:
    """``No figures are published for 2012-13 to 2016-17, so those years are missing.``"""
    gaps = missing_years(rows.dropna(subset=["value"]))
    if not gaps:
        return None
    spans = [first if first == last else f"{first} to {last}" for first, last in gaps]
    one = len(gaps) == 1 and gaps[0][0] == gaps[0][1]
    return (f"No figures are published for {' and '.join(spans)}, so "
            f"{'that year is' if one else 'those years are'} missing.")


def comparator_years_note(rows: pd.DataFrame) -> str | None:
    """``The West Midlands and England figures are published for 2010-11 only.``, when the
    compared areas have fewer years than the authority."""
    rows = rows.dropna(subset=["value"]).sort_values("period_start")
    ours = set(rows.loc[rows["role"] == "authority", "period"])
    by_area: dict[str, list[str]] = {}
    for _, row in rows[rows["role"] != "authority"].iterrows():
        by_area.setdefault(str(row["area_name"]), []).append(str(row["period"]))
    years = {tuple(dict.fromkeys(p)) for p in by_area.values()}
    if len(years) != 1 or set(next(iter(years))) >= ours:
        return None
    return (f"The {' and '.join(by_area)} figures are published for "
            f"{' and '.join(next(iter(years)))} only.")


def whole_numbers_note(rows: pd.DataFrame) -> str | None:
    """``The West Midlands figures are published as whole numbers.``, when the region's
    values are all whole numbers and the others' are not."""
    region = store.profile().region
    if region is None:
        return None
    values = rows.loc[rows["area_code"] == region.code, "value"].dropna()
    others = rows.loc[rows["area_code"] != region.code, "value"].dropna()
    if values.empty or not all(float(v).is_integer() for v in values) or \
            all(float(v).is_integer() for v in others):
        return None
    return f"The {region.name} figures are published as whole numbers."


def report_notes(rows: pd.DataFrame) -> list[str]:
    """The manifest notes of this theme's report tables behind ``rows``. (A report's table
    name can hold several themes' rows, so the notes are matched on the dataset too.)"""
    tables = store.tables()
    tables = tables[tables["dataset"] == DATASET][["source_id", "source_table", "notes"]]
    found = rows[["source_id", "source_table"]].drop_duplicates().merge(
        tables, on=["source_id", "source_table"], how="inner")
    return list(dict.fromkeys(n for n in found["notes"].dropna().astype(str) if n.strip()))


# --- the charts -----------------------------------------------------------------------------


@chart(Ids.TREND, PAGE, "Contacts to social care")
def contacts_trend(state: dict) -> ChartResult:
    me = store.profile()
    rows = store.select(DATASET, "contacts", areas=[me.code])
    label = store.measure("contacts")["label"]
    stated = [f"{fmt.value(r['value'], r['unit'])} from {r['period']}"
              for r in _stated("contacts_change_pct")]
    notes = []
    if missing_years(rows.dropna(subset=["value"])):
        count = rows["period"].nunique()
        these = "these two years" if count == 2 else "these years"
        notes.append(f"The report gives the number of contacts for {these} only; the years "
                     "in between are not published as figures, so they are not drawn.")
    if stated:
        notes.append("Change stated in the report: " + "; ".join(stated) + ".")
    for r in _stated("contacts_excl_domestic_abuse_change_pct"):
        notes.append(f"Without police domestic abuse notifications, contacts changed by "
                     f"{fmt.value(r['value'], r['unit'])} from {r['period']}.")
    return ChartResult(figures.bars(rows, category="period", category_order=_order(rows)),
                       rows, summaries.trend(rows, "Contacts"),
                       f"{label}, number in the year, {me.name}, {periods_of(rows)}",
                       source_of(rows), notes)


def _top_title(rows: pd.DataFrame, what: str, words: str) -> str:
    """``words`` filled in from the largest part of a breakdown (rows sorted, largest
    first)."""
    if rows.empty:
        return f"No published figures for {what}"
    top = rows.iloc[0]
    return words.format(name=top["breakdown_value"], period=top["period"],
                        value=fmt.value(top["value"], top["unit"]))


def _named_share_note(rows: pd.DataFrame, names: str, did: str, what: str) -> list[str]:
    """What share of the whole the breakdown's named parts cover, when not all of it."""
    named = rows["value"].sum()
    if not 0 < named < 100:
        return []
    return [f"The report names these {names} only. Together they {did} {fmt.number(named)}% "
            f"of {what}; the other {fmt.number(100 - named)}% are not broken down."]


@chart(Ids.SOURCES, PAGE, "Where contacts came from")
def contacts_sources(state: dict) -> ChartResult:
    me = store.profile()
    rows = store.select(DATASET, "contact_source_share", areas=[me.code],
                        breakdown="contact_source").dropna(subset=["value"])
    rows = rows.sort_values("value", ascending=False).reset_index(drop=True)
    title = _top_title(rows, "where contacts came from",
                       "{name} made the most contacts in {period} ({value} of all contacts)")
    return ChartResult(figures.bars(rows, category="breakdown_value", horizontal=True,
                                    height=300), rows, title,
                       f"Share of all contacts to social care (%), by source, {me.name}, "
                       f"{periods_of(rows)}", source_of(rows),
                       _named_share_note(rows, "sources", "made", "contacts"))


@chart(Ids.DOMESTIC_ABUSE, PAGE, "Domestic abuse notifications")
def contacts_domestic_abuse(state: dict) -> ChartResult:
    me = store.profile()
    measures = ["domestic_abuse_notifications", "domestic_abuse_children_involved"]
    rows = store.select(DATASET, measures, areas=[me.code], periods="all")
    names = {"domestic_abuse_notifications": "Notifications",
             "domestic_abuse_children_involved": "Children involved"}
    spans = rows["period_type"].str.endswith("_span")
    shown = rows.assign(series=rows["measure"].map(names), role="",
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
    if spans.any():
        notes.append("Figures for each single year before the latest are not published as "
                     "numbers, so they are not drawn.")
    fig = figures.bars(shown, category="category", series="series",
                       category_order=shown["category"].drop_duplicates().tolist())
    return ChartResult(fig, rows, title, "Number of police notifications and children named "
                       f"in them, {me.name}, {' and '.join(shown['category'].unique())}",
                       source_of(rows), notes)


def _open_referrals_title(rows: pd.DataFrame) -> str:
    """The change between the first and last 31 March, said as months."""
    rows = rows.dropna(subset=["value"]).sort_values("period_start")
    if len(rows) < 2:
        return summaries.trend(rows, "Open referrals")
    first, last = rows.iloc[0], rows.iloc[-1]
    return summaries.change("Open referrals", f"{pd.Timestamp(first['period_end']):%B %Y}",
                            first["value"], f"{pd.Timestamp(last['period_end']):%B %Y}",
                            last["value"], last["unit"])


@chart(Ids.OPEN_REFERRALS, PAGE, "Open referrals")
def contacts_open_referrals(state: dict) -> ChartResult:
    me = store.profile()
    rows = _at_31_march(store.select(DATASET, "open_referrals", areas=[me.code]))
    return ChartResult(figures.trend(rows), rows, _open_referrals_title(rows),
                       f"Referrals to social care still open, number, {me.name}, "
                       f"{periods_of(rows)}", source_of(rows))


def _rate_bars(rows: pd.DataFrame):
    return figures.bars(rows, category="period", series="area_name",
                        category_order=_order(rows))


def _rate_subtitle(rows: pd.DataFrame, info) -> str:
    return f"{info['label']} ({fmt.unit_label(info['unit'])}), {periods_of(rows)}"


@chart(Ids.REFERRAL_RATE, PAGE, "Referral rate",
       options={"comparator": OPTIONS["comparator"]})
def contacts_referral_rate(state: dict) -> ChartResult:
    me = store.profile()
    measure = "referrals_rate_per_10000"
    rows = store.select(DATASET, measure, areas=store.comparators()[state["comparator"]])
    info = store.measure(measure)
    ours = rows[rows["role"] == "authority"]
    notes = [summaries.compare(rows, info["label"], me.code) + ".",
             comparator_years_note(rows), *report_notes(rows.dropna(subset=["value"])),
             gap_note(rows)]
    return ChartResult(_rate_bars(rows), rows, summaries.trend(ours, info["label"]),
                       _rate_subtitle(rows, info), source_of(rows), [n for n in notes if n])


@chart(Ids.REFERRAL_SOURCES, PAGE, "Who referred children",
       options={"comparator": OPTIONS["comparator"]})
def contacts_referral_sources(state: dict) -> ChartResult:
    me = store.profile()
    rows = store.select(DATASET, "referral_source_share",
                        areas=store.comparators()[state["comparator"]],
                        breakdown="referral_source")
    ours = rows[rows["role"] == "authority"].dropna(subset=["value"])
    order = ours.sort_values("value", ascending=False)["breakdown_value"].tolist()
    order += [b for b in rows["breakdown_value"].drop_duplicates() if b not in order]
    if ours.empty:
        title = "No published figures for who referred children"
    else:
        top = ours.sort_values("value", ascending=False).iloc[0]
        title = (f"{top['breakdown_value']} made the most referrals in {me.name} in "
                 f"{top['period']} ({fmt.value(top['value'], top['unit'])})")
        versus = summaries.versus_shares(
            rows[rows["breakdown_value"] == top["breakdown_value"]], me.code)
        if versus:
            title += f", {versus}"
    fig = figures.bars(rows, category="breakdown_value", series="area_name", horizontal=True,
                       category_order=order, height=640)
    # Plotly stacks horizontal groups from the bottom: put the authority's bar on top of
    # each group and keep the legend in the usual order.
    fig.data = fig.data[::-1]
    fig.update_layout(legend_traceorder="reversed")
    whole = whole_numbers_note(rows)
    return ChartResult(fig, rows, title, "Share of referrals to social care (%), by who made "
                       f"them, {periods_of(rows)}", source_of(rows), [whole] if whole else [])


@chart(Ids.ASSESSMENTS, PAGE, "Initial assessment rate",
       options={"comparator": OPTIONS["comparator"]})
def contacts_assessments(state: dict) -> ChartResult:
    me = store.profile()
    measure = "initial_assessments_rate_per_10000"
    rows = store.select(DATASET, measure, areas=store.comparators()[state["comparator"]])
    info = store.measure(measure)
    return ChartResult(_rate_bars(rows), rows, summaries.compare(rows, info["label"], me.code),
                       _rate_subtitle(rows, info), source_of(rows),
                       report_notes(rows.dropna(subset=["value"])))


def _common_assessment_starters(me) -> ChartResult:
    rows = store.select(DATASET, "common_assessments_initiator_share", areas=[me.code],
                        breakdown="initiator").dropna(subset=["value"])
    rows = rows.sort_values("value", ascending=False).reset_index(drop=True)
    title = _top_title(rows, "who started common assessments",
                       "{name} started the most common assessments in {period} ({value})")
    return ChartResult(figures.bars(rows, category="breakdown_value", horizontal=True,
                                    height=300), rows, title,
                       "Share of common assessments started (%), by who started them, "
                       f"{me.name}, {periods_of(rows)}", source_of(rows),
                       _named_share_note(rows, "starters", "started", "common assessments"))


@chart(Ids.COMMON_ASSESSMENTS, PAGE, "Common assessments", options={"caf": OPTIONS["caf"]})
def contacts_common_assessments(state: dict) -> ChartResult:
    me = store.profile()
    if state["caf"] == "starters":
        return _common_assessment_starters(me)
    measures = ["common_assessments", "common_assessments_completed"]
    rows = store.select(DATASET, measures, areas=[me.code])
    labels = {"common_assessments": "Started", "common_assessments_completed": "Completed"}
    shown = rows.assign(series=rows["measure"].map(labels), role="")
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
    completed = rows[rows["measure"] == "common_assessments_completed"].dropna(
        subset=["value"])
    if len(completed) == 1 and rows["period"].nunique() > 1 and \
            completed["period_start"].iloc[0] == rows["period_start"].max():
        notes.append("The number completed is published for the latest year only.")
    return ChartResult(figures.bars(shown, category="period", series="series",
                                    category_order=_order(rows)),
                       rows, summaries.trend(started, "Common assessments started"),
                       "Common assessments (CAF) started and completed, number, "
                       f"{me.name}, {periods_of(rows)}", source_of(rows), notes)




def summary() -> list[str]:
    """The page's findings in brief, from the reports' figures."""
    me = store.profile()
    try:
        contacts = store.select(DATASET, "contacts", areas=[me.code])
        rate = store.select(DATASET, "referrals_rate_per_10000", areas=[me.code])
        sources = store.select(DATASET, "referral_source_share", areas=[me.code],
                               breakdown="referral_source").dropna(subset=["value"])
    except store.DataUnavailable:
        return []
    if contacts.empty and rate.empty and sources.empty:
        return []
    lines = [summaries.trend(contacts, "Contacts to social care") + ".",
             summaries.trend(rate, "The referral rate") + "."]
    if not sources.empty:
        top = sources.sort_values("value", ascending=False).iloc[0]
        lines.append(f"{top['breakdown_value']} made the most referrals in "
                     f"{top['period']}: {fmt.value(top['value'], top['unit'])}.")
    return lines
