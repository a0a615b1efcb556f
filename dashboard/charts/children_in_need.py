"""Children in need: what social workers found at the end of children's assessments
(domestic abuse, mental health, neglect, exploitation …), from the Department for
Education's official statistics, so every chart here is shown for any authority."""

from __future__ import annotations

import re
from enum import StrEnum

import pandas as pd

from dashboard import figures, store
from dashboard.charts import comparison, lead
from dashboard.charts.registry import ChartResult, chart, periods_of
from dashboard.figures import theme
from dashboard.ids import Page
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = Page.CHILDREN_IN_NEED
DATASET = "dfe_assessment_factors"
SHARE, EPISODES = "dfe_assessment_factor_pct", "dfe_assessment_episodes_with_factors"
BREAKDOWN = "factor"
TOP = 12
CATCH_ALL = "Other factors"  # DfE's "Other": about no one in particular
lead.register(PAGE)  # the official series of children in need lead the page


class Ids(StrEnum):
    LATEST = "children-in-need-latest"  # the official series (dashboard.charts.lead)
    OFFICIAL = "children-in-need-official"
    INDICATOR = "children-in-need-indicator"
    FACTORS = "children-in-need-factors"
    FACTOR_TREND = "children-in-need-factor-trend"
    WHO = "children-in-need-who"
    FACTOR = "children-in-need-factor"


# Whom a factor is about: the release names a parent or carer and another person in the
# household in its labels ("Domestic abuse: parent"); the rest are about the child.
WHO = {"all": "All factors", "child": "About the child", "parent": "About a parent or carer",
       "person": "About another person"}
WHO_WORDS = {"all": "", "child": " about the child", "parent": " about a parent or carer",
             "person": " about another person in the household"}
HEADLINE = ("Domestic abuse: parent", "Mental health: parent", "Emotional abuse", "Neglect",
            "Mental health: child", "Drug misuse: parent", "Alcohol misuse: parent",
            "Domestic abuse: child", "Physical abuse by an adult", "Child sexual exploitation",
            "Child criminal exploitation", "Going missing", "Self-harm", "Gangs")


def slug(label: str) -> str:
    """``Domestic abuse: parent`` → ``domestic-abuse-parent`` (for the address)."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


FACTORS = {slug(label): label for label in HEADLINE}
OPTIONS = {"who": tuple(WHO), "factor": tuple(FACTORS)}
VERDICTS = {"higher": "higher than", "lower": "lower than", "similar": "similar to"}
MANY_NOTE = ("One assessment can identify several factors, so the shares add up to more "
             "than 100%.")
SIGNIFICANCE_NOTE = ("Higher or lower than England means the 95% confidence interval of the "
                     "share (Wilson's method) does not include England's share; similar means "
                     "it does.")


def who(label: str) -> str | None:
    """``parent``, ``person`` or ``child``: whom a factor is about (None: the catch-all)."""
    if label.endswith(": parent"):
        return "parent"
    if label.endswith(": other person"):
        return "person"
    return None if label == CATCH_ALL else "child"


def in_words(label: str) -> str:
    """A factor inside a sentence: ``domestic abuse: parent``."""
    return label[:1].lower() + label[1:]


def shares(areas: list[str]) -> pd.DataFrame:
    """Every factor's share of episodes for these areas, the authority first."""
    return comparison.by_role(store.select(DATASET, SHARE, areas=areas, breakdown=BREAKDOWN))


def _chosen(rows: pd.DataFrame, group: str) -> pd.DataFrame:
    if group == "all":
        return rows
    return rows[rows["breakdown_value"].map(who) == group]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _not_published(rows: pd.DataFrame, name: str, key: str, when: str = "") -> str | None:
    """``Not published for Dudley in 2023-24: neglect and self-harm, fewer than 6
    (suppressed).``: the rows without a value, named by ``key``, grouped by symbol."""
    hidden = rows[rows["value"].isna() & rows["status"].notna()]
    if hidden.empty:
        return None
    parts = [f"{_and(list(group[key]))}, {fmt.value(None, 'percent', status)}"
             for status, group in hidden.groupby("status", sort=True)]
    return f"Not published for {name}{when}: {'; '.join(parts)}."


def _episodes_note(period: str) -> str | None:
    rows = store.select(DATASET, EPISODES, areas=store.compared_codes())
    rows = rows[(rows["period"] == period) & rows["value"].notna()]
    if rows.empty:
        return None
    said = ", ".join(f"{r['area_name']} {fmt.number(r['value'])}"
                     for _, r in comparison.by_role(rows).iterrows())
    return f"Episodes of need with assessment factors in {period}: {said}."


def _versus(row: pd.Series, england: pd.DataFrame) -> str:
    """``, similar to England (31.7%)``: the comparison with England's share."""
    if england.empty or fmt.is_missing(england["value"].iloc[0]):
        return ""
    verdict = row.get("compared_with_england")
    words = VERDICTS.get(verdict, "against") if isinstance(verdict, str) else "against"
    return f", {words} England ({fmt.value(england['value'].iloc[0], 'percent')})"


@chart(Ids.FACTORS, PAGE, "Factors identified at the end of assessment",
       options={"who": OPTIONS["who"]}, official=True)
