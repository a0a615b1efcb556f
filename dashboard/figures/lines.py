"""Lines over time: trends with labelled ends, confidence bands and sparklines.

Every series carries a colour, a dash, a marker and data labels, so no figure relies on
colour alone.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import labels, theme
from dashboard.figures.layout import _base
from dashboard.words import format as fmt


def _ordered_periods(frame: pd.DataFrame) -> list[str]:
    return (frame.sort_values("period_start")["period"].drop_duplicates().tolist()
            if not frame.empty else [])


def trend(frame: pd.DataFrame, series: str = "area_name", unit: str | None = None,
          height: int = 380) -> go.Figure:
    """Lines with markers over time, one line per value of ``series``, labelled at their
    ends (``labels.label_lines``: every point of a short line, never one label on
    another)."""
    unit = unit or (frame["unit"].iloc[0] if not frame.empty else "count")
    fig = _base(unit, height)
    periods = _ordered_periods(frame)
    for i, (name, rows) in enumerate(frame.groupby(series, sort=False)):
        rows = rows.dropna(subset=["value"]).sort_values("period_start")
        s = theme.series_style(i, rows)
        fig.add_trace(labels.mark(go.Scatter(
            x=rows["period"], y=rows["value"], name=str(name), mode="lines+markers",
            line={"color": s["color"], "dash": s["dash"], "width": 3},
            marker={"symbol": s["symbol"], "size": 10, "color": s["color"]},
            text=[fmt.short(v, unit) for v in rows["value"]],
            hovertemplate="%{x}: %{customdata}<extra>" + str(name) + "</extra>",
            customdata=[fmt.value(v, unit) for v in rows["value"]],
        )))
    fig.update_xaxes(categoryorder="array", categoryarray=periods, type="category")
    fig.update_layout(showlegend=frame[series].nunique() > 1 if not frame.empty else False)
    return labels.label_lines(fig)


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
    return labels.label_lines(fig)  # the y axis now has the band to hold too


def _tint(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


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
