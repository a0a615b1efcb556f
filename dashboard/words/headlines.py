"""Headline figures for the overview tiles: latest value, change and what it means."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.words import format as fmt

ARROWS = {"up": "▲", "down": "▼", "flat": "▶"}
JUDGEMENT = {
    ("up_good", "up"): "better",
    ("up_good", "down"): "worse",
    ("down_good", "up"): "worse",
    ("down_good", "down"): "better",
}


@dataclass(frozen=True)
class Headline:
    label: str
    latest: str  # formatted value with its unit
    number: str  # the bare figure for display
    unit: str  # unit words shown beside the figure, "" for counts and percentages
    period: str
    change: str | None  # "up 6% on 2010-11"
    direction: str | None  # up / down / flat
    judgement: str | None  # better / worse / neutral
    judgement_words: str | None


def headline(rows: pd.DataFrame, label: str, polarity: str) -> Headline | None:
    """From one series (one measure, one area), the latest figure and its change."""
    rows = rows.dropna(subset=["value"]).sort_values("period_start")
    if rows.empty:
        return None
    last = rows.iloc[-1]
    unit = last["unit"]
    latest = fmt.value(last["value"], unit)
    number = fmt.short(last["value"], unit)
    words = "" if unit == "count" or unit in fmt.PERCENT_UNITS else fmt.unit_label(unit)
    if len(rows) < 2:
        return Headline(label, latest, number, words, last["period"], None, None, None, None)
    prev = rows.iloc[-2]
    direction, size = movement(last["value"], prev["value"], unit)
    change = ("no change" if direction == "flat" else f"{direction} {size}") + \
        f" on {prev['period']}"
    judgement, judgement_words = judged(direction, polarity)
    return Headline(label, latest, number, words, last["period"], change, direction,
                    judgement, judgement_words)


def movement(latest: float, before: float, unit: str) -> tuple[str, str]:
    """``("down", "15%")``: which way a figure moved and by how much, in percentage points
    for percentages and as a share of the figure before for the rest."""
    diff = latest - before
    direction = "up" if diff > 0 else "down" if diff < 0 else "flat"
    if unit in fmt.PERCENT_UNITS:
        size = fmt.points(diff)
    elif before:
        pct = abs(100 * diff / before)
        size = f"{pct:.0f}%" if pct >= 1 else f"{pct:.1f}%"
    else:
        size = fmt.number(abs(diff))
    return direction, size


def judged(direction: str, polarity: str) -> tuple[str, str]:
    """What a move means for a measure of this polarity: ``("worse", "worse (a rise is
    good)")``, ``("neutral", "a fall is neither good nor bad in itself")``."""
    if direction == "flat":
        return "neutral", "no change"
    if polarity == "neutral":
        return "neutral", (f"a {'rise' if direction == 'up' else 'fall'} is neither good "
                           "nor bad in itself")
    judgement = JUDGEMENT[(polarity, direction)]
    return judgement, f"{judgement} ({'a rise' if polarity == 'up_good' else 'a fall'} is good)"
