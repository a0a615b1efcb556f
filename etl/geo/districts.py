"""Local authority district boundaries from ``$SAFEGUARDING_EXTERNAL_DIR/boundaries/``.

``lad_england.topojson`` (ONS generalised clipped boundaries, WGS84, no CRS
declared) is decoded here in plain Python: arcs quantized and delta-encoded
under the topology's ``transform``, rings made of arcs (a negative index ``~i``
means arc ``i`` reversed), ``Polygon`` and ``MultiPolygon`` geometries. Arcs are
simplified *before* rings are assembled, so the edge two districts share is
simplified once and stays shared (no slivers or overlaps between neighbours).

The output, ``geo_lad.parquet``, has one row per ring: ``lad_code``,
``lad_name``, ``part`` (the ring's number within its district), ``hole``,
``lon`` and ``lat`` (lists, 4 decimal places, about 10 m) and ``keep_m``
(each point's Douglas–Peucker importance in metres, so that ``at_tolerance``
can simplify further for a map of all England). Exterior rings run
anticlockwise and holes clockwise, so a filled path leaves the holes open.

The file's district codes are those of its year (``LAD13CD``: 2013). DfE
publishes figures under today's codes: ``match_districts`` finds the districts
to draw for each authority code (directly, through the lower- to upper-tier
lookup for counties, through ``SUCCESSORS`` for authorities created since, or
by name) and says which could not be matched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import ETLError, Problem
from etl.geo.simplify import importances
from etl.schema import GEO_COLUMNS

FILE = Path("boundaries") / "lad_england.topojson"
TOLERANCE_M = 80.0  # Douglas–Peucker tolerance on arcs, metres: below a pixel for a region
DECIMALS = 4
KEEP_ALWAYS = 1_000_000  # keep_m of a point no simplification drops (an arc's ends)
_CODE = re.compile(r"LAD\d\dCD")
_NAME = re.compile(r"LAD\d\dNM")

# Authorities created since 2013 from whole 2013 districts (ONS Code History
# Database; the structural-change orders of 2019, 2020, 2021 and 2023). Each new
# code is drawn as the union of the 2013 districts it replaced.
SUCCESSORS: dict[str, tuple[str, ...]] = {
    # 2019
    "E06000058": ("E06000028", "E06000029", "E07000048"),  # Bournemouth, Christchurch and Poole
    "E06000059": ("E07000049", "E07000050", "E07000051", "E07000052", "E07000053"),  # Dorset
    "E07000244": ("E07000205", "E07000206"),  # East Suffolk
    "E07000245": ("E07000201", "E07000204"),  # West Suffolk
    "E07000246": ("E07000190", "E07000191"),  # Somerset West and Taunton
    # 2020
    "E06000060": ("E07000004", "E07000005", "E07000006", "E07000007"),  # Buckinghamshire
    # 2021
    "E06000061": ("E07000150", "E07000152", "E07000153", "E07000156"),  # North Northants
    "E06000062": ("E07000151", "E07000154", "E07000155"),  # West Northamptonshire
    # 2023
    "E06000063": ("E07000026", "E07000028", "E07000029"),  # Cumberland
    "E06000064": ("E07000027", "E07000030", "E07000031"),  # Westmorland and Furness
    "E06000065": ("E07000163", "E07000164", "E07000165", "E07000166", "E07000167",
                  "E07000168", "E07000169"),  # North Yorkshire
    "E06000066": ("E07000187", "E07000188", "E07000189", "E07000190", "E07000191"),  # Somerset
    # 2013: boundary changes that gave new codes to the same authorities
    "E06000057": ("E06000048",),  # Northumberland
    "E08000037": ("E08000020",),  # Gateshead
}


@dataclass
class Boundaries:
    """What the boundary file adds to a build."""

    lookups: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


# ---------------------------------------------------------------- decoding


def _fail(path: Path, message: str) -> ETLError:
    return ETLError([Problem(path, f"not a usable TopoJSON boundary file: {message}")])


def _arcs(topology: dict, path: Path) -> list[np.ndarray]:
    """Every arc as an (n, 2) array of longitude and latitude."""
    raw = topology.get("arcs")
    if not isinstance(raw, list):
        raise _fail(path, "it has no 'arcs' list")
    transform = topology.get("transform")
    scale = translate = None
    if transform is not None:
        try:
            scale = np.asarray(transform["scale"], dtype="float64")[:2]
            translate = np.asarray(transform["translate"], dtype="float64")[:2]
        except (KeyError, IndexError, TypeError, ValueError):
            raise _fail(path, "its 'transform' needs 'scale' and 'translate' pairs") from None
        if scale.shape != (2,) or translate.shape != (2,):
            raise _fail(path, "its 'transform' needs 'scale' and 'translate' pairs")
    out = []
    for i, arc in enumerate(raw):
        try:
            points = np.asarray([p[:2] for p in arc], dtype="float64")
        except (TypeError, ValueError):
            raise _fail(path, f"arc {i} is not a list of [x, y] positions") from None
        if points.ndim != 2 or points.shape[1] != 2 or len(points) < 2:
            raise _fail(path, f"arc {i} needs at least two [x, y] positions")
        if scale is not None:
            points = np.cumsum(points, axis=0) * scale + translate  # delta-encoded
        out.append(points)
    return out


def _ring(indices, arcs: list[tuple[np.ndarray, np.ndarray]], path: Path, name: str
          ) -> tuple[np.ndarray, np.ndarray]:
    """A ring's points and their importance, from its arcs."""
    if not isinstance(indices, list) or not indices:
        raise _fail(path, f"{name}: a ring must be a non-empty list of arc indices")
    points, weights = [], []
    for k, index in enumerate(indices):
        if isinstance(index, bool) or not isinstance(index, int) \
                or not -len(arcs) <= index < len(arcs):
            raise _fail(path, f"{name}: arc index {index!r} does not exist "
                              f"(the file has {len(arcs)} arcs)")
        arc, weight = arcs[~index] if index < 0 else arcs[index]
        if index < 0:
            arc, weight = arc[::-1], weight[::-1]
        start = 0 if k == 0 else 1  # each arc starts where the one before ended
        points.append(arc[start:])
        weights.append(weight[start:])
    return np.concatenate(points), np.concatenate(weights)


