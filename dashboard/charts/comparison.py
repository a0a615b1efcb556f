"""Comparing the authority with its statistical neighbours, its region and England.

Shared by the benchmarking page and the official series every theme page leads with: the
neighbours pooled into one figure with its interval, the verdict against England in words,
and the authority's rank and quartile among all authorities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import store
from dashboard.charts.benchmarking_map import ordinal
from dashboard.words import format as fmt
from etl.official import statistics as stats
from etl.profile import NEIGHBOURS_CODE, NEIGHBOURS_NAME

VERDICT_WORDS = {"better": "better than England", "worse": "worse than England",
                 "similar": "similar to England", "higher": "higher than England",
                 "lower": "lower than England", "not compared": "not compared with England"}
SIGNIFICANCE_NOTE = ("Better, worse, higher or lower means the 95% confidence interval does "
                     "not include England's value; similar means it does. Intervals use "
                     "Byar's method for rates and Wilson's for percentages.")
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten"}
CATEGORY_COLOURS = {
    "better": "#9cc3e6", "similar": "#f7cf72", "worse": "#f4a29b",
    "higher": "#c9b6e4", "lower": "#b9e0d4", "England": "#e6e6e6", "not compared": "#ffffff",
}
COLOUR_NOTE = ("Cell colours repeat the words: blue better, red worse, yellow similar, "
               "purple higher, green lower, grey England.")
RANK_COLUMN = "Rank among authorities"
ROLE_ORDER = {"authority": 0, "neighbours": 1, "region": 2, "england": 3}
COMPARABLE_UNITS = ("rate_per_10000", "percent")


def no_neighbours_note() -> str | None:
    """Why there is no neighbours' line or column, when the authority has no neighbours."""
    me = store.profile()
    if me.neighbours:
        return None
    try:
        store.frame("dfe_neighbours")
    except store.DataUnavailable:
        return ("DfE's statistical neighbour groupings have not been imported, so there is "
                "no neighbours' figure.")
    return (f"DfE's statistical neighbour groupings do not include {me.name} (they predate "
            "it), so there is no neighbours' figure.")


def neighbours_note() -> str | None:
    """How the neighbours' line is made (or why there is none)."""
    me = store.profile()
    if not me.neighbours:
        return no_neighbours_note()
    count = NUMBER_WORDS.get(len(me.neighbours), str(len(me.neighbours)))
    return (f"The neighbours' line combines the {count} statistical neighbours' children and "
            "events into one rate.")


def neighbour_codes() -> list[str]:
    """The statistical neighbours' codes, nearest first, each with any code it had before,
    so that a neighbour's older figures published under its former code are pooled too."""
    codes = store.neighbour_codes()
    if not codes:
        return []
    table = store.authorities()
    former = dict(zip(table["authority_code"], table["former_codes"], strict=True))
    return [c for code in codes for c in (code, *(former.get(code) if former.get(code)
                                                  is not None else ()))]


