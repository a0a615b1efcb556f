"""Maps of authorities: quantile classes and filled polygons on plain axes (no tiles, no
WebGL), counties drawn as the union of their districts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import theme
from dashboard.figures.layout import _wrap
from dashboard.words import format as fmt

MAP_BLUES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]  # ColorBrewer Blues
MAP_NO_DATA = "#e0e0e0"
MAP_OUTLINE = "#000000"
MAP_HIGHLIGHT = "#D55E00"  # Okabe–Ito vermilion: stands out on every blue


def class_breaks(values, classes: int = 5) -> list[float]:
    """Edges of at most ``classes`` quantile classes of ``values`` (NaN ignored).

    Repeated quantiles are merged, so few distinct values give fewer classes. A
    value belongs to the class whose upper edge it does not exceed.
    """
    present = pd.Series(values, dtype="float64").dropna()
    if present.empty:
        return []
    edges = present.quantile([i / classes for i in range(classes + 1)]).tolist()
    edges = list(dict.fromkeys(edges))
    return edges if len(edges) > 1 else edges * 2


def class_of(value: float, edges: list[float]) -> int | None:
    """The class (0 = lowest) of ``value`` between ``edges``; None when missing."""
    if fmt.is_missing(value) or not edges:
        return None
    for i, upper in enumerate(edges[1:-1]):
        if value <= upper:
            return i
    return len(edges) - 2


MAP_DARK = {"#3182bd", "#08519c"}  # shades that need white text


def _palette(n: int) -> list[str]:
    """``n`` (at most 5) shades of the blue sequence, spread from light to dark."""
    if n <= 1:
        return [MAP_BLUES[2]] * n
    step = (len(MAP_BLUES) - 1) / (n - 1)
    return [MAP_BLUES[round(i * step)] for i in range(n)]


def _dissolve(lons, lats) -> list[list[tuple[float, float]]]:
    """The rings of an area drawn from several (a county from its districts) merged
    into its outer boundary: edges two of its rings share, in opposite directions, go
    (as do spikes, where a ring runs along an edge and straight back).

    Exteriors run anticlockwise and holes clockwise, as the ETL writes them, so what
    is left is closed loops with the same convention (a district enclosed by another
    of the same county fills the hole).
    """
    from collections import defaultdict
    from itertools import pairwise

    rings = [list(zip(lon, lat, strict=True)) for lon, lat in zip(lons, lats, strict=True)]
    count: dict[tuple, int] = defaultdict(int)
    for ring in rings:
        for a, b in pairwise(ring):
            if a != b:
                count[(a, b)] += 1
    nexts: dict[tuple, list] = defaultdict(list)
    for (a, b), n in count.items():
        for _ in range(n - min(n, count.get((b, a), 0))):
            nexts[a].append(b)
    out = []
    while nexts:
        start = next(iter(nexts))
        loop, point = [start], start
        while True:
            following = nexts[point]
            b = following.pop()
            if not following:
                del nexts[point]
            loop.append(b)
            point = b
            if point == start or point not in nexts:
                break
        if len(loop) >= 4 and not _sliver(loop):
            out.append(loop)
    return out


def _sliver(loop: list[tuple[float, float]], width: float = 0.003) -> bool:
    """A hole (clockwise) narrower on average than ``width`` degrees (about 300 m): a
    gap the generalised boundaries leave between two districts of one county, not a
    place. Drawn, it would show as a stray line across the county."""
    from itertools import pairwise

    area = sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(loop)) / 2
    if area >= 0:
        return False
    perimeter = sum(((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 for a, b in pairwise(loop))
    return 2 * -area / max(perimeter, 1e-12) < width


def _path(rings: list[list[tuple[float, float]]], k: float, decimals: int
          ) -> tuple[list, list]:
    """Rings as one path for ``fill="toself"``, separated by gaps; x scaled by cos(lat)."""
    x: list = []
    y: list = []
    for ring in rings:
        x += [round(p[0] * k, decimals) for p in ring] + [None]
        y += [round(p[1], decimals) for p in ring] + [None]
    return x[:-1], y[:-1]


def _centre(lons: list, lats: list, holes: list) -> tuple[float, float]:
    """A label point: the area-weighted centroid of the exterior rings."""
    total = cx = cy = 0.0
    for lon, lat, hole in zip(lons, lats, holes, strict=True):
        if hole or len(lon) < 4:
            continue
        x, y = pd.Series(lon).to_numpy(), pd.Series(lat).to_numpy()
        cross = x[:-1] * y[1:] - x[1:] * y[:-1]
        area = cross.sum() / 2
        if area == 0:
            continue
        total += area
        cx += ((x[:-1] + x[1:]) * cross).sum() / 6
        cy += ((y[:-1] + y[1:]) * cross).sum() / 6
    if total == 0:
        return float(pd.Series(lons[0]).mean()), float(pd.Series(lats[0]).mean())
    return cx / total, cy / total


def _callouts(boxes: dict, order: list, x_lo: float, x_hi: float, y_lo: float,
              y_hi: float, gap: float) -> dict:
    """Places beside the map for labels that do not fit inside their area: the western
    half of these areas in a column on the left, the eastern half on the right, each
    column in the areas' north-to-south order and at least ``gap`` apart."""
    by_x = sorted(order, key=lambda c: boxes[c][0])
    half = (len(by_x) + 1) // 2
    out = {}
    for side, codes in (("left", by_x[:half]), ("right", by_x[half:])):
        codes = sorted(codes, key=lambda c: -boxes[c][1])
        ys: list[float] = []
        for c in codes:
            want = boxes[c][1]
            ys.append(min(want, ys[-1] - gap) if ys else min(want, y_hi))
        if ys and ys[-1] < y_lo:  # ran off the bottom: move the column up
            shift = y_lo - ys[-1]
            ys = [y + shift for y in ys]
        x = x_lo if side == "left" else x_hi
        out.update({c: (x, y, side) for c, y in zip(codes, ys, strict=True)})
    return out


