"""Chart downloads: CSV and Excel from the chart's table, PNG and SVG rendered server-side.

Images are drawn by kaleido in Debian's Chromium (``exports.renderer``: one browser per
process, a few tabs at once), pointed at a wrapper that keeps it off the network. Each
image is sized for its place (``DOWNLOAD``, ``PAGE``, ``SLIDE``): always the same
1000 × 620 layout, so text keeps its size against the chart, at the pixel density the
place needs. A pack's images are drawn together (``submit``, ``collect``) and kept for
the next pack (``exports.image_cache``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dashboard.charts import ChartResult
from dashboard.exports.renderer import RenderError, collect, renderer
from dashboard.exports.tables import to_csv, to_xlsx
from dashboard.figures import EXPORT_HEIGHT, EXPORT_WIDTH

log = logging.getLogger(__name__)

__all__ = ["DOWNLOAD", "MEDIA_TYPES", "PAGE", "SLIDE", "RenderError", "Size", "collect",
           "draw_many", "render", "start_renderer", "submit", "to_image"]

# Media types alone: Flask adds "; charset=utf-8" to text ones (CSV, SVG) when it sends them.
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Size:
    """An image's layout size in CSS pixels and the scale it is drawn at."""

    scale: float
    width: int = EXPORT_WIDTH
    height: int = EXPORT_HEIGHT

    @property
    def pixels(self) -> tuple[int, int]:
        return round(self.width * self.scale), round(self.height * self.scale)

    def opts(self, image_format: str) -> dict:
        return {"format": image_format, "width": self.width, "height": self.height,
                "scale": self.scale if image_format == "png" else 1}


DOWNLOAD = Size(2)  # 2000 × 1240 px: a chart downloaded on its own, sharp at any use
PAGE = Size(1.6)  # 1600 × 992 px: 170 mm wide on an A4 page, 239 pixels an inch
SLIDE = Size(720 / EXPORT_HEIGHT)  # 1161 × 720 px: 5 in tall on a slide shown 1920 px wide
PNG_SCALE = DOWNLOAD.scale


def start_renderer() -> None:
    """Start the image renderer now, and draw one tiny image in each tab, so that the
    first image is as quick as the rest."""
    import plotly.graph_objects as go

    drawing = renderer()
    drawing.draw([(go.Figure(), {"format": "png", "width": 10, "height": 10})]
                 * drawing.tabs)


def to_image(result: ChartResult, image_format: str, size: Size = DOWNLOAD) -> bytes:
    """PNG or SVG of the export figure, with title and source inside the image."""
    return renderer().draw([(result.export_figure(), size.opts(image_format))])[0]


def draw_many(jobs: Sequence[tuple[ChartResult, Size]], image_format: str = "png",
              done: Callable[[int], None] | None = None) -> list[bytes]:
    """Each ``(result, size)``'s image, drawn at once in the renderer's tabs, in order
    (a result's export figure is made once, whatever its sizes). The first that fails
    stops them all (``RenderError``). ``done(i)`` hears of each."""
    made: dict[int, object] = {}
    figures = []
    for result, size in jobs:
        if id(result) not in made:
            made[id(result)] = result.export_figure()
        figures.append((made[id(result)], size.opts(image_format)))
    return renderer().draw(figures, done)


def submit(figure, size: Size, image_format: str = "png"):
    """Start drawing an export figure (``ChartResult.export_figure()``); gives a future
    of its bytes (see ``renderer.collect``)."""
    return renderer().submit(figure, size.opts(image_format))


def render(result: ChartResult, ext: str) -> bytes:
    """One download of a chart: CSV, Excel, PNG or SVG."""
    if ext == "csv":
        return to_csv(result)
    if ext == "xlsx":
        return to_xlsx(result)
    if ext in ("png", "svg"):
        return to_image(result, ext)
    raise ValueError(f"unknown format {ext}")
