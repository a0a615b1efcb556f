"""A tile's sparkline as a small SVG image, drawn from its figure (``lines.sparkline``):
the same line and marked last point, with nothing for the browser to lay out or script
(the overview has a dozen; as plotly charts each cost a chart's drawing)."""

from __future__ import annotations

import base64
import logging
from html import escape

import plotly.graph_objects as go

log = logging.getLogger(__name__)

WIDTH, PAD = 240, 5  # the image's own units: it is scaled to the tile's width


def svg(figure: go.Figure) -> str:
    """The figure's first trace as SVG: its points spread evenly across (a category axis,
    as the figure's), its values from bottom to top, a circle for each marker."""
    trace = figure.data[0]
    height = int(figure.layout.height or 60)
    ys = [float(v) for v in trace.y]
    low, high = (min(ys), max(ys)) if ys else (0.0, 1.0)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(ys) - 1, 1)
    points = [(PAD + i * step, height - PAD - (y - low) / span * (height - 2 * PAD))
              for i, y in enumerate(ys)]
    sizes = trace.marker.size
    sizes = list(sizes) if isinstance(sizes, list | tuple) else [sizes or 6] * len(ys)
    colour = escape(str(trace.line.color))
    width = trace.line.width or 2
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s / 2:g}"/>'
                   for (x, y), s in zip(points, sizes, strict=True))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'preserveAspectRatio="xMinYMid meet"><polyline points="{line}" fill="none" '
            f'stroke="{colour}" stroke-width="{width:g}" stroke-linejoin="round"/>'
            f'<g fill="{colour}">{dots}</g></svg>')


def data_uri(figure: go.Figure) -> str:
    """``svg`` as a ``data:`` address for an ``<img>`` (the app's CSP allows ``data:``
    images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(figure).encode()).decode()