def polygon_map(shapes: pd.DataFrame, values: pd.DataFrame, highlight: str | None = None,
                unit: str | None = None, classes: int = 5, labels: bool = False,
                legend_title: str | None = None, note: str | None = None,
                height: int = 620, decimals: int = 4) -> go.Figure:
    """A choropleth of filled polygons on plain axes: no tiles, no WebGL, so it draws
    offline and in image exports.

    ``shapes`` has one row per ring: ``area_code`` (the area it belongs to),
    ``lon`` and ``lat`` (lists), and optionally ``hole``. Counties are drawn as
    the union of their districts by giving the districts' rings the county's code.
    ``values`` has ``area_code``, ``area_name`` and ``value`` (and ``unit``).
    Areas fall into at most ``classes`` quantile classes, each a shade of blue with
    its range in the key (drawn right of the map, inside the plot, so an export's
    legend placement cannot move it); areas with no value are grey and hatched. Each
    area is one trace (so hovering anywhere on it names it and gives its value),
    outlined in black around its outer edge only (a county's districts are merged);
    the ``highlight`` area is outlined thickly in vermilion and labelled. With
    ``labels``, every area is labelled with its name and value, inside it where the
    label fits and otherwise beside the map with a leader line.
    ``note`` is written on the map (bottom left). Longitude is scaled by the cosine
    of the mean latitude and the axes kept at equal scale, so shapes are not
    stretched. Coordinates are rounded to ``decimals``.
    """
    import math

    unit = unit or (values["unit"].iloc[0] if "unit" in values and len(values) else "count")
    lat0 = pd.Series([v for lat in shapes["lat"] for v in lat]).mean() if len(shapes) else 52.5
    k = math.cos(math.radians(lat0))  # a degree of longitude is this many of latitude
    names = {c: str(n) for c, n in zip(values["area_code"], values["area_name"], strict=False)}
    value_of = dict(zip(values["area_code"], values["value"], strict=False))
    edges = class_breaks(values["value"], classes)
    n = max(len(edges) - 1, 0)
    colours = _palette(n)
    ranges = [f"{fmt.short(edges[i], unit)} to {fmt.short(edges[i + 1], unit)}"
              for i in range(n)]
    holes = shapes["hole"] if "hole" in shapes else pd.Series(False, index=shapes.index)
    areas = []
    for code, rows in shapes.assign(_hole=holes).groupby("area_code", sort=False):
        c = class_of(value_of.get(code), edges)
        areas.append((n if c is None else c, names.get(code, str(code)), code, rows))
    areas.sort(key=lambda a: (a[0], a[1]))
    annotations: list[dict] = []  # added in one go: one by one is quadratic
    fig = go.Figure()
    centres, fills, outlines, boxes = {}, {}, {}, {}
    for rank, name, code, rows in areas:
        v = value_of.get(code)
        missing = rank == n
        outlines[code] = _dissolve(rows["lon"], rows["lat"])
        x, y = _path(outlines[code], k, decimals)
        fills[code] = MAP_NO_DATA if missing else colours[rank]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", fill="toself", fillcolor=fills[code],
            line={"color": MAP_OUTLINE, "width": 0.6}, name=name,
            fillpattern={"shape": "/", "fgcolor": "#6e6e6e", "bgcolor": MAP_NO_DATA,
                         "size": 6, "solidity": 0.15} if missing else None,
            hoveron="fills", hoverinfo="text",
            text=f"{name}: {'no figure published' if missing else fmt.value(v, unit)}",
        ))
        cx, cy = _centre(list(rows["lon"]), list(rows["lat"]), list(rows["_hole"]))
        centres[code] = (cx * k, cy)
        xs = [v for v in x if v is not None]
        ys = [v for v in y if v is not None]
        boxes[code] = (cx * k, cy, max(xs) - min(xs), max(ys) - min(ys))
    every = [v for code in outlines for ring in outlines[code] for v in ring]
    x_lo = min((p[0] for p in every), default=0) * k
    x_hi = max((p[0] for p in every), default=1) * k
    y_lo = min((p[1] for p in every), default=0)
    y_hi = max((p[1] for p in every), default=1)
    span = max(y_hi - y_lo, 1e-9)
    px = span / 330  # data units per pixel when the map is small (an A4 export)
    if highlight in outlines:
        hx, hy = _path(outlines[highlight], k, decimals)
        fig.add_trace(go.Scatter(x=hx, y=hy, mode="lines", hoverinfo="skip",
                                 line={"color": MAP_HIGHLIGHT, "width": 3.5},
                                 name=f"{names.get(highlight, highlight)} (outlined)"))
    label_codes = list(outlines) if labels else [c for c in outlines if c == highlight]
    outside = []
    texts = {}
    for code in label_codes:
        v = value_of.get(code)
        words = [names.get(code, str(code)), fmt.short(v, unit) or "no figure"]
        texts[code] = words
        _, _, w, h = boxes[code]
        if code == highlight or 6.0 * max(len(w) for w in words) * px > 0.8 * w \
                or 28 * px > 0.8 * h:
            outside.append(code)
    pad = 12 * px
    places = _callouts(boxes, outside, x_lo - pad, x_hi + pad, y_lo, y_hi, 34 * px)
    for code in label_codes:
        name, shown = texts[code]
        strong = code == highlight
        text = f"<b>{name}</b><br>{shown}" if strong else f"{name}<br>{shown}"
        cx, cy = centres[code]
        if code in places:
            lx, ly, side = places[code]
            annotations.append(dict(x=cx, y=cy, ax=lx, ay=ly, axref="x", ayref="y", text=text,
                               showarrow=True, arrowhead=0, arrowwidth=1,
                               arrowcolor=theme.INK, xanchor="right" if side == "left"
                               else "left", align="right" if side == "left" else "left",
                               bgcolor="white", borderpad=2,
                               bordercolor=MAP_HIGHLIGHT if strong else "rgba(0,0,0,0)",
                               borderwidth=2 if strong else 0,
                               font={"size": 12 if strong else 10, "color": theme.INK}))
        else:
            annotations.append(dict(x=cx, y=cy, showarrow=False, text=text, font={
                "size": 10, "color": "white" if fills[code] in MAP_DARK else theme.INK}))
    sides = {side for _, _, side in places.values()}
    left = x_lo - pad - (120 * px if "left" in sides else 0)
    right = x_hi + pad + (120 * px if "right" in sides else 0)
    # The key sits right of the map, in the plot itself, so that it keeps its place
    # whatever size the figure is drawn at (a page, or an export with its own legend).
    key = [(f"{names.get(highlight, highlight)} (outlined)", "square-open", MAP_HIGHLIGHT,
            MAP_HIGHLIGHT, 3)] if highlight in outlines else []
    key += [(ranges[i], "square", colours[i], MAP_OUTLINE, 1) for i in reversed(range(n))]
    if any(a[0] == n for a in areas):
        key.append(("No figure published", "square", MAP_NO_DATA, MAP_OUTLINE, 1))
    key_x = right + 16 * px
    key_y = [y_hi - 20 * px * (i + 1) for i in range(len(key))]
    key_title = legend_title or fmt.unit_label(unit)
    annotations.append(dict(x=key_x - 8 * px, y=y_hi, text=f"<b>{key_title}</b>",
                            showarrow=False, xanchor="left", yanchor="middle",
                       font={"size": 12, "color": theme.INK}))
    xs, ys = [key_x] * len(key), list(key_y)
    symbols = [e[1] for e in key]
    colours_ = [e[2] for e in key]
    lines = [e[3] for e in key]
    widths = [e[4] for e in key]
    if key and key[-1][0] == "No figure published":  # hatch its swatch
        xs.append(key_x)
        ys.append(key_y[-1])
        symbols.append("line-ne")
        colours_.append("#6e6e6e")
        lines.append("#6e6e6e")
        widths.append(1.5)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", hoverinfo="skip", name="Key",
                             marker={"symbol": symbols, "size": 14, "color": colours_,
                                     "line": {"color": lines, "width": widths}}))
    for (text, *_), y in zip(key, key_y, strict=True):
        annotations.append(dict(x=key_x + 12 * px, y=y, text=text, showarrow=False,
                           xanchor="left", font={"size": 12, "color": theme.INK}))
    if note:
        annotations.append(dict(text=_wrap(note, 60), xref="paper", yref="paper", x=0, y=0,
                           xanchor="left", yanchor="bottom", showarrow=False, align="left",
                           bgcolor="rgba(255,255,255,0.85)", font={"size": 11,
                                                                    "color": theme.INK}))
    widest = max([len(e[0]) for e in key] + [len(legend_title or fmt.unit_label(unit))])
    fig.update_layout(template=theme.TEMPLATE, height=height, showlegend=False,
                      hovermode="closest", plot_bgcolor="white",
                      margin={"l": 10, "r": 10, "t": 10, "b": 10})
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False,
                     range=[left, key_x + (14 + 7 * widest) * px])
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, rangemode="normal",
                     range=[y_lo - 0.02 * span, y_hi + 0.04 * span], scaleanchor="x",
                     scaleratio=1)
    fig.update_layout(annotations=[*fig.layout.annotations, *annotations])
    return fig
