"""The kinds of column the processed-data contract (``etl.schema``) is written in, and
its rules, as plain data: what a column's values must be (``KINDS``), ``Column`` and
``Rule``, made into pandera objects only when a schema is made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import (
    infer_dtype,
    is_bool_dtype,
    is_float_dtype,
    is_integer_dtype,
    is_numeric_dtype,
)

from etl.config import TOTAL


def _text_ok(series: pd.Series) -> bool | pd.Series:
    """Text: ``str`` values (object or string dtype), null where the column allows it."""
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        if infer_dtype(series, skipna=True) in ("string", "empty"):
            return True
        return series.map(lambda v: isinstance(v, str) or v is None or v is pd.NA
                          or (isinstance(v, float) and np.isnan(v))).astype(bool)
    return False


def _date_ok(series: pd.Series) -> bool | pd.Series:
    """Dates: ``datetime.date`` objects (written as Parquet date32), not timestamps."""
    if series.dtype != object:
        return False
    exact = series.map(type).eq(dt.date)  # a datetime or Timestamp is a date too: refused
    return True if exact.all() else exact | series.isna()


def _lists_ok(series: pd.Series) -> bool | pd.Series:
    """Lists (or arrays) of values, one per row."""
    if series.dtype != object:
        return False
    return series.map(lambda v: isinstance(v, list | tuple | np.ndarray)).astype(bool)


def _number_ok(series: pd.Series) -> bool:
    """float64, or numbers and nulls in an object column (flags put together from frames
    of which one is empty), which Parquet stores as double all the same."""
    if is_float_dtype(series.dtype):
        return True
    return series.dtype == object and infer_dtype(series, skipna=True) in (
        "floating", "integer", "mixed-integer-float", "empty")


# kind → the test every value of such a column passes (it sees nulls too), and its words
KINDS: dict[str, tuple[Callable[[pd.Series], object], str]] = {
    "text": (_text_ok, "must be text"),
    "date": (_date_ok, "must be a date (datetime.date)"),
    "number": (_number_ok, "must be a number (float64)"),
    "whole": (lambda s: is_integer_dtype(s.dtype), "must be a whole number"),
    "flag": (lambda s: is_bool_dtype(s.dtype), "must be bool"),
    "lists": (_lists_ok, "must be a list"),
    "numeric": (lambda s: is_numeric_dtype(s.dtype) and not is_bool_dtype(s.dtype),
                "must be a number"),
}


@dataclass(frozen=True)
class Rule:
    """A check, made with pandera when a schema is made: ``pandera.Check.<check>(*args)``
    (``isin``, ``ge``, ``in_range``), or ``test`` (a function of the column, or with
    ``name``, of the whole frame), failing with ``error``."""

    error: str
    check: str = ""
    args: tuple = ()
    test: Callable | None = None
    name: str | None = None


@dataclass(frozen=True)
class Column:
    """A column of a schema: the kind of its values (``KINDS``; ``any`` for none, a
    nullable ``whole`` is pandas ``Int64``), further rules, whether it may be null."""

    kind: str
    rules: tuple[Rule, ...] = ()
    nullable: bool = False


def text(*rules: Rule, nullable: bool = False) -> Column:
    return Column("text", rules, nullable)


def date() -> Column:
    return Column("date")


def number(*rules: Rule, nullable: bool = True) -> Column:
    return Column("number", rules, nullable)


def whole(*rules: Rule, nullable: bool = False) -> Column:
    """A whole number: pandas ``Int64`` where it may be null, a NumPy integer otherwise."""
    return Column("whole", rules, nullable)


def flag() -> Column:
    return Column("flag")


def lists() -> Column:
    return Column("lists")


def among(values: Iterable[str], what: str) -> Rule:
    values = sorted(values)
    return Rule(f"is not {what} ({', '.join(values)})", "isin", (values,))


def at_least(low: float, error: str) -> Rule:
    return Rule(error, "ge", (low,))


def unique() -> Rule:
    return Rule("is listed twice", test=lambda s: ~s.duplicated())


# Checks on more than one column: rule → (the column a problem names, the other one).
PAIRED: dict[str, tuple[str, str]] = {}


def not_above(low: str, high: str, rule: str) -> Rule:
    """``low <= high`` on every row where both are present."""
    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if low not in frame or high not in frame:
            return True  # the missing column is a problem of its own
        try:
            above = frame[low] > frame[high]
        except TypeError:  # values that do not compare: a type problem, reported as such
            return True
        return ~pd.Series(above, index=frame.index).fillna(False).astype(bool)
    PAIRED[rule] = (low, high)
    return Rule(rule, test=check, name=f"{low} <= {high}")


def suppressed_without_value() -> Rule:
    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if "status" not in frame or "value" not in frame:
            return True
        hidden = frame["status"].eq("c").fillna(False).astype(bool)
        return ~(hidden & frame["value"].notna())
    rule = "a figure with status c (confidential) must have no value"
    PAIRED[rule] = ("value", "status")
    return Rule(rule, test=check, name="status c has no value")


def total_means_no_breakdown() -> Rule:
    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if "breakdown" not in frame or "breakdown_value" not in frame:
            return True
        none = frame["breakdown"].eq(TOTAL).fillna(False).astype(bool)
        value = frame["breakdown_value"]
        return ~(none & value.notna() & value.ne(TOTAL).fillna(False).astype(bool))
    rule = f"a figure with no breakdown ({TOTAL}) must have breakdown_value {TOTAL}"
    PAIRED[rule] = ("breakdown_value", "breakdown")
    return Rule(rule, test=check, name="no breakdown, no breakdown_value")
