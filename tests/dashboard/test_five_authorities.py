"""Any authority by its code, in Chromium: three authorities picked at random from the
official releases (the seed is printed; set SAFEGUARDING_TEST_SEED to repeat a run). For
each, every page in the navigation draws its charts with data and names the authority, no
page presents Dudley's figures as its own, and the overview gives the latest year of the
official statistics. Dudley's pages are tested so in test_browser.py, Worcestershire's in
test_any_authority.py."""

from __future__ import annotations

import os
import random

import pandas as pd
import pytest

from dashboard.charts import indicators
from dashboard.ids import Page

from .browser import open_drawn
from .helpers import DUDLEY, WORCESTERSHIRE, latest_year
from .webclient import serving

# Pages listing every authority of a region or of England (so any name may appear there
# as one row among the others) and the pack page (the basket, no figures).
LISTS_EVERY_AUTHORITY = {Page.BENCHMARKING, Page.EXPLORE}
TEXT_PAGES = {Page.ABOUT.path, Page.DATA.path, Page.API.path, Page.PACK.path,
              Page.OVERVIEW.path}
LEAD_PAGES = {p.path for p in Page if indicators.for_page(p)}
PICKED = 3
SEED = int(os.environ["SAFEGUARDING_TEST_SEED"])  # chosen and printed by tests/conftest.py


@pytest.fixture(scope="module")
def authorities(processed_for_app) -> list[tuple[str, str]]:
    """Three current authorities (not Dudley or Worcestershire) with official figures for
    the latest year, picked with ``SEED``."""
    table = pd.read_parquet(processed_for_app.path / "authorities.parquet")
    cin = processed_for_app.frame("dfe_children_in_need")
    latest = cin[cin["period_end"] == cin["period_end"].max()].dropna(subset=["value"])
    current = set(latest.loc[latest["geographic_level"] == "local_authority", "area_code"])
    names = dict(zip(table["authority_code"], table["authority_name"], strict=True))
    candidates = sorted(set(names) & current - {DUDLEY, WORCESTERSHIRE})
    picked = random.Random(SEED).sample(candidates, PICKED)
    print(f"\nauthorities picked with SAFEGUARDING_TEST_SEED={SEED}: "
          + ", ".join(f"{names[c]} ({c})" for c in picked))
    return [(code, names[code]) for code in picked]


def _open(page, origin: str, path: str) -> None:
    open_drawn(page, origin, path, timeout=60000)


@pytest.mark.parametrize("which", range(PICKED))
def test_every_page_is_about_the_configured_authority(browser, processed_for_app,
                                                       authorities, which):
    code, name = authorities[which]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    where = f"{name} ({code}), seed {SEED}"
    try:
        with serving(processed_for_app.path, SAFEGUARDING_AUTHORITY=code) as origin:
            _open(page, origin, "/")
            links = page.locator("header nav a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))")
            assert links and links[0] == "/", where
            overview = page.locator("main").inner_text()
            for path in links:
                _open(page, origin, path)
                assert name in page.title(), (where, path, page.title())
                main = page.locator("main").inner_text()
                assert name in main, (where, path)
                headings = page.locator("main h1, main h2, main .subtitle").all_inner_texts()
                if path not in {p.path for p in LISTS_EVERY_AUTHORITY}:
                    assert "Dudley" not in main, (where, path)
                else:
                    assert not [h for h in headings if "Dudley" in h], (where, path)
                cards = page.locator(".chart-card").count()
                if path in LEAD_PAGES:  # the official series lead every theme page
                    assert cards >= 2, (where, path, cards)
                elif path not in TEXT_PAGES:  # charts, or a notice saying why there are none
                    assert cards or page.locator("main .message").count(), (where, path)
            assert errors == [], where
            year = latest_year(processed_for_app, code)
            assert str(year) in overview, f"{where}: the overview lacks {year}"
    finally:
        context.close()
