"""Data labels on line charts that never sit on each other or on another line's marker.

A line is labelled at its ends: its first and last points (every point when it has only
a few), and any point whose period and value the chart's title mentions. The labels are
annotations in the line's colour (darkened to WCAG AA contrast where needed), placed by
``placement.place`` in the pixels of the plot they are drawn in: the export's exact size,
or an estimate of the page's. The axis ranges are set here too, so that the pixels are
known and every label has room inside the plot.

``label_lines`` can be called again on the same figure (after a band is added, or for an
export at another size): it replaces the labels it drew before.
"""

from __future__ import annotations

import itertools
import logging
import math
import re

import plotly.graph_objects as go

from dashboard.figures import theme
from dashboard.figures.placement import GAP, Marker, Placed, Wanted, place, text_width

log = logging.getLogger(__name__)

LABELLED = "data-labels"  # the ``meta`` of a trace whose points carry data labels
NAME = "data label"  # annotations named ``data label: <trace>`` are this module's
FONT_SIZE = 14
BOX_PAD = 1  # the annotation's borderpad, px
FEW_POINTS = 4  # a line with this many points or fewer is labelled at every point
PAGE_WIDTH = 760  # px: the page's graph is as wide as its card; this is a narrow one
BACKGROUND = "rgba(255,255,255,0.85)"  # behind a label, so that a line under it fades


def mark(trace: go.Scatter) -> go.Scatter:
    """Say that ``trace``'s points are to be labelled with its ``text``."""
    trace.meta = LABELLED
    return trace


def _labelled(trace) -> bool:
    return trace.type == "scatter" and trace.meta == LABELLED and trace.text is not None


def _number(value) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def mentioned(text: str, period: str, label: str) -> bool:
    """Whether ``text`` (a title) names both this period and this label's figure."""
    if not text or not label or str(period) not in text:
        return False
    return re.search(rf"(?<![\d.,£-]){re.escape(label)}(?![\d,]|\.\d)", text) is not None


def chosen(n: int, periods: list, texts: list, mention: str = "") -> dict[int, str]:
    """The points of a line of ``n`` points that get a label, each with its kind."""
    if n == 1:
        return {0: "only"}
    picks = range(n) if n <= FEW_POINTS else [
        i for i in range(n) if i in (0, n - 1) or mentioned(mention, periods[i], texts[i])]
    return {i: "first" if i == 0 else "last" if i == n - 1 else "inner" for i in picks}


def _radius(trace) -> float:
    """Half the widest extent of the trace's markers, px (Plotly's symbols at ``size``)."""
    size = trace.marker.size if isinstance(trace.marker.size, int | float) else 10
    return 0.65 * size


def _plot_size(fig: go.Figure) -> tuple[float, float]:
    """The plot area of a page figure: its height less the template's margins and the
    legend above it, and a narrow card's width."""
    margin = theme.TEMPLATE.layout.margin
    height = fig.layout.height or 380
    width = fig.layout.width or PAGE_WIDTH
    legend = 30 if fig.layout.showlegend is not False else 0
    return (width - (margin.l or 0) - (margin.r or 0),
            max(height - (margin.t or 0) - (margin.b or 0) - legend, 120))


def _categories(fig: go.Figure) -> list:
    if fig.layout.xaxis.categoryarray is not None:
        return list(fig.layout.xaxis.categoryarray)
    seen: dict = {}
    for trace in fig.data:
        seen.update(dict.fromkeys(trace.x if trace.x is not None else []))
    return list(seen)


def _x_range(n: int, width: float, first: float, last: float, radius: float) -> list[float]:
    """Category positions with room left of the first for a label beside it, and right of
    the last."""
    if n <= 1:
        return [-1.0, 1.0]
    left = radius + GAP + first + 8
    right = radius + GAP + last + 8
    per = (width - left - right) / (n - 1)
    if per < 20:  # too narrow for the room: Plotly's usual small margins
        return [-0.3, n - 0.7]
    return [-left / per, n - 1 + right / per]


def _y_range(values: list[float], height: float, room: float) -> list[float]:
    """From zero (or the lowest value below it) to the highest, with a label's room above
    the top (and below the bottom, when values go below zero)."""
    lo, hi = min(0.0, *values), max(0.0, *values)
    if hi == lo:
        hi = lo + 1
    below = room if lo < 0 else 0.0
    per = (hi - lo) / max(height - room - below, height / 2)
    return [lo - below * per, hi + room * per]


def _wanted(lines: list, index: dict, mention: str) -> list[tuple]:
    """(category index, value, text, kind of point, trace index, marker radius, trace) of
    each label to draw."""
    out = []
    for k, trace in lines:
        points = [(x, _number(y), str(s)) for x, y, s in zip(trace.x, trace.y, trace.text,
                                                             strict=True)
                  if x in index and _number(y) is not None]
        radius = _radius(trace)
        picks = chosen(len(points), [p[0] for p in points], [p[2] for p in points], mention)
        out += [(index[points[i][0]], points[i][1], points[i][2], end, k, radius, trace)
                for i, end in picks.items() if points[i][2]]
    return out


