"""Any file in the Explore Education Statistics layout, imported without a curated release.

A CSV with ``time_period``, ``time_identifier`` and ``geographic_level`` is an EES data
file. Its other columns are places (``region_code``, ``la_name`` … and the code and name
columns of each level in the releases file's ``[levels]``), filters or indicators. A
``<name>.meta.csv`` beside it says which are which (``col_type``) and gives labels, units
and decimal places; without one, a column is an indicator when most of its distinct
cells are numbers (the rest must be GSS symbols, or they are errors naming row and
column) and it has no ``Total``; every other column is a filter. Filters with more than
one value become the breakdown (``name / name`` and ``value / value``, the filters in
name order, ``Total`` values left out); a ``breakdown_topic``/``breakdown`` pair is one
filter named by its topic. Every indicator becomes a measure ``<slug>_<column>`` in the
dataset ``ees_<slug>``, where the slug is the file's name without its years
(``b3_cin_primary_need_2013_to_2024`` → ``b3_cin_primary_need``), so next year's file
(``…_2013_to_2025``) makes the same measures.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from etl.config import TOTAL
from etl.errors import Problem
from etl.official.definitions import (
    EES_PLACES,
    EES_REQUIRED,
    ENGLAND_CODE,
    ENGLAND_NAME,
    LEVELS,
    MAX_PROBLEMS_PER_COLUMN,
    SYMBOLS,
)
from etl.official.reading import parse_numbers, strip_cells

logger = logging.getLogger(__name__)

TOPIC = ("breakdown_topic", "breakdown")
_ALWAYS_PLACES = {*EES_REQUIRED, *EES_PLACES, "country_code", "country_name"}
_YEARS = re.compile(r"([_\- ]?(\d{4}|\d{6})([_\- ]?(to|-)[_\- ]?(\d{4}|\d{6}))?)+$")
_NUMBER = re.compile(r"-?(\d[\d,]*)?\.?\d+([eE][+-]?\d+)?")
_PERCENT = re.compile(r"(percent|pct|percentage|proportion|_rate|rate_|^rate$)", re.I)
_PER_10K = re.compile(r"per_?10_?(k|000|,000)", re.I)
_UNITS = {"%": "percent", "£": "gbp", "£m": "gbp", "days": "days", "weeks": "weeks"}
JOIN = " / "


def is_ees(header: list[str]) -> bool:
    return set(EES_REQUIRED) <= set(header)


def slug(path: Path) -> str:
    """A file's name without its years, as an id: stable across a release's years."""
    stem = path.name.removesuffix(".csv").removesuffix(".CSV")
    cut = _YEARS.sub("", stem) or stem
    return snake(cut)


def snake(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "x"


def readable(name: str) -> str:
    """A label from a column name: ``children_count`` → ``Children count``."""
    words = re.sub(r"[_\s]+", " ", name).strip()
    return words[:1].upper() + words[1:]


@dataclass
class Meta:
    """What a ``.meta.csv`` says of a data file's columns."""

    kinds: dict[str, str] = field(default_factory=dict)  # column → filter / indicator
    labels: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)


def meta_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + ".meta.csv")


def read_meta(path: Path, text: str, problems: list[Problem]) -> Meta:
    rows = list(csv.DictReader(io.StringIO(text)))
    meta = Meta()
    for line, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        name, kind = row.get("col_name", ""), row.get("col_type", "").lower()
        if not name or kind not in ("filter", "indicator"):
            problems.append(Problem(path, "each row needs col_name and col_type Filter or "
                                    "Indicator", line, "col_type" if name else "col_name"))
            continue
        meta.kinds[name] = kind
        if row.get("label"):
            meta.labels[name] = row["label"]
        if kind == "indicator":
            meta.units[name] = _UNITS.get(row.get("indicator_unit", ""), "count")
            if row.get("indicator_dp", "").isdigit():
                meta.decimals[name] = min(int(row["indicator_dp"]), 6)
    return meta


