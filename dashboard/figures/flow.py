"""The steps of the child protection system as stepped horizontal bars: one row per step,
first at the top, a bar for each compared area, with a key to the levels of need.

Bars rather than a Sankey: the steps are separate counts of the same year (a child on a
plan need not have been referred that year), so nothing should be drawn flowing from one
step into the next.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import theme
from dashboard.figures.layout import _base, _wrap
from dashboard.words import format as fmt

KEY = "key: levels of need"  # an annotation named ``key: …`` is left out on a phone


def steps(frame: pd.DataFrame, order: list[str], key: list[str] | None = None,
          height: int = 460) -> go.Figure:
    """``frame``: one row per step and area with ``step``, ``area_name``, ``role``,
    ``value`` (the rate) and ``count``; ``order`` the steps, first to last. ``key``: lines
    of a key drawn in the plot's lower right, where the later, smaller steps leave room
    (the first line is its heading)."""
    fig = _base("rate_per_10000", height, horizontal=True)
    labels = {step: _wrap(step, 28) for step in order}
    # Plotly stacks a group's bars upwards from the first trace: add the areas last first,
    # so that the authority's bar is the top one of each step, and list them in that order.
    groups = list(frame.groupby("area_name", sort=False))
    for i, (name, rows) in reversed(list(enumerate(groups))):
        rows = rows.set_index("step").reindex(order).reset_index()
        style = theme.series_style(i, rows.dropna(subset=["role"]))
        values = rows["value"]
        counts = [("" if fmt.is_missing(c) else f" ({fmt.number(c)} in the year's count)")
                  for c in rows["count"]]
        fig.add_trace(go.Bar(
            y=[labels[s] for s in rows["step"]], x=values, name=str(name), orientation="h",
            marker={"color": style["color"], "line": {"color": "white", "width": 1},
                    "pattern": {"shape": style["pattern"], "fillmode": "overlay",
                                "fgcolor": "white", "fgopacity": 0.7, "solidity": 0.25}},
            text=[fmt.short(v, "rate_per_10000") for v in values], textposition="outside",
            cliponaxis=False, textangle=0, constraintext="none",
            customdata=[f"{fmt.value(v, 'rate_per_10000')}{c}" for v, c in
                        zip(values, counts, strict=True)],
            hovertemplate="%{y}: %{customdata}<extra>" + str(name) + "</extra>",
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=[labels[s] for s in reversed(order)],
                     type="category", showgrid=False, title=None)
    top = frame["value"].max()
    fig.update_xaxes(gridcolor=theme.GRID, rangemode="tozero",
                     range=[0, top * 1.15] if pd.notna(top) and top else None,
                     title="per 10,000 children aged 0 to 17")
    fig.update_layout(barmode="group", bargap=0.25, showlegend=True,
                      legend={"traceorder": "reversed"})
    if key:  # its words are in the chart's note too: narrow screens leave it out (narrow.js)
        text = "<br>".join([f"<b>{key[0]}</b>", *key[1:]])
        fig.add_annotation(name=KEY, text=text, xref="paper", yref="paper", x=0.99, y=0.02,
                           xanchor="right", yanchor="bottom", align="left", showarrow=False,
                           bgcolor="white", bordercolor=theme.MUTED, borderwidth=1,
                           borderpad=6, font={"size": 12, "color": theme.INK})
    return fig
