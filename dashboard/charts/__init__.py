"""The chart registry and the chart builders: the user's choices in, a ``ChartResult`` out.

Importing this package fills the registry with every page's charts, so packs, download
routes, the warm-up and tests need only ``dashboard.charts`` (never the app).
"""

import importlib
import importlib.util

from dashboard.charts.registry import (
    REGISTRY,
    REPORTS,
    TABLE_COLUMNS,
    Chart,
    ChartResult,
    chart,
    get,
    on_page,
    periods_of,
    reports,
    shown,
    source_of,
)
from dashboard.ids import Page

__all__ = ["REGISTRY", "REPORTS", "TABLE_COLUMNS", "Chart", "ChartResult", "chart", "get",
           "on_page",
           "periods_of", "reports", "shown", "source_of"]


def _import_builders() -> None:
    """Import each page's chart builders (``dashboard.charts.<page module>``), in the order
    of the navigation: importing a builder module registers its charts."""
    for page in Page:
        name = f"{__name__}.{page.module}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


_import_builders()
