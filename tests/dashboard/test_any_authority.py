"""The whole site for another authority, in Chromium: SAFEGUARDING_AUTHORITY=E10000034 gives a
dashboard about Worcestershire, from the browser tab's title to the committee pack's cover,
and no page shows Dudley's report figures as Worcestershire's."""

from __future__ import annotations

import io
import re
import secrets

import pytest
from docx import Document

from dashboard.ids import Page

from .browser import open_drawn
from .helpers import latest_year
from .webclient import Client, serving

WORCESTERSHIRE = "E10000034"
NAME = "Worcestershire"
# Pages whose tables list every authority of a region or of England: Dudley is a West
# Midlands authority, so it may appear there as one row or label among the others.
LISTS_EVERY_AUTHORITY = {Page.BENCHMARKING, Page.EXPLORE}


@pytest.fixture(scope="module")
def worcestershire(processed_for_app, tmp_path_factory):
    accounts = tmp_path_factory.mktemp("accounts") / "users"
    accounts.write_text("")
    with serving(processed_for_app.path, SAFEGUARDING_AUTHORITY=WORCESTERSHIRE,
                 DASHBOARD_LOGIN="users", DASHBOARD_USERS_FILE=str(accounts),
                 DASHBOARD_SECRET_KEY=secrets.token_hex(32)) as origin:
        yield origin


def _open(page, origin: str, path: str) -> None:
    open_drawn(page, origin, path, timeout=30000, settle=True)


@pytest.mark.parametrize("page_name", list(Page), ids=[p.value for p in Page])
def test_every_page_is_about_worcestershire(browser, worcestershire, processed_for_app,
                                           page_name):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _open(page, worcestershire, page_name.path)
        assert NAME in page.title(), page.title()
        assert page.locator(".site-name").inner_text() == \
            "Worcestershire Safeguarding Children Partnership"
        main = page.locator("main").inner_text()
        assert NAME in main, f"{page_name}: the page does not name the authority"
        if page_name not in LISTS_EVERY_AUTHORITY:
            assert "Dudley" not in main, f"{page_name} shows Dudley"
        else:  # only as one of the region's authorities, never as the authority
            for heading in page.locator("main h1, main h2, main .subtitle").all_inner_texts():
                assert "Dudley" not in heading, heading
        if page_name == Page.OVERVIEW:
            year = latest_year(processed_for_app, WORCESTERSHIRE)
            assert str(year) in main, f"the overview lacks the latest year, {year}"
        assert errors == []
    finally:
        context.close()


def test_pages_without_the_reports_say_so_plainly(browser, worcestershire):
    context = browser.new_context()
    page = context.new_page()
    try:
        for theme in (Page.SECTION_47, Page.RACIST_INCIDENTS, Page.SECTION_11):
            _open(page, worcestershire, theme.path)
            notice = page.locator("main .message").inner_text()
            assert "No tables from Worcestershire's annual reports" in notice, theme
            charts = page.locator(".chart-card").count()
            # Only the official series lead the Section 47 page; the others have none.
            assert charts == (2 if theme == Page.SECTION_47 else 0), theme
        _open(page, worcestershire, Page.CHILD_PROTECTION_PLANS.path)
        assert "official statistics only" in page.locator("main .message").inner_text()
        titles = page.locator(".chart-card h2").all_inner_texts()
        assert titles and all(NAME in t for t in titles), titles
    finally:
        context.close()


def test_the_sign_in_and_error_pages_name_worcestershire(worcestershire):
    client = Client(worcestershire)
    for path in ("/login", "/export/no-such-chart.csv"):  # sign-in, and an error page
        body = client.get(path).text
        title = re.search(r"<title>(.*?)</title>", body).group(1)
        assert title.endswith("Safeguarding children in Worcestershire"), (path, title)
        assert "Worcestershire Safeguarding Children Partnership" in body, path
        assert "Dudley" not in body, path


def test_a_pack_from_the_server_has_worcestershire_on_its_cover(worcestershire):
    reply = Client(worcestershire).pack("/pack.docx?preset=themes")
    assert reply.status == 200
    document = Document(io.BytesIO(reply.body))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Safeguarding children in Worcestershire: the themes at a glance"
    assert "Authority: Worcestershire" in paragraphs
    assert document.core_properties.author == "Worcestershire Safeguarding Children Partnership"
