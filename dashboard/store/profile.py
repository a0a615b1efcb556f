"""The partnership profile of the configured authority, resolved once per data build.

The authority's code comes from the settings (``SAFEGUARDING_AUTHORITY`` or
``data/raw/settings.toml``); everything else from the ETL's ``authorities.parquet``. Before
the ETL has been run, the authorities listed in ``data/raw/authorities.csv`` are known
(with their names and districts, but no region or neighbours).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard.store import files
from etl import config
from etl.profile import Profile, UnknownAuthority, resolve

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _from_raw(raw: str) -> pd.DataFrame:
    from etl.geo.authorities import load_authorities, lookup
    from etl.reports.registry import load_sources

    sources_file = Path(raw) / "sources.csv"
    sources = load_sources(sources_file) if sources_file.is_file() else {}
    return lookup({}, {}, load_authorities(Path(raw)), sources)


def authorities() -> pd.DataFrame:
    """Every authority the data knows (one row each, ``etl.schema.AUTHORITY_COLUMNS``)."""
    try:
        return files.frame("authorities")
    except files.DataUnavailable:
        return _from_raw(str(config.settings().raw_dir))


@lru_cache(maxsize=16)
def _resolve(code: str, version: tuple) -> Profile:
    return resolve(code, authorities())


def profile() -> Profile:
    """The configured authority's profile; ``UnknownAuthority`` (with how to find the right
    code) when the data does not know it."""
    settings = config.settings()
    path = files.path("authorities.parquet")
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    try:
        return _resolve(settings.authority, (str(path), stamp))
    except UnknownAuthority as err:
        raise UnknownAuthority(f"{settings.authority_from}: {err}") from None


def report_sources() -> frozenset[str]:
    """Every annual report's source id, whichever authority it belongs to."""
    table = authorities()
    return frozenset(s for sources in table["sources"] for s in (sources if sources is not
                                                                  None else ()))
