"""The processed-data contract as pandera schemas: every file the ETL writes, in one place.

Each output has a schema here: its columns in order, their types and the values they may
hold. The column lists the rest of the ETL uses (``CONTRACT_COLUMNS``,
``OFFICIAL_EXTRA_COLUMNS``, ``FLAG_COLUMNS`` …) are defined here and nowhere else, and
the write step (``etl.outputs.check_outputs``) validates every frame right before it is
written: a violation stops the run with a ``ContractError`` (an ``ETLError``) naming the
file, the row and the column, and nothing in the output folder changes.

The schemas are about shape and types. Whether the reports agree with themselves is the
business of ``etl/reports/checks.py`` and ``data/raw/checks.csv``, which flag and never
stop. Rows are named by their position in the frame as written, from 0
(``pd.read_parquet(path).iloc[row]``).

| file | schema | columns |
|---|---|---|
| report datasets (``<dataset>.parquet``) | ``REPORT`` | ``CONTRACT_COLUMNS`` |
| official datasets (``dfe_*.parquet``) | ``OFFICIAL`` | contract + ``OFFICIAL_EXTRA_COLUMNS`` |
| ``smallarea.parquet`` | ``SMALLAREA`` | contract + ``SMALLAREA_EXTRA_COLUMNS`` |
| ``measures``, ``tables``, ``validation`` | ``MEASURES``, ``TABLES``, ``FLAGS`` | |
| ``dfe_neighbours``, ``dfe_ltla_utla`` | ``NEIGHBOURS``, ``LTLA_UTLA`` | |
| ``authorities``, ``geo_lad`` | ``AUTHORITIES``, ``GEO_LAD`` | |
| ``geo/lsoa_<code>``, ``geo/ward_<code>`` | ``LSOA_GEO``, ``WARD_GEO`` | these at least |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandas.api.types import (
    infer_dtype,
    is_bool_dtype,
    is_float_dtype,
    is_integer_dtype,
    is_numeric_dtype,
)

from etl.config import TOTAL
from etl.official.statistics import POLARITY_WORDS
from etl.reports.periods import PERIOD_TYPES
from etl.reports.registry import MAX_DECIMALS, POLARITIES
from etl.reports.units import STATUS_SYMBOLS, UNITS

# ---------------------------------------------------------------- kinds of column


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


def _kind(test, error: str, *checks: pa.Check, nullable: bool = False) -> pa.Column:
    """A column whose values ``test`` accepts (it sees nulls too), and ``checks``."""
    return pa.Column(None, [pa.Check(test, error=error, ignore_na=False), *checks],
                     nullable=nullable)


def _text(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    return _kind(_text_ok, "must be text", *checks, nullable=nullable)


def _date() -> pa.Column:
    return _kind(_date_ok, "must be a date (datetime.date)")


def _number(*checks: pa.Check, nullable: bool = True) -> pa.Column:
    return _kind(_number_ok, "must be a number (float64)", *checks, nullable=nullable)


def _whole(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    """A whole number: pandas ``Int64`` where it may be null, a NumPy integer otherwise."""
    if nullable:
        return pa.Column("Int64", list(checks), nullable=True)
    return _kind(lambda s: is_integer_dtype(s.dtype), "must be a whole number", *checks)


def _flag() -> pa.Column:
    return _kind(lambda s: is_bool_dtype(s.dtype), "must be bool")


def _lists() -> pa.Column:
    return _kind(_lists_ok, "must be a list")


def _among(values: Iterable[str], what: str) -> pa.Check:
    values = sorted(values)
    return pa.Check.isin(values, error=f"is not {what} ({', '.join(values)})")


# Checks on more than one column: rule → (the column a problem names, the other one).
PAIRED: dict[str, tuple[str, str]] = {}


def _not_above(low: str, high: str, rule: str) -> pa.Check:
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
    return pa.Check(check, name=f"{low} <= {high}", error=rule, ignore_na=False)


def _suppressed_without_value() -> pa.Check:
    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if "status" not in frame or "value" not in frame:
            return True
        hidden = frame["status"].eq("c").fillna(False).astype(bool)
        return ~(hidden & frame["value"].notna())
    rule = "a figure with status c (confidential) must have no value"
    PAIRED[rule] = ("value", "status")
    return pa.Check(check, name="status c has no value", error=rule, ignore_na=False)


def _total_means_no_breakdown() -> pa.Check:
    def check(frame: pd.DataFrame) -> pd.Series | bool:
        if "breakdown" not in frame or "breakdown_value" not in frame:
            return True
        none = frame["breakdown"].eq(TOTAL).fillna(False).astype(bool)
        value = frame["breakdown_value"]
        return ~(none & value.notna() & value.ne(TOTAL).fillna(False).astype(bool))
    rule = f"a figure with no breakdown ({TOTAL}) must have breakdown_value {TOTAL}"
    PAIRED[rule] = ("breakdown_value", "breakdown")
    return pa.Check(check, name="no breakdown, no breakdown_value", error=rule,
                    ignore_na=False)


# ---------------------------------------------------------------- the datasets

PERIOD_KINDS = (*PERIOD_TYPES, *(f"{t}_{s}" for t in PERIOD_TYPES for s in ("average", "span")))
COMPARISONS = sorted({w for words in POLARITY_WORDS.values() for w in words.values()})

# The processed-data contract: the columns of every dataset, in this order.
CONTRACT = {
    "measure": _text(),
    "breakdown": _text(),  # TOTAL where there is no breakdown (and so breakdown_value)
    "breakdown_value": _text(),
    "period": _text(),
    "period_type": _text(_among(PERIOD_KINDS, "a period type")),
    "period_start": _date(),
    "period_end": _date(),
    "area_code": _text(),
    "area_name": _text(),
    "geographic_level": _text(),
    "value": _number(),  # null when not published
    "unit": _text(_among(UNITS, "a unit in etl/reports/units.py")),
    "status": _text(_among(STATUS_SYMBOLS, "a GSS symbol"), nullable=True),
    "source": _text(),
    "source_id": _text(),
    "source_table": _text(),
}
CONTRACT_COLUMNS = list(CONTRACT)

# Official-statistics datasets (dfe_*) carry these columns after the contract's:
# the DfE's old three-digit LA number, the region, the count and denominator a
# rate or percentage was computed from, its 95% and 99.8% confidence limits,
# the comparison with England and the rank and quartile among local authorities.
OFFICIAL_EXTRA = {
    "old_la_code": _text(nullable=True),
    "region_code": _text(nullable=True),
    "numerator": _number(pa.Check.ge(0, error="must not be negative")),
    "denominator": _number(pa.Check.ge(0, error="must not be negative")),
    "lower_95": _number(),
    "upper_95": _number(),
    "lower_998": _number(),
    "upper_998": _number(),
    "compared_with_england": _text(_among(COMPARISONS, "a comparison"), nullable=True),
    "rank": _whole(pa.Check.ge(1, error="must be 1 or more"), nullable=True),
    "rank_of": _whole(pa.Check.ge(1, error="must be 1 or more"), nullable=True),
    "quartile": _whole(pa.Check.isin([1, 2, 3, 4], error="must be 1, 2, 3 or 4"),
                       nullable=True),
}
OFFICIAL_EXTRA_COLUMNS = list(OFFICIAL_EXTRA)

# smallarea.parquet: the authority it belongs to, the children the rate is per, and
# whether the counts come from the synthetic sample rather than an extract.
SMALLAREA_EXTRA = {
    "authority_code": _text(),
    "denominator": _number(),
    "synthetic": _flag(),
}
SMALLAREA_EXTRA_COLUMNS = list(SMALLAREA_EXTRA)

_ROW_RULES = [_not_above("period_start", "period_end", "the period starts after it ends"),
              _suppressed_without_value(), _total_means_no_breakdown()]


def _schema(name: str, columns: dict[str, pa.Column], checks: list[pa.Check] | None = None,
            *, exact: bool = True) -> pa.DataFrameSchema:
    """``exact``: these columns, in this order, and no others."""
    return pa.DataFrameSchema(columns, checks=checks or [], name=name, ordered=exact,
                              strict=exact)


REPORT = _schema("report dataset", CONTRACT, _ROW_RULES)
OFFICIAL = _schema("official dataset", CONTRACT | OFFICIAL_EXTRA, [
    *_ROW_RULES,
    _not_above("lower_95", "upper_95", "the lower 95% limit is above the upper"),
    _not_above("lower_998", "upper_998", "the lower 99.8% limit is above the upper"),
    _not_above("rank", "rank_of", "the rank is above the number ranked"),
])
SMALLAREA = _schema("small-area dataset", CONTRACT | SMALLAREA_EXTRA, _ROW_RULES)

# ---------------------------------------------------------------- registries and lookups

MEASURES = _schema("measure registry", {
    "measure": _text(pa.Check(lambda s: ~s.duplicated(), error="is listed twice")),
    "label": _text(),
    "description": _text(),
    "unit": _text(_among(UNITS, "a unit in etl/reports/units.py")),
    "polarity": _text(_among(POLARITIES, "a polarity")),
    "theme": _text(),
    "decimals": _whole(pa.Check.in_range(0, MAX_DECIMALS, error=f"must be 0 to {MAX_DECIMALS}")),
    "dataset": _text(),
    "first_period": _date(),
    "last_period": _date(),
    "figures": _whole(pa.Check.ge(1, error="must be 1 or more")),
    # the release file a measure of an official release came from (the newest, when
    # several give it), and how many local authorities have a value of it
    "release": _text(nullable=True),
    "authorities": _whole(pa.Check.ge(0, error="must not be negative"), nullable=True),
}, [_not_above("first_period", "last_period", "the first period is after the last")])
MEASURE_COLUMNS = list(MEASURES.columns)

TABLES = _schema("table registry", {c: _text() for c in (
    "dataset", "source_id", "source_title", "source_table", "file", "unit", "period_type",
    "area", "notes")})
TABLE_COLUMNS = list(TABLES.columns)

# validation.parquet: one row per flag (etl/reports/checks.py, and the releases' checks).
FLAGS = _schema("validation flags", {
    "check_id": _text(),
    "kind": _text(),
    "dataset": _text(),
    "measure": _text(nullable=True),
    "area_code": _text(nullable=True),
    "area_name": _text(nullable=True),
    "period": _text(nullable=True),
    "breakdown_value": _text(nullable=True),
    "published": _number(),
    "expected": _number(),
    "difference": _number(),
    "tolerance": _number(),
    "message": _text(),
    "files": _text(),
})
FLAG_COLUMNS = list(FLAGS.columns)

NEIGHBOURS = _schema("statistical neighbours", {
    "authority_code": _text(),
    "authority_old_code": _text(),
    "authority_name": _text(),
    "neighbour_rank": _whole(pa.Check.in_range(1, 10, error="must be 1 to 10")),
    "neighbour_old_code": _text(),
    "neighbour_code": _text(nullable=True),  # an LA number no release has
    "neighbour_name": _text(nullable=True),
    "closeness": _text(nullable=True),
})
NEIGHBOUR_COLUMNS = list(NEIGHBOURS.columns)

LTLA_UTLA = _schema("lower- to upper-tier lookup", {
    c: _text() for c in ("ltla_code", "ltla_name", "utla_code", "utla_name")})
LTLA_UTLA_COLUMNS = list(LTLA_UTLA.columns)

# authorities.parquet: one row per children's services authority (etl/profile.py).
AUTHORITIES = _schema("authorities", {
    "authority_code": _text(pa.Check(lambda s: ~s.duplicated(), error="is listed twice")),
    "authority_name": _text(),
    "la_number": _text(nullable=True),
    "region_code": _text(nullable=True),
    "region_name": _text(nullable=True),
    "districts": _lists(),
    "former_codes": _lists(),
    "neighbour_codes": _lists(),
    "neighbour_names": _lists(),
    "partnership_name": _text(nullable=True),
    "sources": _lists(),
})
AUTHORITY_COLUMNS = list(AUTHORITIES.columns)

# geo_lad.parquet: one row per ring of a district's boundary (etl/geo/districts.py).
GEO_LAD = _schema("district boundaries", {
    "lad_code": _text(),
    "lad_name": _text(),
    "part": _whole(pa.Check.ge(0, error="must not be negative")),
    "hole": _flag(),
    "lon": _lists(),
    "lat": _lists(),
    "keep_m": _lists(),
})
GEO_COLUMNS = list(GEO_LAD.columns)

_GEOMETRY = pa.Column(None, nullable=False)
LSOA_GEO = _schema("LSOA boundaries", {
    "lsoa_code": _text(), "lsoa_name": _text(), "ward_code": _text(), "ward_name": _text(),
    # children: the IoD's (float) or the user's population.csv (whole numbers, as given)
    "children": _kind(lambda s: is_numeric_dtype(s.dtype) and not is_bool_dtype(s.dtype),
                      "must be a number"),
    "geometry": _GEOMETRY}, exact=False)
WARD_GEO = _schema("ward boundaries", {
    "ward_code": _text(), "ward_name": _text(), "lsoas": _whole(),
    "children": _number(), "geometry": _GEOMETRY}, exact=False)

LOOKUPS = {"dfe_neighbours": NEIGHBOURS, "dfe_ltla_utla": LTLA_UTLA,
           "authorities": AUTHORITIES, "geo_lad": GEO_LAD}
REGISTRIES = {"measures": MEASURES, "tables": TABLES, "validation": FLAGS}


def schema_for(file: str) -> pa.DataFrameSchema:
    """The schema of one output file, by its name in the output folder."""
    stem = file.removesuffix(".parquet")
    if stem in LOOKUPS:
        return LOOKUPS[stem]
    if stem in REGISTRIES:
        return REGISTRIES[stem]
    if stem.startswith("geo/lsoa_"):
        return LSOA_GEO
    if stem.startswith("geo/ward_"):
        return WARD_GEO
    if stem == "smallarea":
        return SMALLAREA
    return OFFICIAL if stem.startswith(("dfe_", "ees_")) else REPORT