@dataclass
class Layout:
    """A generic file's filters and indicators, and how each indicator is shown."""

    filters: list[str]
    indicators: list[str]
    labels: dict[str, str]
    units: dict[str, str]
    decimals: dict[str, int]
    filter_labels: dict[str, str]
    topic: bool


def _numeric_share(values: np.ndarray) -> float:
    plain = [v for v in values if v and v.lower() not in SYMBOLS]
    if not plain:
        return 0.0
    return sum(bool(_NUMBER.fullmatch(v)) for v in plain) / len(plain)


def layout(frame: pd.DataFrame, header: list[str], levels: dict[str, tuple[str, ...]],
           meta: Meta | None) -> Layout:
    """Tell filters from indicators (by the meta file, or by their cells)."""
    places = _ALWAYS_PLACES | {c for cols in levels.values() for c in cols}
    topic = all(c in header for c in TOPIC)
    rest = [h for h in header if h not in places and not (topic and h in TOPIC)]
    filters, indicators = [], []
    for column in rest:
        values = pd.unique(strip_cells(frame[column]))
        if meta is not None and column in meta.kinds:
            kind = meta.kinds[column]
        elif _numeric_share(values) > 0.5 and TOTAL not in values:
            kind = "indicator"
        else:
            kind = "filter"
        if kind == "indicator":
            indicators.append(column)
        elif len(set(values) - {""}) > 1:  # one value throughout says nothing of a row
            filters.append(column)
    meta = meta or Meta()
    labels = {c: meta.labels.get(c) or readable(c) for c in indicators}
    units, decimals = {}, {}
    for column in indicators:
        cells = strip_cells(frame[column])
        numbers = pd.to_numeric(pd.Series(cells).str.replace(",", ""), errors="coerce")
        top = numbers.max()
        if column in meta.units:
            units[column] = meta.units[column]
        elif _PER_10K.search(column):
            units[column] = "rate_per_10000"
        elif _PERCENT.search(column):
            units[column] = "percent" if not top > 100 else "rate_per_10000"
        else:
            units[column] = "count"
        places_ = [len(c.split(".")[1]) for c in pd.unique(cells) if "." in c
                   and _NUMBER.fullmatch(c)]
        decimals[column] = meta.decimals.get(column, min(max(places_, default=0), 6))
    filter_labels = {c: meta.labels.get(c) or readable(c) for c in filters}
    return Layout(sorted(filters), indicators, labels, units, decimals, filter_labels, topic)


