"""Children in care: how many, how fast the number grew, and who they are."""

from __future__ import annotations

from enum import StrEnum

import pandas as pd

from dashboard import figures, store
from dashboard.charts import lead
from dashboard.charts.registry import ChartResult, chart, periods_of, reports, source_of
from dashboard.ids import Page
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = Page.CHILDREN_IN_CARE
DATASET = "children_in_care"  # the annual reports' tables on this theme
reports(PAGE, DATASET)
lead.register(PAGE)  # the official series lead the page


class Ids(StrEnum):
    LATEST = "children-in-care-latest"  # the official series (dashboard.charts.lead)
    OFFICIAL = "children-in-care-official"
    INDICATOR = "children-in-care-indicator"
    NUMBERS = "children-in-care-numbers"
    GROWTH = "children-in-care-growth"
    AGE = "children-in-care-age"
    LEGAL = "children-in-care-legal"
    SEX = "children-in-care-sex"
    CARE_ORDERS = "children-in-care-care-orders"
    AVERAGE_AGE = "children-in-care-average-age"
    COMPARE = "children-in-care-compare"


OPTIONS = {"compare": ("england", "none")}
AGE_ORDER = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]
LEGAL_ORDER = ["Care order (full or interim)", "Interim care order", "Voluntary agreement"]
CARE_ORDER, INTERIM = LEGAL_ORDER[0], LEGAL_ORDER[1]  # interim orders are part of care orders
# How each group reads in a sentence: "… were aged 1 to 4", "… were girls".
AGE_WORDS = {v: f"aged {v.lower()}" for v in AGE_ORDER}
LEGAL_WORDS = {"Care order (full or interim)": "on a full or interim care order",
               "Interim care order": "on an interim care order",
               "Voluntary agreement": "on a voluntary agreement"}
SEX_WORDS = {"Female": "girls", "Male": "boys"}
GAP_NOTE = ("Only the years shown were published in the report; the years in between are "
            "left blank, not drawn as zero.")


def compared(compare: str) -> list[str]:
    """The area codes a comparison choice draws: the authority, with England or alone."""
    me = store.profile()
    return [me.code, me.england.code] if compare == "england" else [me.code]


def _march(rows: pd.DataFrame) -> pd.DataFrame:
    """Name 31 March snapshots as a reader would say them: ``March 2012``; spans between
    two such dates as ``March 2007 to March 2012``."""
    out = rows.copy()

    def label(period: str) -> str:
        parts = [p.strip() for p in str(period).split(" to ")]
        if all(len(p) == 10 and p[4] == "-" for p in parts):
            return " to ".join(pd.Timestamp(p).strftime("%B %Y") for p in parts)
        return period

    out["period"] = out["period"].map(label)
    return out


def _every_march(rows: pd.DataFrame) -> list[str]:
    """Every 31 March from the first to the last in ``rows``, so unpublished years show
    as gaps with the right spacing."""
    years = pd.to_datetime(rows["period_end"]).dt.year
    if years.empty:
        return []
    return [f"March {y}" for y in range(years.min(), years.max() + 1)]


def _gap_notes(rows: pd.DataFrame) -> list[str]:
    """The gap note, when some 31 March between the first and the last has no figure."""
    published = set(rows.dropna(subset=["value"])["period"])
    return [GAP_NOTE] if set(_every_march(rows)) - published else []


def _authority_first(rows: pd.DataFrame, *others: str) -> pd.DataFrame:
    """The authority's rows before the others', each group sorted by ``others``."""
    return (rows.assign(_local=rows["role"] != "authority")
            .sort_values(["_local", *others], kind="stable").drop(columns="_local"))


def _area_period(rows: pd.DataFrame) -> str:
    """``Dudley (March 2012) and England (March 2011)``."""
    pairs = _authority_first(rows).drop_duplicates("area_name")
    return " and ".join(f"{a} ({p})" for a, p in zip(pairs["area_name"], pairs["period"],
                                                      strict=True))