def _signed_area(lon: np.ndarray, lat: np.ndarray) -> float:
    return 0.5 * float(np.dot(lon[:-1], lat[1:]) - np.dot(lon[1:], lat[:-1]))


def _clean(points: np.ndarray, weights: np.ndarray, tolerance_m: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """Points kept at ``tolerance_m``, rounded to ``DECIMALS``, repeats dropped, closed."""
    keep = weights >= tolerance_m
    points, weights = np.round(points[keep], DECIMALS), weights[keep]
    same = np.r_[False, (np.diff(points, axis=0) == 0).all(axis=1)]
    if same.any():  # a run of repeats keeps its most important weight, whichever way the
        starts = np.flatnonzero(~same)  # ring runs, so both neighbours keep the same points
        points, weights = points[starts], np.maximum.reduceat(weights, starts)
    if len(points) and not (points[0] == points[-1]).all():
        points, weights = np.vstack([points, points[:1]]), np.r_[weights, np.inf]
    return points, weights


def _geometries(topology: dict, path: Path) -> tuple[list[dict], str, str]:
    objects = topology.get("objects")
    if not isinstance(objects, dict) or not objects:
        raise _fail(path, "it has no 'objects'")
    for name, obj in objects.items():
        geoms = obj.get("geometries") if isinstance(obj, dict) else None
        if not isinstance(geoms, list):
            continue
        keys = {k for g in geoms if isinstance(g, dict)
                for k in (g.get("properties") or {})}
        code = next((k for k in sorted(keys) if _CODE.fullmatch(k)), None)
        label = next((k for k in sorted(keys) if _NAME.fullmatch(k)), None)
        if code and label:
            return geoms, code, label
        if len(objects) == 1:
            raise _fail(path, f"object '{name}' has no district code and name properties "
                              "(such as LAD13CD and LAD13NM)")
    raise _fail(path, "no object holds a GeometryCollection with district code and name "
                      "properties (such as LAD13CD and LAD13NM)")


def decode(topology: dict, path: Path = FILE, tolerance_m: float = TOLERANCE_M
           ) -> pd.DataFrame:
    """A TopoJSON topology as one row per ring (see the module's docstring).

    Points less important than ``tolerance_m`` (Douglas–Peucker, metres) are
    dropped; ``keep_m`` keeps each remaining point's importance so that
    ``at_tolerance`` can simplify further without opening gaps between districts.
    """
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise _fail(path, "its 'type' is not 'Topology'")
    raw_arcs = _arcs(topology, path)
    arcs = list(zip(raw_arcs, importances(raw_arcs), strict=True))
    geoms, code_key, name_key = _geometries(topology, path)
    rows = []
    for n, geom in enumerate(geoms):
        if not isinstance(geom, dict):
            raise _fail(path, f"geometry {n} is not an object")
        props = geom.get("properties") or {}
        code, name = props.get(code_key), props.get(name_key)
        where = f"geometry {n} ({code or 'no code'})"
        if not code:
            raise _fail(path, f"geometry {n} has no {code_key}")
        kind = geom.get("type")
        if kind is None:
            continue  # a district without a shape: nothing to draw
        if kind == "Polygon":
            polygons = [geom.get("arcs")]
        elif kind == "MultiPolygon":
            polygons = geom.get("arcs")
        else:
            raise _fail(path, f"{where} is a {kind}; only Polygon and MultiPolygon are read")
        if not isinstance(polygons, list) or not all(isinstance(p, list) and p
                                                      for p in polygons):
            raise _fail(path, f"{where}: 'arcs' must list the rings of each polygon")
        part = 0
        for polygon in polygons:
            for r, indices in enumerate(polygon):
                points, weights = _ring(indices, arcs, path, where)
                ring, weight = _clean(points, weights, tolerance_m)
                if len(ring) < 4:  # collapsed by simplifying: keep exteriors as they were
                    if r > 0:
                        continue
                    ring, weight = _clean(points, weights, 0)
                    if len(ring) < 4:
                        continue
                lon, lat = ring[:, 0], ring[:, 1]
                area = _signed_area(lon, lat)
                if (area < 0) if r == 0 else (area > 0):
                    lon, lat, weight = lon[::-1], lat[::-1], weight[::-1]
                rows.append({"lad_code": str(code), "lad_name": str(name or code),
                             "part": part, "hole": r > 0, "lon": lon.tolist(),
                             "lat": lat.tolist(),
                             "keep_m": np.minimum(np.round(weight), KEEP_ALWAYS)
                             .astype("int64").tolist()})
                part += 1
    if not rows:
        raise _fail(path, "it holds no polygons")
    frame = pd.DataFrame(rows, columns=GEO_COLUMNS)
    lon = np.concatenate([np.asarray(v) for v in frame["lon"]])
    lat = np.concatenate([np.asarray(v) for v in frame["lat"]])
    if not (np.abs(lon) <= 180).all() or not (np.abs(lat) <= 90).all():
        raise _fail(path, "its coordinates are not longitude and latitude (WGS84); "
                          "projected files such as British National Grid are not read")
    frame["part"] = frame["part"].astype("int32")
    frame = frame.astype({"lad_code": "string", "lad_name": "string"})
    frame.attrs["year"] = f"20{code_key[3:5]}"  # LAD13CD: the districts of 2013
    return frame


def at_tolerance(shapes: pd.DataFrame, tolerance_m: float) -> pd.DataFrame:
    """``shapes`` simplified further: only points at least ``tolerance_m`` important.

    Shared edges stay shared. Rings that collapse are dropped, except that a district
    whose every ring would go keeps its exteriors as stored.
    """
    out = shapes.copy()
    lons, lats, keep = [], [], []
    for lon, lat, weight in out[["lon", "lat", "keep_m"]].itertuples(index=False):
        mask = np.asarray(weight) >= tolerance_m
        lons.append(np.asarray(lon)[mask].tolist())
        lats.append(np.asarray(lat)[mask].tolist())
        keep.append(int(mask.sum()) >= 4)
    out["lon"], out["lat"] = lons, lats
    keep = pd.Series(keep, index=out.index)
    lost = ~keep.groupby(out["lad_code"]).transform("any") & ~out["hole"]
    out.loc[lost, "lon"] = shapes.loc[lost, "lon"]
    out.loc[lost, "lat"] = shapes.loc[lost, "lat"]
    return out[keep | lost].reset_index(drop=True)


def read(path: Path, tolerance_m: float = TOLERANCE_M) -> pd.DataFrame:
    """Decode the file at ``path``; ``ETLError`` naming it if it cannot be."""
    try:
        topology = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:  # nested too deep
        raise _fail(path, f"it is not valid JSON ({err})") from None
    return decode(topology, path, tolerance_m)


def import_boundaries(external: Path) -> Boundaries:
    """``geo_lad`` from ``external/boundaries/lad_england.topojson``, if it is there.

    Without it, one note, unless there are no official releases either (``dfe/``):
    the releases' own note then says that nothing official was imported.
    """
    result = Boundaries()
    path = external / FILE
    if not path.is_file():
        if (external / "dfe").is_dir():
            result.notes.append(f"No boundaries: {path} does not exist, so the benchmarking "
                                "map is not drawn (see README).")
        return result
    frame = read(path)
    result.lookups["geo_lad"] = frame
    result.summary = {"file": f"{FILE.as_posix()}", "districts": int(frame["lad_code"]
                                                                       .nunique()),
                      "rings": len(frame), "points": int(frame["lon"].map(len).sum()),
                      "year": frame.attrs.get("year")}
    return result


# ---------------------------------------------------------------- matching authorities


@dataclass
class Match:
    """Which districts draw each authority, and what could not be drawn."""

    districts: pd.DataFrame  # area_code, lad_code, how
    unmatched: list[str]  # area codes with no district


def _name_key(name: str) -> str:
    text = re.sub(r",\s*(County|City) of$", "", str(name).strip())
    return re.sub(r"[^a-z]+", " ", text.lower()).strip()


def match_districts(areas: pd.DataFrame, lad: pd.DataFrame, lookup: pd.DataFrame | None
                    ) -> Match:
    """The districts (``lad``'s codes) that make up each authority in ``areas``.

    ``areas`` has ``area_code`` and ``area_name`` (DfE's ``new_la_code`` and
    ``la_name``); ``lad`` has ``lad_code`` and ``lad_name``; ``lookup`` is the
    lower- to upper-tier lookup (``ltla_code``, ``utla_code``). In order: the
    district of the same code (unitary and metropolitan authorities); a county's
    lower-tier districts, each matched in turn; the 2013 districts an authority
    created since replaced (``SUCCESSORS``); a district of the same name; or, for
    a name such as "Bournemouth, Christchurch and Poole", the districts named.
    """
    names = lad.drop_duplicates("lad_code")
    codes = set(names["lad_code"])
    by_name: dict[str, list[str]] = {}
    for c, n in names[["lad_code", "lad_name"]].itertuples(index=False):
        by_name.setdefault(_name_key(n), []).append(c)
    tiers: dict[str, list[str]] = {}
    if lookup is not None and not lookup.empty:
        for low, up in lookup[["ltla_code", "utla_code"]].itertuples(index=False):
            if low != up:
                tiers.setdefault(up, []).append(low)

    def resolve(code: str, name: str | None, depth: int = 0) -> tuple[list[str], str]:
        if code in codes:
            return [code], "same code"
        if depth > 3:
            return [], ""
        for how, parts in (("county: its districts", tiers.get(code)),
                           ("2013 districts it replaced", SUCCESSORS.get(code))):
            if parts:
                found = [resolve(p, None, depth + 1)[0] for p in parts]
                if all(found):
                    return [c for f in found for c in f], how
        if name:
            key = _name_key(name)
            if len(by_name.get(key, [])) == 1:
                return by_name[key], "same name"
            pieces = [p for p in re.split(r",\s*|\s+and\s+", str(name)) if p.strip()]
            if len(pieces) > 1 and all(len(by_name.get(_name_key(p), [])) == 1
                                       for p in pieces):
                return [by_name[_name_key(p)][0] for p in pieces], "districts named"
        return [], ""

    rows, unmatched = [], []
    for code, name in areas[["area_code", "area_name"]].drop_duplicates(
            "area_code").itertuples(index=False):
        found, how = resolve(str(code), str(name))
        if not found:
            unmatched.append(str(code))
        rows += [{"area_code": str(code), "lad_code": c, "how": how} for c in found]
    frame = pd.DataFrame(rows, columns=["area_code", "lad_code", "how"])
    return Match(frame, unmatched)
