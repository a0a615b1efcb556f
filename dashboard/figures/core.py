"""Figures as plain functions of a tidy frame: no data access, no Dash, testable alone.

Every series carries a colour, a marker or bar pattern and a data label, so no
figure relies on colour alone.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import theme
from dashboard.words import format as fmt

EXPORT_WIDTH, EXPORT_HEIGHT = 1000, 620  # px at scale 1; PNG is rendered at scale 2


def _ordered_periods(frame: pd.DataFrame) -> list[str]:
    return (frame.sort_values("period_start")["period"].drop_duplicates().tolist()
            if not frame.empty else [])


def _value_axis(unit: str) -> dict:
    """Axis settings for the axis that carries values in ``unit``."""
    axis: dict = {"title": fmt.unit_label(unit) if unit != "count" else None}
    if unit in fmt.PERCENT_UNITS and unit != "percent_change":
        axis["ticksuffix"] = "%"
    if unit == "gbp":
        axis["tickprefix"] = "£"
    return axis


def _base(unit: str, height: int = 380, horizontal: bool = False) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=theme.TEMPLATE, height=height)
    if horizontal:
        fig.update_xaxes(**_value_axis(unit))
    else:
        fig.update_yaxes(**_value_axis(unit))
    return fig


def trend(frame: pd.DataFrame, series: str = "area_name", unit: str | None = None,
          height: int = 380) -> go.Figure:
    """Lines with markers and labels over time, one line per value of ``series``."""
    unit = unit or (frame["unit"].iloc[0] if not frame.empty else "count")
    fig = _base(unit, height)
    periods = _ordered_periods(frame)
    n_series = frame[series].nunique() if not frame.empty else 0
    crowded = len(periods) * n_series > 24  # then label only each line's last point
    for i, (name, rows) in enumerate(frame.groupby(series, sort=False)):
        rows = rows.dropna(subset=["value"]).sort_values("period_start")
        s = theme.series_style(i, rows)
        labels = [fmt.short(v, unit) for v in rows["value"]]
        if crowded:
            labels = [""] * (len(labels) - 1) + labels[-1:]
        fig.add_trace(go.Scatter(
            x=rows["period"], y=rows["value"], name=str(name), mode="lines+markers+text",
            line={"color": s["color"], "dash": s["dash"], "width": 3},
            marker={"symbol": s["symbol"], "size": 10, "color": s["color"]},
            text=labels, textposition="middle right" if crowded else "top center",
            textfont={"color": theme.INK},
            hovertemplate="%{x}: %{customdata}<extra>" + str(name) + "</extra>",
            customdata=[fmt.value(v, unit) for v in rows["value"]],
        ))
    fig.update_xaxes(categoryorder="array", categoryarray=periods, type="category")
    fig.update_layout(showlegend=frame[series].nunique() > 1 if not frame.empty else False)
    return fig


def add_band(fig: go.Figure, rows: pd.DataFrame, lower: str, upper: str, name: str,
             color: str) -> go.Figure:
    """Shade a confidence interval under the lines (drawn first, so lines stay on top)."""
    rows = rows.dropna(subset=[lower, upper]).sort_values("period_start")
    if rows.empty:
        return fig
    x = list(rows["period"]) + list(rows["period"])[::-1]
    y = list(rows[upper]) + list(rows[lower])[::-1]
    band = go.Scatter(x=x, y=y, fill="toself", fillcolor=_tint(color, 0.18),
                      line={"width": 0}, name=name, hoverinfo="skip", showlegend=True)
    fig.add_trace(band)
    fig.data = (fig.data[-1], *fig.data[:-1])
    return fig


def _tint(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def ranked_bars(frame: pd.DataFrame, highlight: str, reference: float | None = None,
                reference_name: str = "England", height: int = 420) -> go.Figure:
    """Every area's value in order, the highlighted one marked by colour, pattern and label."""
    rows = frame.dropna(subset=["value"]).sort_values("value", ascending=False)
    unit = rows["unit"].iloc[0] if not rows.empty else "count"
    fig = _base(unit, height)
    mine = rows["area_code"] == highlight
    fig.add_trace(go.Bar(
        x=rows["area_name"], y=rows["value"], name="Other authorities",
        marker={"color": [theme.SERIES[0] if m else "#b3b3b3" for m in mine],
                "pattern": {"shape": ["/" if m else "" for m in mine], "fillmode": "overlay",
                            "fgcolor": "white"}},
        customdata=[fmt.value(v, unit) for v in rows["value"]],
        hovertemplate="%{x}: %{customdata}<extra></extra>",
    ))
    if mine.any():
        row = rows[mine].iloc[0]
        fig.add_annotation(x=row["area_name"], y=row["value"], text=f"<b>{row['area_name']}"
                           f"</b><br>{fmt.short(row['value'], unit)}", showarrow=True,
                           arrowhead=2, ax=0, ay=-45, font={"color": theme.INK},
                           bgcolor="white")
    if reference is not None:
        fig.add_hline(y=reference, line={"color": theme.INK, "dash": "dash", "width": 2},
                      annotation_text=f"{reference_name} {fmt.short(reference, unit)}",
                      annotation_position="top right")
    many = len(rows) > 25
    fig.update_xaxes(type="category", showticklabels=not many, tickangle=-45,
                     title="Authorities, highest first" if many else None)
    fig.update_layout(showlegend=False, bargap=0.15)
    return fig


