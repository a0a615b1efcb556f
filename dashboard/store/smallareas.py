"""Data for the maps: the ETL's GeoParquet shapes and suppressed counts for small areas, and
the vintage of the boundaries and deprivation figures behind the maps.

Shapes are read with pyarrow and shapely (no geopandas in the web app) and cached
until their file changes. Values come from ``smallarea.parquet``, where a
suppressed cell has no number at all, only the status ``c``. The small areas are the
configured authority's (its code from the partnership profile); they exist only for
authorities whose boundaries the ETL built.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard.store import files as data
from dashboard.store.files import DataUnavailable
from dashboard.store.profile import profile

MEASURES = {  # page choice → measure id (its rate is the id + "_rate")
    "cp": "sa_cp_plans_started",
    "cin": "sa_children_in_need",
    "cla": "sa_became_looked_after",
}


def authority() -> str:
    """The configured authority's ONS code, from the partnership profile."""
    return profile().code


def summary(code: str | None = None) -> dict:
    """What the ETL recorded for the authority's small areas (source, synthetic, ...)."""
    code = code or authority()
    info = data.build_info().get("small_areas", {}).get(code)
    if not info:
        raise DataUnavailable(f"the small-area maps have not been built for {code}: download "
                              f"its boundaries (safeguarding download --authority {code}) "
                              "and run the ETL (make etl)")
    return info


def deprivation_year(code: str | None = None) -> str | None:
    """The edition of the Indices of Deprivation behind the maps' deprivation deciles and
    child populations (``2019``), from what the ETL recorded; None when it does not say."""
    info = summary(code)
    found = re.search(r"Indices of Deprivation (\d{4})",
                      str(info.get("deprivation") or info.get("denominator") or ""))
    return found.group(1) if found else None


def district_year() -> str | None:
    """The year of the district boundaries the ETL drew authorities from (``2013`` for
    ``LAD13CD`` codes), as it recorded in build.json; None when they were not imported."""
    try:
        info = data.build_info().get("boundaries") or {}
    except DataUnavailable:
        return None
    return str(info["year"]) if info.get("year") else None


def _geo_path(level: str, code: str) -> Path:
    return data.path(f"geo/{level}_{code}.parquet")


@lru_cache(maxsize=8)
def _read_shapes(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    import pyarrow.parquet as pq
    import shapely

    table = pq.read_table(path).to_pandas()
    geoms = shapely.from_wkb(table.pop("geometry").to_numpy())
    geoms = shapely.orient_polygons(geoms)  # exteriors anticlockwise, holes clockwise
    rings = []
    for geom in geoms:
        parts = []
        for polygon in getattr(geom, "geoms", [geom]):
            for ring in [polygon.exterior, *polygon.interiors]:
                xy = shapely.get_coordinates(ring)
                parts.append((xy[:, 0].tolist(), xy[:, 1].tolist()))
        rings.append(parts)
    table["rings"] = rings
    table["points"] = _hover_points(geoms)
    return table


def _hover_points(geoms, per_map: int = 300) -> list[tuple[list, list]]:
    """Points spread over each area (a point inside it, and a grid of about
    ``per_map`` points over the whole map), for hover text anywhere on the area."""
    import numpy as np
    import shapely

    total = float(shapely.area(geoms).sum()) or 1.0
    step = (total / per_map) ** 0.5
    out = []
    for geom in geoms:
        inside = shapely.get_coordinates(shapely.point_on_surface(geom))
        x0, y0, x1, y1 = geom.bounds
        gx, gy = np.meshgrid(np.arange(x0 + step / 2, x1, step),
                             np.arange(y0 + step / 2, y1, step))
        gx, gy = gx.ravel(), gy.ravel()
        keep = shapely.contains_xy(geom, gx, gy) if len(gx) else np.zeros(0, bool)
        xs = [float(inside[0, 0]), *gx[keep].tolist()]
        ys = [float(inside[0, 1]), *gy[keep].tolist()]
        out.append((xs, ys))
    return out


def shapes(level: str, code: str | None = None) -> pd.DataFrame:
    """One row per LSOA or ward with its attributes and ``rings`` [(lons, lats), ...]."""
    path = _geo_path(level, code or authority())
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DataUnavailable("the small-area boundaries have not been built: import the "
                              "boundaries and run the ETL") from None
    try:
        return _read_shapes(str(path), (st.st_mtime_ns, st.st_size))
    except Exception as err:  # a damaged file: say so, keep the rest of the app working
        raise DataUnavailable(f"{path.name} could not be read") from err


def values(measure: str, level: str, code: str | None = None) -> pd.DataFrame:
    """Counts and rates for every period at one level (``lsoa``, ``ward`` or
    ``local_authority``), both units, as the ETL wrote them."""
    code = code or authority()
    table = data.dataset("smallarea")
    rows = table[(table["authority_code"] == code) & (table["geographic_level"] == level)
                 & table["measure"].isin([measure, measure + "_rate"])]
    return rows.reset_index(drop=True)


def periods(code: str | None = None) -> list[str]:
    """Periods with figures, latest first."""
    return sorted(summary(code).get("periods", []), reverse=True)
