"""The hand-kept registries: measures, areas, sources and the table manifests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from etl.errors import ETLError, Problem
from etl.io.strict_csv import read_table
from etl.reports.periods import PERIOD_TYPES
from etl.reports.units import UNITS

POLARITIES = {
    "up_good": "a rise is good",
    "down_good": "a fall is good",
    "neutral": "neither a rise nor a fall is good in itself",
}
_ID = re.compile(r"[a-z][a-z0-9_]*")
MAX_DECIMALS = 6


@dataclass(frozen=True)
class Measure:
    measure: str
    label: str
    description: str
    unit: str
    polarity: str
    theme: str
    decimals: int  # places every output rounds its figures to (measures.csv, or the unit's)


@dataclass(frozen=True)
class Area:
    area_code: str
    area_name: str
    geographic_level: str


@dataclass(frozen=True)
class Source:
    source_id: str
    title: str
    publisher: str
    published: str
    area: str = ""  # the authority whose report it is (its ONS code)


@dataclass(frozen=True)
class TableSpec:
    """One manifest row: a table file and what it holds."""

    path: Path
    manifest: Path
    row: int
    source_id: str
    dataset: str
    source_table: str
    unit: str
    period_type: str
    area: str
    notes: str


@dataclass(frozen=True)
class Registry:
    measures: dict[str, Measure]
    areas: dict[str, Area]
    sources: dict[str, Source]


def _need(problems, path, row, column, value, allowed, what):
    if value not in allowed:
        problems.append(Problem(path, f"unknown {what} '{value}'; use one of "
                                f"{', '.join(sorted(allowed))}", row, column))
        return False
    return True


def load_measures(path: Path) -> dict[str, Measure]:
    table = read_table(path, ("measure", "label", "description", "unit", "polarity", "theme"))
    problems: list[Problem] = []
    measures: dict[str, Measure] = {}
    for row, cells in table.rows:
        mid = cells["measure"]
        if not _ID.fullmatch(mid):
            problems.append(Problem(path, f"measure id '{mid}' must be snake_case", row, "measure"))
        elif mid in measures:
            problems.append(Problem(path, f"measure '{mid}' is listed twice", row, "measure"))
        for column in ("label", "theme"):
            if not cells[column]:
                problems.append(Problem(path, f"{column} is blank", row, column))
        known = _need(problems, path, row, "unit", cells["unit"], UNITS, "unit")
        _need(problems, path, row, "polarity", cells["polarity"], POLARITIES, "polarity")
        places = _decimals(problems, path, row, cells.get("decimals", ""),
                           UNITS[cells["unit"]].decimals if known else 0)
        measures[mid] = Measure(**{k: cells[k] for k in Measure.__dataclass_fields__
                                   if k != "decimals"}, decimals=places)
    if problems:
        raise ETLError(problems)
    return measures


def _decimals(problems, path, row, text: str, default: int) -> int:
    """A measure's declared decimal places: the ``decimals`` cell, or its unit's default."""
    if not text:
        return default
    if not text.isdigit() or int(text) > MAX_DECIMALS:
        problems.append(Problem(path, f"decimals '{text}' must be a whole number from 0 to "
                                f"{MAX_DECIMALS}, or blank for the unit's default", row,
                                "decimals"))
        return default
    return int(text)


def load_areas(path: Path) -> dict[str, Area]:
    table = read_table(path, ("area_code", "area_name", "geographic_level"))
    areas: dict[str, Area] = {}
    problems: list[Problem] = []
    for row, cells in table.rows:
        code = cells["area_code"]
        if code in areas:
            problems.append(Problem(path, f"area '{code}' is listed twice", row, "area_code"))
        if not cells["area_name"]:
            problems.append(Problem(path, "area_name is blank", row, "area_name"))
        areas[code] = Area(code, cells["area_name"], cells["geographic_level"])
    if problems:
        raise ETLError(problems)
    return areas


def load_sources(path: Path) -> dict[str, Source]:
    table = read_table(path, ("source_id", "title", "publisher", "published"))
    sources: dict[str, Source] = {}
    for row, cells in table.rows:
        if cells["source_id"] in sources:
            raise ETLError([Problem(path, f"source '{cells['source_id']}' is listed twice",
                                    row, "source_id")])
        sources[cells["source_id"]] = Source(cells["source_id"], cells["title"],
                                             cells["publisher"], cells["published"],
                                             cells.get("area", "").strip().upper())
    return sources


def load_restricted(path: Path) -> dict[str, int]:
    """``restricted.csv`` (optional): datasets shown only to signed-in users, with the row
    that names each. No file means nothing is restricted."""
    if not path.exists():
        return {}
    table = read_table(path, ("dataset",))
    problems: list[Problem] = []
    names: dict[str, int] = {}
    for row, cells in table.rows:
        name = cells["dataset"]
        if not _ID.fullmatch(name):
            problems.append(Problem(path, f"dataset '{name}' must be snake_case", row,
                                    "dataset"))
        elif name in names:
            problems.append(Problem(path, f"dataset '{name}' is listed twice", row, "dataset"))
        names[name] = row
    if problems:
        raise ETLError(problems)
    return names


def load_registry(raw: Path) -> Registry:
    problems: list[Problem] = []
    loaded = {}
    for name, loader in (("measures", load_measures), ("areas", load_areas),
                         ("sources", load_sources)):
        try:
            loaded[name] = loader(raw / f"{name}.csv")
        except ETLError as err:
            problems.extend(err.problems)
    if problems:
        raise ETLError(problems)
    return Registry(**loaded)


MANIFEST_COLUMNS = ("file", "dataset", "source_table", "unit", "period_type", "area", "notes")


def load_manifests(raw: Path, registry: Registry) -> list[TableSpec]:
    """Every table named by ``reports/<source_id>/manifest.csv``, in a stable order."""
    specs: list[TableSpec] = []
    problems: list[Problem] = []
    folder = raw / "reports"
    manifests = sorted(folder.glob("*/manifest.csv"))
    if not manifests:
        raise ETLError([Problem(folder, "no reports/<source>/manifest.csv found")])
    for manifest in manifests:
        source_id = manifest.parent.name
        try:
            table = read_table(manifest, MANIFEST_COLUMNS)
        except ETLError as err:
            problems.extend(err.problems)
            continue
        if source_id not in registry.sources:
            problems.append(Problem(manifest, f"folder '{source_id}' is not in sources.csv"))
        seen: set[str] = set()
        for row, cells in table.rows:
            ok = True
            path = manifest.parent / cells["file"]
            if Path(cells["file"]).name != cells["file"]:
                problems.append(Problem(manifest, f"'{cells['file']}' must be a file name in "
                                        f"{manifest.parent}, not a path", row, "file"))
                ok = False
            elif not cells["file"] or not path.is_file():
                problems.append(Problem(manifest, f"table file '{cells['file']}' not found in "
                                        f"{manifest.parent}", row, "file"))
                ok = False
            elif cells["file"] in seen:
                problems.append(Problem(manifest, f"'{cells['file']}' is listed twice", row,
                                        "file"))
                ok = False
            seen.add(cells["file"])
            if not _ID.fullmatch(cells["dataset"]):
                problems.append(Problem(manifest, f"dataset '{cells['dataset']}' must be "
                                        "snake_case", row, "dataset"))
                ok = False
            if cells["unit"]:
                ok &= _need(problems, manifest, row, "unit", cells["unit"], UNITS, "unit")
            ok &= _need(problems, manifest, row, "period_type", cells["period_type"],
                        PERIOD_TYPES, "period type")
            ok &= _need(problems, manifest, row, "area", cells["area"], registry.areas,
                        "area (add it to areas.csv)")
            if ok:
                specs.append(TableSpec(path, manifest, row, source_id, cells["dataset"],
                                       cells["source_table"], cells["unit"],
                                       cells["period_type"], cells["area"], cells["notes"]))
    if problems:
        raise ETLError(problems)
    return specs
