"""The reference pages of bench_pages.py: built from a figure, served, drawn in Chromium
with the full plotly.js bundle, and timed by the same watch as the app's pages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_pages import (
    DRAWN_AT,
    FIGURES,
    FULL_BUNDLE,
    SCRIPT_BYTES,
    WATCH,
    StaticServer,
    static_html,
    write_page,
)

TITLE = "Rate </script><b>per 10,000</b>"  # would end the page's script if not escaped


def figure() -> dict:
    fig = go.Figure(go.Bar(x=["2021-22", "2022-23", "2023-24"], y=[412.5, 398.0, 420.25]))
    fig.update_layout(title=TITLE)
    # as plotly.py sends it: numbers as typed arrays (bdata), which plotly.js decodes
    spec = json.loads(fig.to_json())
    return {**spec, "config": {"displaylogo": False}, "width": 640, "height": 360}


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    yield context.new_page()
    context.close()


def test_the_page_names_the_full_bundle_and_keeps_its_script_whole():
    text = static_html([figure()], title="t")
    assert '<script src="plotly.min.js"></script>' in text
    assert "</script><b>" not in text  # the title's "</" is written "<\/" in the script
    assert text.count('<div id="figure-') == 1
    assert 'style="width:640px;height:360px"' in text
    assert FULL_BUNDLE.stat().st_size > 3_000_000  # the full bundle, not a partial one


def test_a_static_page_draws_the_figure_with_the_full_bundle(page, tmp_path):
    name = write_page(tmp_path, "one.html", [figure()], title="One figure")
    with StaticServer(tmp_path) as origin:
        page.goto(f"{origin}/{name}", wait_until="commit")
        drawn_at = page.wait_for_function(DRAWN_AT, arg=1, timeout=60_000).json_value()
        assert drawn_at > 0
        box = page.locator("#figure-0").bounding_box()
        assert (box["width"], box["height"]) == (640, 360)
        assert page.locator("#figure-0 .main-svg").count() >= 1
        assert page.locator("#figure-0 .barlayer .point").count() == 3
        # the whole title drawn (its <b> as bold): the script was not cut short
        assert page.locator("#figure-0 .gtitle").text_content() == "Rate </script>per 10,000"
        sent, decoded, scripts = page.evaluate(SCRIPT_BYTES)
        assert scripts == 1 and decoded == FULL_BUNDLE.stat().st_size and sent > 0

        # what the benchmark takes from a drawn page builds the same page again
        taken = page.evaluate(FIGURES)
        assert len(taken) == 1 and (taken[0]["width"], taken[0]["height"]) == (640, 360)
        assert taken[0]["data"][0]["y"] == [412.5, 398.0, 420.25]
        assert taken[0]["config"]["displaylogo"] is False
        again = write_page(tmp_path, "again.html", taken, title="Again")
        page.goto(f"{origin}/{again}", wait_until="commit")
        assert page.wait_for_function(DRAWN_AT, arg=1, timeout=60_000).json_value() > 0
        assert page.locator("#figure-0 .barlayer .point").count() == 3
        # a second load takes the bundle from the browser's cache
        assert page.evaluate(SCRIPT_BYTES)[0] < 1000


def test_a_page_is_not_drawn_until_it_has_every_expected_graph(page, tmp_path):
    write_page(tmp_path, "one.html", [figure()], title="One figure")
    with StaticServer(tmp_path) as origin:
        page.goto(f"{origin}/one.html")
        page.wait_for_function(DRAWN_AT, arg=1, timeout=60_000)
        assert page.evaluate(DRAWN_AT, 2) is None
        rows = page.evaluate("window.__draws")
        assert rows[-1][1:] == [1, 1, False]  # drawn, on the page, nothing pending