def _split_sentence(rows: pd.DataFrame, words: dict[str, str]) -> str:
    """How the authority's children in care differ from England's in one breakdown, or,
    without England, the authority's largest group."""
    name = store.profile().name
    ours = rows[rows["role"] == "authority"].set_index("breakdown_value")["value"].dropna()
    theirs = rows[rows["role"] == "england"].set_index("breakdown_value")["value"].dropna()
    unit = rows["unit"].iloc[0] if not rows.empty else "percent"
    if ours.empty:
        return f"No published figures for {name}"
    if theirs.empty:
        top = ours.idxmax()
        period = rows.loc[rows["role"] == "authority", "period"].iloc[0]
        return (f"In {period} the largest group of {name}'s children in care were "
                f"{words.get(top, top)} ({fmt.value(ours[top], unit)})")
    gaps = (ours - theirs).dropna()
    clauses = []
    if not gaps.empty and gaps.max() > 0:
        clauses.append(("more", gaps.idxmax()))
    if not gaps.empty and gaps.min() < 0:
        clauses.append(("fewer", gaps.idxmin()))
    if not clauses:
        return f"{name}'s children in care were split the same way as England's"
    text = []
    for i, (word, key) in enumerate(clauses):
        who = f"{word} of {name}'s children in care were" if i == 0 else f"{word} were"
        text.append(f"{who} {words.get(key, key)} ({fmt.value(ours[key], unit)} against "
                    f"{fmt.value(theirs[key], unit)})")
    return "Compared with England, " + " and ".join(text)


def _shares(breakdown: str, compare: str) -> pd.DataFrame:
    rows = store.select(DATASET, "children_in_care_share", areas=compared(compare),
                        breakdown=breakdown)
    return _march(rows)


def _england_note(rows: pd.DataFrame) -> list[str]:
    england = rows[rows["role"] == "england"]
    if not england.empty:
        return [f"England's figures are for {england['period'].iloc[0]}, the latest published "
                "when the report was written."]
    return []


def _authority_on_top(fig) -> None:
    """Horizontal grouped bars draw the first series at the bottom of each group: reverse
    the series so the authority sits on top, and the legend so it still reads first."""
    fig.data = fig.data[::-1]
    fig.update_layout(legend_traceorder="reversed")
    fig.update_xaxes(title=None)


def _own(measure: str) -> pd.DataFrame:
    """The authority's 31 March figures of one measure."""
    return _march(store.select(DATASET, measure, areas=[store.profile().code]))


@chart(Ids.NUMBERS, PAGE, "Children in care")
def numbers(state: dict) -> ChartResult:
    me = store.profile()
    rows = _own("children_in_care")
    fig = figures.bars(rows, category="period", category_order=_every_march(rows))
    return ChartResult(
        figure=fig,
        data=rows,
        title=summaries.trend(rows, f"Children in care in {me.name}"),
        subtitle=f"Number of children in care on 31 March, {me.name}, {periods_of(rows)}",
        source=source_of(rows),
        notes=_gap_notes(rows),
    )


@chart(Ids.GROWTH, PAGE, "How fast the number grew", options={"compare": OPTIONS["compare"]})
def growth(state: dict) -> ChartResult:
    rows = _march(store.select(DATASET, "children_in_care_change_pct",
                               areas=compared(state["compare"]), periods="all"))
    rows = _authority_first(rows, "period_start")
    years = (pd.to_datetime(rows["period_start"]).dt.year.astype(str) + " to "
             + pd.to_datetime(rows["period_end"]).dt.year.astype(str))
    shown = rows.assign(category=rows["area_name"] + ": " + years)
    fig = figures.bars(shown, category="category", series="area_name", horizontal=True)
    # One bar per row: overlay keeps each bar full width and centred on its label.
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=None, ticksuffix="%")
    spans = rows.assign(span=pd.to_datetime(rows["period_end"])
                        - pd.to_datetime(rows["period_start"]))
    longest = spans.sort_values("span", ascending=False, kind="stable").drop_duplicates(
        "area_code")
    longest = _authority_first(longest)
    title, last_verb = "Children in care", None
    for _, r in longest.dropna(subset=["value"]).iterrows():
        verb = "rose" if r["value"] > 0 else "fell" if r["value"] < 0 else "did not change"
        size = "" if r["value"] == 0 else f" {fmt.number(abs(r['value']))}%"
        joiner = " and" if last_verb else ""
        title += f"{joiner}{'' if verb == last_verb else ' ' + verb}{size} in " \
                 f"{r['area_name']} ({r['period']})"
        last_verb = verb
    if last_verb is None:
        title = "No published figures for the change in children in care"
    notes = []
    if spans["span"].nunique() > 1:
        notes.append("The report gives these changes over different spans of years: compare "
                     "them with care.")
    return ChartResult(fig, rows, title,
                       "Percentage change in the number of children in care between two "
                       "31 March counts, as given in the report", source_of(rows), notes)


