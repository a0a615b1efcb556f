"""Explore the statistics: any measure of any imported official release, for one value of
one of its breakdowns, drawn as the benchmarking page draws its indicators: the
authority's trend against its neighbours, region and England, every authority ranked, and
the map of authorities.

A state names ``measure``, ``breakdown`` and ``value`` (and ``scope`` for the ranking and
the map). Each is checked against the data: an unknown measure falls back to the first
one, a breakdown or value the measure does not have to its totals (or its first value),
and the chart says so in a note.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from functools import lru_cache

import numpy as np
import pandas as pd

from dashboard import store
from dashboard.charts.benchmarking import ranked_result, scopes, trend_figure, trend_rows
from dashboard.charts.benchmarking_map import map_result
from dashboard.charts.comparison import COMPARABLE_UNITS, SIGNIFICANCE_NOTE, neighbour_codes
from dashboard.charts.comparison import neighbours_note as pooled_note
from dashboard.charts.registry import ChartResult, chart, periods_of
from dashboard.ids import Page
from dashboard.store import releases as released
from dashboard.words import format as fmt
from etl.config import TOTAL
from etl.official import statistics as stats

logger = logging.getLogger(__name__)
PAGE = Page.EXPLORE
NONE = "none"  # the measure of a state when no release has been imported


class Ids(StrEnum):
    TREND = "explore-trend"
    RANKED = "explore-ranked"
    MAP = "explore-map"
    RELEASE = "explore-release"
    MEASURE = "explore-measure"
    BREAKDOWN = "explore-breakdown"
    VALUE = "explore-value"
    SCOPE = "explore-scope"
    NOTICE = "explore-notice"


NOUNS = {"rate_per_10000": "rate", "rate_per_1000": "rate", "percent": "percentage",
         "count": "number"}
VERDICTS = {"better": "better than", "worse": "worse than", "similar": "similar to",
            "higher": "higher than", "lower": "lower than"}
NO_AUTHORITIES = ("{label} is published for England and the regions only, not for each "
                  "local authority")


@lru_cache(maxsize=8)
def _choices(version: tuple) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    measures = released.explorable()
    names, values = {TOTAL: None}, {TOTAL: None}
    for measure in measures:
        for name, vals in released.breakdowns(measure).items():
            names[name] = None
            values.update(dict.fromkeys(vals))
    return measures or (NONE,), tuple(names), tuple(values)


def _options() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    try:
        return _choices(store.version())
    except store.DataUnavailable:
        return (NONE,), (TOTAL,), (TOTAL,)


def measure_choices() -> tuple[str, ...]:
    """Every measure of every imported release (the first the default)."""
    return _options()[0]


def breakdown_choices() -> tuple[str, ...]:
    """``Total`` and the name of every breakdown of any measure."""
    return _options()[1]


def value_choices() -> tuple[str, ...]:
    """``Total`` and every value of any breakdown of any measure."""
    return _options()[2]


OPTIONS = {"measure": measure_choices, "breakdown": breakdown_choices,
           "value": value_choices}
MAP_OPTIONS = {**OPTIONS, "scope": scopes}


def words(text: str) -> str:
    """A breakdown's name or value as it reads: ``2_years_or_more`` → ``2 years or more``."""
    text = str(text).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def resolve(state: dict) -> tuple[str, str, str, str | None]:
    """``(measure, breakdown, value, note)``: the state's choices the data has, with a
    note saying what was changed when it asked for something the measure lacks."""
    measure = state.get("measure") or NONE
    if measure == NONE or released.release_of(measure) is None:
        raise store.DataUnavailable("no official release with figures by area has been "
                                    "imported: save the releases in the external folder and "
                                    "run the ETL (see the README)")
    parts = released.breakdowns(measure)
    breakdown, value = state.get("breakdown") or TOTAL, state.get("value") or TOTAL
    if breakdown == TOTAL and value == TOTAL and released.has_total(measure):
        return measure, TOTAL, TOTAL, None
    if breakdown in parts and value in parts[breakdown]:
        return measure, breakdown, value, None
    if released.has_total(measure) or not parts:
        chosen = (TOTAL, TOTAL)
    else:
        first = next(iter(parts))
        chosen = (first, parts[first][0])
    asked = words(value if breakdown == TOTAL else f"{breakdown}: {value}")
    shown = "the totals" if chosen[0] == TOTAL else words(f"{chosen[0]}: {chosen[1]}")
    return measure, *chosen, f"This measure has no figures for {asked}, so {shown} are shown."


def described(measure: str, breakdown: str, value: str) -> pd.Series:
    """The measure's registry row, its label naming the breakdown's value."""
    info = store.measure(measure).copy()
    if breakdown != TOTAL:
        info["label"] = f"{info['label']}: {words(breakdown).lower()} {words(value)}"
    return info


def with_intervals(rows: pd.DataFrame, info: pd.Series) -> pd.DataFrame:
    """The rows with 95% intervals and the verdict against England worked out where the
    release gives a numerator and denominator but the import did not (Byar's method for
    rates, Wilson's for percentages)."""
    unit = info["unit"]
    if unit not in COMPARABLE_UNITS or not {"numerator", "denominator"} <= set(rows.columns):
        return rows
    out = rows.copy()
    for column in ("lower_95", "upper_95", "compared_with_england"):
        if column not in out.columns:
            out[column] = np.nan if column != "compared_with_england" else None
    missing = out["lower_95"].isna() & out["numerator"].notna() & out["denominator"].gt(0) \
        & out["value"].notna()
    if missing.any():
        num, den = out.loc[missing, "numerator"], out.loc[missing, "denominator"]
        if unit == "rate_per_10000":
            lo, hi = stats.byar_rate(num, den, 10_000)
        else:
            lo, hi = (np.asarray(v) * 100 for v in stats.wilson(num, den))
        out.loc[missing, "lower_95"], out.loc[missing, "upper_95"] = lo, hi
        england = out[out["role"] == "england"].set_index("period")["value"]
        bench = out.loc[missing, "period"].map(england)
        verdict = stats.compare(out.loc[missing, "lower_95"], out.loc[missing, "upper_95"],
                                bench, [info.get("polarity") or "neutral"] * int(missing.sum()))
        unset = out.loc[missing, "compared_with_england"].isna().to_numpy()
        idx = out.index[missing][unset & bench.notna().to_numpy()]
        out.loc[idx, "compared_with_england"] = pd.Series(verdict, index=out.index[missing])[idx]
    return out


