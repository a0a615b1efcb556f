"""Processed files: Parquet read once and cached until the file changes, and build.json.

Every file comes from one version of the processed data (``etl.io.versions``): the one
``current`` pointed at when a web request first read something (kept in ``flask.g``), or
when a ``pinned()`` block began; elsewhere, the current one at each call. A version pruned
after it was resolved is replaced by the new current one, once. Caches are keyed by path,
so by version.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pandas as pd
from flask import g, has_request_context

from etl import config
from etl.io.versions import current

logger = logging.getLogger(__name__)
T = TypeVar("T")
_pinned: ContextVar[Path | None] = ContextVar("processed_version", default=None)


class DataUnavailable(Exception):
    """A processed file is missing or unreadable; the page says so plainly."""


class Restricted(DataUnavailable):
    """The dataset is not published yet: only signed-in users may see it."""

    def __init__(self, name: str):
        super().__init__("these figures are not published yet; sign in to see them")
        self.dataset = name


def folder() -> Path:
    """The folder of the version this task reads (see the module's docstring)."""
    held = _pinned.get()
    if held is not None:
        return held
    if not has_request_context():
        return current(config.settings().processed_dir)
    if "processed_version" not in g:
        g.processed_version = current(config.settings().processed_dir)
    return g.processed_version


@contextmanager
def pinned() -> Iterator[Path]:
    """Read one version throughout the block, outside web requests (a pack built in the
    background, say); gives its folder. Each thread or task pins its own."""
    token = _pinned.set(folder())
    try:
        yield folder()
    finally:
        _pinned.reset(token)


def _moved_on(held: Path) -> Path | None:
    """The current version, now held instead, if ``held`` was pruned since it was resolved."""
    fresh = current(config.settings().processed_dir)
    if held.is_dir() or fresh == held:
        return None
    logger.warning("processed data %s was removed while in use; reading %s", held, fresh)
    if _pinned.get() is not None:
        _pinned.set(fresh)
    elif has_request_context():
        g.processed_version = fresh
    return fresh


def _load(name: str, read: Callable[[Path], T]) -> T:
    """``read`` the file ``name`` of this task's version, resolving the version again once
    when it was pruned meanwhile."""
    held = folder()
    try:
        return read(held / name)
    except DataUnavailable:
        fresh = _moved_on(held)
        if fresh is None:
            raise
        return read(fresh / name)


def path(name: str) -> Path:
    """Where a processed file (``authorities.parquet``, ``geo/…``) is, in this task's version."""
    return folder() / name


@lru_cache(maxsize=64)
def _read(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as err:  # corrupt or half-written file
        raise DataUnavailable(f"{Path(path).name} could not be read") from err


def version() -> tuple:
    """A token that changes whenever any processed file is rebuilt, removed or replaced,
    and differs between viewers who may see different datasets (a cache key for pages)."""
    base = folder()
    try:
        entries = sorted(base.iterdir())
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
    return (str(base), config.settings().authority, scope, *out)


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
    return _load(f"{name}.parquet", lambda p: _read(str(p), _stamp(p)))


def check(name: str) -> int:
    """Rows in a processed file, read whoever is asking (for the health check)."""
    return len(_load(f"{name}.parquet", lambda p: _read(str(p), _stamp(p))))


@lru_cache(maxsize=8)
def _restricted(path: str, stamp: tuple[int, int]) -> frozenset[str]:
    return frozenset(json.loads(Path(path).read_text(encoding="utf-8")).get("restricted", ()))


def restricted() -> frozenset[str]:
    """Datasets marked restricted in data/raw/restricted.csv (carried in build.json).

    Raises ``DataUnavailable`` when build.json cannot be read, so that nothing restricted
    is shown by mistake."""
    def read(path: Path) -> frozenset[str]:
        try:
            return _restricted(str(path), _stamp(path))
        except (OSError, ValueError, AttributeError) as err:
            raise DataUnavailable("build.json is missing or unreadable") from err
    return _load("build.json", read)


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
    def read(path: Path) -> dict:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise DataUnavailable("build.json is missing or unreadable") from err
    return _load("build.json", read)
