"""The chart registry and the chart builders: the user's choices in, a ``ChartResult`` out."""

from dashboard.charts.registry import (
    REGISTRY,
    TABLE_COLUMNS,
    Chart,
    ChartResult,
    chart,
    get,
    on_page,
    periods_of,
    source_of,
)

__all__ = ["REGISTRY", "TABLE_COLUMNS", "Chart", "ChartResult", "chart", "get", "on_page",
           "periods_of", "source_of"]
