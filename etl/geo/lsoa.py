"""LSOA and ward boundaries for one authority, as GeoParquet under ``data/processed/geo/``.

LSOA boundaries are read from ``$SAFEGUARDING_EXTERNAL_DIR/boundaries/``: one
file per district whose name holds the district's code (``lsoa11_E08000027.geojson``;
GeoJSON, GeoPackage or Shapefile), or any ``lsoa*`` file covering more, filtered
to the authority's LSOAs. ``download`` fetches missing district files from the
ONS Open Geography Portal (or any address given in ``SAFEGUARDING_BOUNDARY_URL``).

The polygons are projected to British National Grid, snapped to a 1 m grid and
checked to be a valid coverage (no gaps or overlaps between neighbours); they
are then simplified with ``shapely.coverage_simplify``, which moves an edge that
two LSOAs share once, for both, so no slivers open up. Wards are the union of
their LSOAs under the ONS best-fit lookup, so a ward's shape covers exactly the
LSOAs counted in it.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd

from etl.errors import ETLError, Problem
from etl.geo.authorities import Authority

logger = logging.getLogger(__name__)
FOLDER = "boundaries"
SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
CODE_COLUMN = re.compile(r"^LSOA(11|21)CD$", re.I)
BNG, WGS84 = 27700, 4326
PIXELS = 600  # simplify to about one pixel of a map this many pixels across
DECIMALS = 5  # about a metre
DEFAULT_URL = (
    "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"
    "LSOA_Dec_2011_Boundaries_Generalised_Clipped_BGC_EW_V3/FeatureServer/0/query"
    "?where=LSOA11NM%20LIKE%20%27{district_name_q}%20%25%27&outFields=LSOA11CD,LSOA11NM"
    "&outSR=4326&f=geojson")


def boundary_files(external: Path, districts: tuple[str, ...]) -> list[Path]:
    """The files to read for these districts: each district's own (its code in the
    name), or else any ``lsoa*`` file not named for one district (a national file)."""
    folder = external / FOLDER
    files = [p for p in sorted(folder.glob("lsoa*")) if p.suffix.lower() in SUFFIXES]
    own = {d: [p for p in files if d in p.name] for d in districts}
    if all(own.values()):
        return sorted({p for paths in own.values() for p in paths})
    return [p for p in files if not re.search(r"[EW]\d{8}", p.name)]


def read_lsoas(external: Path, authority: Authority, expected: pd.DataFrame):
    """The authority's LSOA polygons (GeoDataFrame in WGS84) with the attributes of
    ``expected`` (one row per LSOA from the lookups); every expected LSOA must be drawn."""
    import geopandas as gpd

    files = boundary_files(external, authority.districts)
    if not files:
        raise ETLError([Problem(external / FOLDER, f"no LSOA boundary file for "
                                f"{authority.name} (expected e.g. lsoa11_"
                                f"{authority.districts[0]}.geojson); run python -m etl.geo "
                                f"download --authority {authority.code}")])
    parts, vintage = [], None
    for path in files:
        try:
            frame = gpd.read_file(path)
        except Exception as err:  # pyogrio raises many kinds for a damaged file
            raise ETLError([Problem(path, f"cannot be read as boundaries ({err})")]) from None
        column = next((c for c in frame.columns if CODE_COLUMN.match(str(c))), None)
        if column is None:
            raise ETLError([Problem(path, "no LSOA code column (LSOA11CD or LSOA21CD); "
                                    f"it has {', '.join(map(str, frame.columns))}")])
        year = "20" + CODE_COLUMN.match(column).group(1)
        if vintage and year != vintage:
            raise ETLError([Problem(path, f"{year} LSOAs mixed with {vintage} LSOAs")])
        vintage = year
        if frame.crs is None:
            frame = frame.set_crs(WGS84)
        frame = frame.to_crs(BNG)
        parts.append(gpd.GeoDataFrame({"lsoa_code": frame[column].astype(str).str.strip()},
                                      geometry=frame.geometry.values, crs=BNG))
    shapes = pd.concat(parts, ignore_index=True)
    shapes = shapes[shapes["lsoa_code"].isin(expected["lsoa_code"])]
    shapes = shapes.drop_duplicates("lsoa_code")
    missing = sorted(set(expected["lsoa_code"]) - set(shapes["lsoa_code"]))
    if missing:
        raise ETLError([Problem(files[0].parent, f"{len(missing)} of {authority.name}'s "
                                f"{len(expected)} LSOAs have no boundary (e.g. "
                                f"{', '.join(missing[:3])}); were the files for every "
                                f"district ({', '.join(authority.districts)}) downloaded?")])
    return gpd.GeoDataFrame(expected.merge(shapes, on="lsoa_code"), geometry="geometry",
                            crs=BNG), vintage, [p.name for p in files]


def coverage(shapes, path: Path):
    """Snap to 1 m, repair, check the coverage and simplify it keeping shared edges."""
    import geopandas as gpd
    import shapely

    geoms = shapely.make_valid(shapely.set_precision(shapes.geometry.values, 1.0))
    geoms = shapely.set_precision(geoms, 1.0)
    if not shapely.coverage_is_valid(geoms):
        bad = ~shapely.is_empty(shapely.coverage_invalid_edges(geoms))
        codes = shapes["lsoa_code"][bad].tolist()
        raise ETLError([Problem(path, f"{len(codes)} LSOA boundaries overlap or leave gaps "
                                f"between neighbours (e.g. {', '.join(codes[:3])}): use the "
                                "ONS generalised clipped boundaries")])
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    tolerance = max(x1 - x0, y1 - y0) / PIXELS
    simple = shapely.coverage_simplify(geoms, tolerance=tolerance)
    out = gpd.GeoDataFrame(shapes.drop(columns="geometry"), geometry=simple, crs=BNG)
    out = out.to_crs(WGS84)
    out["geometry"] = shapely.set_precision(out.geometry.values, 10 ** -DECIMALS)
    return out


def wards(lsoas):
    """Ward polygons: the union of each ward's LSOAs under the best-fit lookup."""
    import geopandas as gpd
    import shapely

    rows = []
    for (code, name), group in lsoas.groupby(["ward_code", "ward_name"], sort=True):
        rows.append({"ward_code": code, "ward_name": name, "lsoas": len(group),
                     "children": float(group["children"].sum()),
                     "geometry": shapely.coverage_union_all(group.geometry.values)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=lsoas.crs)


def geoparquet(frame):
    """A writer for ``write_all``: GeoParquet with its CRS and geometry metadata."""
    def write(path: Path) -> None:
        frame.to_parquet(path, index=False, compression="zstd")
    return write


def download(authority: Authority, external: Path, names: dict[str, str],
             url: str | None = None, timeout: float = 60) -> list[Path]:
    """Fetch each district's LSOA boundaries into ``external/boundaries`` (kept if present).

    ``url`` is a template with ``{district}``, ``{district_name}`` and
    ``{district_name_q}`` (URL-quoted); by default the ONS Open Geography Portal.
    Each file is written whole or not at all.
    """
    import geopandas as gpd

    template = url or os.environ.get("SAFEGUARDING_BOUNDARY_URL") or DEFAULT_URL
    folder = external / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for district in authority.districts:
        target = folder / f"lsoa11_{district}.geojson"
        if target.exists():
            logger.info("%s is there already: kept", target.name)
            continue
        name = names.get(district, district)
        address = template.format(district=district, district_name=name,
                                  district_name_q=urllib.parse.quote(name))
        logger.info("Downloading the LSOA boundaries of %s …",
                    name if name == district else f"{name} ({district})")
        try:
            with urllib.request.urlopen(address, timeout=timeout) as response:
                body = response.read()
        except OSError as err:
            raise ETLError([Problem(address, f"download failed ({err}); download the "
                                    f"file by hand and save it as {target}")]) from None
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".download-", suffix=".geojson")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            try:
                frame = gpd.read_file(temp)
            except Exception as err:
                raise ETLError([Problem(address, f"the download is not boundaries ({err})")]
                               ) from None
            if frame.empty or not any(CODE_COLUMN.match(str(c)) for c in frame.columns):
                raise ETLError([Problem(address, "the download holds no LSOA boundaries")])
            os.replace(temp, target)
        finally:
            Path(temp).unlink(missing_ok=True)
        written.append(target)
    return written


