"""Grids of labelled cells: categories (better, similar, worse …) and graded scores.

Every cell shows its words, so the colour only repeats what they say.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import theme
from dashboard.words import format as fmt


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
