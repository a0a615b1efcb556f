"""Where data labels go: a small placer in pixel space, with no Plotly in it.

Each label is a box beside its point. The placer tries positions round the point (left of
a line's first point and right of its last, where the line does not go; above or below the
others; stepping further out when those are taken) and keeps the cheapest one that stays
inside the plot and covers no marker and no label already placed. A position is dearer the
further it is from its point, the more lines cross it, and when another line's marker is
nearer to it than its own.

Coordinates are pixels from the plot area's bottom-left corner, y upwards.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

GAP = 3.0  # px between a marker's edge and its label
STEP = 4.0  # px between the positions tried on one side
REACH = 14  # steps tried out from each side
SPACE = 1.0  # px kept clear round every box
LEADER = 6.0  # a label further than this from its marker gets a leader line
NEAR = 80.0  # px: markers and lines further away than this cannot touch a label

# Where each kind of point would rather have its label, and the cost of each side (in px of
# displacement it is worth): the ends of a line are labelled outside it, where it does not go.
SIDES = {
    "last": (("right", 0.0), ("above", 14.0), ("below", 16.0), ("left", 40.0)),
    "first": (("left", 0.0), ("above", 14.0), ("below", 16.0), ("right", 40.0)),
    "only": (("above", 0.0), ("below", 3.0), ("right", 6.0), ("left", 6.0)),
    "inner": (("above", 0.0), ("below", 3.0), ("right", 25.0), ("left", 25.0)),
}
ORDER = {"last": 0, "first": 1, "only": 2, "inner": 3}  # which labels are placed first
NEARER_OTHER = 60.0  # cost when another line's marker is nearer than the label's own
CROSSING = 12.0  # cost of each line segment through the label

# Advance widths of Arial (thousandths of an em), for the characters of data labels.
_WIDTHS = {**dict.fromkeys("0123456789£$?", 556), **dict.fromkeys(".,: ", 278),
           "%": 889, "-": 333, "–": 556, "(": 333, ")": 333, "+": 584}


def text_width(text: str, size: float) -> float:
    """The width in px of ``text`` in Arial at ``size`` px (upper case a little wider)."""
    return size * sum(_WIDTHS.get(c, 667 if c.isupper() else 556) for c in text) / 1000


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, x: float, y: float, width: float, height: float) -> Box:
        return cls(x - width / 2, y - height / 2, x + width / 2, y + height / 2)

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        return (self.x0 < other.x1 + margin and other.x0 < self.x1 + margin
                and self.y0 < other.y1 + margin and other.y0 < self.y1 + margin)

    def inside(self, width: float, height: float) -> bool:
        return self.x0 >= -0.5 and self.y0 >= -0.5 and self.x1 <= width + 0.5 \
            and self.y1 <= height + 0.5

    def distance(self, x: float, y: float) -> float:
        """From a point to the nearest edge of the box (0 inside it)."""
        dx = max(self.x0 - x, 0.0, x - self.x1)
        dy = max(self.y0 - y, 0.0, y - self.y1)
        return math.hypot(dx, dy)

    def crosses(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the segment from ``a`` to ``b`` passes through the box (Liang–Barsky)."""
        (xa, ya), (xb, yb) = a, b
        dx, dy = xb - xa, yb - ya
        lo, hi = 0.0, 1.0
        for p, q in ((-dx, xa - self.x0), (dx, self.x1 - xa), (-dy, ya - self.y0),
                     (dy, self.y1 - ya)):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                lo = max(lo, t)
            else:
                hi = min(hi, t)
            if lo > hi:
                return False
        return True


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    radius: float
    series: int

    @property
    def box(self) -> Box:
        return Box(self.x - self.radius, self.y - self.radius, self.x + self.radius,
                   self.y + self.radius)


@dataclass(frozen=True)
class Wanted:
    """A label to place: its point, its size, its line and which point of the line it is
    (``first``, ``last``, ``only`` or ``inner``)."""

    x: float
    y: float
    width: float
    height: float
    series: int
    end: str
    radius: float


@dataclass(frozen=True)
class Placed:
    dx: float  # the label's centre from its point, px
    dy: float
    box: Box
    leader: bool  # far enough from its point to need a line to it


Segment = tuple[tuple[float, float], tuple[float, float]]


