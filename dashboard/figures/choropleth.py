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

from dashboard.figures import theme
from dashboard.figures.authority_map import MAP_NO_DATA
from dashboard.figures.layout import _wrap

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
    """A choropleth of ``shapes`` (``area_code``, ``rings``, ``points``).

    ``classes`` maps an area code to the index of its colour in ``colours`` (and its
    label in ``key``), to ``"c"`` when suppressed, or to None for no figure. Each
    shade is one filled trace, whose legend entry is the key (highest first, then c
    and no figure); its ``meta`` lists its areas. ``hover`` gives each area's text,
    shown from invisible points spread over the area (``points``: lons, lats), so
    that hovering anywhere names the area under the pointer. ``outlines`` (rows
    with ``rings``) are drawn on top as thick lines (wards over LSOAs). ``note`` is
    written on the map.
    """
    k = _scale(shapes)
    fig = go.Figure()
    groups: dict = {}
    for code, rings in zip(shapes["area_code"], shapes["rings"], strict=True):
        groups.setdefault(classes.get(code), []).append((code, rings))
    order = [(i, key[i], colours[i], None) for i in reversed(range(len(key)))]
    order += [(SUPPRESSED, SUPPRESSED_KEY, MAP_NO_DATA, HATCH), (None, NO_DATA_KEY,
                                                                  MAP_NO_DATA, None)]
    for c, label, colour, pattern in order:
        members = groups.get(c, [])
        if not members and c in (SUPPRESSED, None):
            continue
        xs: list = []
        ys: list = []
        for _, rings in members:
            x, y = _path(rings, k)
            xs += [*x, None]
            ys += [*y, None]
        fig.add_trace(go.Scatter(
            x=xs[:-1] or [None], y=ys[:-1] or [None], mode="lines", fill="toself",
            fillcolor=colour, fillpattern=pattern, line={"color": EDGE, "width": 0.5},
            hoverinfo="skip", name=label, meta={"areas": [m[0] for m in members]},
            showlegend=True))
    if outlines is not None and len(outlines):
        xs, ys = [], []
        for rings in outlines["rings"]:
            x, y = _path(rings, k)
            xs += [*x, None]
            ys += [*y, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", name="Wards",
                                 line={"color": WARD_EDGE, "width": 1.6}, showlegend=False))
    px, py, text, codes = [], [], [], []
    for code, (lons, lats) in zip(shapes["area_code"], shapes["points"], strict=True):
        px += [round(v * k, DECIMALS) for v in lons]
        py += [round(v, DECIMALS) for v in lats]
        text += [hover.get(code, code)] * len(lons)
        codes += [code] * len(lons)
    fig.add_trace(go.Scatter(x=px, y=py, mode="markers", text=text, customdata=codes,
                             hoverinfo="text", name="Areas", showlegend=False,
                             marker={"size": 10, "opacity": 0}))
    fig.update_layout(template=theme.TEMPLATE, height=height, showlegend=True,
                      hovermode="closest", hoverdistance=60, plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 10, "b": 10})
    _key(fig, shapes, k, key_title, note)
    return fig


def _key(fig: go.Figure, shapes: pd.DataFrame, k: float, title: str, note: str | None
         ) -> None:
    """Axes that keep the map's shape with room for the key (the legend) on its right."""
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