def _state_rows(state: dict) -> tuple[pd.DataFrame, pd.Series, str, list[str]]:
    """Every area's rows for the state, the described measure, the source line, notes."""
    measure, breakdown, value, note = resolve(state)
    info = described(measure, breakdown, value)
    rows = with_intervals(released.rows(measure, breakdown, value), info)
    release = released.release_of(measure)
    source = store.release_source(release.dataset, info["unit"])
    return rows, info, source, [note] if note else []


def _value(row: pd.Series) -> str:
    return fmt.value(row["value"], row["unit"], row.get("status"))


def trend_title(shown: pd.DataFrame, info: pd.Series, name: str) -> str:
    """The finding: the authority's latest figure against England's, in plain words, or
    that it was not published, or England's figure when no authority has one."""
    label = info["label"]
    if shown.empty:
        return f"{label}: no figures have been published"
    last = shown.sort_values("period_start").iloc[-1]
    at = shown[shown["period_start"] == last["period_start"]]
    when = fmt.period_words(last["period"], last["period_type"])
    mine, england = at[at["role"] == "authority"], at[at["role"] == "england"]
    if mine.empty:
        if england.empty:
            return f"{label}: no figure for {name} or England {when}"
        return f"{label}: England {_value(england.iloc[0])} {when}; no figure for {name}"
    row = mine.iloc[0]
    if fmt.is_missing(row["value"]):
        return f"{label}: {name}'s figure {when} was not published: {_value(row)}"
    noun = NOUNS.get(row["unit"], "figure")
    text = f"{label}: {when} {name}'s {noun} was {fmt.value(row['value'], row['unit'])}"
    if england.empty or fmt.is_missing(england.iloc[0]["value"]) or \
            row["unit"] not in COMPARABLE_UNITS:
        return text
    bench = england.iloc[0]["value"]
    verdict = row.get("compared_with_england")
    if isinstance(verdict, str) and verdict in VERDICTS:
        compare = VERDICTS[verdict]
    else:
        compare = "higher than" if row["value"] > bench else \
            "lower than" if row["value"] < bench else "the same as"
    return f"{text}, {compare} England's ({fmt.value(bench, row['unit'])})"


@chart(Ids.TREND, PAGE, "Trend against neighbours, region and England", options=OPTIONS,
       official=True)
def trend(state: dict) -> ChartResult:
    me = store.profile()
    rows, info, source, notes = _state_rows(state)
    codes = neighbour_codes()
    shown = trend_rows(rows[rows["area_code"].isin([*store.compared_codes(), *codes])],
                       codes)
    shown = shown.assign(breakdown=rows["breakdown"].iloc[0] if len(rows) else TOTAL,
                         breakdown_value=rows["breakdown_value"].iloc[0] if len(rows)
                         else TOTAL)
    if shown.empty:
        raise store.DataUnavailable(f"no figures for {info['label'].lower()} have been "
                                    "published for these areas")
    if not (rows["geographic_level"] == "local_authority").any():
        notes.append(NO_AUTHORITIES.format(label=info["label"]) + ": the chart shows "
                     "England and the regions.")
    if shown["lower_95"].notna().any() if "lower_95" in shown else False:
        notes.append(SIGNIFICANCE_NOTE)
    if (shown["role"] == "neighbours").any() or not me.neighbours:
        notes.append(pooled_note())
    if shown["status"].notna().any():
        notes.append("Gaps in a line are years whose figure was not published (suppressed "
                     "or not available); the table gives the reason.")
    fig = trend_figure(shown, me.name)
    unit = fmt.unit_label(info["unit"])
    measure = info["label"] if unit in info["label"] else f"{info['label']} ({unit})"
    return ChartResult(fig, shown, trend_title(shown, info, me.name),
                       f"{measure}, {periods_of(shown)}", source, [n for n in notes if n])


def _authority_rows(state: dict, what: str) -> tuple[pd.DataFrame, pd.Series, str, list]:
    rows, info, source, notes = _state_rows(state)
    las = rows[rows["geographic_level"] == "local_authority"]
    if las["value"].notna().sum() == 0:
        reason = NO_AUTHORITIES.format(label=info["label"]) if las.empty else \
            f"no local authority's figure for {info['label'].lower()} was published"
        raise store.DataUnavailable(f"{reason}, so there is no {what}")
    return rows, info, source, notes


@chart(Ids.RANKED, PAGE, "Every authority ranked", options=MAP_OPTIONS, official=True)
def ranked(state: dict) -> ChartResult:
    rows, info, source, notes = _authority_rows(state, "ranking")
    result = ranked_result(rows, info, state["scope"], source)
    result.notes = [*notes, *result.notes]
    return result


@chart(Ids.MAP, PAGE, "Map of authorities", options=MAP_OPTIONS, official=True)
def authority_map(state: dict) -> ChartResult:
    rows, info, source, notes = _authority_rows(state, "map")
    result = map_result(rows, info, state["scope"], source)
    result.notes = [*notes, *result.notes]
    return result
