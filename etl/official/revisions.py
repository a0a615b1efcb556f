"""Several files of one release: the newest figure kept, and every revision listed.

DfE revises earlier years in later releases, so ``b1_…_2013_to_2024.csv`` and
``b1_…_2013_to_2025.csv`` in ``dfe/`` together are read as one release: where both give a
figure for the same measure, breakdown, area and period, the newer file's is kept (the
newer file is the one whose latest year is later), and each figure it changes is a
validation flag of kind ``revision`` (old → new). Two files of one release covering the
same years hold the same figures twice: an error naming both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl.config import TOTAL
from etl.errors import Problem

logger = logging.getLogger(__name__)

KEYS = ("measure", "breakdown", "breakdown_value", "area_code", "period", "period_start")


@dataclass(eq=False)
class Source:
    """One file read, the release (or generic signature) it belongs to, its years."""

    path: Path
    key: object
    read: object
    years: np.ndarray
    parts: list[dict[str, np.ndarray]] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int]:
        years = self.years[self.years > 0]
        return (int(years.max()), len(np.unique(years))) if len(years) else (0, 0)


def newest_first(sources: list[Source], problems: list[Problem]) -> list[list[Source]]:
    """The files grouped by release, each group newest first; files of one release
    covering the same years are a problem naming both."""
    groups: dict[object, list[Source]] = {}
    for s in sources:
        groups.setdefault(s.key, []).append(s)
    out = []
    for group in groups.values():
        group.sort(key=lambda s: (s.span, s.path.name), reverse=True)
        years = {}
        for s in group:
            same = tuple(np.unique(s.years[s.years > 0]))
            if same in years:
                other = years[same]
                first, second = sorted([other.path.name, s.path.name])
                problems.append(Problem(s.path.with_name(second), f"{second} and {first} hold "
                                        "the same indicators for the same years: a second "
                                        f"copy of the release in {first}; keep only the "
                                        "newest file in dfe/", 1))
            years[same] = s
        out.append(group)
    return out


def take_newest(group: list[Source], dataset: str
                ) -> tuple[list[dict[str, np.ndarray]], list[dict]]:
    """The group's rows with each figure from its newest file, and the revisions."""
    if len(group) == 1:
        return group[0].parts, []
    parts = [p for s in group for p in s.parts]
    if not parts:
        return [], []
    rank = np.concatenate([np.full(len(p["measure"]), i) for i, s in enumerate(group)
                           for p in s.parts])
    data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    frame = pd.DataFrame({k: data[k] for k in KEYS})
    frame["_value"], frame["_rank"] = data["value"], rank
    order = np.argsort(rank, kind="stable")
    frame = frame.iloc[order]
    older = frame.duplicated(list(KEYS), keep="first").to_numpy()
    newest = frame.groupby(list(KEYS), sort=False, dropna=False)["_value"].transform("first")
    old, new = frame["_value"].to_numpy(), newest.to_numpy()
    with np.errstate(invalid="ignore"):
        changed = older & ((np.isnan(old) != np.isnan(new)) |
                           (np.isfinite(old) & np.isfinite(new) & (np.abs(old - new) > 1e-9)))
    flags = []
    for i in np.flatnonzero(changed):
        at = order[i]
        was, now = group[rank[at]].path.name, group[0].path.name
        shown = [("not published" if np.isnan(v) else f"{v:g}") for v in (old[i], new[i])]
        part = data["breakdown_value"][at]
        what = "" if part == TOTAL else f" ({part})"
        flags.append({
            "check_id": f"revision:{data['measure'][at]}", "kind": "revision",
            "dataset": dataset, "measure": data["measure"][at],
            "area_code": data["area_code"][at], "area_name": data["area_name"][at],
            "period": data["period"][at], "breakdown_value": part,
            "published": float(new[i]), "expected": float(old[i]),
            "difference": float(new[i] - old[i]), "tolerance": 0.0,
            "message": (f"{data['measure'][at]}{what} for {data['area_name'][at]}, "
                        f"{data['period'][at]}: {shown[0]} in {was}, revised to {shown[1]} "
                        f"in {now}; the newer figure is kept."),
            "files": f"{was}; {now}",
        })
    keep = order[~older]
    keep.sort()
    logger.info("%s: %d figures kept from %d files, %d revised", group[0].path.name,
                len(keep), len(group), len(flags))
    return [{k: v[keep] for k, v in data.items()}], flags


def summary(parts: list[dict[str, np.ndarray]]) -> dict:
    """What build.json says of one file: its rows, measures, levels and breakdowns."""
    if not parts:
        return {"rows": 0, "measures": [], "levels": [], "breakdowns": {},
                "labels": np.array([]), "starts": np.array([]), "period_types": []}
    cat = {k: np.concatenate([p[k] for p in parts])
           for k in ("measure", "geographic_level", "breakdown", "breakdown_value", "period",
                     "period_start", "period_type")}
    pairs = pd.DataFrame({"b": cat["breakdown"], "v": cat["breakdown_value"]}).drop_duplicates()
    pairs = pairs[pairs["b"] != TOTAL]
    return {
        "rows": len(cat["measure"]),
        "measures": sorted(set(cat["measure"])),
        "levels": sorted(set(cat["geographic_level"])),
        "breakdowns": {b: sorted(g["v"]) for b, g in pairs.groupby("b", sort=True)},
        "labels": cat["period"], "starts": cat["period_start"],
        "period_types": sorted(set(cat["period_type"])),
    }