def _obstacles(fig: go.Figure, index: dict, px) -> tuple[list[Marker], list]:
    """Every marker, and every segment of every line, in the plot's pixels."""
    markers, segments = [], []
    for k, trace in enumerate(fig.data):
        if trace.type != "scatter" or trace.fill == "toself" or trace.x is None:
            continue
        drawn = [px(index[x], _number(y)) for x, y in zip(trace.x, trace.y, strict=True)
                 if x in index and _number(y) is not None]
        mode = trace.mode or ""
        if "markers" in mode:
            r = _radius(trace)
            markers += [Marker(x, y, r, k) for x, y in drawn]
        if "lines" in mode:
            segments += list(itertools.pairwise(drawn))
    return markers, segments


def _annotation(name: str, x, y: float, text: str, colour: str, radius: float,
                spot: Placed) -> dict:
    label = {"name": f"{NAME}: {name}", "x": x, "y": y, "xref": "x", "yref": "y",
             "text": text, "xanchor": "center", "yanchor": "middle",
             "font": {"size": FONT_SIZE, "color": colour}, "bgcolor": BACKGROUND,
             "borderpad": BOX_PAD}
    if spot.leader:
        label.update(showarrow=True, ax=spot.dx, ay=-spot.dy, axref="pixel", ayref="pixel",
                     arrowhead=0, arrowwidth=1, arrowcolor=colour, standoff=radius)
    else:
        label.update(showarrow=False, xshift=spot.dx, yshift=spot.dy)
    return label


def label_lines(fig: go.Figure, width: float | None = None, height: float | None = None,
                mention: str = "") -> go.Figure:
    """Draw (or draw again) the data labels of ``fig``'s labelled lines, for a plot area of
    ``width`` × ``height`` px (the page's, estimated, when not given); ``mention`` is the
    chart's title, whose named points are labelled too. Sets the axis ranges."""
    lines = [(k, t) for k, t in enumerate(fig.data) if _labelled(t)]
    if not lines:
        return fig
    if width is None or height is None:
        width, height = _plot_size(fig)
    categories = _categories(fig)
    index = {c: i for i, c in enumerate(categories)}
    box_height = 1.2 * FONT_SIZE + 2 * BOX_PAD + 2
    wanted = _wanted(lines, index, mention)
    values = [v for t in fig.data if t.type == "scatter" and t.y is not None
              for v in map(_number, t.y) if v is not None]
    radius = max((w[5] for w in wanted), default=6.5)
    widths = {end: max((text_width(w[2], FONT_SIZE) + 2 * BOX_PAD + 2 for w in wanted
                        if w[3] in ends), default=0.0)
              for end, ends in (("first", ("first", "only")), ("last", ("last", "only")))}
    x_range = _x_range(len(categories), width, widths["first"], widths["last"], radius)
    y_range = _y_range(values or [0.0], height, box_height + radius + GAP + 2)
    # Nothing has changed since these labels were placed (the title named no other point).
    key = (width, height, *x_range, *y_range, tuple(w[:5] for w in wanted),
           tuple(len(t.y) if t.y is not None else 0 for t in fig.data))
    if getattr(fig, "_labels_key", None) == (key, len(fig.layout.annotations)):
        return fig
    fig.update_xaxes(range=x_range, autorange=False)
    fig.update_yaxes(range=y_range, autorange=False)

    def px(i: float, v: float) -> tuple[float, float]:
        return ((i - x_range[0]) / (x_range[1] - x_range[0]) * width,
                (v - y_range[0]) / (y_range[1] - y_range[0]) * height)

    markers, segments = _obstacles(fig, index, px)
    asks = [Wanted(*px(i, y), text_width(text, FONT_SIZE) + 2 * BOX_PAD + 2, box_height, k,
                   end, r) for i, y, text, end, k, r, _ in wanted]
    spots = place(asks, markers, segments, width, height)
    for (_, _, text, _, _, _, trace), spot in zip(wanted, spots, strict=True):
        if spot is None:
            log.debug("no room for the label %r of %s", text, trace.name)
    kept = [a for a in fig.layout.annotations if not str(a.name or "").startswith(NAME)]
    fig.layout.annotations = [*kept, *(
        _annotation(trace.name, categories[i], y, text,
                    theme.readable(trace.line.color or theme.INK), r, spot)
        for (i, y, text, _, _, r, trace), spot in zip(wanted, spots, strict=True)
        if spot is not None)]
    fig._labels_key = (key, len(fig.layout.annotations))
    return fig
