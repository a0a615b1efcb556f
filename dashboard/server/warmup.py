"""Warm-up when a server starts: every chart drawn once into the card cache, the image
renderer started, then the other views of each chart, all in a background thread so
that no visitor waits for it."""

from __future__ import annotations

import contextlib
import itertools
import os
import threading

from dashboard import charts
from dashboard.exports import images
from dashboard.store import catalogue
from dashboard.ui import components

WARM_VIEWS_PER_CHART = 40  # views of each chart drawn into the cache at start-up


def views_per_chart() -> int:
    """How many views of each chart to draw ahead (``DASHBOARD_WARM_VIEWS``, default 40;
    0 draws only each chart's default view)."""
    try:
        return max(0, int(os.environ.get("DASHBOARD_WARM_VIEWS", WARM_VIEWS_PER_CHART)))
    except ValueError:
        return WARM_VIEWS_PER_CHART


def enabled() -> bool:
    """Whether a server warms up when it starts (``DASHBOARD_WARM_UP``, default on; ``0``
    turns it off, as the tests' short-lived servers do: their charts are then drawn on
    the first request instead)."""
    return os.environ.get("DASHBOARD_WARM_UP", "1").strip() != "0"


def warm_up() -> threading.Thread | None:
    """In the background: draw every chart once (so first visits come from the cache),
    start the image renderer (so the first download is quick), then draw the other
    views of each chart (so choices are quick too). Nothing when turned off."""
    if not enabled():
        return None
    def run() -> None:
        for chart in list(charts.REGISTRY.values()):
            with contextlib.suppress(Exception):  # a chart that fails shows its own message
                components.chart_card(chart, {})
        with contextlib.suppress(Exception):  # the catalogue's and the data API's summaries
            catalogue.measures()
        images.start_renderer()
        views = views_per_chart()
        for chart in list(charts.REGISTRY.values()) if views else []:  # then other views
            options: dict = {}
            with contextlib.suppress(Exception):  # choices from data that cannot be read
                options = chart.options
            keys = list(options)
            for values in itertools.islice(itertools.product(
                    *(options[k] for k in keys)), views):
                with contextlib.suppress(Exception):
                    components.chart_card(chart, dict(zip(keys, values, strict=True)))

    thread = threading.Thread(target=run, name="kaleido-warm-up", daemon=True)
    thread.start()
    return thread