def breakdowns(frame: pd.DataFrame, lay: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Each row's breakdown name and value (``Total`` for both where every filter is)."""
    n = len(frame)
    names, values = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    pairs = [(np.full(n, f, dtype=object), strip_cells(frame[f])) for f in lay.filters]
    if lay.topic:
        pairs.append((strip_cells(frame[TOPIC[0]]), strip_cells(frame[TOPIC[1]])))
        pairs.sort(key=lambda p: p[0][0] if n else "")
    for name, value in pairs:
        total = (value == TOTAL) | (value == "") | (name == TOTAL)
        first = names == ""
        names = np.where(total, names, np.where(first, name, names + JOIN + name))
        values = np.where(total, values, np.where(first, value, values + JOIN + value))
    none = names == ""
    return np.where(none, TOTAL, names), np.where(none, TOTAL, values)


def periods(frame: pd.DataFrame, path: Path, problems: list[Problem]) -> dict[str, np.ndarray]:
    """Label, type, start and end of each row's period, and its ``_year`` (its end's)."""
    period = strip_cells(frame["time_period"])
    ident = strip_cells(frame["time_identifier"])
    keys = pd.MultiIndex.from_arrays([period, ident])
    unique = keys.unique()
    table = {}
    for p, i in unique:
        table[(p, i)] = _period(p, i)
    bad = [k for k, v in table.items() if v is None]
    if bad:
        rows = frame["_row"].to_numpy()
        for k in bad[:MAX_PROBLEMS_PER_COLUMN]:
            at = np.flatnonzero((period == k[0]) & (ident == k[1]))[0]
            problems.append(Problem(path, f"'{k[0]}' / '{k[1]}' is not a period the ETL "
                                    "knows; expected 'Reporting year', 'Calendar year' or "
                                    "'Month' names with a year such as 2024, or 'Financial "
                                    "year', 'Academic year' with one such as 202324",
                                    int(rows[at]), "time_period"))
        return {}
    parts = [table[k] for k in keys]
    out = {name: np.array([p[j] for p in parts], dtype=object)
           for j, name in enumerate(("period", "period_type", "period_start", "period_end"))}
    for name in ("period_start", "period_end"):
        out[name] = out[name].astype("datetime64[D]")
    out["_year"] = out["period_end"].astype("datetime64[Y]").astype(int) + 1970
    return out


_MONTHS = {m.lower(): i for i, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"), start=1)}


def _period(text: str, ident: str) -> tuple[str, str, str, str] | None:
    kind = ident.lower()
    try:
        if kind in ("reporting year", "financial year", "academic year") and \
                re.fullmatch(r"\d{6}", text):
            first, second = int(text[:4]), int(text[4:])
            if second != (first + 1) % 100:
                return None
            if kind == "academic year":
                return (f"{first}/{second:02d}", "academic_year", f"{first}-09-01",
                        f"{first + 1}-08-31")
            return (f"{first}-{second:02d}", "financial_year", f"{first}-04-01",
                    f"{first + 1}-03-31")
        if not re.fullmatch(r"\d{4}", text) or not 1000 < int(text) < 9999:
            return None
        year = int(text)
        if kind == "reporting year":
            return (f"{year - 1}-{year % 100:02d}", "financial_year", f"{year - 1}-04-01",
                    f"{year}-03-31")
        if kind == "calendar year":
            return str(year), "calendar_year", f"{year}-01-01", f"{year}-12-31"
        if kind in _MONTHS:
            month = _MONTHS[kind]
            start = date(year, month, 1)
            end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)
            return f"{year}-{month:02d}", "month", start.isoformat(), end.isoformat()
    except ValueError:
        return None
    return None


def places(frame: pd.DataFrame, levels: dict[str, tuple[str, ...]], path: Path,
           problems: list[Problem]) -> tuple[pd.DataFrame, dict[str, np.ndarray], dict]:
    """Area code, name and level of each row, at every level the file and ``levels``
    know; rows at other levels are dropped and counted."""
    def cells(column: str) -> np.ndarray:
        return strip_cells(frame[column]) if column in frame else np.full(len(frame), "",
                                                                          dtype=object)
    level = strip_cells(frame["geographic_level"])
    known = {**{k: None for k in LEVELS}, **levels}
    keep = np.isin(level, list(known))
    skipped = {str(k) or "(blank)": int(v)
               for k, v in pd.Series(level[~keep]).value_counts().items()}
    frame = frame[keep].reset_index(drop=True)
    level = level[keep]
    code, name = np.full(len(frame), "", dtype=object), np.full(len(frame), "", dtype=object)
    code[level == "National"], name[level == "National"] = ENGLAND_CODE, ENGLAND_NAME
    for lvl, (c, n) in (("Regional", ("region_code", "region_name")),
                        ("Local authority", ("new_la_code", "la_name")),
                        *levels.items()):
        at = level == lvl
        if at.any():
            code[at], name[at] = cells(c)[at], cells(n)[at]
            for row in frame["_row"].to_numpy()[at & (code == "")][:MAX_PROBLEMS_PER_COLUMN]:
                problems.append(Problem(path, f"no area code on this row ({lvl})", int(row),
                                        c))
    contract = np.array([LEVELS.get(v) or snake(v) for v in level], dtype=object)
    old, region = cells("old_la_code"), cells("region_code")
    la = level == "Local authority"
    out = {"area_code": code, "area_name": name, "geographic_level": contract,
           "old_la_code": np.where(la & (old != ""), old, None),
           "region_code": np.where((level != "National") & (region != ""), region, None)}
    out["_place"] = code
    return frame, out, skipped


def indicator_rows(frame: pd.DataFrame, column: str, measure: str, unit: str,
                   when: dict[str, np.ndarray], place: dict[str, np.ndarray],
                   names: np.ndarray, values: np.ndarray, source: str, source_id: str,
                   path: Path, problems: list[Problem]) -> dict[str, np.ndarray] | None:
    """One indicator's rows, as arrays in the layout ``measures.item_rows`` gives."""
    value, status, blank = parse_numbers(frame, column, path, problems, minimum=None,
                                         maximum=100.0 if unit == "percent" else None)
    idx = np.flatnonzero(~blank)
    m = len(idx)
    out = {k: v[idx] for k, v in when.items() if k != "_year"}
    out.update({
        "measure": np.full(m, measure, dtype=object),
        "breakdown": names[idx], "breakdown_value": values[idx],
        "value": value[idx], "unit": np.full(m, unit, dtype=object),
        "status": status[idx], "source": np.full(m, source, dtype=object),
        "source_id": np.full(m, source_id, dtype=object),
        "source_table": np.full(m, path.stem, dtype=object),
        "numerator": np.full(m, np.nan), "denominator": np.full(m, np.nan),
        "_row": frame["_row"].to_numpy()[idx],
    })
    for k, v in place.items():
        out[k] = v[idx]
    key = pd.MultiIndex.from_arrays([out["breakdown"], out["breakdown_value"],
                                     out["area_code"], out["period"]])
    twice = key.duplicated(keep=False)
    if twice.any():
        at = np.flatnonzero(twice)
        first = key[at[0]]
        rows = out["_row"][at][[key[i] == first for i in at]]
        problems.append(Problem(path, f"rows {', '.join(map(str, rows[:5]))} both give "
                                f"{column} for {first[2]}, {first[3]}, {first[1]} (a column "
                                "that tells them apart may have been read as a figure: add "
                                "a .meta.csv or a curated release)", int(rows[-1]), column))
        return None
    return out


@dataclass
class GenericRead:
    """One EES file read generically: its rows and the measures they make."""

    path: Path
    slug: str
    layout: Layout
    parts: list[dict[str, np.ndarray]]
    years: np.ndarray
    skipped: dict[str, int]
    signature: frozenset[str]

    def measure(self, column: str, slug: str | None = None) -> str:
        return f"{slug or self.slug}_{snake(column)}"


def read_generic(path: Path, frame: pd.DataFrame, header: list[str],
                 levels: dict[str, tuple[str, ...]], meta: Meta | None,
                 problems: list[Problem]) -> GenericRead | None:
    """Read an EES file no curated release knows; ``None`` (and problems) if it is bad."""
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        problems.append(Problem(path, f"column '{twice[0]}' appears more than once", 1,
                                twice[0]))
        return None
    count = len(problems)
    lay = layout(frame, header, levels, meta)
    if not lay.indicators:
        problems.append(Problem(path, "an EES file with no indicator column (no column of "
                                "numbers besides the time and place columns)", 1))
        return None
    frame, place, skipped = places(frame, levels, path, problems)
    when = periods(frame, path, problems)
    if len(problems) > count:
        return None
    names, values = breakdowns(frame, lay)
    name = slug(path)
    source = f"Explore Education Statistics: {path.name}"
    parts = []
    for column in lay.indicators:
        rows = indicator_rows(frame, column, f"{name}_{snake(column)}", lay.units[column],
                              when, place, names, values, source, f"ees_{name}", path,
                              problems)
        if rows is not None:
            parts.append(rows)
    if len(problems) > count:
        return None
    signature = frozenset([*lay.indicators, *lay.filters, *(TOPIC if lay.topic else ())])
    return GenericRead(path, name, lay, parts, when["_year"], skipped, signature)
