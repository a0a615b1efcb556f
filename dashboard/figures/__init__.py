"""Plotly building blocks: pure functions of tidy frames returning figures (no data
access, no Dash)."""

from dashboard.figures.core import (
    EXPORT_HEIGHT,
    EXPORT_WIDTH,
    MAP_BLUES,
    MAP_HIGHLIGHT,
    MAP_NO_DATA,
    MAP_OUTLINE,
    _palette,
    add_band,
    banded_heatmap,
    bars,
    category_grid,
    class_breaks,
    class_of,
    for_export,
    funnel,
    polygon_map,
    ranked_bars,
    sparkline,
    trend,
)

__all__ = ["EXPORT_HEIGHT", "EXPORT_WIDTH", "MAP_BLUES", "MAP_HIGHLIGHT", "MAP_NO_DATA",
           "MAP_OUTLINE", "_palette", "add_band", "banded_heatmap", "bars", "category_grid",
           "class_breaks", "class_of", "for_export", "funnel", "polygon_map", "ranked_bars",
           "sparkline", "trend"]