def spread(ys: Sequence[float], size: float, low: float, high: float) -> list[float]:
    """Positions as near to ``ys`` as they can be, in the same order, at least ``size``
    apart and between ``low`` and ``high`` (each run of labels that would touch is centred
    on the mean of its points)."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    clusters: list[list[int]] = []

    def centre(members: list[int]) -> float:
        half = (len(members) - 1) * size / 2
        mean = sum(ys[i] for i in members) / len(members)
        return min(max(mean, low + half), max(high - half, low + half))

    for i in order:
        clusters.append([i])
        while len(clusters) > 1:
            below, above = clusters[-2], clusters[-1]
            top = centre(below) + (len(below) - 1) * size / 2
            bottom = centre(above) - (len(above) - 1) * size / 2
            if bottom - top >= size:
                break
            clusters[-2:] = [below + above]
    out = [0.0] * len(ys)
    for members in clusters:
        start = centre(members) - (len(members) - 1) * size / 2
        for k, i in enumerate(members):
            out[i] = start + k * size
    return out


OUTSIDE = {"first": "left", "last": "right"}  # the side beyond each end of a line


def _end_targets(wanted: Sequence[Wanted], height: float) -> dict[int, float]:
    """For the labels beside the ends of lines: the vertical offsets that spread each
    column of them apart."""
    columns: dict[tuple[str, float], list[int]] = {}
    for i, w in enumerate(wanted):
        if w.end in OUTSIDE:
            columns.setdefault((w.end, round(w.x, 1)), []).append(i)
    targets = {}
    for members in columns.values():
        size = max(wanted[i].height for i in members) + 2 * SPACE
        ys = [wanted[i].y for i in members]
        for i, y in zip(members, spread(ys, size, size / 2, height - size / 2), strict=True):
            targets[i] = y - wanted[i].y
    return targets


def _candidates(w: Wanted, target: float | None) -> list[tuple[float, float, float]]:
    """(cost, dx, dy) of every position tried for ``w``, cheapest first."""
    beside = w.radius + GAP + w.width / 2
    over = w.radius + GAP + w.height / 2
    shifts = [k * STEP for k in range(REACH + 1)]
    out = []
    for side, cost in SIDES[w.end]:
        if side in ("above", "below"):
            sign = 1 if side == "above" else -1
            out += [(cost + s, 0.0, sign * (over + s)) for s in shifts]
        else:
            sign = 1 if side == "right" else -1
            centre = target if side == OUTSIDE.get(w.end) and target is not None else 0.0
            dys = {centre, *(centre + s for s in shifts), *(centre - s for s in shifts)}
            out += [(cost + abs(dy - centre), sign * beside, dy) for dy in dys]
    return sorted(out)


def place(wanted: Sequence[Wanted], markers: Sequence[Marker], segments: Sequence[Segment],
          width: float, height: float) -> list[Placed | None]:
    """A position for each wanted label, or None where there is no room for it."""
    targets = _end_targets(wanted, height)
    order = sorted(range(len(wanted)), key=lambda i: (ORDER[wanted[i].end], -wanted[i].y))
    taken: list[Box] = []
    out: list[Placed | None] = [None] * len(wanted)
    for i in order:
        w = wanted[i]
        reach = NEAR + w.width
        near = [m for m in markers if abs(m.x - w.x) < reach and abs(m.y - w.y) < reach * 2]
        lines = [s for s in segments
                 if min(s[0][0], s[1][0]) < w.x + reach and max(s[0][0], s[1][0]) > w.x - reach]
        best: tuple[float, float, float, Box] | None = None
        for cost, dx, dy in _candidates(w, targets.get(i)):
            if best is not None and cost >= best[0]:
                break  # the rest cost at least this before any penalty
            box = Box.around(w.x + dx, w.y + dy, w.width, w.height)
            if not box.inside(width, height) \
                    or any(box.overlaps(m.box, SPACE) for m in near) \
                    or any(box.overlaps(b, SPACE) for b in taken):
                continue
            own = box.distance(w.x, w.y)
            if any(m.series != w.series and box.distance(m.x, m.y) < own for m in near):
                cost += NEARER_OTHER
            cost += CROSSING * sum(box.crosses(*s) for s in lines)
            if best is None or cost < best[0]:
                best = (cost, dx, dy, box)
        if best is not None:
            _, dx, dy, box = best
            taken.append(box)
            out[i] = Placed(dx, dy, box, box.distance(w.x, w.y) > w.radius + GAP + LEADER)
    return out