@chart(Ids.AGE, PAGE, "Age groups", options={"compare": OPTIONS["compare"]})
def age(state: dict) -> ChartResult:
    me = store.profile()
    rows = _shares("age_band", state["compare"])
    fig = figures.bars(rows, category="breakdown_value", series="area_name",
                       category_order=AGE_ORDER)
    notes = _england_note(rows)
    change = _march(store.select(DATASET, "children_in_care_change", areas=[me.code],
                                 breakdown="age_band", periods="all"))
    for _, r in change.iterrows():
        notes.append(f"The report says the {r['breakdown_value']} age group grew the most in "
                     f"{me.name}: {fmt.number(r['value'])} more children from {r['period']}.")
    return ChartResult(fig, rows, _split_sentence(rows, AGE_WORDS),
                       f"Share of children in care on 31 March, by age, {_area_period(rows)}",
                       source_of(rows), notes)


def _legal_notes(rows: pd.DataFrame) -> list[str]:
    """What a reader needs to add the legal status bars up: interim orders sit inside the
    care order bar, and the statuses the report gives may not cover everyone."""
    given = set(rows["breakdown_value"])
    notes = []
    if {CARE_ORDER, INTERIM} <= given:
        notes.append("Interim care orders are part of the care order figure.")
    whole = rows[rows["breakdown_value"] != INTERIM] if CARE_ORDER in given else rows
    totals = whole.dropna(subset=["value"]).groupby("area_code")["value"].sum()
    if not totals.empty and (totals.round() < 100).any():
        notes.append("The report does not give every legal status, so the bars do not add "
                     "up to 100%.")
    if len(notes) == 2:
        notes = [" ".join(notes)]
    return notes


@chart(Ids.LEGAL, PAGE, "Legal status", options={"compare": OPTIONS["compare"]})
def legal(state: dict) -> ChartResult:
    rows = pd.concat([_shares("legal_status_group", state["compare"]),
                      _shares("legal_status", state["compare"])], ignore_index=True)
    rows = _authority_first(rows.assign(_order=rows["breakdown_value"].map(
        lambda v: LEGAL_ORDER.index(v) if v in LEGAL_ORDER else 99)), "_order")
    rows = rows.drop(columns="_order").reset_index(drop=True)
    fig = figures.bars(rows, category="breakdown_value", series="area_name", horizontal=True,
                       category_order=LEGAL_ORDER)
    _authority_on_top(fig)
    notes = [*_legal_notes(rows), *_england_note(rows)]
    return ChartResult(fig, rows, _split_sentence(rows, LEGAL_WORDS),
                       f"Share of children in care on 31 March, by legal status, "
                       f"{_area_period(rows)}", source_of(rows), notes)


@chart(Ids.SEX, PAGE, "Girls and boys", options={"compare": OPTIONS["compare"]})
def sex(state: dict) -> ChartResult:
    rows = _shares("sex", state["compare"])
    shown = rows.assign(where=rows["area_name"] + " (" + rows["period"] + ")", role="")
    fig = figures.bars(shown, category="where", series="breakdown_value", horizontal=True,
                       stacked=True, height=240)
    fig.update_xaxes(title=None)
    return ChartResult(fig, rows, _split_sentence(rows, SEX_WORDS),
                       f"Share of children in care on 31 March who are girls and boys, "
                       f"{_area_period(rows)}", source_of(rows), _england_note(rows))


