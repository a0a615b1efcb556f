"""Chart downloads: CSV and Excel from the chart's table, PNG and SVG rendered server-side.

Images are drawn by kaleido in Debian's Chromium. Chromium must not try to reach
the network, so kaleido is pointed at a wrapper that adds the flags it needs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path

from dashboard.charts import ChartResult
from dashboard.exports.tables import to_csv, to_xlsx
from dashboard.figures import EXPORT_HEIGHT, EXPORT_WIDTH

PACKAGE = Path(__file__).resolve().parent.parent
WRAPPER = PACKAGE / "bin" / "chromium-headless"
PNG_SCALE = 2  # 2000 × 1240 px: sharp at A4 width
WARM_VIEWS_PER_CHART = 40  # views of each chart drawn into the cache at start-up
_lock = threading.Lock()
_server_started = False

# Media types alone: Flask adds "; charset=utf-8" to text ones (CSV, SVG) when it sends them.
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "svg": "image/svg+xml",
}


def _browser_ready() -> None:
    """Point kaleido at Chromium with safe flags, and start its persistent server once."""
    global _server_started
    if _server_started:
        return
    if "BROWSER_PATH" not in os.environ and shutil.which("chromium"):
        os.environ["BROWSER_PATH"] = str(WRAPPER)
    import kaleido

    # An older kaleido, or one already running: plain calls still work.
    with contextlib.suppress(AttributeError, TypeError, RuntimeError):
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _server_started = True


def _start_renderer() -> None:
    """Start kaleido's browser and draw one tiny image (call with ``_lock`` held)."""
    _browser_ready()
    import plotly.graph_objects as go
    import plotly.io as pio

    pio.to_image(go.Figure(), format="png", width=10, height=10)


def start_renderer() -> None:
    """Start the image renderer now, so that the first image is as quick as the rest."""
    with _lock:
        _start_renderer()


def to_image(result: ChartResult, image_format: str) -> bytes:
    """PNG or SVG of the export figure, with title and source inside the image."""
    import plotly.io as pio

    figure = result.export_figure()
    with _lock:
        _browser_ready()
        return pio.to_image(figure, format=image_format, width=EXPORT_WIDTH,
                            height=EXPORT_HEIGHT, scale=PNG_SCALE if image_format == "png"
                            else 1)


def render(result: ChartResult, ext: str) -> bytes:
    """One download of a chart: CSV, Excel, PNG or SVG."""
    if ext == "csv":
        return to_csv(result)
    if ext == "xlsx":
        return to_xlsx(result)
    if ext in ("png", "svg"):
        return to_image(result, ext)
    raise ValueError(f"unknown format {ext}")