def category_grid(cells: pd.DataFrame, colours: dict[str, str], height: int = 460
                  ) -> go.Figure:
    """A grid of labelled cells (rows × columns), each coloured by its category.

    ``cells`` has columns ``row``, ``column``, ``text`` and ``category``; every cell
    shows its text, so the colour only repeats what the words say.
    """
    rows = list(dict.fromkeys(cells["row"]))
    columns = list(dict.fromkeys(cells["column"]))
    names = list(colours)
    index = {name: i for i, name in enumerate(names)}
    z = [[None] * len(columns) for _ in rows]
    text = [[""] * len(columns) for _ in rows]
    for _, cell in cells.iterrows():
        r, c = rows.index(cell["row"]), columns.index(cell["column"])
        z[r][c] = index.get(cell["category"])
        text[r][c] = cell["text"]
    n = len(names)
    scale = []
    for i, name in enumerate(names):
        scale += [[i / n, colours[name]], [(i + 1) / n, colours[name]]]
    fig = go.Figure(go.Heatmap(
        z=z, x=columns, y=rows, text=text, texttemplate="%{text}",
        textfont={"size": 12, "color": "black"}, zmin=-0.5, zmax=n - 0.5, colorscale=scale,
        xgap=3, ygap=3, hoverongaps=False, hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        showscale=False,  # every cell names its category in words
    ))
    fig.update_layout(template=theme.TEMPLATE, height=height, plot_bgcolor="white")
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category")
    fig.update_xaxes(side="top", showgrid=False, type="category")
    return fig


def bars(frame: pd.DataFrame, category: str, series: str | None = None,
         unit: str | None = None, horizontal: bool = False, stacked: bool = False,
         category_order: list[str] | None = None, height: int = 380) -> go.Figure:
    """Grouped (or stacked) bars: ``category`` along the axis, one bar colour per ``series``."""
    unit = unit or (frame["unit"].iloc[0] if not frame.empty else "count")
    fig = _base(unit, height, horizontal)
    order = category_order or frame[category].drop_duplicates().tolist()
    groups = frame.groupby(series, sort=False) if series else [("", frame)]
    for i, (name, rows) in enumerate(groups):
        rows = rows.set_index(category).reindex(order).reset_index()
        s = theme.series_style(i, rows)
        values = rows["value"]
        axis = {"y": rows[category], "x": values} if horizontal else {"x": rows[category],
                                                                       "y": values}
        fig.add_trace(go.Bar(
            **axis, name=str(name) or None, orientation="h" if horizontal else "v",
            marker={"color": s["color"], "line": {"color": "white", "width": 1},
                    "pattern": {"shape": s["pattern"], "fillmode": "overlay",
                                "fgcolor": "white", "fgopacity": 0.7, "solidity": 0.25}},
            text=[fmt.short(v, unit) for v in values],
            textposition="inside" if stacked else "outside", cliponaxis=False, textangle=0,
            hovertemplate="%{" + ("y" if horizontal else "x") + "}: %{customdata}<extra>"
                          + str(name) + "</extra>",
            customdata=[fmt.value(v, unit) for v in values],
        ))
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=series is not None)
    if horizontal:
        fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)),
                         type="category", showgrid=False)
        fig.update_xaxes(gridcolor=theme.GRID, rangemode="tozero")
        fig.update_layout(yaxis_title=None)
    else:
        fig.update_xaxes(categoryorder="array", categoryarray=order, type="category")
    return fig


def funnel(stages: list[tuple[str, float]], height: int = 360) -> go.Figure:
    """Horizontal bars for successive stages, each labelled with its share of the stage before."""
    fig = _base("count", height, horizontal=True)
    labels, values = [s[0] for s in stages], [s[1] for s in stages]
    text = []
    for i, v in enumerate(values):
        if i == 0 or not values[i - 1]:
            text.append(fmt.number(v))
        else:
            text.append(f"{fmt.number(v)} ({100 * v / values[i - 1]:.1f}% of the stage before)")
    fig.add_trace(go.Bar(
        y=labels, x=values, orientation="h", text=text, textposition="outside",
        cliponaxis=False, marker={"color": theme.SERIES[0]},
        hovertemplate="%{y}: %{x:,}<extra></extra>",
    ))
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)),
                     type="category", showgrid=False)
    top = max([v for v in values if v == v] or [0])
    fig.update_xaxes(gridcolor=theme.GRID, range=[0, top * 1.45 if top else 1])
    fig.update_layout(showlegend=False, yaxis_title=None)
    return fig