@chart(Ids.CARE_ORDERS, PAGE, "Full care orders")
def care_orders(state: dict) -> ChartResult:
    me = store.profile()
    rows = _own("children_in_care_full_care_orders")
    fig = figures.bars(rows, category="period", category_order=_every_march(rows))
    notes = _gap_notes(rows)
    everyone = _own("children_in_care")
    latest = rows.dropna(subset=["value"]).sort_values("period_start").tail(1)
    both = latest.merge(everyone, on="period", suffixes=("", "_all"))
    for _, r in both.iterrows():
        notes.append(f"In {r['period']}, {fmt.number(r['value'])} of the "
                     f"{fmt.number(r['value_all'])} children in care "
                     f"({100 * r['value'] / r['value_all']:.0f}%) were on a full care order "
                     "(worked out from the published figures).")
    return ChartResult(fig, rows, summaries.trend(rows, "Children on full care orders"),
                       f"Number of children in care on a full care order on 31 March, "
                       f"{me.name}, {periods_of(rows)}", source_of(rows), notes)


def _age_sentence(rows: pd.DataFrame) -> str:
    rows = rows.dropna(subset=["value"]).sort_values("period_start")
    if len(rows) < 2:
        return summaries.trend(rows, "Average age of children in care")
    first, last = rows.iloc[0], rows.iloc[-1]
    verb = "rose" if last["value"] > first["value"] else "fell" if last["value"] < first[
        "value"] else "stayed the same,"
    return (f"The average age of children in care {verb} from "
            f"{fmt.value(first['value'], first['unit'])} in {first['period']} to "
            f"{fmt.value(last['value'], last['unit'])} in {last['period']}")


@chart(Ids.AVERAGE_AGE, PAGE, "Average age")
def average_age(state: dict) -> ChartResult:
    me = store.profile()
    rows = _own("children_in_care_average_age")
    fig = figures.bars(rows, category="period", category_order=_every_march(rows))
    return ChartResult(fig, rows, _age_sentence(rows),
                       f"Average age in years of children in care on 31 March, {me.name}, "
                       f"{periods_of(rows)}", source_of(rows), _gap_notes(rows))


def summary() -> list[str]:
    """The page's findings in brief, from the reports' figures."""
    me = store.profile()
    out = []
    try:
        counts = _own("children_in_care")
        latest = counts.dropna(subset=["value"]).sort_values("period_start").iloc[-1]
        year = _march(store.select(DATASET, "children_in_care_change_pct", areas=[me.code],
                                   periods="all"))
        ends = pd.to_datetime(year["period_end"])
        year = year[(ends == pd.to_datetime(latest["period_end"]))
                    & (ends - pd.to_datetime(year["period_start"]) <= pd.Timedelta(days=366))]
        line = f"{fmt.number(latest['value'])} children were in care on 31 {latest['period']}"
        if not year.empty:
            pct = year["value"].iloc[0]
            line += f", {fmt.number(abs(pct))}% {'more' if pct > 0 else 'fewer'} than a year before"
        out.append(line + ".")
        out.append(summaries.trend(counts, "The number") + ".")
        out.append(_split_sentence(_shares("legal_status_group", "england"), LEGAL_WORDS) + ".")
        out.append(_age_sentence(_own("children_in_care_average_age")) + ".")
        iro = store.select(DATASET, "cic_know_their_iro_pct", areas=[me.code]).dropna(
            subset=["value"])
        for _, r in iro.tail(1).iterrows():
            month = pd.Timestamp(r["period_end"]).strftime("%B %Y")
            out.append(f"In a survey in {month}, {fmt.value(r['value'], r['unit'])} of "
                       "children in care knew who their independent reviewing officer was.")
    except (store.DataUnavailable, IndexError):
        return out
    return out
