"""Reading one EES file: its text, its cells, its numbers, years and places.

Every cell is read as text and parsed here, so that a bad cell becomes a ``Problem``
naming the file, its line and its column (at most ``MAX_PROBLEMS_PER_COLUMN`` a column)
rather than a silent NaN. ``read_release`` gives a ``Read``: the parsed columns a
release's items need, with each row's year and place.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import ETLError, Problem
from etl.io.strict_csv import _decode, _first_row
from etl.official.definitions import (
    EES_PLACES,
    EES_REQUIRED,
    ENGLAND_CODE,
    ENGLAND_NAME,
    LEVELS,
    MAX_PROBLEMS_PER_COLUMN,
    SYMBOLS,
    Release,
)


def read_text(path: Path) -> str:
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise ETLError([Problem(path, "the file is empty; it needs a header row and data rows",
                                1)])
    return text


def canonical_names(header: list[str], renamed: dict | None = None) -> list[str]:
    """The header with any older spelling of a column (``renamed``, by default the
    releases file's) given today's name, unless the file has both."""
    if renamed is None:
        from etl.official import catalogue
        renamed = catalogue.RENAMED
    present = set(header)
    older = {old: new for new, olds in renamed.items() if new not in present for old in olds}
    return [older.get(h, h) for h in header]


def read_header(text: str, renamed: dict | None = None) -> list[str]:
    return canonical_names([h.strip() for h in _first_row(text)], renamed)


def read_frame(path: Path, text: str, renamed: dict | None = None) -> pd.DataFrame:
    """Every cell as text, with ``_row``: the file's line number (the header is row 1)."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False,
                            skip_blank_lines=False)
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+)", str(err))
        raise ETLError([Problem(path, f"the rows do not line up with the header ({err})",
                                int(found.group(1)) if found else None)]) from None
    frame.columns = canonical_names([str(c).strip() for c in frame.columns], renamed)
    # A file with no cell that starts or ends with a space (most of them) is not stripped
    # cell by cell: ``strip_cells`` hands its columns over as they are.
    frame.attrs["clean"] = not _padded(text)
    frame["_row"] = np.arange(2, len(frame) + 2)
    cells = frame.drop(columns="_row")
    frame = frame[(cells != "").any(axis=1)]
    if frame.empty:
        raise ETLError([Problem(path, "the file has a header but no data rows", 2)])
    return frame.reset_index(drop=True)


def parse_numbers(frame: pd.DataFrame, column: str, path: Path, problems: list[Problem],
             *, maximum: float | None = None, minimum: float | None = 0.0
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(values, status, blank)`` for one column; bad cells become problems."""
    cells = strip_cells(frame[column])
    lower = np.array([c.lower() for c in cells], dtype=object)
    symbol = np.isin(lower, SYMBOLS)
    blank = cells == ""
    plain = np.where(symbol | blank, "", np.array([c.replace(",", "") for c in cells],
                                                   dtype=object))
    numbers = pd.to_numeric(pd.Series(plain, dtype=object).replace("", np.nan),
                            errors="coerce").to_numpy(dtype="float64")
    bad = ~symbol & ~blank & ~np.isfinite(numbers)
    with np.errstate(invalid="ignore"):
        negative = ~bad & (numbers < minimum) if minimum is not None else \
            np.zeros_like(bad)
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


def parse_years(frame: pd.DataFrame, path: Path, problems: list[Problem],
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


_QUOTED = re.compile(r'"[^"]*"')


def _padded(text: str) -> bool:
    """Whether any cell may start or end with a space or tab (a quick, cautious test)."""
    if '" ' in text or ' "' in text or "\t" in text or text.startswith(" ") \
            or text.endswith(" "):
        return True
    if "\n " in text or " \n" in text or " \r" in text:
        return True
    if ", " in text or " ," in text:  # perhaps only inside quoted cells
        bare = _QUOTED.sub('""', text) if '"' in text else text
        return ", " in bare or " ," in bare
    return False


def strip_cells(values) -> np.ndarray:
    """Cells as text with no surrounding spaces (as they are, from a clean file)."""
    if getattr(values, "attrs", {}).get("clean"):
        return values.to_numpy(dtype=object)
    return np.array([str(v).strip() for v in values], dtype=object)


def parse_places(frame: pd.DataFrame, path: Path, problems: list[Problem]
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
    region_code, region_name = strip_cells(frame["region_code"]), strip_cells(frame["region_name"])
    la_code, la_name, old = (strip_cells(frame["new_la_code"]), strip_cells(frame["la_name"]),
                             strip_cells(frame["old_la_code"]))
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


@dataclass
class Read:
    """One recognised EES file, its cells parsed."""

    release: Release
    path: Path
    frame: pd.DataFrame
    places: dict[str, np.ndarray]
    years: np.ndarray
    columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    skipped: dict[str, int]


def read_release(release: Release, path: Path, text: str, header: list[str],
                 problems: list[Problem], renamed: dict | None = None) -> Read | None:
    needed = [*EES_REQUIRED, *EES_PLACES]
    for item in release.items:
        needed += [c for c in item.needs() if c not in needed]
    missing = [c for c in needed if c not in header]
    if missing:
        for column in missing:
            why = ("every EES file needs time_period, time_identifier and geographic_level"
                   if column in EES_REQUIRED else f"the {release.title} release needs it")
            also = "".join(f" or '{old}'" for old in (renamed or {}).get(column, ()))
            problems.append(Problem(path, f"missing column '{column}'{also} ({why}); the "
                                    "header has "
                                    f"{', '.join(header)}", 1, column))
        return None
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        problems.append(Problem(path, f"column '{twice[0]}' appears more than once", 1,
                                twice[0]))
        return None
    count = len(problems)
    frame = read_frame(path, text, renamed)
    frame, places, skipped = parse_places(frame, path, problems)
    years = parse_years(frame, path, problems, release.mid_year)
    columns = {}
    for item in release.items:
        for column in [*item.columns, *item.denominator]:
            if column not in columns:
                columns[column] = parse_numbers(frame, column, path, problems)
        if item.published and item.published not in columns:
            maximum = 100.0 if item.kind == "percent" else None
            columns[item.published] = parse_numbers(frame, item.published, path, problems,
                                               maximum=maximum)
    if len(problems) > count:
        return None
    return Read(release, path, frame, places, years, columns, skipped)
