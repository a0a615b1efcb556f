"""Warm-up when a server starts: every chart drawn once into the card cache, the image
renderer started, then the other views of each chart, all in a background thread so
that no visitor waits for it."""

from __future__ import annotations

import contextlib
import itertools
import threading

from dashboard import charts
from dashboard.exports import images
from dashboard.ui import components

WARM_VIEWS_PER_CHART = 40  # views of each chart drawn into the cache at start-up


def warm_up() -> threading.Thread:
    """In the background: draw every chart once (so first visits come from the cache),
    start the image renderer (so the first download is quick), then draw the other
    views of each chart (so choices are quick too)."""
    def run() -> None:
        for chart in list(charts.REGISTRY.values()):
            with contextlib.suppress(Exception):  # a chart that fails shows its own message
                components.chart_card(chart, {})
        images.start_renderer()
        for chart in list(charts.REGISTRY.values()):  # then every other view of each chart
            with contextlib.suppress(Exception):
                options = chart.options
            keys = list(options)
            for values in itertools.islice(itertools.product(
                    *(options[k] for k in keys)), WARM_VIEWS_PER_CHART):
                with contextlib.suppress(Exception):
                    components.chart_card(chart, dict(zip(keys, values, strict=True)))

    thread = threading.Thread(target=run, name="kaleido-warm-up", daemon=True)
    thread.start()
    return thread
