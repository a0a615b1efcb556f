"""Official releases in ``$SAFEGUARDING_EXTERNAL_DIR/dfe/``, tidied into the processed contract.

Each CSV file is recognised by its columns, never by its name (DfE renames
``…_2013_to_2024.csv`` to ``…_2013_to_2025.csv`` every year), and columns are
selected by name. From the Explore Education Statistics (EES) releases this
module makes one long table per dataset with every geographic level
(England, regions, local authorities), and on top of the published figures:

- rates per 10,000 children recomputed from the counts and the ONS mid-year
  estimate of children aged 0 to 17 for the *previous* year (2024 rates use
  mid-2023), checked against any rate the release publishes;
- 95% and 99.8% confidence intervals (Byar for rates, Wilson for percentages)
  and the Fingertips comparison with England (``etl.official.statistics``);
- each local authority's rank and quartile per measure and year;
- every authority's ten statistical neighbours.

Periods: DfE's ``time_period`` 2024 with ``time_identifier`` "Reporting year"
is the year ending 31 March 2024. Flows over that year (referrals, enquiries,
plans started) get the financial year ``2023-24``; counts taken on 31 March
(children in need, on a plan or looked after at 31 March) get the snapshot
``2024-03-31``, as the report tables do. ONS estimates are for 30 June.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from etl.config import CONTRACT_COLUMNS, OFFICIAL_EXTRA_COLUMNS, TOTAL
from etl.errors import ETLError, Problem
from etl.io.strict_csv import _decode, _first_row, _records
from etl.official import statistics as stats
from etl.reports.registry import Registry

Progress = Callable[[int, int, str], None]

SYMBOLS = ("c", "k", "low", "u", "x", "z")
"""Suppression and GSS symbols an EES cell may hold instead of a number."""

_SYMBOL_ORDER = ("c", "u", "x", "z", "k", "low")  # which one a derived figure inherits
EES_REQUIRED = ("time_period", "time_identifier", "geographic_level")
EES_PLACES = ("region_code", "region_name", "old_la_code", "new_la_code", "la_name")
LEVELS = {"National": "national", "Regional": "regional", "Local authority": "local_authority"}
ENGLAND_CODE, ENGLAND_NAME = "E92000001", "England"
POPULATION_MEASURE = "dfe_population_0_17"
PER = 10_000
MAX_PROBLEMS_PER_COLUMN = 10
_LAIT_POLARITY = {"high": "up_good", "low": "down_good", "-": "neutral"}


@dataclass(frozen=True)
class Item:
    """One measure made from a release's columns.

    ``kind`` is ``count`` (the column as published), ``percent`` (the
    ``published`` column, or ``100 × sum(columns) / sum(denominator)`` when
    the release publishes none) or ``rate`` (the count in ``columns[0]`` per
    10,000 children aged 0 to 17, checked against ``published`` if given).
    ``when`` keeps only rows whose column holds that value. ``lait`` is the
    LAIT indicator (``Measure_short``) for the same thing, whose polarity
    measures.csv should agree with.
    """

    measure: str
    kind: str
    columns: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    published: str | None = None
    decimals: int = 1
    snapshot: bool = False
    when: tuple[str, str] | None = None
    lait: str | None = None

    @property
    def unit(self) -> str:
        return {"count": "count", "percent": "percent", "rate": "rate_per_10000"}[self.kind]

    def needs(self) -> list[str]:
        cols = [*self.columns, *self.denominator]
        if self.published:
            cols.append(self.published)
        if self.when:
            cols.append(self.when[0])
        return cols


@dataclass(frozen=True)
class Release:
    """One kind of EES file: how to recognise it and what to take from it."""

    key: str
    title: str
    publication: str
    source_id: str
    dataset: str
    signature: tuple[str, ...]
    items: tuple[Item, ...]
    mid_year: bool = False  # ONS estimates: time_period is the mid-year (30 June)

    def matches(self, header: set[str]) -> bool:
        return set(self.signature) <= header

    def describe(self) -> str:
        return f"{self.title} (columns {', '.join(self.signature)})"


CIN = "Characteristics of children in need (DfE)"
CLA = "Children looked after in England including adoptions (DfE)"
LOOKED_AFTER = "Children looked after on 31 March each year"
STARTED = "Children starting to be looked after each year"
CEASED = "Children ceasing to be looked after each year"
DURATIONS = ("Duration_0-10_days", "Duration_11-15_days", "Duration_16-20_days",
             "Duration_21+_days")

RELEASES: tuple[Release, ...] = (
    Release("children_in_need", "Children in need (b1)", CIN, "dfe_children_in_need",
            "dfe_children_in_need", ("At31_episodes", "Started_episodes"), (
                Item("dfe_cin_at_31_march", "count", ("At31_episodes",), snapshot=True),
                Item("dfe_cin_rate_per_10000", "rate", ("At31_episodes",), snapshot=True,
                     lait="CIN"),
                Item("dfe_cin_episodes_started", "count", ("Started_episodes",)),
                Item("dfe_cin_in_year", "count", ("Anypoint_child",)),
            )),
    Release("referrals", "Referrals and re-referrals (c1)", CIN, "dfe_children_in_need",
            "dfe_referrals", ("referral_count", "rereferral_count"), (
                Item("dfe_referrals", "count", ("referral_count",), lait="CPP_Total_NumRef"),
                Item("dfe_referrals_rate_per_10000", "rate", ("referral_count",),
                     lait="CPP_Total_Rateper10,000"),
                Item("dfe_rereferrals_pct", "percent", ("rereferral_count",),
                     ("referral_count",), published="rereferral_percent", lait="ReReferral"),
                Item("dfe_referrals_nfa_pct", "percent", ("no_further_action_count",),
                     ("referral_count",), published="no_further_action_percent",
                     lait="CIN_Refferals_NFA"),
                Item("dfe_referrals_not_in_need_pct", "percent", ("not_in_need_count",),
                     ("referral_count",), published="not_in_need_percent",
                     lait="Referrals_AssessedNotNeed"),
            )),
    Release("s47", "Section 47 enquiries and initial child protection conferences (c4)", CIN,
            "dfe_children_in_need", "dfe_s47_icpcs", ("Section47", "ICPC"), (
                Item("dfe_s47_enquiries", "count", ("Section47",)),
                Item("dfe_s47_rate_per_10000", "rate", ("Section47",), lait="Section_47"),
                Item("dfe_icpcs", "count", ("ICPC",)),
                Item("dfe_icpc_rate_per_10000", "rate", ("ICPC",), lait="ISCP_Conf"),
                Item("dfe_icpc_within_15_days_pct", "percent", DURATIONS[:2], DURATIONS,
                     lait="CP_conf_15days"),
            )),
    Release("cp_subsequent", "Child protection plans starting, second or subsequent (d3)", CIN,
            "dfe_children_in_need", "dfe_cp_plans", ("CPP_start", "CPP_subsequent"), (
                Item("dfe_cp_plans_started", "count", ("CPP_start",), lait="CPP_Abuse"),
                Item("dfe_cp_plans_started_rate_per_10000", "rate", ("CPP_start",),
                     lait="CPP_Abuse_Rate"),
                Item("dfe_cp_plans_subsequent_pct", "percent", ("CPP_subsequent",),
                     ("CPP_start",), published="CPP_subsequent_percent", lait="PrevRegCPR"),
            )),
    Release("cp_at_31_march", "Child protection plans at 31 March by length (d5)", CIN,
            "dfe_children_in_need", "dfe_cp_plans", ("CPP_At31", "2_years_or_more"), (
                Item("dfe_cp_plans_at_31_march", "count", ("CPP_At31",), snapshot=True),
                Item("dfe_cp_plans_at_31_march_rate_per_10000", "rate", ("CPP_At31",),
                     snapshot=True, lait="CPP_rate"),
                Item("dfe_cp_plans_2_years_or_more_pct", "percent", ("2_years_or_more",),
                     ("CPP_At31",), published="2_years_or_more_percent", snapshot=True,
                     lait="CPPlans2yrsActive"),
            )),
    Release("children_looked_after", "Children looked after: numbers and rates", CLA,
            "dfe_children_looked_after", "dfe_children_looked_after",
            ("population_type", "children_count"), (
                Item("dfe_cla_at_31_march", "count", ("children_count",), snapshot=True,
                     when=("population_type", LOOKED_AFTER), lait="LACnum"),
                Item("dfe_cla_rate_per_10000", "rate", ("children_count",), snapshot=True,
                     when=("population_type", LOOKED_AFTER), published="rate_per_10000",
                     decimals=0, lait="LAC"),
                Item("dfe_cla_started", "count", ("children_count",),
                     when=("population_type", STARTED), lait="LACnum_Start"),
                Item("dfe_cla_started_rate_per_10000", "rate", ("children_count",),
                     when=("population_type", STARTED), published="rate_per_10000",
                     decimals=0, lait="LAC_Start_Rate"),
                Item("dfe_cla_ceased", "count", ("children_count",),
                     when=("population_type", CEASED), lait="LACceased"),
                Item("dfe_cla_ceased_rate_per_10000", "rate", ("children_count",),
                     when=("population_type", CEASED), published="rate_per_10000",
                     decimals=0, lait="LAC_Cease_Rate"),
            )),
    Release("population", "ONS mid-year population estimates, children aged 0 to 17",
            "ONS mid-year population estimates (as published by DfE)", "ons_population",
            "dfe_population", ("age_group", "population_estimate"), (
                Item(POPULATION_MEASURE, "count", ("population_estimate",), snapshot=True,
                     when=("age_group", "Children aged 0 to 17 years")),
            ), mid_year=True),
)

NEIGHBOURS_TITLE = "DfE statistical neighbour groupings"
LOOKUP_TITLE = "ONS lower- to upper-tier local authority lookup"
NEIGHBOUR_COLUMNS = ["authority_code", "authority_old_code", "authority_name",
                     "neighbour_rank", "neighbour_old_code", "neighbour_code", "neighbour_name",
                     "closeness"]
LOOKUP_COLUMNS = ["ltla_code", "ltla_name", "utla_code", "utla_name"]
_LOOKUP = {k: re.compile(rf"{p}\d\d(CD|NM)") for k, p in (("ltla", "LTLA"), ("utla", "UTLA"))}


def _is_neighbours(header: set[str]) -> bool:
    return {"SN1", "SN10", "SNP"} <= header and bool(header & {"LA num", "LA number"})


def _is_lookup(header: set[str]) -> bool:
    return all(sum(bool(rx.fullmatch(h)) for h in header) >= 2 for rx in _LOOKUP.values())


@dataclass
class Official:
    """What the releases add to a build."""

    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)
    lookups: dict[str, pd.DataFrame] = field(default_factory=dict)
    flags: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    releases: dict[str, dict] = field(default_factory=dict)


# ---------------------------------------------------------------- reading


def release_files(external: Path) -> list[Path]:
    """The CSV files directly in ``external/dfe`` (sub-folders are not read)."""
    folder = external / "dfe"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")


def _text(path: Path) -> str:
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise ETLError([Problem(path, "the file is empty; it needs a header row and data rows",
                                1)])
    return text


def _header(text: str) -> list[str]:
    return [h.strip() for h in _first_row(text)]


def _frame(path: Path, text: str) -> pd.DataFrame:
    """Every cell as text, with ``_row``: the file's line number (the header is row 1)."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False,
                            skip_blank_lines=False)
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+)", str(err))
        raise ETLError([Problem(path, f"the rows do not line up with the header ({err})",
                                int(found.group(1)) if found else None)]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame["_row"] = np.arange(2, len(frame) + 2)
    cells = frame.drop(columns="_row")
    frame = frame[(cells != "").any(axis=1)]
    if frame.empty:
        raise ETLError([Problem(path, "the file has a header but no data rows", 2)])
    return frame.reset_index(drop=True)


def _numbers(frame: pd.DataFrame, column: str, path: Path, problems: list[Problem],
             *, maximum: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(values, status, blank)`` for one column; bad cells become problems."""
    cells = _strip(frame[column])
    lower = np.array([c.lower() for c in cells], dtype=object)
    symbol = np.isin(lower, SYMBOLS)
    blank = cells == ""
    plain = np.where(symbol | blank, "", np.array([c.replace(",", "") for c in cells],
                                                   dtype=object))
    numbers = pd.to_numeric(pd.Series(plain, dtype=object).replace("", np.nan),
                            errors="coerce").to_numpy(dtype="float64")
    bad = ~symbol & ~blank & ~np.isfinite(numbers)
    with np.errstate(invalid="ignore"):
        negative = ~bad & (numbers < 0)
        above = ~bad & (numbers > maximum) if maximum is not None else np.zeros_like(bad)
    bad_all = bad | negative | above
    if bad_all.any():
        rows = frame["_row"].to_numpy()
        listed = np.flatnonzero(bad_all)
        for i in listed[:MAX_PROBLEMS_PER_COLUMN]:
            cell = cells[i]
            if bad[i]:
                text = (f"'{cell}' is not a number nor a suppression symbol "
                        f"({', '.join(SYMBOLS)})")
            elif negative[i]:
                text = f"{cell} is below 0"
            else:
                text = f"{cell} is above {maximum:g}, the most a percentage can be"
            problems.append(Problem(path, text, int(rows[i]), column))
        if len(listed) > MAX_PROBLEMS_PER_COLUMN:
            problems.append(Problem(path, f"and {len(listed) - MAX_PROBLEMS_PER_COLUMN} more "
                                    "cells like these", None, column))
    status = np.where(symbol, lower, None)
    values = np.where(symbol | blank | bad_all, np.nan, numbers)
    return values, status, blank


def _years(frame: pd.DataFrame, path: Path, problems: list[Problem],
           mid_year: bool) -> np.ndarray:
    """The year each row is for: the year ending 31 March, or the ONS mid-year."""
    period = frame["time_period"].astype(str).str.strip()
    ident = frame["time_identifier"].astype(str).str.strip().str.lower()
    years = np.full(len(frame), -1, dtype="int64")
    four = period.str.fullmatch(r"\d{4}").to_numpy()
    six = period.str.fullmatch(r"\d{6}").to_numpy()
    annual = ident.isin(["reporting year", "calendar year"] if mid_year
                        else ["reporting year"]).to_numpy()
    years[annual & four] = period[annual & four].astype(int)
    financial = (ident == "financial year").to_numpy() & six & (not mid_year)
    if financial.any():
        first = period[financial].str[:4].astype(int).to_numpy()
        second = period[financial].str[4:].astype(int).to_numpy()
        ok = second == (first + 1) % 100
        idx = np.flatnonzero(financial)
        years[idx[ok]] = first[ok] + 1
    years[(years < 1000) | (years > 9999)] = -1  # no dates before year 1000 or after 9999
    bad = np.flatnonzero(years < 0)
    expected = ("'Reporting year' with a year such as 2023" if mid_year else
                "'Reporting year' with a year such as 2024 (the year ending 31 March), or "
                "'Financial year' with one such as 202324")
    known = ident.isin(["reporting year", "calendar year", "financial year"]).to_numpy()
    for i in bad[:MAX_PROBLEMS_PER_COLUMN]:
        column = "time_period" if known[i] else "time_identifier"
        problems.append(Problem(path, f"'{frame['time_period'].iloc[i]}' / "
                                f"'{frame['time_identifier'].iloc[i]}' is not a period the "
                                f"ETL knows; expected {expected}",
                                int(frame["_row"].iloc[i]), column))
    return years


PLACE_COLUMNS = ("area_code", "area_name", "geographic_level", "old_la_code", "region_code")


def _strip(values) -> np.ndarray:
    return np.array([str(v).strip() for v in values], dtype=object)


def _places(frame: pd.DataFrame, path: Path, problems: list[Problem]
            ) -> tuple[pd.DataFrame, dict[str, np.ndarray], dict[str, int]]:
    """Area code, name and level of each row; rows at other levels are dropped (and counted)."""
    level = np.array([LEVELS.get(str(v).strip()) for v in frame["geographic_level"]],
                     dtype=object)
    other = pd.Series(frame["geographic_level"].to_numpy()[level == None])  # noqa: E711
    skipped = {str(k) or "(blank)": int(v) for k, v in other.value_counts().items()}
    frame = frame[level != None].reset_index(drop=True)  # noqa: E711
    level = level[level != None]  # noqa: E711
    national, regional, la = (level == "national", level == "regional",
                              level == "local_authority")
    region_code, region_name = _strip(frame["region_code"]), _strip(frame["region_name"])
    la_code, la_name, old = (_strip(frame["new_la_code"]), _strip(frame["la_name"]),
                             _strip(frame["old_la_code"]))
    code = np.where(national, ENGLAND_CODE, np.where(regional, region_code, la_code))
    for mask, column in ((regional, "region_code"), (la, "new_la_code")):
        for row in frame["_row"].to_numpy()[mask & (code == "")][:MAX_PROBLEMS_PER_COLUMN]:
            problems.append(Problem(path, "no area code on this row", int(row), column))
    places = {
        "area_code": code,
        "area_name": np.where(national, ENGLAND_NAME, np.where(regional, region_name, la_name)),
        "geographic_level": level,
        "old_la_code": np.where(la & (old != ""), old, None),
        "region_code": np.where(~national & (region_code != ""), region_code, None),
    }
    # The population is matched on the DfE's LA number, which survives changes of ONS code.
    places["_place"] = np.where(la & (old != ""), "LA" + old.astype(str), code)
    return frame, places, skipped


# ---------------------------------------------------------------- tidying


def _period_parts(year: int, snapshot: bool, mid_year: bool) -> tuple[str, str, str, str]:
    if mid_year:
        d = date(year, 6, 30).isoformat()
        return d, "snapshot", d, d
    if snapshot:
        d = date(year, 3, 31).isoformat()
        return d, "snapshot", d, d
    return (f"{year - 1}-{year % 100:02d}", "financial_year", date(year - 1, 4, 1).isoformat(),
            date(year, 3, 31).isoformat())


def _periods(years: np.ndarray, snapshot: bool, mid_year: bool) -> dict[str, np.ndarray]:
    """Period label, type, start and end (as datetime64[D]) for each year."""
    unique, inverse = np.unique(years, return_inverse=True)
    parts = [_period_parts(int(y), snapshot, mid_year) for y in unique]
    table = {name: np.array([p[i] for p in parts], dtype=object)
             for i, name in enumerate(("period", "period_type", "period_start", "period_end"))}
    out = {name: values[inverse] for name, values in table.items()}
    for name in ("period_start", "period_end"):
        out[name] = out[name].astype("datetime64[D]")
    return out


def _inherit(statuses: list[np.ndarray]) -> np.ndarray:
    """The symbol a figure built from several cells inherits (``c`` wins over others)."""
    out = np.full(len(statuses[0]), None, dtype=object)
    for symbol in reversed(_SYMBOL_ORDER):
        for s in statuses:
            out[s == symbol] = symbol
    return out


@dataclass
class _Read:
    """One recognised EES file, its cells parsed."""

    release: Release
    path: Path
    frame: pd.DataFrame
    places: dict[str, np.ndarray]
    years: np.ndarray
    columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    skipped: dict[str, int]


def _read_release(release: Release, path: Path, text: str, header: list[str],
                  problems: list[Problem]) -> _Read | None:
    needed = [*EES_REQUIRED, *EES_PLACES]
    for item in release.items:
        needed += [c for c in item.needs() if c not in needed]
    missing = [c for c in needed if c not in header]
    if missing:
        for column in missing:
            why = ("every EES file needs time_period, time_identifier and geographic_level"
                   if column in EES_REQUIRED else f"the {release.title} release needs it")
            problems.append(Problem(path, f"missing column '{column}' ({why}); the header has "
                                    f"{', '.join(header)}", 1, column))
        return None
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        problems.append(Problem(path, f"column '{twice[0]}' appears more than once", 1,
                                twice[0]))
        return None
    count = len(problems)
    frame = _frame(path, text)
    frame, places, skipped = _places(frame, path, problems)
    years = _years(frame, path, problems, release.mid_year)
    columns = {}
    for item in release.items:
        for column in [*item.columns, *item.denominator]:
            if column not in columns:
                columns[column] = _numbers(frame, column, path, problems)
        if item.published and item.published not in columns:
            maximum = 100.0 if item.kind == "percent" else None
            columns[item.published] = _numbers(frame, item.published, path, problems,
                                               maximum=maximum)
    if len(problems) > count:
        return None
    return _Read(release, path, frame, places, years, columns, skipped)


def _item_rows(read: _Read, item: Item, population: pd.DataFrame | None, pop_file: str,
               flags: list[dict], problems: list[Problem]) -> dict[str, np.ndarray] | None:
    """One measure's rows as arrays, one per output column."""
    release, frame = read.release, read.frame
    n = len(frame)
    keep = np.ones(n, dtype=bool)
    if item.when:
        column, wanted = item.when
        keep = _strip(frame[column]) == wanted
        if not keep.any():
            problems.append(Problem(read.path, f"no rows with {column} '{wanted}', which "
                                    f"{item.measure} is made from", None, column))
            return None
    parts = [read.columns[c] for c in item.columns]
    numerator = np.sum([p[0] for p in parts], axis=0)
    status = _inherit([p[1] for p in parts])
    blank = np.any([p[2] for p in parts], axis=0)
    denominator = np.full(n, np.nan)
    published = None
    mult = 100.0
    source: object = f"{release.publication}: {read.path.name}"
    source_table = read.path.stem
    if item.kind == "count":
        value = numerator
        numerator = np.full(n, np.nan)
    elif item.kind == "percent":
        dens = [read.columns[c] for c in item.denominator]
        denominator = np.sum([d[0] for d in dens], axis=0)
        if item.published:
            value, status, blank = read.columns[item.published]
            published = value
        else:
            status = _inherit([status, *(d[1] for d in dens)])
            blank = blank | np.any([d[2] for d in dens], axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                value = np.where(denominator > 0, np.round(numerator / denominator * 100, 1),
                                 np.nan)
            status = np.where((denominator == 0) & (status == None), "z", status)  # noqa: E711
            source = (f"Derived: ({' + '.join(item.columns)}) ÷ "
                      f"({' + '.join(item.denominator)}) × 100 ({read.path.name})")
            source_table = "derived"
    else:  # rate per 10,000 children
        mult = PER
        if item.published:
            published = read.columns[item.published][0]
        prev = read.years - 1
        pop_status = np.full(n, None, dtype=object)
        if population is not None:
            found = population.reindex(pd.MultiIndex.from_arrays(
                [prev, read.places["_place"]]))
            denominator = found["value"].to_numpy(dtype="float64")
            pop_status = np.array([v if isinstance(v, str) else None
                                   for v in found["status"]], dtype=object)
        pop_status = np.where(np.isnan(denominator) & (pop_status == None), "x",  # noqa: E711
                              pop_status)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(denominator > 0, np.round(numerator / denominator * PER, 1),
                             np.nan)
        status = np.where(status == None, pop_status, status)  # noqa: E711
        status = np.where(np.isnan(value) & (status == None), "x", status)  # noqa: E711
        texts = {y: f"Derived: {item.columns[0]} ÷ ONS mid-{y} population aged 0 to 17 × "
                    f"10,000 ({read.path.name}; {pop_file})" for y in np.unique(prev)}
        source = np.array([texts[y] for y in prev], dtype=object)
        source_table = "derived"
    value = np.where(status == None, value, np.nan)  # noqa: E711
    keep = keep & ~blank & (read.years > 0)
    if published is not None:
        _check_published(read, item, keep, published, numerator, denominator, mult, flags)
    idx = np.flatnonzero(keep)
    out = _periods(read.years[idx], item.snapshot, release.mid_year)
    m = len(idx)
    out.update({
        "measure": np.full(m, item.measure, dtype=object),
        "breakdown": np.full(m, TOTAL, dtype=object),
        "breakdown_value": np.full(m, TOTAL, dtype=object),
        "value": value[idx],
        "unit": np.full(m, item.unit, dtype=object),
        "status": status[idx],
        "source": source[idx] if isinstance(source, np.ndarray)
        else np.full(m, source, dtype=object),
        "source_id": np.full(m, release.source_id, dtype=object),
        "source_table": np.full(m, source_table, dtype=object),
        "numerator": numerator[idx],
        "denominator": denominator[idx],
        "_row": frame["_row"].to_numpy()[idx],
    })
    for column in (*PLACE_COLUMNS, "_place"):
        out[column] = read.places[column][idx]
    key = stats.pd_codes(out["area_code"]) * 10_000 + read.years[idx]
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    if (counts > 1).any():
        for k in key[np.sort(first[counts > 1])][:5]:
            rows = out["_row"][key == k]
            at = np.flatnonzero(key == k)[0]
            problems.append(Problem(read.path, f"rows {', '.join(str(r) for r in rows)} both "
                                    f"give {item.measure} for {out['area_code'][at]}, "
                                    f"{out['period'][at]}", int(rows[-1])))
        return None
    return out


def _check_published(read: _Read, item: Item, keep: np.ndarray, published: np.ndarray,
                     numerator: np.ndarray, denominator: np.ndarray, mult: float,
                     flags: list[dict]) -> None:
    """Flag a published rate or percentage that its own counts do not give."""
    frame, places = read.frame, read.places
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = numerator / denominator * mult
        # DfE rounds England and regional counts to the nearest 10: allow for that too.
        rounded = np.isin(places["geographic_level"], ["national", "regional"])
        share = np.nan_to_num(numerator / denominator) if item.kind == "percent" else 0.0
        slack = np.where(rounded, mult * 5 / denominator * (1 + share), 0.0)
        tolerance = 0.5 * 10.0 ** -item.decimals + slack + 1e-9
        off = keep & np.isfinite(exact) & np.isfinite(published) & (denominator > 0) & (
            np.abs(published - exact) > tolerance)
    for i in np.flatnonzero(off):
        year = int(read.years[i])
        period = _period_parts(year, item.snapshot, False)[0]
        area = places["area_name"][i]
        if item.kind == "rate":
            how = (f"{numerator[i]:,.0f} ÷ {denominator[i]:,.0f} children aged 0 to 17 "
                   f"(ONS mid-{year - 1}) × {PER:,}")
            kept = "the recomputed rate is kept"
        else:
            how = (f"{' + '.join(item.columns)} {numerator[i]:,.0f} ÷ "
                   f"{' + '.join(item.denominator)} {denominator[i]:,.0f} × 100")
            kept = "the published percentage is kept"
        flags.append({
            "check_id": f"dfe_{item.kind}:{item.measure}",
            "kind": "rate" if item.kind == "rate" else "ratio",
            "dataset": read.release.dataset,
            "measure": item.measure,
            "area_code": places["area_code"][i],
            "area_name": area,
            "period": period,
            "breakdown_value": TOTAL,
            "published": float(published[i]),
            "expected": float(exact[i]),
            "difference": float(published[i] - exact[i]),
            "tolerance": float(tolerance[i]),
            "message": (f"{item.measure} for {area}, {period}: published {published[i]:g}, "
                        f"but {how} = {exact[i]:.2f} (row {int(frame['_row'].iloc[i])}); "
                        f"{kept}."),
            "files": read.path.name,
        })


# ---------------------------------------------------------------- benchmarks


def _benchmark(data: dict[str, np.ndarray], polarity: dict[str, str]) -> None:
    """Add confidence limits, comparison with England, rank and quartile among LAs."""
    num, den, value = data["numerator"], data["denominator"], data["value"]
    unit = data["unit"]
    has_value = ~np.isnan(value)
    rates = (unit == "rate_per_10000") & has_value
    pcts = (unit == "percent") & has_value
    for level, tag in ((0.95, "95"), (0.998, "998")):
        r_lo, r_hi = stats.byar_rate(num, den, PER, level)
        p_lo, p_hi = stats.wilson(num, den, level)
        data[f"lower_{tag}"] = np.select([rates, pcts], [r_lo, p_lo * 100], np.nan)
        data[f"upper_{tag}"] = np.select([rates, pcts], [r_hi, p_hi * 100], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = np.where(np.isfinite(num / den),
                         num / den * np.where(unit == "rate_per_10000", PER, 100.0), value)
    measures, names = pd.factorize(data["measure"])
    periods, _ = pd.factorize(data["period"])
    group = measures * (periods.max(initial=0) + 1) + periods
    bench = np.full(group.max(initial=0) + 1, np.nan)
    england = data["area_code"] == ENGLAND_CODE
    bench[group[england]] = exact[england]
    pol = np.array([polarity.get(m, "neutral") for m in names], dtype=object)[measures]
    judged = (rates | pcts) & ~england
    compared = np.full(len(value), None, dtype=object)
    compared[judged] = stats.compare(data["lower_95"][judged], data["upper_95"][judged],
                                     bench[group[judged]], pol[judged])
    data["compared_with_england"] = compared
    la = (data["geographic_level"] == "local_authority") & (rates | pcts)
    ranks = np.full(len(value), np.nan)
    ranks[la] = stats.rank(value[la], pol[la], group[la])
    data["rank"] = ranks
    data["rank_of"] = stats.ranked(ranks, group)
    data["quartile"] = stats.quartile(ranks, data["rank_of"])


def _sorted(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rows in the order every dataset uses: measure, breakdown, area, period."""
    keys = [pd.factorize(data[k], sort=True)[0] for k in ("measure", "breakdown",
                                                          "breakdown_value", "area_code")]
    keys += [data["period_start"], data["period_end"]]
    order = np.lexsort(keys[::-1])
    return {k: v[order] for k, v in data.items()}


def _typed(data: dict[str, np.ndarray], rows: np.ndarray) -> pd.DataFrame:
    """A dataset frame in the contract's column order, extras after."""
    columns = {}
    for name in CONTRACT_COLUMNS + OFFICIAL_EXTRA_COLUMNS:
        values = data[name][rows]
        if name in ("period_start", "period_end"):
            columns[name] = pd.Series(values.astype(object), dtype=object)
        elif name in ("rank", "rank_of", "quartile"):
            columns[name] = pd.array(values, dtype="Int64")
        elif values.dtype == object:
            columns[name] = pd.Series(values, dtype=object)
        else:
            columns[name] = values.astype("float64")
    return pd.DataFrame(columns)


# ---------------------------------------------------------------- lookups


def _rows(path: Path, text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    records = _records(path, text)
    header = [h.strip() for h in next(records)[1]]
    return header, [(start, [f.strip() for f in fields]) for start, fields in records]


def _neighbours(path: Path, text: str, la_names: dict[str, tuple[str, str]],
                notes: list[str], problems: list[Problem]) -> pd.DataFrame:
    """Every authority's ten statistical neighbours, nearest first.

    The groupings are keyed by DfE's three-digit LA number, which survives a change of
    ONS code; each number is matched to the authority's latest code and name in the
    releases. Authorities in the releases with no grouping (created after it) are named
    in a note."""
    header, rows = _rows(path, text)
    number = header.index("LA num") if "LA num" in header else header.index("LA number")
    name = header.index("LA Name") if "LA Name" in header else None
    slots, missing = [], []
    for rank in range(1, 11):
        column = f"SN{rank}"
        if column not in header:
            missing.append(Problem(path, f"missing column '{column}' (the {rank}th nearest "
                                   "neighbour)", 1, column))
            continue
        at = header.index(column)
        # each neighbour's closeness is in the SNP column just after it
        close = at + 1 if at + 1 < len(header) and header[at + 1].upper() == "SNP" else None
        slots.append((rank, at, close))
    if missing:
        problems.extend(missing)
        return pd.DataFrame(columns=NEIGHBOUR_COLUMNS)
    grouping = {}
    for line, cells in rows:
        if len(cells) > number and cells[number].isdigit() and cells[number] not in grouping:
            grouping[cells[number]] = (line, cells)
    out = []
    for old, (line, cells) in grouping.items():
        if old not in la_names:
            continue  # an authority that is no longer in the releases
        authority, authority_name = la_names[old]
        for rank, at, close in slots:
            neighbour = cells[at] if at < len(cells) else ""
            if not neighbour.isdigit():
                problems.append(Problem(path, f"'{neighbour}' is not an LA number", line,
                                        f"SN{rank}"))
                continue
            code, current = la_names.get(neighbour, (None, None))
            listed = grouping.get(neighbour, (0, []))[1]
            printed = listed[name] if listed and name is not None else None
            out.append({
                "authority_code": authority,
                "authority_old_code": old,
                "authority_name": authority_name,
                "neighbour_rank": rank,
                "neighbour_old_code": neighbour,
                "neighbour_code": code,
                "neighbour_name": current or printed,
                "closeness": cells[close] if close is not None and close < len(cells) else None,
            })
    absent = sorted(n for o, (_, n) in la_names.items() if o not in grouping)
    if absent:
        notes.append(f"Statistical neighbours: {path.name} has no grouping for "
                     f"{', '.join(absent)} (authorities created after it), so none are "
                     "shown for them.")
    frame = pd.DataFrame(out, columns=NEIGHBOUR_COLUMNS)
    frame["neighbour_rank"] = frame["neighbour_rank"].astype("int64")
    frame = frame.sort_values(["authority_code", "neighbour_rank"]).reset_index(drop=True)
    return frame.astype({c: "string" for c in NEIGHBOUR_COLUMNS if c != "neighbour_rank"})


def _ltla_utla(path: Path, text: str, problems: list[Problem]) -> pd.DataFrame:
    """Lower- to upper-tier lookup; the year in the column names (LTLA23CD) may change."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+)", str(err))
        problems.append(Problem(path, f"the rows do not line up with the header ({err})",
                                int(found.group(1)) if found else None))
        return pd.DataFrame(columns=LOOKUP_COLUMNS)
    frame.columns = [c.strip() for c in frame.columns]
    pick = {}
    for key, rx in _LOOKUP.items():
        for column in frame.columns:
            m = rx.fullmatch(column)
            if m:
                pick.setdefault(f"{key}_{'code' if m.group(1) == 'CD' else 'name'}", column)
    missing = [k for k in LOOKUP_COLUMNS if k not in pick]
    if missing:
        problems.append(Problem(path, "needs a code and a name column for each tier, such as "
                                f"LTLA23CD, LTLA23NM, UTLA23CD, UTLA23NM (missing: "
                                f"{', '.join(missing)})", 1))
        return pd.DataFrame(columns=LOOKUP_COLUMNS)
    out = pd.DataFrame({k: frame[pick[k]].str.strip() for k in LOOKUP_COLUMNS})
    return out.astype("string")


def _lait_flags(external: Path, registry: Registry, notes: list[str]) -> list[dict]:
    """measures.csv against the polarity DfE's LAIT gives the same indicator."""
    path = external / "lait" / "lait_data_dictionary.csv"
    if not path.is_file():
        return []
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            usecols=["Measure_short", "Polarity"])
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        notes.append(f"{path} could not be read (it needs the columns Measure_short and "
                     "Polarity), so polarities were not checked against LAIT.")
        return []
    polarity = table.drop_duplicates("Measure_short").set_index("Measure_short")["Polarity"]
    flags = []
    for release in RELEASES:
        for item in release.items:
            if not item.lait or item.lait not in polarity.index:
                continue
            theirs = _LAIT_POLARITY.get(polarity[item.lait].strip().lower(), "neutral")
            ours = registry.measures[item.measure].polarity
            if ours != theirs:
                flags.append({
                    "check_id": f"lait_polarity:{item.measure}", "kind": "polarity",
                    "dataset": release.dataset, "measure": item.measure,
                    "area_code": None, "area_name": None, "period": None,
                    "breakdown_value": None, "published": np.nan, "expected": np.nan,
                    "difference": np.nan, "tolerance": np.nan,
                    "message": (f"measures.csv gives {item.measure} the polarity {ours}, but "
                                f"LAIT's {item.lait} has '{polarity[item.lait]}' "
                                f"({theirs})."),
                    "files": "measures.csv; lait_data_dictionary.csv",
                })
    return flags


# ---------------------------------------------------------------- the whole import


def _check_registry(registry: Registry, measures_path: Path) -> list[Problem]:
    problems = []
    for release in RELEASES:
        for item in release.items:
            m = registry.measures.get(item.measure)
            if m is None:
                problems.append(Problem(measures_path, f"measure '{item.measure}' (from the "
                                        f"{release.title} release) is missing; add it",
                                        None, "measure"))
            elif m.unit != item.unit or m.theme != release.dataset:
                problems.append(Problem(measures_path, f"{item.measure} must have unit "
                                        f"{item.unit} and theme {release.dataset}", None,
                                        "unit" if m.unit != item.unit else "theme"))
    return problems


def _span(read: _Read) -> str:
    """The years a release covers: reporting years (to 31 March), or ONS mid-years."""
    years = read.years[read.years > 0]
    if not len(years):
        return ""
    first, last = int(years.min()), int(years.max())
    if read.release.mid_year:
        label = "mid-{}".format
    else:
        def label(y: int) -> str:
            return f"{y - 1}-{y % 100:02d}"
    return label(first) if first == last else f"{label(first)} to {label(last)}"


def import_releases(external: Path, registry: Registry, measures_path: Path,
                    progress: Progress | None = None) -> Official:
    """Read every release in ``external/dfe``; raise ``ETLError`` listing every problem."""
    result = Official()
    folder = external / "dfe"
    if not folder.is_dir():
        result.notes.append(f"No official releases: {folder} does not exist, so only the "
                            "report tables were built (set SAFEGUARDING_EXTERNAL_DIR; see "
                            "README).")
        return result
    files = release_files(external)
    if not files:
        result.notes.append(f"No official releases: {folder} holds no CSV files.")
        return result
    problems = _check_registry(registry, measures_path)
    if problems:
        raise ETLError(problems)

    reads: dict[str, _Read] = {}
    specials: dict[str, tuple[Path, str]] = {}
    seen: dict[str, Path] = {}
    for index, path in enumerate(files, start=1):
        try:
            text = _text(path)
        except ETLError as err:
            problems.extend(err.problems)
            continue
        header = _header(text)
        names = set(header)
        kinds = [r for r in RELEASES if r.matches(names)]
        if _is_neighbours(names):
            kinds.append("neighbours")
        if _is_lookup(names):
            kinds.append("ltla_utla")
        if not kinds:
            expected = [r.describe() for r in RELEASES] + [
                f"{NEIGHBOURS_TITLE} (columns LA num, SN1 … SN10, SNP)",
                f"{LOOKUP_TITLE} (columns LTLA23CD, LTLA23NM, UTLA23CD, UTLA23NM; any year)"]
            problems.append(Problem(path, "its columns match no release the ETL knows. "
                                    "Expected one of: " + "; ".join(expected) + ". Keep "
                                    "other files out of dfe/ (its sub-folders are not read).",
                                    1))
            continue
        if len(kinds) > 1:
            problems.append(Problem(path, "its columns match more than one release: "
                                    + ", ".join(k if isinstance(k, str) else k.title
                                                for k in kinds), 1))
            continue
        kind = kinds[0]
        key = kind if isinstance(kind, str) else kind.key
        if key in seen:
            problems.append(Problem(path, f"a second copy of the release in {seen[key].name}; "
                                    "keep only the newest file in dfe/", 1))
            continue
        seen[key] = path
        if isinstance(kind, str):
            specials[kind] = (path, text)
            label = NEIGHBOURS_TITLE if kind == "neighbours" else LOOKUP_TITLE
        else:
            read = _read_release(kind, path, text, header, problems)
            if read is not None:
                reads[key] = read
            label = kind.title
        if progress:
            progress(index, len(files), f"dfe/{path.name} → {label}")
    if problems:
        raise ETLError(problems)

    population, pop_file = None, "no population file"
    if "population" in reads:
        pop_read = reads["population"]
        values, status, _ = pop_read.columns["population_estimate"]
        column, wanted = pop_read.release.items[0].when
        keep = _strip(pop_read.frame[column]) == wanted
        population = pd.DataFrame({"value": values[keep],
                                   "status": pd.Series(status[keep], dtype=object)},
                                  index=pd.MultiIndex.from_arrays(
                                      [pop_read.years[keep],
                                       pop_read.places["_place"][keep]]))
        population = population[~population.index.duplicated()]
        pop_file = pop_read.path.name
    elif any(i.kind == "rate" for r in reads.values() for i in r.release.items):
        result.notes.append("No ONS population release in dfe/: rates per 10,000 children "
                            "are not available (status x).")

    parts: list[dict[str, np.ndarray]] = []
    for read in reads.values():
        for item in read.release.items:
            rows = _item_rows(read, item, population, pop_file, result.flags, problems)
            if rows is not None:
                parts.append(rows)
    if problems:
        raise ETLError(problems)

    if parts:
        data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        polarity = {m: registry.measures[m].polarity for m in np.unique(data["measure"])}
        _benchmark(data, polarity)
        data = _sorted(data)
        theme = np.array([registry.measures[m].theme for m in data["measure"]], dtype=object)
        for dataset in sorted(set(theme)):
            result.datasets[dataset] = _typed(data, np.flatnonzero(theme == dataset))

    la_rows = [pd.DataFrame({"_year": r.years, **{k: pd.Series(r.places[k], dtype=object)
                                                   for k in ("old_la_code", "area_code",
                                                             "area_name")}})
               [r.places["geographic_level"] == "local_authority"] for r in reads.values()]
    la_names: dict[str, tuple[str, str]] = {}
    if la_rows:
        las = pd.concat(la_rows).sort_values("_year", kind="stable")
        latest = las.drop_duplicates("old_la_code", keep="last")
        la_names = {o: (c, n) for o, c, n in latest[["old_la_code", "area_code",
                                                      "area_name"]].itertuples(index=False)}
    if "neighbours" in specials:
        path, text = specials["neighbours"]
        frame = _neighbours(path, text, la_names, result.notes, problems)
        result.lookups["dfe_neighbours"] = frame
        result.tables.append(_table_row("dfe_neighbours", "dfe_statistical_neighbours",
                                        NEIGHBOURS_TITLE, path, "", ""))
        result.releases[path.name] = {"release": NEIGHBOURS_TITLE, "dataset": "dfe_neighbours",
                                      "authorities": int(frame["authority_code"].nunique())}
    if "ltla_utla" in specials:
        path, text = specials["ltla_utla"]
        result.lookups["dfe_ltla_utla"] = _ltla_utla(path, text, problems)
        result.tables.append(_table_row("dfe_ltla_utla", "ons_ltla_utla_lookup", LOOKUP_TITLE,
                                        path, "", ""))
        result.releases[path.name] = {"release": LOOKUP_TITLE, "dataset": "dfe_ltla_utla"}
    if problems:
        raise ETLError(problems)

    for read in reads.values():
        if read.skipped:
            levels = ", ".join(f"{k} ({v} row{'s' if v > 1 else ''})"
                               for k, v in read.skipped.items())
            result.notes.append(f"dfe/{read.path.name}: rows at other geographic levels were "
                                f"not read: {levels}.")
        span = _span(read)
        kinds = sorted({"snapshot" if (i.snapshot or read.release.mid_year)
                        else "financial_year" for i in read.release.items})
        result.tables.append(_table_row(read.release.dataset, read.release.source_id,
                                        read.release.publication, read.path,
                                        ", ".join(kinds), span))
        result.releases[read.path.name] = {"release": read.release.title,
                                           "dataset": read.release.dataset, "years": span}
    absent = [r.title for r in RELEASES if r.key not in seen]
    absent += [title for key, title in (("neighbours", NEIGHBOURS_TITLE),
                                        ("ltla_utla", LOOKUP_TITLE)) if key not in seen]
    if absent:
        result.notes.append(f"Not in {folder}, so not imported: {'; '.join(absent)}.")
    result.flags.extend(_lait_flags(external, registry, result.notes))
    return result


def _table_row(dataset: str, source_id: str, title: str, path: Path, period_type: str,
               span: str) -> dict:
    return {"dataset": dataset, "source_id": source_id, "source_title": title,
            "source_table": path.stem, "file": f"dfe/{path.name}", "unit": "",
            "period_type": period_type, "area": "England, regions and local authorities",
            "notes": f"Official release read from the external folder; years {span}."
            if span else "Official release read from the external folder."}
