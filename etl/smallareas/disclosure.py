"""Disclosure control for counts built from children's records.

Counts of 1 to 5 are *primary* suppressions: published as ``c``, never as a
number. Because ward figures are the sum of their LSOAs and the authority's the
sum of its wards, a published total minus the published parts could give a
suppressed count back; *secondary* suppressions close every such gap.

``audit`` is the test of that: for every suppressed cell it works out the
smallest and largest value consistent with everything published (each ward's
total, the authority's total, and that no count is below zero), and a cell whose
range holds a single whole number is "recoverable". A ``c`` says only "not
shown" (fewer than 6, or hidden to protect another cell), so the audit assumes a
reader knows no more than that. ``suppress`` adds secondary suppressions (the
smallest count that closes the gap) until no cell is recoverable; should that
fail, the whole table is suppressed. The hierarchy is a tree (LSOAs in wards in
one authority), so the ranges are exact without a solver.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

LOW, HIGH = 1, 5  # counts in this range are never published
INF = math.inf


@dataclass
class Cells:
    """One table of counts: LSOAs within wards within the authority."""

    lsoa: np.ndarray  # counts per LSOA
    ward_of: np.ndarray  # index of each LSOA's ward
    lsoa_c: np.ndarray  # suppressed LSOAs
    ward_c: np.ndarray  # suppressed wards
    total_c: bool  # authority total suppressed

    @functools.cached_property
    def members(self) -> list[np.ndarray]:
        """The LSOAs of each ward."""
        return [np.flatnonzero(self.ward_of == w) for w in range(len(self.ward_c))]

    @property
    def wards(self) -> np.ndarray:
        return np.bincount(self.ward_of, weights=self.lsoa, minlength=len(self.ward_c))

    @property
    def total(self) -> float:
        return float(self.lsoa.sum())


def _bounds(value: float, suppressed: bool) -> tuple[float, float]:
    """What a reader knows of a cell: its value if published, else only that it is ≥ 0."""
    return (0, INF) if suppressed else (value, value)


def _range_in_sum(lows: list[float], highs: list[float], sum_lo: float, sum_hi: float):
    """Each part's range when parts with these bounds add up to a value in [sum_lo, sum_hi]."""
    total_lo, total_hi = sum(lows), sum(highs)
    out = []
    for lo, hi in zip(lows, highs, strict=True):
        others_hi = total_hi - hi if hi != INF else _sum_without_inf(highs, hi)
        others_lo = total_lo - lo
        out.append((max(lo, sum_lo - others_hi), min(hi, sum_hi - others_lo)))
    return out


def _sum_without_inf(highs: list[float], drop: float) -> float:
    rest = list(highs)
    rest.remove(drop)
    return sum(rest)


def _single(lo: float, hi: float) -> bool:
    if hi == INF:
        return False
    return math.floor(hi + 1e-9) <= math.ceil(lo - 1e-9)


def audit(cells: Cells) -> dict[str, list[int]]:
    """Suppressed cells whose value follows from what is published: ``{"lsoa": [...],
    "ward": [...], "total": [0]}`` (empty lists when the table is safe)."""
    # plain lists: the same numbers, read one by one far faster than numpy's scalars
    wards, total = cells.wards.tolist(), cells.total
    lsoa, lsoa_c, ward_c = cells.lsoa.tolist(), cells.lsoa_c.tolist(), cells.ward_c.tolist()
    n_wards = len(ward_c)
    members = [m.tolist() for m in cells.members]
    found: dict[str, list[int]] = {"lsoa": [], "ward": [], "total": []}
    # Each ward's total as a reader can bound it from its own LSOAs.
    ward_lo, ward_hi = [0.0] * n_wards, [0.0] * n_wards
    for w, idx in enumerate(members):
        known = sum(lsoa[i] for i in idx if not lsoa_c[i])
        parts = [_bounds(lsoa[i], True) for i in idx if lsoa_c[i]]
        lo = known + sum(p[0] for p in parts)
        hi = known + sum(p[1] for p in parts)
        own = _bounds(wards[w], bool(ward_c[w]))
        ward_lo[w], ward_hi[w] = max(lo, own[0]), min(hi, own[1])
    # The authority total ties the suppressed wards together.
    published = sum(wards[w] for w in range(n_wards) if not ward_c[w])
    t_lo, t_hi = _bounds(total, cells.total_c)
    hidden = [w for w in range(n_wards) if ward_c[w]]
    ranges = _range_in_sum([ward_lo[w] for w in hidden], [ward_hi[w] for w in hidden],
                           t_lo - published, t_hi - published)
    for w, (lo, hi) in zip(hidden, ranges, strict=True):
        ward_lo[w], ward_hi[w] = lo, hi
        if _single(lo, hi):
            found["ward"].append(w)
    if cells.total_c:
        lo = max(t_lo, published + sum(ward_lo[w] for w in hidden))
        hi = min(t_hi, published + sum(ward_hi[w] for w in hidden))
        if _single(lo, hi):
            found["total"].append(0)
    for w, idx in enumerate(members):
        hidden_lsoas = [i for i in idx if lsoa_c[i]]
        if not hidden_lsoas:
            continue
        known = sum(lsoa[i] for i in idx if not lsoa_c[i])
        bounds = [_bounds(lsoa[i], True) for i in hidden_lsoas]
        ranges = _range_in_sum([b[0] for b in bounds], [b[1] for b in bounds],
                               ward_lo[w] - known, ward_hi[w] - known)
        found["lsoa"].extend(i for i, (lo, hi) in zip(hidden_lsoas, ranges, strict=True)
                             if _single(lo, hi))
    return found


