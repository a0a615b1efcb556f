"""The imported official releases, for the explorer: which releases there are, the
measures each gives, each measure's breakdowns, and one measure's rows for every area.

``build.json["releases"]`` names each imported file with its title and dataset. Newer
builds add the release's ``measures`` (and ``measures.parquet`` a ``release`` column);
for older ones ``catalogue.release_measures`` works them out. Breakdowns come from the
dataset's rows.
Everything here is worked out once per version of the processed data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from dashboard.store import catalogue, files
from dashboard.store.profile import authorities
from dashboard.store.series import with_roles
from etl.config import TOTAL

logger = logging.getLogger(__name__)
AREA_LEVELS = ("national", "regional", "local_authority")


@dataclass(frozen=True)
class Release:
    """One imported file: its name (the key), title, dataset and the measures it gives."""

    file: str
    title: str
    dataset: str
    years: str
    measures: tuple[str, ...]


def _tidy(name: str) -> pd.DataFrame | None:
    """A dataset in the tidy layout with areas, or None (a lookup, say, or unreadable)."""
    try:
        rows = files.dataset(name)
    except files.DataUnavailable:
        return None
    return rows if {"measure", "area_code", "geographic_level", "breakdown"} <= set(
        rows.columns) else None


@lru_cache(maxsize=8)
def _releases(version: tuple) -> tuple[Release, ...]:
    table = files.measures()
    out = []
    for file, entry in (files.build_info().get("releases") or {}).items():
        dataset = entry.get("dataset")
        rows = _tidy(dataset) if dataset else None
        if rows is None:
            continue
        measures = [m for m in catalogue.release_measures(file, entry) if m in table.index]
        measures = tuple(sorted(measures, key=lambda m: str(table.at[m, "label"]).lower()))
        if measures:
            out.append(Release(file, str(entry.get("release") or file), dataset,
                               str(entry.get("years") or ""), measures))
    return tuple(sorted(out, key=lambda r: r.title.lower()))


def releases() -> tuple[Release, ...]:
    """The imported releases that give measures by area, by title."""
    try:
        return _releases(files.version())
    except files.DataUnavailable:
        return ()


def release(file: str) -> Release | None:
    return next((r for r in releases() if r.file == file), None)


def release_of(measure: str) -> Release | None:
    """The (first) release that gives ``measure``."""
    return next((r for r in releases() if measure in r.measures), None)


def explorable() -> tuple[str, ...]:
    """Every measure of every imported release, in the order the releases list them."""
    return tuple(dict.fromkeys(m for r in releases() for m in r.measures))


@lru_cache(maxsize=32)
def _breakdowns(dataset: str, version: tuple) -> dict[str, dict[str, tuple[str, ...]]]:
    rows = _tidy(dataset)
    if rows is None:
        return {}
    parts = rows[rows["breakdown_value"] != TOTAL][["measure", "breakdown",
                                                    "breakdown_value"]].drop_duplicates()
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for (measure, breakdown), group in parts.groupby(["measure", "breakdown"], sort=True):
        out.setdefault(str(measure), {})[str(breakdown)] = tuple(
            sorted(group["breakdown_value"].astype(str).unique()))
    return out


def breakdowns(measure: str) -> dict[str, tuple[str, ...]]:
    """A measure's breakdowns and the values of each (``{}`` when it has only totals)."""
    found = release_of(measure)
    if found is None:
        return {}
    return _breakdowns(found.dataset, files.version()).get(measure, {})


def has_total(measure: str) -> bool:
    """Whether the measure has headline (``Total``) rows."""
    found = release_of(measure)
    rows = _tidy(found.dataset) if found else None
    return rows is not None and bool(((rows["measure"] == measure) &
                                      (rows["breakdown_value"] == TOTAL)).any())


def rows(measure: str, breakdown: str = TOTAL, value: str = TOTAL) -> pd.DataFrame:
    """One measure's rows for every area (England, regions, authorities), for one value of
    one breakdown (``Total``: the headline rows), single years only, each with ``role``."""
    found = release_of(measure)
    if found is None:
        raise files.DataUnavailable(f"measure {measure} is not in any imported release")
    data = _tidy(found.dataset)
    if data is None:
        raise files.DataUnavailable(f"{found.dataset} could not be read")
    mask = (data["measure"] == measure) & (data["breakdown_value"] == value)
    if value != TOTAL:
        mask &= data["breakdown"] == breakdown
    out = data[mask & data["geographic_level"].isin(AREA_LEVELS)]
    if "period_type" in out:
        out = out[~out["period_type"].astype(str).str.endswith(("_average", "_span"))]
    out = out.sort_values(["area_code", "period_start"]).reset_index(drop=True)
    if "region_code" not in out.columns:  # the region of each authority, from the lookups
        table = authorities()
        out["region_code"] = out["area_code"].map(dict(zip(
            table["authority_code"], table["region_code"], strict=True)))
    return with_roles(out)
