"""The start-up warm-up draws every chart's default view, then as many other views of
each as DASHBOARD_WARM_VIEWS says, into the card cache."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dashboard.server import warmup
from dashboard.ui import components


def test_views_per_chart_follows_the_setting(monkeypatch):
    monkeypatch.delenv("DASHBOARD_WARM_VIEWS", raising=False)
    assert warmup.views_per_chart() == warmup.WARM_VIEWS_PER_CHART
    for value, expected in (("0", 0), ("3", 3), ("-2", 0), ("many", 40)):
        monkeypatch.setenv("DASHBOARD_WARM_VIEWS", value)
        assert warmup.views_per_chart() == expected


def test_the_warm_up_fills_the_card_cache(monkeypatch, registry):
    monkeypatch.setenv("DASHBOARD_WARM_VIEWS", "2")
    components._cached_card.cache_clear()
    warmup.warm_up().join(timeout=600)
    cached = components._cached_card.cache_info().currsize
    charts = list(registry.REGISTRY.values())
    with_choices = [c for c in charts if c.options]
    # each chart's default view, and up to two views of every chart with choices (the
    # first of which is its default again)
    assert len(charts) <= cached <= len(charts) + len(with_choices)
    assert cached > len(charts)


def test_the_warm_up_can_be_turned_off(monkeypatch, registry):
    monkeypatch.setenv("DASHBOARD_WARM_UP", "0")
    assert not warmup.enabled()
    components._cached_card.cache_clear()
    assert warmup.warm_up() is None
    assert components._cached_card.cache_info().currsize == 0
    monkeypatch.delenv("DASHBOARD_WARM_UP")
    assert warmup.enabled()  # on unless turned off


def test_the_warm_up_lays_out_every_page_as_a_visitor_asks_for_it(monkeypatch, app):
    import dash

    from dashboard.server import callback_cache, first_page

    monkeypatch.setenv("DASHBOARD_WARM_VIEWS", "0")
    monkeypatch.setattr(first_page, "KEPT", callback_cache.Store())
    warmup.warm_up(app).join(timeout=600)
    assert len(first_page.KEPT.items) == len(dash.page_registry)
    # a visitor's full load is answered from what was kept: no page is laid out again
    monkeypatch.setattr(first_page, "laid_out", lambda *a: pytest.fail("laid out again"))
    client = app.server.test_client()
    for entry in dash.page_registry.values():
        response = client.get("/_dash-layout",
                              headers={"Referer": "http://localhost" + entry["path"]})
        assert response.status_code == 200
        assert b"_pages_content" in response.data


def test_the_warm_up_gives_way_while_a_request_is_answered():
    visitors = warmup.Visitors()
    started, release = threading.Event(), threading.Event()

    def slow(environ, start_response):
        started.set()
        release.wait(60)
        return [b""]

    answer = threading.Thread(target=visitors.wrap(slow), args=({}, None))
    answer.start()
    assert started.wait(60)
    assert not visitors.wait_for_quiet(quiet=0.01, limit=0.2)  # still answering
    release.set()
    answer.join(60)
    assert visitors.wait_for_quiet(quiet=0.01, limit=60)
    assert visitors.busy == 0


def test_the_first_page_is_drawn_while_the_server_warms_up(monkeypatch, processed_for_app,
                                                           browser):
    """A server that warms up in full (every view of every chart: minutes) draws the
    first visitor's page before it has finished: the page waits for none of it. The
    server's log says when the warm-up started and finished."""
    from .browser import live_server, open_drawn

    monkeypatch.setenv("DASHBOARD_WARM_UP", "1")
    monkeypatch.setenv("DASHBOARD_WARM_VIEWS", str(warmup.WARM_VIEWS_PER_CHART))
    with live_server(processed_for_app.root) as origin:
        log = Path(tempfile.gettempdir()) / f"dashboard-server-{urlsplit(origin).port}.log"
        context = browser.new_context()
        try:
            open_drawn(context.new_page(), origin, "/", timeout=120_000)
        finally:
            context.close()
        text = log.read_text()
    assert "Warm-up started" in text
    assert "Warm-up finished" not in text, "the warm-up finished before the page was drawn"