def neighbours_average(rows: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The neighbours combined: total events over total population (or cases), per period,
    with its confidence interval; ``role`` is ``neighbours``. Counts are not pooled."""
    mine = rows[rows["area_code"].isin(codes)].dropna(subset=["numerator", "denominator"])
    if mine.empty or mine["unit"].iloc[0] not in COMPARABLE_UNITS:
        return mine.iloc[0:0]
    unit = mine["unit"].iloc[0]
    per = 10_000 if unit == "rate_per_10000" else 100
    grouped = mine.groupby(["period", "period_start", "period_end", "period_type"],
                           as_index=False)[["numerator", "denominator"]].sum()
    grouped["value"] = grouped["numerator"] / grouped["denominator"] * per
    if unit == "rate_per_10000":
        lo, hi = stats.byar_rate(grouped["numerator"], grouped["denominator"], per)
    else:
        lo, hi = (np.asarray(v) * 100 for v in stats.wilson(grouped["numerator"],
                                                            grouped["denominator"]))
    grouped["lower_95"], grouped["upper_95"] = lo, hi
    # Each period cites the sources of its own rows (a rate names the year of its
    # population estimate), not those of the first period.
    cited = mine.groupby("period")[["source", "source_id", "source_table"]].agg(
        lambda s: "; ".join(dict.fromkeys(s.dropna().astype(str))))
    grouped = grouped.join(cited, on="period")
    grouped["source"] = "Derived from: " + grouped["source"]
    first = mine.iloc[0]
    return grouped.assign(measure=first["measure"], breakdown="Total",
                          breakdown_value="Total", area_code=NEIGHBOURS_CODE,
                          area_name=NEIGHBOURS_NAME, geographic_level="neighbours", unit=unit,
                          status=None, role="neighbours")


def by_role(rows: pd.DataFrame) -> pd.DataFrame:
    """The authority first, then its neighbours, its region and England."""
    order = rows["role"].map(ROLE_ORDER).fillna(len(ROLE_ORDER))
    return rows.assign(_order=order).sort_values(["_order", "period_start"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)


def compared(dataset: str, measure: str) -> pd.DataFrame:
    """One measure's rows for the authority, its neighbours pooled, its region and England,
    every published year, in that order."""
    codes = neighbour_codes()
    rows = store.select(dataset, measure, areas=[*store.compared_codes(), *codes])
    ours = rows[rows["role"].isin(["authority", "region", "england"])]
    return by_role(pd.concat([ours, neighbours_average(rows, codes)], ignore_index=True))


def category(row: pd.Series, bench: float, polarity: str) -> str:
    """How an area's figure compares with England's (``England`` for England itself)."""
    if row["role"] == "england":
        return "England"
    if row["unit"] not in COMPARABLE_UNITS:
        return "not compared"
    if row["role"] == "neighbours":
        return str(stats.compare([row["lower_95"]], [row["upper_95"]], [bench],
                                 [polarity])[0])
    verdict = row.get("compared_with_england")
    return verdict if isinstance(verdict, str) else "not compared"


def verdict(row: pd.Series) -> str:
    """The authority's comparison with England in words."""
    value = row.get("compared_with_england")
    return VERDICT_WORDS[value if isinstance(value, str) else "not compared"]


def rank_words(row: pd.Series, polarity: str) -> str | None:
    """``ranked 12th best of 151 authorities, quartile 1 of 4`` (rank 1 is the best where
    higher or lower is better, the highest otherwise), when the row is ranked."""
    rank, of = row.get("rank"), row.get("rank_of")
    if row["unit"] not in COMPARABLE_UNITS or pd.isna(rank) or pd.isna(of):
        return None
    word = "best" if polarity in ("up_good", "down_good") else "highest"
    place = ordinal(int(rank)) or "the"
    text = f"ranked {place} {word} of {int(of)} authorities"
    quartile = row.get("quartile")
    if pd.notna(quartile):
        text += f", quartile {int(quartile)} of 4 (1 = the {word})"
    return text


def rank_short(row: pd.Series) -> str:
    """``12th of 151 · Q1`` for a grid cell, or ``not ranked``."""
    rank, of, quartile = row.get("rank"), row.get("rank_of"), row.get("quartile")
    if pd.isna(rank) or pd.isna(of):
        return "not ranked"
    text = f"{ordinal(int(rank)) or '1st'} of {int(of)}"
    return text + (f" · Q{int(quartile)}" if pd.notna(quartile) else "")


def latest(rows: pd.DataFrame) -> pd.Series | None:
    """The authority's latest official row (``variant`` official, when marked)."""
    mine = rows[(rows["role"] == "authority")].dropna(subset=["value"])
    if "variant" in mine:
        mine = mine[mine["variant"] == "official"]
    return None if mine.empty else mine.sort_values("period_start").iloc[-1]


def latest_cells(dataset: str, measure: str, codes: list[str], rank: bool = False
                 ) -> tuple[list[dict], list[pd.DataFrame]]:
    """One grid row: a measure's latest year for each compared area (``codes``: the
    neighbours), and with ``rank`` the authority's rank; with the rows behind them."""
    info = store.measure(measure)
    rows = store.select(dataset, measure, areas=[*store.compared_codes(), *codes])
    last = latest(rows)
    if last is None:
        return [], []
    at = rows[rows["period"] == last["period"]]
    england = at[at["role"] == "england"]
    bench = float(england["value"].iloc[0]) if len(england) else np.nan
    label = f"{info['label']} ({last['period']})"
    comparable = info["unit"] in COMPARABLE_UNITS
    areas = [at[at["role"] == "authority"]]
    if comparable:
        areas += [neighbours_average(at, codes), at[at["role"] == "region"],
                  england]
    cells, used = [], []
    for frame in areas:
        if frame.empty:
            continue
        row = frame.iloc[0]
        kind = category(row, bench, info["polarity"])
        word = "" if kind == "England" or not comparable else f" · {kind}"
        cells.append({"row": label, "column": row["area_name"],
                      "text": f"{fmt.short(row['value'], row['unit'])}{word}",
                      "category": kind})
        used.append(frame.iloc[[0]].assign(compared_with_england=kind))
    if rank:
        cells.append({"row": label, "column": RANK_COLUMN,
                      "text": rank_short(last) if comparable else "not ranked",
                      "category": "not compared"})
    return cells, used