def factors(state: dict) -> ChartResult:
    me = store.profile()
    rows = _chosen(shares(store.compared_codes()), state["who"])
    mine = rows[rows["role"] == "authority"].dropna(subset=["value"])
    england = rows[rows["role"] == "england"].dropna(subset=["value"])
    ranked_by = mine if not mine.empty else england
    if ranked_by.empty:
        raise store.DataUnavailable(f"no figures on factors identified at the end of "
                                    f"assessment for {me.name} have been imported")
    period = ranked_by.sort_values("period_start")["period"].iloc[-1]
    latest = ranked_by[ranked_by["period"] == period].sort_values(
        ["value", "breakdown_value"], ascending=[False, True])
    order = latest["breakdown_value"].head(TOP).tolist()
    at = rows[rows["period"] == period]
    shown = at[at["breakdown_value"].isin(order)].reset_index(drop=True)
    fig = figures.grouped_rows(shown, "breakdown_value", "area_name", order)
    named = latest[latest["breakdown_value"] != CATCH_ALL]
    top = named.iloc[0] if not named.empty else latest.iloc[0]
    about = WHO_WORDS[state["who"]]
    value = fmt.value(top["value"], "percent")
    if not top["value"]:
        title = (f"No factor{about} published for {me.name} in {period} was identified; "
                 "some figures are suppressed")
    elif mine.empty:
        title = (f"No published figures for {me.name}: in England "
                 f"{in_words(top['breakdown_value'])} was the factor{about} most often "
                 f"identified in {period} ({value})")
    else:
        versus = _versus(top, at[(at["role"] == "england")
                                 & (at["breakdown_value"] == top["breakdown_value"])])
        title = (f"{top['breakdown_value']} was the factor{about} most often identified at the "
                 f"end of assessment in {me.name} in {period} ({value} of episodes){versus}")
    hidden = at[at["role"] == "authority"].sort_values("breakdown_value")
    notes = [MANY_NOTE, _episodes_note(period), SIGNIFICANCE_NOTE,
             _not_published(hidden.assign(factor=hidden["breakdown_value"].map(in_words)),
                            me.name, "factor", f" in {period}")]
    newest = rows["period_start"].max()
    if not mine.empty and top["period_start"] < newest:
        later = rows.loc[rows["period_start"] == newest, "period"].iloc[0]
        notes.append(f"{me.name} has no published figures for {later}, so the chart shows "
                     f"{period}, its latest year.")
    where = me.name if not mine.empty else "England"
    return ChartResult(fig, shown, title,
                       f"Share of episodes with assessment factors in which each factor{about} "
                       f"was identified (%), the {len(order)} most frequent in {where}, {period}",
                       store.release_source(DATASET, "percent"), [n for n in notes if n])


@chart(Ids.FACTOR_TREND, PAGE, "Factors over time", options={"factor": OPTIONS["factor"]},
       official=True)
def factor_trend(state: dict) -> ChartResult:
    me = store.profile()
    label = FACTORS[state["factor"]]
    every = shares([me.code, me.england.code])
    rows = every[every["breakdown_value"] == label].reset_index(drop=True)
    mine = rows[rows["role"] == "authority"]
    fig = figures.trend(rows, series="area_name")
    figures.add_band(fig, mine, "lower_95", "upper_95", f"{me.name}: 95% confidence interval",
                     theme.ROLE_STYLE["authority"]["color"])
    title = summaries.trend(mine, f"{label} in {me.name}")
    england = rows[(rows["role"] == "england")].dropna(subset=["value"])
    published = mine.dropna(subset=["value"])
    if not published.empty and not england.empty:
        last = published.sort_values("period_start").iloc[-1]
        same = england[england["period"] == last["period"]]
        if not same.empty:
            title += _versus(last, same)
    notes = [f"The share of episodes with assessment factors in which {in_words(label)} was "
             "identified; one assessment can identify several factors.", SIGNIFICANCE_NOTE]
    recorded = rows.dropna(subset=["value"])
    if not recorded.empty and recorded["period_start"].min() > every["period_start"].min():
        first = recorded.sort_values("period_start")["period"].iloc[0]
        notes.append(f"This factor is published from {first}; the years before have no figure "
                     "for it.")
    if not recorded.empty:  # years before the factor was published are said above
        since = mine[mine["period_start"] >= recorded["period_start"].min()]
        notes.append(_not_published(since, me.name, "period"))
    return ChartResult(fig, rows, title,
                       f"{label}: share of episodes with assessment factors (%), {me.name} and "
                       f"England, {periods_of(rows)}",
                       store.release_source(DATASET, "percent"), [n for n in notes if n])


def summary() -> list[str]:
    """The page's findings in brief: the factors most often identified, in the latest year."""
    me = store.profile()
    try:
        rows = shares([me.code])
    except store.DataUnavailable:
        return []
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return []
    period = rows.sort_values("period_start")["period"].iloc[-1]
    latest = rows[(rows["period"] == period) & (rows["breakdown_value"] != CATCH_ALL)
                  & (rows["value"] > 0)].sort_values("value", ascending=False)
    lines = []
    for group, words in (("all", "The factor most often identified at the end of assessment"),
                         ("child", "About the child"), ("parent", "About a parent or carer")):
        found = _chosen(latest, group)
        if not found.empty:
            top = found.iloc[0]
            lines.append(f"{words} in {period}: {in_words(top['breakdown_value'])}, in "
                         f"{fmt.value(top['value'], 'percent')} of episodes.")
    return lines