def download_main(argv: list[str] | None = None, prog: str = "safeguarding download") -> int:
    """Fetch the LSOA boundaries of an authority's districts that are not there yet."""
    import argparse

    from etl import config, log
    from etl.geo.authorities import find
    from etl.geo.reference import read_reference

    parser = argparse.ArgumentParser(prog=prog, description=download_main.__doc__)
    parser.add_argument("--authority", default=config.settings().authority,
                        help="its ONS code (default: the configured authority)")
    parser.add_argument("--url", default=None, help="address template with {district}")
    args = parser.parse_args(argv)
    log.configure()
    settings = config.settings()
    external = settings.external_dir
    try:
        authority = find(args.authority, settings.raw_dir, settings.processed_dir)
    except ETLError as err:
        logger.error("%s", err)
        return 1
    try:
        ref = read_reference(external)
        names = dict(zip(ref.lsoas["district_code"], ref.lsoas["district_name"], strict=True))
    except ETLError:
        names = {}
    try:
        written = download(authority, external, names, args.url)
    except ETLError as err:
        logger.error("%s", err)
        return 1
    log.result(logger, f"{len(written)} boundary file(s) written to {external / FOLDER}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m etl.geo download [--authority CODE]``: as ``safeguarding download``."""
    argv = list(argv if argv is not None else sys.argv[1:])
    if not argv or argv[0] != "download":
        sys.stderr.write("usage: python -m etl.geo download [--authority CODE] [--url URL]\n")
        return 2
    return download_main(argv[1:], prog="python -m etl.geo download")


if __name__ == "__main__":
    raise SystemExit(main())
