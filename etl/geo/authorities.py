"""The authorities: ``data/raw/authorities.csv`` and the lookup of every authority.

``authorities.csv`` has one row per authority that needs more than the official
releases give: its ONS code, its name, the lower-tier districts it is made of (a
metropolitan borough or unitary authority is its own single district; a county council
lists its districts) and, optionally, the partnership's own name. Small-area maps are
drawn for the authorities listed here whose boundary files are present.

``lookup`` combines it with the releases into one row per children's services authority
in England, which ``etl.profile`` turns into the dashboard's partnership profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.errors import ETLError, Problem
from etl.io.strict_csv import read_table
from etl.io.versions import current
from etl.schema import AUTHORITY_COLUMNS

FILE = "authorities.csv"
CODE = re.compile(r"^[EW]\d{8}$")


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    districts: tuple[str, ...]
    partnership: str = ""  # the partnership's own name, where it is not the usual one


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
                                    "code (a letter and eight digits, such as E06… or E10…)",
                                    row, "authority_code"))
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
        out[code] = Authority(code, cells["authority_name"], districts,
                              cells.get("partnership_name", ""))
    if problems:
        raise ETLError(problems)
    return out


def _latest_places(datasets: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Each local authority's latest name, LA number and region in the releases, whether
    it is in their latest year, and every region's name."""
    parts, regions = [], {}
    for frame in datasets.values():
        if "old_la_code" not in frame.columns:
            continue
        # "z" (not applicable): a row for an authority that no longer exists that year
        places = frame.loc[frame["status"].ne("z").fillna(True),
                           ["area_code", "area_name", "geographic_level", "old_la_code",
                            "region_code", "period_end"]].drop_duplicates(
                                ["area_code", "period_end"])
        # one authority a row: not the rows some releases give two authorities that share
        # their children's services ("E06000061 / E06000062", the workforce's)
        parts.append(places[(places["geographic_level"] == "local_authority")
                            & places["area_code"].str.fullmatch(r"[EWSN]\d{8}").fillna(False)])
        region = places[places["geographic_level"] == "regional"]
        regions.update(zip(region["area_code"], region["area_name"], strict=True))
    if not parts:
        return pd.DataFrame(columns=["area_code", "area_name", "old_la_code", "region_code",
                                     "current"]), regions
    las = pd.concat(parts, ignore_index=True)
    las["period_end"] = pd.to_datetime(las["period_end"])
    las = las.sort_values("period_end", kind="stable")
    latest = las.drop_duplicates("area_code", keep="last").copy()
    # in the releases' latest year: a release whose year ends later than 31 March (the
    # workforce's, on 30 September) does not make the others' latest year an old one
    latest["current"] = latest["period_end"] > las["period_end"].max() - pd.DateOffset(years=1)
    return latest.reset_index(drop=True), regions


def lookup(datasets: dict[str, pd.DataFrame], lookups: dict[str, pd.DataFrame],
           configured: dict[str, Authority], sources: dict) -> pd.DataFrame:
    """One row per children's services authority: ``etl.schema.AUTHORITY_COLUMNS``.

    From the official releases: every authority in their latest year, with its latest
    name, DfE's LA number, region, its districts (``dfe_ltla_utla``; a unitary authority
    is its own district), its statistical neighbours (``dfe_neighbours``) and the codes
    it had before (other codes with the same LA number). ``configured`` (authorities.csv)
    adds authorities and gives a partnership's own name and districts; ``sources`` (the
    report registry) says which annual reports belong to each."""
    latest, regions = _latest_places(datasets)
    current = latest[latest["current"]]
    ltla = lookups.get("dfe_ltla_utla")
    found: dict[str, set[str]] = {}
    if ltla is not None and len(ltla):
        ltla = ltla.dropna(subset=["utla_code"])
        for utla, district in zip(ltla["utla_code"].astype(str), ltla["ltla_code"].astype(str),
                                  strict=True):
            found.setdefault(utla, set()).add(district)
    districts = {utla: sorted(codes) for utla, codes in found.items()}
    nb = lookups.get("dfe_neighbours")
    neighbours: dict[str, tuple[list[str], list[str]]] = {}
    if nb is not None and len(nb):
        nb = nb.dropna(subset=["authority_code", "neighbour_code"]).sort_values(
            "neighbour_rank", kind="stable")
        for code, neighbour, name in zip(nb["authority_code"].astype(str),
                                         nb["neighbour_code"].astype(str),
                                         nb["neighbour_name"].astype(str), strict=True):
            codes, names = neighbours.setdefault(code, ([], []))
            codes.append(neighbour)
            names.append(name)
    sharing: dict[str, set[str]] = {}  # the codes each LA number has had
    for area, number in zip(latest["area_code"], latest["old_la_code"], strict=True):
        if isinstance(number, str):
            sharing.setdefault(number, set()).add(area)
    reports: dict[str, list[str]] = {}
    for source in sources.values():
        if getattr(source, "area", ""):
            reports.setdefault(source.area, []).append(source.source_id)
    rows = {}
    for place in current.itertuples(index=False):
        number = place.old_la_code if isinstance(place.old_la_code, str) else None
        former = sorted(sharing.get(number, set()) - {place.area_code}) if number else []
        region = place.region_code if isinstance(place.region_code, str) else None
        codes, names = neighbours.get(place.area_code, ([], []))
        rows[place.area_code] = {
            "authority_code": place.area_code, "authority_name": place.area_name,
            "la_number": number, "region_code": region,
            "region_name": regions.get(region) if region else None,
            "districts": districts.get(place.area_code, [place.area_code]),
            "former_codes": former, "neighbour_codes": codes, "neighbour_names": names,
            "partnership_name": None}
    for code, authority in configured.items():
        row = rows.setdefault(code, {
            "authority_code": code, "authority_name": authority.name, "la_number": None,
            "region_code": None, "region_name": None, "former_codes": [],
            "neighbour_codes": [], "neighbour_names": []})
        row["districts"] = list(authority.districts)
        row["partnership_name"] = authority.partnership or None
    for code, row in rows.items():
        row["sources"] = sorted(reports.get(code, []))
    frame = pd.DataFrame(list(rows.values()), columns=AUTHORITY_COLUMNS)
    return frame.sort_values("authority_name").reset_index(drop=True)


def from_lookup(code: str, table: pd.DataFrame) -> Authority | None:
    """An authority of the lookup (``lookup``) as an ``Authority``: its name and districts."""
    rows = table[table["authority_code"] == code]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return Authority(code, str(row["authority_name"]), tuple(str(d) for d in row["districts"]))


def find(code: str, raw: Path, processed: Path) -> Authority:
    """The authority ``code`` with its districts: from authorities.csv, or else from the
    lookup of every authority that the last ETL run wrote (``authorities.parquet``)."""
    code = code.strip().upper()
    listed = load_authorities(raw)
    if code in listed:
        return listed[code]
    path = current(processed) / "authorities.parquet"
    found = from_lookup(code, pd.read_parquet(path)) if path.is_file() else None
    if found is None:
        raise ETLError([Problem(raw / FILE, f"{code} is neither in {FILE} nor in the "
                                f"authorities the last ETL run found ({path}): run the ETL "
                                "with the official releases, or add a row for it",
                                None, "authority_code")])
    return found
