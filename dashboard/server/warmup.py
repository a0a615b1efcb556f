"""Warm-up when a server starts: every page laid out at its plain address (so a full load
from a link is answered from what is kept: ``dashboard.server.first_page``), every
chart drawn once into the card cache, the image renderer started, then the other views
of each chart, all in a background thread so that no visitor waits for it.

The warm-up gives way to visitors: it does its next piece of work (one page, one view of
a chart) only when the worker has answered no request for ``QUIET`` seconds (or has
waited ``MAX_WAIT`` for such a moment, so that a steady stream of requests only slows
it down). One piece at a time holds the interpreter for a fraction of a second at
most, so the first visitor's page is served while the warm-up goes on.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import threading
import time

from dash import Dash

from dashboard import charts
from dashboard.exports import images
from dashboard.server import first_page
from dashboard.store import catalogue
from dashboard.ui import components

log = logging.getLogger(__name__)

WARM_VIEWS_PER_CHART = 40  # views of each chart drawn into the cache at start-up
QUIET = 0.5  # seconds without a request before the warm-up does its next piece
MAX_WAIT = 5.0  # the longest it waits for such a moment


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


class Visitors:
    """The requests this worker is answering, and when it last answered one."""

    def __init__(self) -> None:
        self.busy = 0
        self.last = 0.0
        self.changed = threading.Condition()

    def wrap(self, wsgi_app):
        """``wsgi_app``, counted while it answers (its body sent or not)."""
        def counted(environ, start_response):
            with self.changed:
                self.busy += 1
            try:
                return wsgi_app(environ, start_response)
            finally:
                with self.changed:
                    self.busy -= 1
                    self.last = time.monotonic()
                    self.changed.notify_all()
        return counted

    def wait_for_quiet(self, quiet: float = QUIET, limit: float = MAX_WAIT) -> bool:
        """Until no request has been answered for ``quiet`` seconds, or ``limit`` passes;
        whether it was quiet."""
        deadline = time.monotonic() + limit
        with self.changed:
            while True:
                now = time.monotonic()
                calm = self.last + quiet - now
                if self.busy == 0 and calm <= 0:
                    return True
                if now >= deadline:
                    return False
                self.changed.wait(min(deadline - now, calm if self.busy == 0 else limit))


VISITORS = Visitors()


def register(app: Dash) -> None:
    """Count the requests the app answers (the warm-up gives way to them)."""
    app.server.wsgi_app = VISITORS.wrap(app.server.wsgi_app)


def _pages(app: Dash) -> None:
    """Every page at its plain address, laid out and kept as a full load from a link (a
    visitor who is not signed in) asks for it."""
    import dash

    for entry in list(dash.page_registry.values()):
        if entry.get("path_template"):
            continue
        VISITORS.wait_for_quiet()
        with app.server.test_request_context("/" + first_page.LAYOUT_PATH), \
                contextlib.suppress(Exception):  # a page that fails shows its own message
            first_page.content(app, entry["relative_path"], "")


def warm_up(app: Dash | None = None) -> threading.Thread | None:
    """In the background: lay out every page of ``app`` and draw every chart once (so
    first visits come from the cache), start the image renderer (so the first download
    is quick), then draw the other views of each chart (so choices are quick too).
    Nothing when turned off."""
    if not enabled():
        return None

    def run() -> None:
        start = time.monotonic()
        log.info("Warm-up started")
        if app is not None:
            _pages(app)
        for chart in list(charts.REGISTRY.values()):
            VISITORS.wait_for_quiet()
            with contextlib.suppress(Exception):  # a chart that fails shows its own message
                components.chart_card(chart, {})
        VISITORS.wait_for_quiet()
        with contextlib.suppress(Exception):  # the catalogue's and the data API's summaries
            catalogue.measures()
        log.info("Warm-up: every page and chart drawn in %.1f s", time.monotonic() - start)
        VISITORS.wait_for_quiet()
        images.start_renderer()
        views = views_per_chart()
        for chart in list(charts.REGISTRY.values()) if views else []:  # then other views
            options: dict = {}
            with contextlib.suppress(Exception):  # choices from data that cannot be read
                options = chart.options
            keys = list(options)
            for values in itertools.islice(itertools.product(
                    *(options[k] for k in keys)), views):
                VISITORS.wait_for_quiet()
                with contextlib.suppress(Exception):
                    components.chart_card(chart, dict(zip(keys, values, strict=True)))
        log.info("Warm-up finished in %.1f s", time.monotonic() - start)

    thread = threading.Thread(target=run, name="kaleido-warm-up", daemon=True)
    thread.start()
    return thread
