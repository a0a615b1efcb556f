"""Plotly building blocks: pure functions of tidy frames returning figures (no data
access, no Dash).

By kind: ``lines`` (trend, add_band, sparkline; their data labels are placed by
``labels`` and ``placement``), ``bars`` (bars, ranked_bars, funnel, grouped_rows),
``flow`` (steps: the stages of the system side by side),
``grids`` (category_grid, banded_heatmap), ``authority_map`` (maps of authorities),
``choropleth`` (small-area maps) and ``layout`` (the base figure and the export copy);
colours and styles are in ``theme``. Callers use the names here: ``figures.trend``.
"""

from dashboard.figures.authority_map import (
    MAP_BLUES,
    MAP_HIGHLIGHT,
    MAP_NO_DATA,
    MAP_OUTLINE,
    _palette,
    class_breaks,
    class_of,
    polygon_map,
)
from dashboard.figures.bars import bars, funnel, grouped_rows, ranked_bars
from dashboard.figures.flow import steps
from dashboard.figures.grids import banded_heatmap, category_grid
from dashboard.figures.labels import label_lines
from dashboard.figures.layout import EXPORT_HEIGHT, EXPORT_WIDTH, for_export
from dashboard.figures.lines import add_band, sparkline, trend

__all__ = ["EXPORT_HEIGHT", "EXPORT_WIDTH", "MAP_BLUES", "MAP_HIGHLIGHT", "MAP_NO_DATA",
           "MAP_OUTLINE", "_palette", "add_band", "banded_heatmap", "bars", "category_grid",
           "class_breaks", "class_of", "for_export", "funnel", "grouped_rows", "label_lines",
           "polygon_map", "ranked_bars", "sparkline", "steps", "trend"]
