"""Chart downloads: CSV and Excel from the chart's table, PNG and SVG rendered server-side.

Images are drawn by kaleido in Debian's Chromium. Chromium must not try to reach
the network, so kaleido is pointed at a wrapper that adds the flags it needs.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import shutil
import threading
from pathlib import Path

import pandas as pd

from dashboard.charts import ChartResult
from dashboard.figures import EXPORT_HEIGHT, EXPORT_WIDTH

PACKAGE = Path(__file__).resolve().parent.parent
WRAPPER = PACKAGE / "bin" / "chromium-headless"
PNG_SCALE = 2  # 2000 × 1240 px: sharp at A4 width
WARM_VIEWS_PER_CHART = 40  # views of each chart drawn into the cache at start-up
_lock = threading.Lock()
_server_started = False

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "svg": "image/svg+xml",
}


def to_csv(result: ChartResult) -> bytes:
    table = result.table()
    return table.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(result: ChartResult) -> bytes:
    table = result.table()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="Data", index=False, startrow=3)
        sheet = writer.sheets["Data"]
        sheet["A1"] = result.title
        sheet["A2"] = result.subtitle
        sheet["A3"] = f"Source: {result.source}"
        for column, width in zip("ABCDEFGH", (14, 16, 40, 28, 12, 20, 18, 60), strict=True):
            sheet.column_dimensions[column].width = width
    return buffer.getvalue()


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


def warm_up() -> threading.Thread:
    """In the background: draw every chart once (so first visits come from the cache),
    start the image renderer (so the first download is quick), then draw the other
    views of each chart (so choices are quick too)."""
    def run() -> None:
        from dashboard import charts
        from dashboard.ui import components

        for chart in list(charts.REGISTRY.values()):
            with contextlib.suppress(Exception):  # a chart that fails shows its own message
                components.chart_card(chart, {})
        with _lock:
            _start_renderer()
        for chart in list(charts.REGISTRY.values()):  # then every other view of each chart
            keys = list(chart.options)
            for values in itertools.islice(itertools.product(
                    *(chart.options[k] for k in keys)), WARM_VIEWS_PER_CHART):
                with contextlib.suppress(Exception):
                    components.chart_card(chart, dict(zip(keys, values, strict=True)))

    thread = threading.Thread(target=run, name="kaleido-warm-up", daemon=True)
    thread.start()
    return thread


def _start_renderer() -> None:
    """Start kaleido's browser and draw one tiny image (call with ``_lock`` held)."""
    _browser_ready()
    import plotly.graph_objects as go
    import plotly.io as pio

    pio.to_image(go.Figure(), format="png", width=10, height=10)


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
    if ext == "csv":
        return to_csv(result)
    if ext == "xlsx":
        return to_xlsx(result)
    if ext in ("png", "svg"):
        return to_image(result, ext)
    raise ValueError(f"unknown format {ext}")
