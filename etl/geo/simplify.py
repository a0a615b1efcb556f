"""Douglas–Peucker importance of every point of a boundary's arcs, in metres (used by
``etl.geo.districts``): keeping the points whose importance is above ``t`` is
Douglas–Peucker at tolerance ``t``, so one stored arc serves every scale."""

from __future__ import annotations

import math

import numpy as np

_M_PER_DEG_LAT = 110_540.0
_M_PER_DEG_LON = 111_320.0


def _importance(points: np.ndarray) -> np.ndarray:
    """Douglas–Peucker importance of each point of one arc, in metres.

    A point's importance is its distance from the chord when Douglas–Peucker picks
    it, capped by the importance of the point that split its span; the ends are
    infinite. Keeping the points of importance above ``t`` is Douglas–Peucker at
    tolerance ``t``, so one stored arc serves every scale.
    """
    out = np.full(len(points), np.inf)
    if len(points) <= 2:
        return out
    lat0 = math.radians(float(points[:, 1].mean()))
    xy = points * np.array([_M_PER_DEG_LON * math.cos(lat0), _M_PER_DEG_LAT])
    stack = [(0, len(points) - 1, np.inf)]
    while stack:
        first, last, cap = stack.pop()
        if last - first < 2:
            continue
        a, b = xy[first], xy[last]
        inner = xy[first + 1:last]
        ab = b - a
        length = math.hypot(*ab)
        if length == 0:  # a closed arc: distance from its start
            dist = np.hypot(*(inner - a).T)
        else:
            dist = np.abs(ab[0] * (inner[:, 1] - a[1]) - ab[1] * (inner[:, 0] - a[0])) / length
        far = int(dist.argmax())
        mid = first + 1 + far
        out[mid] = min(float(dist[far]), cap)
        stack += [(first, mid, out[mid]), (mid, last, out[mid])]
    return out


def importances(arcs: list[np.ndarray]) -> list[np.ndarray]:
    """``_importance`` of every arc at once: the same numbers, worked out a level of the
    Douglas–Peucker tree at a time for all arcs together (numpy over every open span)
    rather than one span at a time."""
    if not arcs:
        return []
    scaled = []
    for points in arcs:
        lat0 = math.radians(float(points[:, 1].mean()))
        scaled.append(points * np.array([_M_PER_DEG_LON * math.cos(lat0), _M_PER_DEG_LAT]))
    xy = np.concatenate(scaled)
    x, y = xy[:, 0], xy[:, 1]
    out = np.full(len(xy), np.inf)
    ends = np.cumsum([len(a) for a in arcs])
    first = np.r_[0, ends[:-1]]
    last = ends - 1
    cap = np.full(len(arcs), np.inf)
    while True:
        open_ = last - first >= 2
        first, last, cap = first[open_], last[open_], cap[open_]
        if not len(first):
            break
        inner = last - first - 1
        span = np.repeat(np.arange(len(first)), inner)
        starts = np.r_[0, np.cumsum(inner)[:-1]]
        index = np.arange(len(span)) - starts[span] + first[span] + 1
        ax, ay = x[first], y[first]
        abx, aby = x[last] - ax, y[last] - ay
        length = np.fromiter(map(math.hypot, abx.tolist(), aby.tolist()), float, len(abx))
        px, py = x[index] - ax[span], y[index] - ay[span]
        with np.errstate(divide="ignore", invalid="ignore"):
            dist = np.where(length[span] == 0, np.hypot(px, py),
                            np.abs(abx[span] * py - aby[span] * px) / length[span])
        if np.isnan(dist).any():  # no sensible maximum: the one-span-at-a-time way
            return [_importance(a) for a in arcs]
        top = np.maximum.reduceat(dist, starts)
        hits = np.flatnonzero(dist == top[span])
        _, at = np.unique(span[hits], return_index=True)  # the first maximum of each span
        mid = index[hits[at]]
        value = np.minimum(top, cap)
        out[mid] = value
        first, last, cap = np.r_[first, mid], np.r_[mid, last], np.r_[value, value]
    return np.split(out, ends[:-1])
