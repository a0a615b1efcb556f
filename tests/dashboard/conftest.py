"""Dashboard tests read the ETL output built for this test session, never data/processed."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

# Playwright's expectations wait 5 s by default: on a busy 2-core machine a page can take
# longer than that to draw after a navigation (the pack page's basket once did). Every
# ``expect`` still waits for its condition, and fails with it named, but for up to 30 s.
EXPECT_TIMEOUT_MS = 30000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="session", autouse=True)
def processed_for_app(processed):
    """Point the app at the session's freshly built processed data."""
    old = os.environ.get("SAFEGUARDING_PROCESSED_DIR")
    os.environ["SAFEGUARDING_PROCESSED_DIR"] = str(processed.root)
    yield processed
    if old is None:
        os.environ.pop("SAFEGUARDING_PROCESSED_DIR", None)
    else:
        os.environ["SAFEGUARDING_PROCESSED_DIR"] = old


@pytest.fixture(scope="session")
def registry(processed_for_app):
    """The chart registry: importing the charts package fills it (no app needed)."""
    from dashboard import charts

    return charts


@pytest.fixture(scope="session")
def app(processed_for_app):
    """The Dash app for the configured authority, made once for the test session."""
    from dashboard.app import create_app

    return create_app()


@pytest.fixture(scope="session")
def server(processed_for_app):
    """The dashboard served on a free localhost port, one per test session (per xdist
    worker): its kept pages, charts and images are warm for every module after the
    first. A module that needs a server of its own (other data, other settings) starts
    one with ``browser.live_server`` or overrides this fixture."""
    from .browser import live_server

    with live_server(processed_for_app.root) as origin:
        yield origin


@pytest.fixture
def page(browser, server):
    """A fresh page that records console errors, every request it makes and every
    Content-Security-Policy violation (``window.__csp``)."""
    from .browser import WATCH_CSP

    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH_CSP)
    pg = context.new_page()
    pg.console_errors = []
    pg.requests = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


@pytest.fixture(autouse=True)
def charts_drawn_afresh():
    """Each test draws its charts from the data as it finds them: a test may swap a store
    function or a file under the same data version, which the chart registry's kept
    results (``registry._rendered``) would hide."""
    from .helpers import drawn_afresh

    drawn_afresh()
