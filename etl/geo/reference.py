"""Reference data for Lower Super Output Areas (LSOAs), from ``$SAFEGUARDING_EXTERNAL_DIR/imd/``.

- the Indices of Deprivation (IMD and IDACI ranks and deciles) by LSOA;
- the IoD population denominators (children aged 0–15) by LSOA;
- the ONS best-fit lookup of LSOAs to wards (a ward is the LSOAs whose
  population-weighted centre lies in it: no spatial join, so every LSOA is in
  exactly one ward and ward figures add up to the authority's).

Columns are found by their header words, not their position, so a later
release (say IoD 2025 on 2021 LSOAs) reads the same way. Each table records the
LSOA vintage (2011 or 2021) from its headers, and mixing vintages is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.errors import ETLError, Problem

FOLDER = "imd"


@dataclass(frozen=True)
class Reference:
    """Everything known about each LSOA in England, one row per LSOA code."""

    lsoas: pd.DataFrame  # lsoa_code, lsoa_name, district_code, district_name, deprivation
    population: pd.DataFrame  # lsoa_code, children
    wards: pd.DataFrame  # lsoa_code, ward_code, ward_name
    vintage: str  # "2011" or "2021"
    files: dict[str, str]  # role → file name


def _find(folder: Path, pattern: str, what: str) -> Path:
    found = sorted(p for p in folder.glob("*.csv") if re.search(pattern, p.name, re.I))
    if not found:
        raise ETLError([Problem(folder, f"no {what} file (a CSV whose name matches "
                                f"'{pattern}'); download it and put it here")])
    return found[-1]


def _column(path: Path, header: list[str], pattern: str) -> str:
    for name in header:
        if re.search(pattern, name, re.I):
            return name
    raise ETLError([Problem(path, f"no column matching '{pattern}'; the header has "
                            f"{', '.join(header)}", 1)])


def _vintage(path: Path, column: str) -> str:
    match = re.search(r"(20[12]1)|LSOA(11|21)", column, re.I)
    if not match:
        raise ETLError([Problem(path, f"cannot tell the LSOA vintage (2011 or 2021) from "
                                f"column '{column}'", 1, column)])
    return match.group(1) or f"20{match.group(2)}"


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ETLError([Problem(path, f"cannot be read as a UTF-8 CSV file ({err})")]) from None


def _numbers(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & (frame[column].str.strip() != "")
    if bad.any():
        row = int(bad.idxmax()) + 2
        raise ETLError([Problem(path, f"'{frame.at[bad.idxmax(), column]}' is not a number",
                                row, column)])
    return values


def read_reference(external: Path) -> Reference:
    """Read the three IoD/ONS files; raise ``ETLError`` naming the file and column."""
    folder = external / FOLDER
    if not folder.is_dir():
        raise ETLError([Problem(folder, "folder not found: it should hold the Indices of "
                                "Deprivation and the LSOA to ward lookup")])
    dep_path = _find(folder, r"idaci|file3|deprivation", "Indices of Deprivation")
    pop_path = _find(folder, r"denominator|population", "population denominators")
    ward_path = _find(folder, r"lsoa\d*_?to_?ward", "LSOA to ward lookup")

    dep = _read(dep_path)
    code = _column(dep_path, list(dep.columns), r"^LSOA code")
    vintage = _vintage(dep_path, code)
    lsoas = pd.DataFrame({
        "lsoa_code": dep[code].str.strip(),
        "lsoa_name": dep[_column(dep_path, list(dep.columns), r"^LSOA name")].str.strip(),
        "district_code": dep[_column(dep_path, list(dep.columns),
                                     r"^Local Authority District code")].str.strip(),
        "district_name": dep[_column(dep_path, list(dep.columns),
                                     r"^Local Authority District name")].str.strip(),
    })
    for name, pattern in [("imd_rank", r"\(IMD\) Rank"), ("imd_decile", r"\(IMD\) Decile"),
                          ("idaci_rank", r"\(IDACI\) Rank"),
                          ("idaci_decile", r"\(IDACI\) Decile")]:
        column = _column(dep_path, list(dep.columns), pattern)
        lsoas[name] = _numbers(dep_path, dep, column).astype("Int64")

    pop = _read(pop_path)
    pcode = _column(pop_path, list(pop.columns), r"^LSOA code")
    if _vintage(pop_path, pcode) != vintage:
        raise ETLError([Problem(pop_path, f"uses {_vintage(pop_path, pcode)} LSOAs but "
                                f"{dep_path.name} uses {vintage} LSOAs", 1, pcode)])
    children = _column(pop_path, list(pop.columns), r"Children aged 0.?15")
    population = pd.DataFrame({"lsoa_code": pop[pcode].str.strip(),
                               "children": _numbers(pop_path, pop, children)})

    look = _read(ward_path)
    lcode = _column(ward_path, list(look.columns), r"^LSOA\d\dCD$")
    if _vintage(ward_path, lcode) != vintage:
        raise ETLError([Problem(ward_path, f"uses {_vintage(ward_path, lcode)} LSOAs but "
                                f"{dep_path.name} uses {vintage} LSOAs", 1, lcode)])
    wards = pd.DataFrame({
        "lsoa_code": look[lcode].str.strip(),
        "ward_code": look[_column(ward_path, list(look.columns), r"^WD\d\dCD$")].str.strip(),
        "ward_name": look[_column(ward_path, list(look.columns), r"^WD\d\dNM$")].str.strip(),
    }).drop_duplicates("lsoa_code")
    files = {"deprivation": dep_path.name, "population": pop_path.name, "wards": ward_path.name}
    return Reference(lsoas, population, wards, vintage, files)


def for_authority(ref: Reference, districts: tuple[str, ...]) -> pd.DataFrame:
    """The authority's LSOAs with ward, deprivation and children aged 0–15."""
    out = ref.lsoas[ref.lsoas["district_code"].isin(districts)]
    out = out.merge(ref.wards, on="lsoa_code", how="left").merge(ref.population,
                                                                 on="lsoa_code", how="left")
    out["soa_number"] = out["lsoa_code"].str[-3:]
    return out.sort_values("lsoa_code").reset_index(drop=True)
