"""The local authorities that small-area maps can be drawn for: ``data/raw/authorities.csv``.

One row per authority: its ONS code, its name and the lower-tier districts it
is made of (a metropolitan borough or unitary authority is its own single
district; a county council lists its districts). Adding an authority is a row
here plus its boundary files: no code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from etl.errors import ETLError, Problem
from etl.io.strict_csv import read_table

FILE = "authorities.csv"
CODE = re.compile(r"^[EW]\d{8}$")


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    districts: tuple[str, ...]


def load_authorities(raw: Path) -> dict[str, Authority]:
    """Every configured authority by code; an absent file means none."""
    path = raw / FILE
    if not path.is_file():
        return {}
    table = read_table(path, ("authority_code", "authority_name", "districts"))
    problems, out = [], {}
    for row, cells in table.rows:
        code = cells["authority_code"].upper()
        districts = tuple(d.upper() for d in cells["districts"].replace(";", " ").split())
        if not CODE.match(code):
            problems.append(Problem(path, f"'{cells['authority_code']}' is not an ONS area "
                                    "code such as E08000027", row, "authority_code"))
        if code in out:
            problems.append(Problem(path, f"authority '{code}' is listed twice", row,
                                    "authority_code"))
        if not cells["authority_name"]:
            problems.append(Problem(path, "authority_name is blank", row, "authority_name"))
        bad = [d for d in districts if not CODE.match(d)]
        if not districts or bad:
            problems.append(Problem(path, "districts must list the ONS codes of the "
                                    "authority's districts, separated by spaces"
                                    + (f" ('{bad[0]}' is not one)" if bad else ""),
                                    row, "districts"))
        out[code] = Authority(code, cells["authority_name"], districts)
    if problems:
        raise ETLError(problems)
    return out
