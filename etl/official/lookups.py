"""The lookups that come with the releases, and LAIT's polarities.

- DfE's statistical neighbours: every authority's ten nearest, by DfE LA number;
- ONS's lower- to upper-tier local authority lookup (any year's column names);
- LAIT's data dictionary, whose polarity for an indicator measures.csv should agree with.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import Problem
from etl.io.strict_csv import _records
from etl.official.definitions import Release
from etl.official.reading import Read
from etl.reports.registry import Registry
from etl.schema import LTLA_UTLA_COLUMNS, NEIGHBOUR_COLUMNS

_LAIT_POLARITY = {"high": "up_good", "low": "down_good", "-": "neutral"}
NO_ROWS = "the file has a header but no data rows"
_LOOKUP = {k: re.compile(rf"{p}\d\d(CD|NM)") for k, p in (("ltla", "LTLA"), ("utla", "UTLA"))}


def is_neighbours(header: set[str]) -> bool:
    return {"SN1", "SN10", "SNP"} <= header and bool(header & {"LA num", "LA number"})


def is_lookup(header: set[str]) -> bool:
    return all(sum(bool(rx.fullmatch(h)) for h in header) >= 2 for rx in _LOOKUP.values())


def latest_la_names(reads: Iterable[Read]) -> dict[str, tuple[str, str]]:
    """Each DfE LA number's latest ONS code and name in the releases."""
    la_rows = [pd.DataFrame({"_year": r.years, **{k: pd.Series(r.places[k], dtype=object)
                                                   for k in ("old_la_code", "area_code",
                                                             "area_name")}})
               [r.places["geographic_level"] == "local_authority"] for r in reads]
    if not la_rows:
        return {}
    las = pd.concat(la_rows).sort_values("_year", kind="stable")
    # one authority a row (not "E06000061 / E06000062", two sharing their services)
    las = las[las["area_code"].astype(str).str.fullmatch(r"[EWSN]\d{8}")]
    latest = las.drop_duplicates("old_la_code", keep="last")
    return {o: (c, n) for o, c, n in latest[["old_la_code", "area_code",
                                             "area_name"]].itertuples(index=False)}


def _rows(path: Path, text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    records = _records(path, text)
    header = [h.strip() for h in next(records)[1]]
    return header, [(start, [f.strip() for f in fields]) for start, fields in records]


def read_neighbours(path: Path, text: str, la_names: dict[str, tuple[str, str]],
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
    if not any(any(cells) for _, cells in rows):
        problems.append(Problem(path, NO_ROWS, 2))
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


def read_ltla_utla(path: Path, text: str, problems: list[Problem]) -> pd.DataFrame:
    """Lower- to upper-tier lookup; the year in the column names (LTLA23CD) may change."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+)", str(err))
        problems.append(Problem(path, f"the rows do not line up with the header ({err})",
                                int(found.group(1)) if found else None))
        return pd.DataFrame(columns=LTLA_UTLA_COLUMNS)
    frame.columns = [c.strip() for c in frame.columns]
    pick = {}
    for key, rx in _LOOKUP.items():
        for column in frame.columns:
            m = rx.fullmatch(column)
            if m:
                pick.setdefault(f"{key}_{'code' if m.group(1) == 'CD' else 'name'}", column)
    missing = [k for k in LTLA_UTLA_COLUMNS if k not in pick]
    if missing:
        problems.append(Problem(path, "needs a code and a name column for each tier, such as "
                                f"LTLA23CD, LTLA23NM, UTLA23CD, UTLA23NM (missing: "
                                f"{', '.join(missing)})", 1))
        return pd.DataFrame(columns=LTLA_UTLA_COLUMNS)
    if frame.empty:
        problems.append(Problem(path, NO_ROWS, 2))
        return pd.DataFrame(columns=LTLA_UTLA_COLUMNS)
    out = pd.DataFrame({k: frame[pick[k]].str.strip() for k in LTLA_UTLA_COLUMNS})
    return out.astype("string")


def lait_flags(external: Path, registry: Registry, notes: list[str],
               releases: Iterable[Release]) -> list[dict]:
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
    for release in releases:
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
