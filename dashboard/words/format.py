"""Numbers and units in plain words, the same on pages, in tables and in exports."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

GRADE_WORDS = {
    "ofsted_grade": {1: "Outstanding", 2: "Good", 3: "Adequate", 4: "Inadequate"},
    "lscb_self_assessment": {1: "Good", 2: "Satisfactory", 3: "Poor"},
    "yes_no": {1: "Yes", 0: "No"},
}
UNIT_WORDS = {
    "count": "number",
    "percent": "%",
    "percent_change": "% change",
    "score_percent": "% compliance",
    "rate_per_1000": "per 1,000",
    "rate_per_10000": "per 10,000 children",
    "rate_per_100000": "per 100,000",
    "gbp": "£",
    "days": "days",
    "weeks": "weeks",
    "years": "years",
    "ratio": "ratio",
    "ofsted_grade": "Ofsted grade",
    "lscb_self_assessment": "self-assessment",
    "yes_no": "yes or no",
}
STATUS_WORDS = {"x": "not available", "z": "not applicable", "c": "fewer than 6 (suppressed)",
                "u": "low reliability", "low": "rounds to zero"}
PERCENT_UNITS = {"percent", "score_percent", "percent_change"}


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def rounded(value, places: int) -> int | float | None:
    """A figure as every output gives it: a whole number (``int``) at 0 places, otherwise a
    float rounded to ``places``, halves away from zero as published statistics round them
    (``2.675`` → ``2.68``); None when missing."""
    if is_missing(value):
        return None
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return int(exact) if places == 0 else float(exact)


def figure(value, places: int) -> str:
    """A figure for a table cell: rounded to ``places``, shown with exactly that many and
    thousands separators (``14,248``, ``326.1``); blank when missing."""
    value = rounded(value, places)
    return "" if value is None else f"{value:,.{places}f}"


def number(value: float, decimals: int | None = None) -> str:
    """``14,248``, ``98.5``: whole numbers without decimals, others to one place."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:,.{decimals}f}"


def value(value, unit: str, status: str | None = None) -> str:
    """A figure with its unit, as a reader would say it: ``98.5%``, ``433 per 10,000``."""
    if is_missing(value):
        return STATUS_WORDS.get(str(status), "not published") if status else "not published"
    if unit in GRADE_WORDS:
        return GRADE_WORDS[unit].get(int(value), number(value))
    if unit in PERCENT_UNITS:
        sign = "+" if unit == "percent_change" and value > 0 else ""
        return f"{sign}{number(value)}%"
    if unit == "gbp":
        return f"£{number(value, 0)}"
    if unit.startswith("rate_per_"):
        return f"{number(value)} {UNIT_WORDS[unit]}"
    if unit in ("days", "weeks", "years"):
        return f"{number(value)} {unit}"
    return number(value)


def short(value, unit: str) -> str:
    """A figure for a data label: the number and a % sign, nothing more."""
    if is_missing(value):
        return ""
    if unit in GRADE_WORDS:
        return GRADE_WORDS[unit].get(int(value), number(value))
    if unit in PERCENT_UNITS:
        return f"{number(value)}%"
    if unit == "gbp":
        return f"£{number(value, 0)}"
    return number(value)


def unit_label(unit: str) -> str:
    return UNIT_WORDS.get(unit, unit)


def points(diff: float) -> str:
    """``1 percentage point``, ``2.5 percentage points``."""
    size = abs(diff)
    return f"{number(size)} percentage point{'' if size == 1 else 's'}"


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def period_words(period: str, period_type: str) -> str:
    """``at 31 March 2024`` for a snapshot, ``in 2023-24`` otherwise."""
    if period_type == "snapshot" and len(period) == 10:
        year, month, day = period.split("-")
        return f"at {int(day)} {MONTHS[int(month) - 1]} {year}"
    return f"in {period}"


def date_words(iso: str) -> str:
    """``31 March 2024`` for ``2024-03-31``."""
    year, month, day = str(iso)[:10].split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


def year_words(period: str, period_type: str, period_end) -> str:
    """When a figure is for, from its period: ``year to 31 March 2024`` for a year (by the
    day it ends), ``on 31 March 2024`` for a snapshot, ``in 2019-12`` for anything else."""
    end = pd.Timestamp(period_end) if not is_missing(period_end) else None
    if end is not None and (period_type == "snapshot" or period_type.endswith("_year")):
        day = f"{end.day} {MONTHS[end.month - 1]} {end.year}"
        return f"on {day}" if period_type == "snapshot" else f"year to {day}"
    return period_words(period, period_type)
