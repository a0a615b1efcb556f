"""The chart registry and the chart builders: the user's choices in, a ``ChartResult`` out.

Importing this package fills the registry with every page's charts, so packs, download
routes, the warm-up and tests need only ``dashboard.charts`` (never the app).
"""

# The builders register their charts when imported, in the order of the navigation.
from dashboard.charts import child_protection_plans  # noqa: F401
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