def banded_heatmap(matrix: pd.DataFrame, bands=theme.S11_BANDS, unit: str = "score_percent",
                   height: int = 520) -> go.Figure:
    """Rows × columns of scores coloured by grade band, each cell labelled; gaps shown as such."""
    z, text = [], []
    for _, row in matrix.iterrows():
        z_row, t_row = [], []
        for v in row:
            if fmt.is_missing(v):
                z_row.append(None)
                t_row.append("no score")
                continue
            index = next(i for i, (lo, hi, _, _) in enumerate(bands) if lo <= v < hi)
            z_row.append(index)
            t_row.append(f"{fmt.short(v, unit)}<br>{bands[index][2].split()[0]}")
        z.append(z_row)
        text.append(t_row)
    n = len(bands)
    scale = []
    for i, (_, _, _, colour) in enumerate(bands):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    fig = go.Figure(go.Heatmap(
        z=z, x=[str(c) for c in matrix.columns], y=[str(i) for i in matrix.index], text=text,
        texttemplate="%{text}", textfont={"size": 12, "color": "black"}, zmin=-0.5,
        zmax=n - 0.5, colorscale=scale, xgap=2, ygap=2, hoverongaps=False,
        hovertemplate="%{y}, standard %{x}: %{text}<extra></extra>",
        colorbar={"tickvals": list(range(n)), "ticktext": [b[2] for b in bands],
                  "title": {"text": "Grade band"}},
    ))
    fig.update_layout(template=theme.TEMPLATE, height=height, plot_bgcolor=theme.GRID)
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category")
    fig.update_xaxes(side="top", showgrid=False, type="category", title="Standard")
    return fig


def sparkline(frame: pd.DataFrame) -> go.Figure:
    """A tiny trend line for a tile: no axes, the last point marked."""
    rows = frame.dropna(subset=["value"]).sort_values("period_start")
    fig = go.Figure(go.Scatter(
        x=rows["period"], y=rows["value"], mode="lines+markers",
        line={"color": theme.SERIES[0], "width": 2},
        marker={"size": [4] * (len(rows) - 1) + [8], "color": theme.SERIES[0]},
        hoverinfo="skip",
    ))
    fig.update_layout(template=theme.TEMPLATE, height=60, margin={"l": 2, "r": 2, "t": 2,
                                                                  "b": 2},
                      showlegend=False, xaxis={"visible": False, "type": "category"},
                      yaxis={"visible": False, "rangemode": "normal"})
    return fig


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def _left_margin(fig: go.Figure) -> int:
    """Room for the longest category label on a horizontal chart or heatmap rows."""
    labels: list[str] = []
    for trace in fig.data:
        if getattr(trace, "orientation", None) == "h" or trace.type == "heatmap":
            labels += [str(v) for v in (trace.y if trace.y is not None else [])]
    longest = max((len(label) for label in labels), default=0)
    return int(min(420, max(80, 20 + 7.5 * longest)))


def for_export(fig: go.Figure, title: str, subtitle: str, source: str,
               notes: list[str] | None = None) -> go.Figure:
    """A copy sized for an A4 committee paper, with the title, subtitle and source inside.

    Margins are fixed rather than automatic so that the footer can be placed at the
    image's left edge and wrapped to its width whatever the axis labels are.
    """
    out = go.Figure(fig)
    left = _left_margin(out)
    right = max(30, out.layout.margin.r or 0)
    lines = [f"Source: {source}", *(notes or [])]
    footer = "<br>".join(_wrap(line, 135) for line in lines)
    n_footer = footer.count("<br>") + 1
    title_html = _wrap(title, 80)
    subtitle_html = _wrap(subtitle, 110)
    n_title = title_html.count("<br>") + 1
    top = 80 + 26 * n_title + 20 * subtitle_html.count("<br>")
    axis_room = 75  # tick labels and axis title below the plot
    bottom = axis_room + 18 * n_footer + 20
    plot_width = EXPORT_WIDTH - left - right
    plot_height = EXPORT_HEIGHT - top - bottom
    out.update_layout(
        width=EXPORT_WIDTH, height=EXPORT_HEIGHT,
        title={"text": f"<b>{title_html}</b><br><span style='font-size:14px;color:"
                       f"{theme.MUTED}'>{subtitle_html}</span>",
               "x": 0.01, "xanchor": "left", "xref": "container", "y": 0.955,
               "yanchor": "top", "yref": "container",
               "font": {"size": 20}},
        margin={"t": top, "b": bottom, "l": left, "r": right, "autoexpand": False},
        legend={"y": 1.0, "yanchor": "bottom"},
    )
    out.update_xaxes(automargin=False)
    out.update_yaxes(automargin=False)
    out.add_annotation(text=footer, xref="paper", yref="paper",
                       x=-(left - 14) / plot_width, y=-axis_room / plot_height,
                       xanchor="left", yanchor="top", showarrow=False, align="left",
                       font={"size": 12, "color": theme.MUTED})
    return out


# ---------------------------------------------------------------- maps

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
