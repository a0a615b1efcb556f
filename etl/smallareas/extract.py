"""Small-area extracts from the case management system, read, checked and counted.

Two layouts are accepted (told apart by their columns):

- **record level**: one row per episode: ``child_id`` (pseudonymous), ``lsoa_code``
  (or ``soa``, the last three digits of the code as the reports number them),
  ``measure``, ``start_date`` and ``end_date`` (blank while open). Each child is
  counted once a year per measure, in the year an episode starts and in the LSOA
  of their latest such episode; a year is counted only if the extract runs to
  its end (31 March);
- **aggregated**: ``lsoa_code`` (or ``soa``), ``measure``, ``period`` (``2023-24``)
  and ``count``.

Records are counted here and never written anywhere: only counts per LSOA and
year leave this module. A column that could identify a child (a name, date of
birth, address, postcode, NHS number, ...) is refused outright. Rows with an LSOA
of another authority, or none, are left out and reported, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import ETLError, Problem

# What the extract calls each measure → its measure id. Each counts the children
# with an episode *starting* in the year (April to March).
MEASURES = {
    "children_in_need": "sa_children_in_need",
    "cp_plan_started": "sa_cp_plans_started",
    "became_looked_after": "sa_became_looked_after",
}
RECORD_COLUMNS = ("child_id", "measure", "start_date")
AGGREGATE_COLUMNS = ("measure", "period", "count")
OPTIONAL = ("end_date",)
IDENTIFYING = re.compile(
    r"(^|_)(name|names|forename|first_?name|surname|last_?name|family_?name|given_?name|"
    r"dob|birth|date_?of_?birth|birth_?date|address|street|house|postcode|post_?code|"
    r"zip|nhs|nhs_?number|upn|ulin|ni_?number|phone|telephone|mobile|email)($|_)")
MAX_PROBLEMS = 20
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class Extract:
    """Counts per LSOA, measure and year (financial, April to March), and what was left out."""

    counts: pd.DataFrame  # lsoa_code, measure, period, count
    records: int
    files: list[str]
    excluded: dict[str, int] = field(default_factory=dict)  # reason → rows
    notes: list[str] = field(default_factory=list)


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _problems(path: Path, rows: pd.Series, column: str, message) -> list[Problem]:
    """One problem per offending row (the first few), each with its line in the file."""
    out = [Problem(path, message(value), int(index) + 2, column)
           for index, value in rows.head(MAX_PROBLEMS).items()]
    if len(rows) > MAX_PROBLEMS:
        out.append(Problem(path, f"... and {len(rows) - MAX_PROBLEMS} more rows like these",
                           None, column))
    return out


def _read(path: Path) -> pd.DataFrame:
    """Every cell as text; a row with more cells than the header is an error, not an index."""
    try:
        frame = pd.read_csv(path, dtype=str, header=None, keep_default_na=False,
                            encoding="utf-8-sig", skip_blank_lines=True)
    except UnicodeDecodeError:
        raise ETLError([Problem(path, "not UTF-8 text; save the extract as UTF-8 CSV")]
                       ) from None
    except pd.errors.ParserError as err:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        if found:
            header, line, cells = found.groups()
            raise ETLError([Problem(path, f"{cells} cells but the header has {header} "
                                    "columns", int(line))]) from None
        raise ETLError([Problem(path, f"cannot be read as CSV ({str(err).strip()})")]
                       ) from None
    except pd.errors.EmptyDataError:
        raise ETLError([Problem(path, "the file is empty; it needs a header row", 1)]
                       ) from None
    if len(frame) < 2:
        raise ETLError([Problem(path, "the extract has no rows", 2)])
    header = [str(h).strip() for h in frame.iloc[0]]
    blank = [i + 1 for i, h in enumerate(header) if not h]
    if blank:
        raise ETLError([Problem(path, f"column {blank[0]} has no header", 1)])
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise ETLError([Problem(path, f"column '{twice[0]}' appears twice", 1, twice[0])])
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = header
    return frame


def _columns(path: Path, frame: pd.DataFrame) -> tuple[pd.DataFrame, str, list[str]]:
    renamed = {c: _normal(c) for c in frame.columns}
    seen: dict[str, str] = {}
    for original, name in renamed.items():
        if name in seen:
            raise ETLError([Problem(path, f"columns '{seen[name]}' and '{original}' are the "
                                    "same column; keep one", 1, original)])
        seen[name] = original
    frame = frame.rename(columns=renamed)
    identifying = [orig for orig, new in renamed.items() if IDENTIFYING.search(new)]
    if identifying:
        raise ETLError([Problem(path, "this column could identify a child and is not "
                                "allowed in an extract: remove it (a pseudonymous child_id, "
                                "the LSOA, the measure and dates are all that is needed)",
                                1, c) for c in identifying])
    if "soa" in frame and "lsoa_code" not in frame:
        frame = frame.rename(columns={"soa": "lsoa_code"})
    if "lsoa_code" not in frame:
        raise ETLError([Problem(path, "missing column 'lsoa_code' (or 'soa'); the header has "
                                f"{', '.join(map(str, renamed))}", 1, "lsoa_code")])
    layout = "records" if "child_id" in frame or "start_date" in frame else "counts"
    need = RECORD_COLUMNS if layout == "records" else AGGREGATE_COLUMNS
    missing = [c for c in need if c not in frame]
    if missing:
        what = "record-level" if layout == "records" else "aggregated"
        raise ETLError([Problem(path, f"missing column '{c}' for a {what} extract; the "
                                f"header has {', '.join(map(str, renamed))}", 1, c)
                        for c in missing])
    known = {"lsoa_code", *need, *OPTIONAL}
    ignored = [c for c in frame.columns if c not in known]
    return frame, layout, ignored


def _measures(path: Path, frame: pd.DataFrame) -> list[Problem]:
    values = frame["measure"].str.strip().str.lower().str.replace(r"[^a-z0-9]+", "_",
                                                                   regex=True)
    frame["measure"] = values
    bad = values[~values.isin(list(MEASURES))]
    return _problems(path, bad, "measure", lambda v: f"unknown measure '{v}'; use one of "
                     f"{', '.join(MEASURES)}")


def _member(values: pd.Series, allowed: set[str]) -> pd.Series:
    """``values.isin(allowed)``, looked up once per distinct value (an extract repeats a
    few hundred codes many thousand times)."""
    return values.map({v: v in allowed for v in values.unique()}).astype(bool)


def _lsoas(path: Path, frame: pd.DataFrame, lsoas: pd.DataFrame, england: set[str],
           excluded: dict[str, int]) -> tuple[pd.DataFrame, list[Problem]]:
    """Resolve codes and SOA numbers; report rows outside the authority or without an LSOA."""
    raw = frame["lsoa_code"].str.strip().str.upper()
    per_number = lsoas.groupby("soa_number")["lsoa_code"].agg(list)
    unique = {n: codes[0] for n, codes in per_number.items() if len(codes) == 1}
    shared = {n for n, codes in per_number.items() if len(codes) > 1}
    is_number = raw.str.fullmatch(r"\d{1,3}")
    padded = raw[is_number].str.zfill(3)
    problems = _problems(path, padded[padded.isin(shared)], "lsoa_code", lambda v: f"SOA "
                         f"number '{v}' is the end of more than one of this authority's "
                         "LSOA codes: give the full code")
    problems += _problems(path, padded[~padded.isin(shared) & ~padded.isin(list(unique))],
                          "lsoa_code", lambda v: f"no LSOA of this authority ends in '{v}'")
    codes = raw.copy()
    codes[is_number] = padded.map(unique)
    blank = raw == ""
    in_england = _member(raw, england)
    unknown = raw[~is_number & ~blank & ~in_england]
    problems += _problems(path, unknown, "lsoa_code", lambda v: f"'{v}' is not an LSOA code "
                          "in England (codes look like E01009889)")
    outside = ~is_number & ~blank & in_england & ~_member(raw, set(lsoas["lsoa_code"]))
    if blank.any():
        excluded["no LSOA recorded"] = excluded.get("no LSOA recorded", 0) + int(blank.sum())
    if outside.any():
        key = "LSOA outside the authority"
        excluded[key] = excluded.get(key, 0) + int(outside.sum())
    frame = frame.assign(lsoa_code=codes)
    return frame[~blank & ~outside], problems


def _dates(path: Path, frame: pd.DataFrame, column: str) -> tuple[pd.Series, list[Problem]]:
    text = frame[column].str.strip() if column in frame else pd.Series("", index=frame.index)
    dates = pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")
    retry = dates.isna() & (text != "")
    if retry.any():  # 03/10/2023 as written in the UK
        dates[retry] = pd.to_datetime(text[retry], errors="coerce", format="%d/%m/%Y")
    bad = text[dates.isna() & (text != "")]
    return dates, _problems(path, bad, column, lambda v: f"'{v}' is not a date (use "
                            "YYYY-MM-DD or DD/MM/YYYY)")


def _year(dates: pd.Series) -> pd.Series:
    """The financial year (April to March) each date falls in, as its first calendar year."""
    return dates.dt.year - (dates.dt.month < 4)


def label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _count_records(path: Path, frame: pd.DataFrame, notes: list[str]
                   ) -> tuple[pd.DataFrame, list[Problem]]:
    start, problems = _dates(path, frame, "start_date")
    end, more = _dates(path, frame, "end_date")
    problems += more
    missing = frame["start_date"].str.strip() == ""
    problems += _problems(path, frame["start_date"][missing], "start_date",
                          lambda v: "start_date is blank")
    blank_id = frame["child_id"].str.strip() == ""
    problems += _problems(path, frame["child_id"][blank_id], "child_id",
                          lambda v: "child_id is blank")
    backwards = end.notna() & start.notna() & (end < start)
    ends = frame["end_date"] if "end_date" in frame else pd.Series("", index=frame.index)
    problems += _problems(path, ends[backwards], "end_date",
                          lambda v: f"ends ({v}) before it starts")
    if problems:
        return pd.DataFrame(), problems
    last = max(start.max(), end.max() if end.notna().any() else start.max())
    first_year, last_year = int(_year(pd.Series([start.min()])).iloc[0]), int(
        _year(pd.Series([last])).iloc[0])
    if not (last.month == 3 and last.day == 31):
        notes.append(f"{path.name}: {label(last_year)} is left out because the extract ends "
                     f"on {last:%d %B %Y}, before that year's end")
        last_year -= 1
    years = np.arange(first_year, last_year + 1)
    if not len(years):
        return pd.DataFrame(), [Problem(path, "no complete year (April to March) in the "
                                        "extract")]
    rows = pd.DataFrame({"child": frame["child_id"].str.strip().to_numpy(),
                         "lsoa_code": frame["lsoa_code"].to_numpy(),
                         "measure": frame["measure"].to_numpy(),
                         "year": _year(start).to_numpy(), "start": start.to_numpy()})
    rows = rows[rows["year"].isin(years)]
    # A child counts once a year per measure, in the LSOA of their latest episode.
    rows = rows.sort_values("start", kind="stable").drop_duplicates(
        ["child", "measure", "year"], keep="last")
    counts = rows.groupby(["lsoa_code", "measure", "year"]).size().rename("count").reset_index()
    counts["period"] = counts["year"].map(label)
    return counts.drop(columns="year"), []


def _count_aggregates(path: Path, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    text = frame["count"].str.strip()
    values = pd.to_numeric(text, errors="coerce")
    problems = _problems(path, text[values.isna()], "count",
                         lambda v: f"'{v}' is not a number")
    problems += _problems(path, text[values < 0], "count",
                          lambda v: f"a count cannot be negative ({v})")
    problems += _problems(path, text[values.notna() & (values % 1 != 0)], "count",
                          lambda v: f"a count must be a whole number ({v})")
    periods = frame["period"].str.strip()
    ok = periods.str.fullmatch(PERIOD.pattern)
    ok &= periods.str[:4].where(ok, "0").astype(int).add(1).mod(100).astype(str).str.zfill(2) \
        == periods.str[5:]
    problems += _problems(path, periods[~ok], "period", lambda v: f"'{v}' is not a year "
                          "like 2023-24")
    counts = pd.DataFrame({"lsoa_code": frame["lsoa_code"], "measure": frame["measure"],
                           "period": periods, "count": values})
    twice = counts.duplicated(["lsoa_code", "measure", "period"], keep="first")
    problems += _problems(path, counts["lsoa_code"][twice], "lsoa_code",
                          lambda v: f"a second count for LSOA {v}, this measure and year")
    return counts, problems


def read_extracts(paths: list[Path], lsoas: pd.DataFrame, england: set[str],
                  read: dict[Path, pd.DataFrame] | None = None) -> Extract:
    """Read every extract for one authority; raise ``ETLError`` listing every problem.
    A path in ``read`` is that frame of text cells, as if read from the file."""
    problems, parts, excluded, notes, records = [], [], {}, [], 0
    for path in paths:
        try:
            frame = read[path].copy() if read and path in read else _read(path)
            frame, layout, ignored = _columns(path, frame)
        except ETLError as err:
            problems.extend(err.problems)
            continue
        if ignored:
            notes.append(f"{path.name}: column(s) {', '.join(ignored)} not used")
        records += len(frame)
        found = _measures(path, frame)
        frame, more = _lsoas(path, frame, lsoas, england, excluded)
        found += more
        if found:
            problems.extend(found)
            continue
        counts, found = (_count_records(path, frame, notes) if layout == "records"
                         else _count_aggregates(path, frame))
        problems.extend(found)
        parts.append(counts)
    if problems:
        raise ETLError(problems)
    counts = pd.concat(parts, ignore_index=True)
    twice = counts.duplicated(["lsoa_code", "measure", "period"])
    if twice.any():
        first = counts[twice].iloc[0]
        raise ETLError([Problem(paths[0].parent, f"{first['measure']} for {first['period']} "
                                "is in more than one extract file")])
    counts["measure"] = counts["measure"].map(MEASURES)
    counts["count"] = counts["count"].astype(int)
    return Extract(counts, records, [p.name for p in paths], excluded, notes)
