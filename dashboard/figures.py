"""Figures as plain functions of a tidy frame: no data access, no Dash, testable alone.

Every series carries a colour, a marker or bar pattern and a data label, so no
figure relies on colour alone.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from . import format as fmt
from . import theme

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
        s = theme.style(i, str(name))
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
        colorbar={"tickvals": list(range(n)), "ticktext": names, "title": {"text": "Compared "
                  "with England"}},
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
        s = theme.style(i, str(name))
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
    n_title = title_html.count("<br>") + 1
    top = 80 + 26 * n_title
    axis_room = 75  # tick labels and axis title below the plot
    bottom = axis_room + 18 * n_footer + 20
    plot_width = EXPORT_WIDTH - left - right
    plot_height = EXPORT_HEIGHT - top - bottom
    out.update_layout(
        width=EXPORT_WIDTH, height=EXPORT_HEIGHT,
        title={"text": f"<b>{title_html}</b><br><span style='font-size:14px;color:"
                       f"{theme.MUTED}'>{_wrap(subtitle, 110)}</span>",
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
