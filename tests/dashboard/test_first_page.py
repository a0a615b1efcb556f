"""A full load carries its page: the layout the browser asks for first holds the page at
the address it came from (dashboard.server.first_page), so every chart is drawn without
a callback round trip; navigation inside the app still goes through Dash's router."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from dashboard.ids import Page

from .browser import ALL_CHARTS_DRAWN, open_drawn

TIMEOUT = 120_000
CALLBACK = "/_dash-update-component"


def _layout(app, referer: str | None) -> dict:
    headers = {"Referer": referer} if referer else {}
    response = app.server.test_client().get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Referer" in response.headers["Vary"]
    return response.get_json()


def _find(node, wanted: str):
    """The component with id ``wanted`` in a layout's JSON, or None."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == wanted:
            return node
        for value in (node.get("props", {}) if "props" in node else node).values():
            found = _find(value, wanted)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _find(item, wanted)
            if found is not None:
                return found
    return None


def test_the_layout_holds_the_page_the_request_came_from(app):
    body = _layout(app, "http://localhost/section-47?comparator=england")
    location = _find(body, "_pages_location")["props"]
    assert (location["pathname"], location["search"]) == (
        "/section-47", "?comparator=england")
    content = json.dumps(_find(body, "_pages_content"))
    assert "Section 47 & conferences" in content
    assert '"type": "Graph"' in content
    # the choice in the address is the one pressed
    pressed = [b for b in _buttons(_find(body, "_pages_content"))
               if b["id"].get("control") == "section-47-comparator"]
    assert {b["id"]["value"] for b in pressed if b["aria-pressed"] == "true"} == {"england"}
    assert _find(body, "_pages_store")["props"]["data"]["title"].startswith(
        "Section 47 & conferences - ")


def _buttons(node) -> list[dict]:
    out = []
    if isinstance(node, dict):
        props = node.get("props", {})
        if isinstance(props.get("id"), dict) and "aria-pressed" in props:
            out.append(props)
        for value in props.values():
            out += _buttons(value)
    elif isinstance(node, list):
        for item in node:
            out += _buttons(item)
    return out


@pytest.mark.parametrize("referer", [None, "http://localhost/no-such-page",
                                     "http://elsewhere.example/section-47", "not a url"])
def test_without_a_page_to_lay_out_the_router_lays_it_out(app, referer):
    body = _layout(app, referer)
    location = _find(body, "_pages_location")["props"]
    assert "pathname" not in location  # read from the address on mount: the router fires
    assert _find(body, "_pages_content")["props"].get("children") is None


def _is_callback(url: str) -> bool:
    return urlsplit(url).path.endswith(CALLBACK)


def _callbacks(page) -> list[str]:
    return [r for r in page.requests if _is_callback(r)]


def _title(path: str) -> str:
    import dash

    entry = next(p for p in dash.page_registry.values() if p["path"] == path)
    return entry["title"]() if callable(entry["title"]) else entry["title"]


@pytest.mark.parametrize("target", list(Page), ids=str)
def test_a_full_load_draws_every_chart_without_a_callback(app, page, server, target):
    """Counted until every chart is drawn: no request to a callback (Dash's router among
    them) comes before. The pack page's list of charts comes from the basket the browser
    keeps, so it asks for it; but not for the page itself."""
    routed = []
    page.on("request", lambda r: routed.append(r) if _is_callback(r.url) and
            "_pages_content" in (r.post_data or "") else None)
    page.goto(server + target.path)
    page.wait_for_function("() => document.querySelector('main h1') !== null",
                           timeout=TIMEOUT)
    if page.locator(".chart-card").count():
        page.wait_for_function(ALL_CHARTS_DRAWN, timeout=TIMEOUT)
        assert _callbacks(page) == [], f"{target}: callbacks before its charts were drawn"
    assert routed == [], f"{target}: the router laid the page out"
    expect(page).to_have_title(_title(target.path))


def test_the_address_state_is_honoured_on_a_full_load(page, server):
    open_drawn(page, server, "/section-47?comparator=england", TIMEOUT)
    assert _callbacks(page) == []
    button = page.locator("#section-47-comparator button[aria-pressed='true']")
    expect(button).to_have_count(1)
    assert "England" in button.inner_text()


def test_navigation_inside_the_app_still_uses_the_router(app, page, server):
    open_drawn(page, server, Page.OVERVIEW.path, TIMEOUT)
    before = len(_callbacks(page))
    page.locator(f"nav a[href='{Page.CHILD_PROTECTION_PLANS.path}']").click()
    expect(page).to_have_url(server + Page.CHILD_PROTECTION_PLANS.path)
    expect(page.locator("main h1")).to_have_text(Page.CHILD_PROTECTION_PLANS.title)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=TIMEOUT)
    assert len(_callbacks(page)) > before  # the router's answer
    expect(page).to_have_title(_title(Page.CHILD_PROTECTION_PLANS.path))
    page.go_back()
    expect(page).to_have_url(server + Page.OVERVIEW.path)
    page.wait_for_function("() => document.querySelectorAll('.tile').length > 0",
                           timeout=TIMEOUT)


def _counting(monkeypatch, path: str) -> list:
    import dash

    entry = next(p for p in dash.page_registry.values() if p["path"] == path)
    calls, layout = [], entry["layout"]
    monkeypatch.setitem(entry, "layout", lambda **q: calls.append(q) or layout(**q))
    return calls


def test_a_page_is_laid_out_once_and_kept_until_the_data_changes(app, monkeypatch):
    from dashboard.server import callback_cache, first_page

    monkeypatch.setattr(first_page, "KEPT", callback_cache.Store())
    calls = _counting(monkeypatch, "/section-47")
    referer = "http://localhost/section-47?comparator=england"
    first = _layout(app, referer)
    assert _layout(app, referer) == first
    assert len(calls) == 1
    _layout(app, "http://localhost/section-47")  # another address: laid out for itself
    assert len(calls) == 2
    version = first_page.data.version()
    monkeypatch.setattr(first_page.data, "version", lambda: (*version, "rebuilt"))
    assert _layout(app, referer) == first
    assert len(calls) == 3
    assert first_page.MARKER not in json.dumps(first)


def test_a_choice_redraws_its_charts_not_the_page_and_keeps_the_focus(page, server):
    """The choice's callback writes the address itself (ui/address.py): Dash's router is
    not asked to lay the page out again, so the button pressed keeps the focus."""
    routed = []
    page.on("request", lambda r: routed.append(r) if _is_callback(r.url) and
            "_pages_content" in (r.post_data or "") else None)
    open_drawn(page, server, Page.SECTION_47.path, TIMEOUT)
    control = "#section-47-comparator"
    first = page.locator(f"{control} button[aria-pressed='false']").first
    value = json.loads(first.get_attribute("id"))["value"]
    button = page.get_by_role("button", name=first.inner_text(), exact=True)
    button.focus()
    with page.expect_response(lambda r: _is_callback(r.url)) as answer:
        page.keyboard.press("Enter")
    assert answer.value.ok, "the choice's callback failed"
    expect(page).to_have_url(re.compile(rf"comparator={re.escape(value)}"))
    expect(button).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=TIMEOUT)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-pressed')") == \
        "true", "the focus left the button pressed"
    assert routed == [], "a choice had the router lay the page out again"
    # the address reproduces the view on a full load
    open_drawn(page, server, urlsplit(page.url).path + "?" + urlsplit(page.url).query, TIMEOUT)
    expect(page.locator(f"{control} button[aria-pressed='true']")).to_have_attribute(
        "id", button.get_attribute("id"))
