"""The partnership profile: everything the dashboard says about its authority, from its code.

The ETL writes one row per children's services authority to ``authorities.parquet``
(``etl.geo.authorities.lookup``; columns ``etl.schema.AUTHORITY_COLUMNS``): its name,
DfE's three-digit LA number, region, districts, statistical neighbours, former ONS codes
and the annual reports that belong to it. ``resolve`` turns the configured code into a
frozen ``Profile``; an unknown code raises ``UnknownAuthority`` with a message saying how
to find the right one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import pandas as pd

ENGLAND_CODE, ENGLAND_NAME = "E92000001", "England"
NEIGHBOURS_CODE, NEIGHBOURS_NAME = "NEIGHBOURS", "Statistical neighbours"
CODE = re.compile(r"^[EW]\d{8}$")
ROLES = ("authority", "neighbours", "region", "england")
HOW_TO_FIND = (
    "Use the ONS code of a children's services authority (a county council, metropolitan "
    "borough, London borough or unitary authority): E06…, E08…, E09… or E10…. "
    "`safeguarding authorities` lists every code the data knows, and "
    "`safeguarding authorities --search NAME` finds one by name; the ONS Open Geography "
    "Portal (geoportal.statistics.gov.uk, 'Upper Tier Local Authorities') lists them all.")


class UnknownAuthority(ValueError):
    """The configured code is not an authority the data knows."""


@dataclass(frozen=True)
class Area:
    code: str
    name: str


ENGLAND = Area(ENGLAND_CODE, ENGLAND_NAME)


@dataclass(frozen=True)
class Profile:
    """One authority and its partnership, as every page, chart, export and pack sees it."""

    code: str
    name: str
    la_number: str | None = None
    region: Area | None = None
    districts: tuple[str, ...] = ()
    neighbours: tuple[Area, ...] = ()
    partnership: str = ""
    sources: tuple[str, ...] = ()  # the annual reports' source ids that belong to it
    former_codes: tuple[str, ...] = ()  # codes the same authority had before (by LA number)
    england: Area = field(default=ENGLAND)

    @property
    def area(self) -> Area:
        return Area(self.code, self.name)

    @property
    def codes(self) -> tuple[str, ...]:
        """Its code now and any it had before, for series that run across a change."""
        return (self.code, *self.former_codes)

    @property
    def title(self) -> str:
        """The site's title: ``Safeguarding children in Worcestershire``."""
        return f"Safeguarding children in {self.name}"

    def role(self, area_code: str) -> str | None:
        """``authority``, ``neighbours``, ``region`` or ``england`` for a compared area."""
        if area_code in self.codes:
            return "authority"
        if area_code == NEIGHBOURS_CODE:
            return "neighbours"
        if self.region is not None and area_code == self.region.code:
            return "region"
        if area_code == self.england.code:
            return "england"
        return None

    def compared(self) -> list[Area]:
        """The authority, its region (when known) and England, in that order."""
        return [self.area, *([self.region] if self.region else []), self.england]


def default_partnership(name: str) -> str:
    return f"{name} Safeguarding Children Partnership"


def _tuple(value) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    return tuple(str(v) for v in value)


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or str(value) == "" else str(value)


def from_row(row: pd.Series) -> Profile:
    name = str(row["authority_name"])
    region = None
    if _text(row.get("region_code")):
        region = Area(str(row["region_code"]), _text(row.get("region_name")) or
                      str(row["region_code"]))
    neighbours = tuple(Area(c, n) for c, n in zip(_tuple(row.get("neighbour_codes")),
                                                   _tuple(row.get("neighbour_names")),
                                                   strict=True))
    return Profile(code=str(row["authority_code"]), name=name,
                   la_number=_text(row.get("la_number")), region=region,
                   districts=_tuple(row.get("districts")), neighbours=neighbours,
                   partnership=_text(row.get("partnership_name")) or default_partnership(name),
                   sources=_tuple(row.get("sources")),
                   former_codes=_tuple(row.get("former_codes")))


def _suggest(code: str, table: pd.DataFrame) -> str:
    """A hint for a code that is close to, or part of, a known authority."""
    for _, row in table.iterrows():
        if code in _tuple(row.get("former_codes")):
            return (f" {code} was {row['authority_name']}'s code before it changed: use "
                    f"{row['authority_code']}.")
        districts = _tuple(row.get("districts"))
        if code in districts and code != row["authority_code"]:
            return (f" {code} is a district of {row['authority_name']}, whose county "
                    f"council runs children's services: use {row['authority_code']}.")
    close = difflib.get_close_matches(code, list(table["authority_code"]), n=3, cutoff=0.8)
    if close:
        names = dict(zip(table["authority_code"], table["authority_name"], strict=True))
        return " Did you mean " + " or ".join(f"{c} ({names[c]})" for c in close) + "?"
    return ""


def resolve(code: str, table: pd.DataFrame) -> Profile:
    """The profile of ``code`` from the authorities lookup; ``UnknownAuthority`` if none."""
    wanted = (code or "").strip().upper()
    if not CODE.match(wanted):
        raise UnknownAuthority(f"'{code}' is not an ONS area code (a letter and eight "
                               f"digits). {HOW_TO_FIND}")
    rows = table[table["authority_code"] == wanted]
    if rows.empty:
        known = f" The data knows {len(table)} authorities." if len(table) else (
            " No authorities are known yet: run the ETL with the official releases in the "
            "external folder (see the README), or add the authority to "
            "data/raw/authorities.csv.")
        raise UnknownAuthority(f"{wanted} is not an authority the data knows."
                               f"{_suggest(wanted, table)}{known} {HOW_TO_FIND}")
    return from_row(rows.iloc[0])


def search(table: pd.DataFrame, text: str | None = None) -> pd.DataFrame:
    """Authorities whose name or code contains ``text`` (all of them without), by name."""
    rows = table
    if text:
        needle = text.strip().lower()
        rows = table[table["authority_name"].str.lower().str.contains(needle, regex=False)
                     | table["authority_code"].str.lower().str.contains(needle, regex=False)]
    return rows.sort_values("authority_name").reset_index(drop=True)
