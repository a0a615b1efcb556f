"""Bars: grouped or stacked, every area ranked, and the stages of a funnel.

Every series carries a colour, a bar pattern and a data label, so no figure relies on
colour alone.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import theme
from dashboard.figures.layout import _base
from dashboard.words import format as fmt


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


def grouped_rows(frame: pd.DataFrame, category: str, series: str,
                 category_order: list[str], height: int | None = None) -> go.Figure:
    """Horizontal grouped bars read from the top: the categories in ``category_order``
    from the top down and, within each group, the series in the order they first appear
    in ``frame`` from the top down too (the legend in the same order)."""
    fig = bars(frame, category=category, series=series, horizontal=True,
               category_order=category_order,
               height=height or 120 + 22 * len(category_order) * max(
                   1, frame[series].nunique()))
    # Plotly draws a horizontal group's first series at the bottom: reverse the traces.
    fig.data = fig.data[::-1]
    fig.update_layout(legend_traceorder="reversed")
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
