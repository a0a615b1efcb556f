"""Small-area choropleths on plain axes: no tile server, no WebGL, so they draw offline,
in headless browsers and in image exports alike.

``area_map`` is a pure function of shapes and classes: the caller decides each
area's class (a shade), or that it is suppressed (``"c"``: grey, hatched) or has
no figure (``None``: grey), and writes its key and hover text.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from . import theme
from .figures import MAP_NO_DATA, _wrap

SUPPRESSED = "c"
SUPPRESSED_KEY = "c: not shown (fewer than 6,<br>or would reveal one)"
NO_DATA_KEY = "No figure"
PURPLES = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]  # ColorBrewer Purples
EDGE = "#6e6e6e"
WARD_EDGE = "#111111"
HATCH = {"shape": "/", "fgcolor": "#6e6e6e", "bgcolor": MAP_NO_DATA, "size": 6,
         "solidity": 0.2}
LEGEND = {"orientation": "v", "x": 1, "xanchor": "right", "y": 1, "yanchor": "top",
          "bgcolor": "rgba(255,255,255,0.9)", "font": {"size": 12, "color": theme.INK},
          "itemclick": False, "itemdoubleclick": False}
DECIMALS = 4  # about 10 m: finer than a pixel on any map of one authority


def _scale(shapes: pd.DataFrame) -> float:
    """Degrees of latitude per degree of longitude at the map's middle."""
    lats = [v for rings in shapes["rings"] for _, lat in rings for v in lat]
    return math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0


def _path(rings, k: float) -> tuple[list, list]:
    x: list = []
    y: list = []
    for lon, lat in rings:
        x += [round(v * k, DECIMALS) for v in lon] + [None]
        y += [round(v, DECIMALS) for v in lat] + [None]
    return x[:-1], y[:-1]


def area_map(shapes: pd.DataFrame, classes: dict, colours: list[str], key: list[str],
             hover: dict, key_title: str, outlines: pd.DataFrame | None = None,
             note: str | None = None, height: int = 640) -> go.Figure:
    """A choropleth of ``shapes`` (``area_code``, ``rings``).

    ``classes`` maps an area code to the index of its colour in ``colours`` (and its
    label in ``key``), to ``"c"`` when suppressed, or to None for no figure.
    ``hover`` gives each area's text. ``outlines`` (rows with ``rings``) are drawn
    on top as thick lines (wards over LSOAs). ``note`` is written on the map.
    """
    k = _scale(shapes)
    fig = go.Figure()
    used = set()
    for code, rings in zip(shapes["area_code"], shapes["rings"], strict=True):
        c = classes.get(code)
        used.add(c if c in (SUPPRESSED, None) else "class")
        x, y = _path(rings, k)
        fill = colours[c] if isinstance(c, int) else MAP_NO_DATA
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", fill="toself", fillcolor=fill,
            fillpattern=HATCH if c == SUPPRESSED else None,
            line={"color": EDGE, "width": 0.5}, hoveron="fills", hoverinfo="text",
            text=hover.get(code, code), name=str(code), showlegend=False))
    if outlines is not None and len(outlines):
        xs: list = []
        ys: list = []
        for rings in outlines["rings"]:
            x, y = _path(rings, k)
            xs += [*x, None]
            ys += [*y, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", name="Wards",
                                 line={"color": WARD_EDGE, "width": 1.6}, showlegend=False))
    fig.update_layout(template=theme.TEMPLATE, height=height, showlegend=True,
                      hovermode="closest", plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 10, "b": 10})
    _key(fig, shapes, k, colours, key, used, key_title, note)
    return fig


def _key(fig: go.Figure, shapes: pd.DataFrame, k: float, colours: list[str], key: list[str],
         used: set, title: str, note: str | None) -> None:
    """The legend (a swatch per class, highest first, then c and no figure) in the
    plot's top right, with the map kept to the left of it."""
    entries = [(label, colours[i], None) for i, label in reversed(list(enumerate(key)))]
    if SUPPRESSED in used:
        entries.append((SUPPRESSED_KEY, MAP_NO_DATA, HATCH))
    if None in used:
        entries.append((NO_DATA_KEY, MAP_NO_DATA, None))
    for label, colour, pattern in entries:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", fill="toself",
                                 fillcolor=colour, fillpattern=pattern, name=label,
                                 line={"color": EDGE, "width": 1}, hoverinfo="skip",
                                 showlegend=True))
    xs = [v * k for rings in shapes["rings"] for lon, _ in rings for v in lon] or [0, 1]
    ys = [v for rings in shapes["rings"] for _, lat in rings for v in lat] or [0, 1]
    x_lo, x_hi, y_lo, y_hi = min(xs), max(xs), min(ys), max(ys)
    width = max(x_hi - x_lo, 1e-9)
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False,
                     range=[x_lo - 0.02 * width, x_hi + 0.75 * width])
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, scaleanchor="x",
                     scaleratio=1, range=[y_lo - 0.02 * (y_hi - y_lo),
                                          y_hi + 0.02 * (y_hi - y_lo)])
    fig.update_layout(legend={**LEGEND, "title": {"text": title}})
    if note:
        fig.add_annotation(text=_wrap(note, 70), xref="paper", yref="paper", x=0, y=0,
                           xanchor="left", yanchor="bottom", showarrow=False, align="left",
                           bgcolor="rgba(255,255,255,0.9)",
                           font={"size": 13, "color": theme.INK})
