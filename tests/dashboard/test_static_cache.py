"""Scripts and styles kept by browsers (dashboard/server/static_cache.py): a page loaded
again runs every script and style from the browser's cache, asking the server for none."""

from __future__ import annotations

import re

import pytest

from dashboard.server import static_cache

from .browser import open_drawn

TIMEOUT_MS = 60_000
KEPT = ("script", "link", "css")  # resource timing's initiator types of scripts and styles


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def _asset(client, name: str) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(rf'"(/assets/{re.escape(name)}\?m=[^"]+)"', page).group(1)


def test_an_asset_addressed_with_its_time_is_kept_a_year(client):
    for name in ("style.css", "narrow.js"):
        response = client.get(_asset(client, name))
        assert response.status_code == 200
        control = response.cache_control
        assert control.max_age == static_cache.ASSET_MAX_AGE and control.public
        assert not control.no_cache, response.headers["Cache-Control"]


def test_an_asset_without_its_time_is_still_checked_each_time(client):
    response = client.get("/assets/style.css")
    assert response.status_code == 200
    assert response.cache_control.max_age != static_cache.ASSET_MAX_AGE


def test_dashs_chunks_are_kept_an_hour_then_checked_with_their_etag(client):
    path = "/_dash-component-suites/dash/dcc/async-graph.js"
    response = client.get(path)
    assert response.status_code == 200
    assert response.cache_control.max_age == static_cache.CHUNK_MAX_AGE
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.cache_control.max_age == static_cache.CHUNK_MAX_AGE


def test_the_favicon_is_kept_an_hour(client):
    page = client.get("/").get_data(as_text=True)
    icon = re.search(r'href="(/_favicon\.ico[^"]*)"', page).group(1)
    response = client.get(icon)
    assert response.status_code == 200
    assert response.cache_control.max_age == static_cache.CHUNK_MAX_AGE


def test_fingerprinted_scripts_keep_dashs_year_and_pages_are_not_kept(client):
    page = client.get("/")
    script = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]+)"',
                       page.get_data(as_text=True)).group(1)
    assert client.get(script).cache_control.max_age == 31_536_000
    assert page.cache_control.max_age is None
    assert client.get("/_dash-layout").cache_control.max_age is None
    missing = client.get("/_dash-component-suites/dash/dcc/no-such-chunk.js")
    assert missing.cache_control.max_age is None


def test_a_page_loaded_again_asks_for_no_script_or_style(page, server):
    """Every chart drawn, in Chromium, twice: the second load takes each script and style
    (Dash's chunks and plotly.js among them) from the cache, none from the server."""
    open_drawn(page, server, "/contacts", TIMEOUT_MS, settle=True)
    open_drawn(page, server, "/contacts", TIMEOUT_MS, settle=True)
    entries = page.evaluate("() => performance.getEntriesByType('resource').map("
                            "e => [e.name, e.initiatorType, e.transferSize])")
    kept = [(name, size) for name, kind, size in entries
            if kind in KEPT and ".ico" not in name]  # the favicon is no script nor style
    assert any("async-graph" in name for name, _ in kept), entries
    assert any("plotly" in name for name, _ in kept), entries
    asked = [name for name, size in kept if size > 0]
    assert asked == [], asked
