"""Processed files: Parquet read once and cached until the file changes, and build.json."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
from flask import g, has_request_context

from etl import config


class DataUnavailable(Exception):
    """A processed file is missing or unreadable; the page says so plainly."""


class Restricted(DataUnavailable):
    """The dataset is not published yet: only signed-in users may see it."""

    def __init__(self, name: str):
        super().__init__("these figures are not published yet; sign in to see them")
        self.dataset = name


def _path(name: str) -> Path:
    return config.settings().processed_dir / name


@lru_cache(maxsize=64)
def _read(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as err:  # corrupt or half-written file
        raise DataUnavailable(f"{Path(path).name} could not be read") from err


def version() -> tuple:
    """A token that changes whenever any processed file is rebuilt, removed or replaced,
    and differs between viewers who may see different datasets (a cache key for pages)."""
    folder = config.settings().processed_dir
    try:
        entries = sorted(folder.iterdir())
    except FileNotFoundError:
        return ()
    out = []
    for entry in entries:
        if entry.suffix in (".parquet", ".json"):
            try:
                st = entry.stat()
            except FileNotFoundError:
                continue
            out.append((entry.name, st.st_mtime_ns, st.st_size))
    try:
        scope = hidden()
    except DataUnavailable:
        scope = None
    return (str(folder), config.settings().authority, scope, *out)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.name.startswith(("dfe_", "geo_")):
            raise DataUnavailable(
                "the official statistics have not been imported: save the DfE releases and "
                "boundaries in the external folder (see the README) and run the ETL "
                "(make etl)") from None
        raise DataUnavailable(f"{path.name} has not been built; run the ETL (make etl)") from None
    return st.st_mtime_ns, st.st_size


def frame(name: str) -> pd.DataFrame:
    """A processed table by name (``cp_plans``, ``measures`` …). Do not modify the result."""
    if name in hidden():
        raise Restricted(name)
    path = _path(f"{name}.parquet")
    return _read(str(path), _stamp(path))


def check(name: str) -> int:
    """Rows in a processed file, read whoever is asking (for the health check)."""
    path = _path(f"{name}.parquet")
    return len(_read(str(path), _stamp(path)))


@lru_cache(maxsize=8)
def _restricted(path: str, stamp: tuple[int, int]) -> frozenset[str]:
    return frozenset(json.loads(Path(path).read_text(encoding="utf-8")).get("restricted", ()))


def restricted() -> frozenset[str]:
    """Datasets marked restricted in data/raw/restricted.csv (carried in build.json).

    Raises ``DataUnavailable`` when build.json cannot be read, so that nothing restricted
    is shown by mistake."""
    path = _path("build.json")
    try:
        return _restricted(str(path), _stamp(path))
    except (OSError, ValueError, AttributeError) as err:
        raise DataUnavailable("build.json is missing or unreadable") from err


def hidden() -> frozenset[str]:
    """The restricted datasets the current viewer may not see.

    In a web request: all of them unless someone is signed in (``dashboard.server.auth`` sets
    ``flask.g.user``). Programs run on the server itself (the pack CLI, notebooks) read
    the files directly anyway, and see everything."""
    if has_request_context() and not g.get("user"):
        return restricted()
    return frozenset()


def _visible(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a registry table (tables, flags) about datasets the viewer may see."""
    names = hidden()
    return table[~table["dataset"].isin(names)] if names else table


def dataset(name: str) -> pd.DataFrame:
    return frame(name)


def measures() -> pd.DataFrame:
    return frame("measures").set_index("measure", drop=False)


def measure(measure_id: str) -> pd.Series:
    """The registry row for one measure: label, description, unit, polarity, theme."""
    table = measures()
    if measure_id not in table.index:
        raise DataUnavailable(f"measure {measure_id} is not in the processed data")
    return table.loc[measure_id]


def tables() -> pd.DataFrame:
    return _visible(frame("tables"))


def flags() -> pd.DataFrame:
    return _visible(frame("validation"))


def build_info() -> dict:
    path = _path("build.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DataUnavailable("build.json is missing or unreadable") from err