def _smallest(values: np.ndarray, candidates: np.ndarray) -> int | None:
    """The candidate with the smallest count, preferring a count above zero."""
    if not len(candidates):
        return None
    nonzero = candidates[values[candidates] > 0]
    pool = nonzero if len(nonzero) else candidates
    return int(pool[np.argmin(values[pool])])


def _fix(cells: Cells, found: dict[str, list[int]]) -> bool:
    """Add one secondary suppression for the first recoverable cell; False if none helps.

    A recoverable LSOA gets a partner in its ward (the smallest count above zero);
    a recoverable ward gets one of its LSOAs hidden if it has none hidden, or else a
    partner ward; a recoverable total gets a ward hidden."""
    wards = cells.wards
    open_wards = np.flatnonzero(~cells.ward_c)
    for i in found["lsoa"]:
        w = cells.ward_of[i]
        pool = np.flatnonzero((cells.ward_of == w) & ~cells.lsoa_c & (cells.lsoa > 0))
        pick = _smallest(cells.lsoa, pool)
        if pick is not None:
            cells.lsoa_c[pick] = True
            return True
        if not cells.ward_c[w]:
            cells.ward_c[w] = True
            return True
    for w in [*found["ward"], *(cells.ward_of[i] for i in found["lsoa"])]:
        pool = np.flatnonzero((cells.ward_of == w) & ~cells.lsoa_c)
        if not cells.lsoa_c[cells.ward_of == w].any() and len(pool):
            cells.lsoa_c[_smallest(cells.lsoa, pool)] = True
            return True
        pick = _smallest(wards, open_wards[wards[open_wards] > 0])
        if pick is not None:
            cells.ward_c[pick] = True
            return True
        if not cells.total_c:
            cells.total_c = True
            return True
    if found["total"]:
        pick = _smallest(wards, open_wards)
        if pick is not None:
            cells.ward_c[pick] = True
            return True
    return False


def suppress(lsoa: pd.Series, ward_of: pd.Series) -> tuple[pd.Series, pd.Series, bool]:
    """Which counts to publish as ``c``: per LSOA (indexed like ``lsoa``), per ward
    (indexed by ward) and for the authority total.

    ``lsoa`` holds whole, non-negative counts and ``ward_of`` each LSOA's ward.
    """
    codes = pd.Index(sorted(ward_of.unique()))
    cells = Cells(lsoa=lsoa.to_numpy(dtype=float),
                  ward_of=codes.get_indexer(ward_of.to_numpy()),
                  lsoa_c=np.zeros(len(lsoa), dtype=bool),
                  ward_c=np.zeros(len(codes), dtype=bool), total_c=False)
    primary = (cells.lsoa >= LOW) & (cells.lsoa <= HIGH)
    cells.lsoa_c |= primary
    wards = cells.wards
    cells.ward_c |= (wards >= LOW) & (wards <= HIGH)
    cells.total_c = LOW <= cells.total <= HIGH
    for _ in range(4 * (len(lsoa) + len(codes)) + 4):
        found = audit(cells)
        if not any(found.values()):
            break
        if not _fix(cells, found):  # a table too small to protect part of: hide it all
            cells.lsoa_c[:], cells.ward_c[:], cells.total_c = True, True, True
            break
    return (pd.Series(cells.lsoa_c, index=lsoa.index),
            pd.Series(cells.ward_c, index=codes), bool(cells.total_c))
