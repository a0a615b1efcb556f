"""The data catalogue (/data): its layout lists every imported release and report dataset
with their indicators, the search keeps what matches, and in Chromium the search works
from the keyboard, every indicator links to the explorer, and axe finds nothing serious."""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from dashboard.charts import data as cat
from dashboard.charts.data import Ids
from dashboard.ids import Page
from dashboard.store import listing

from .browser import serious_problems
from .helpers import WORCESTERSHIRE, authority, layout_of, texts_of, walk

EXPLORE_LINKS = "a[href^='/explore?measure=']"


def _markup(layout) -> str:
    return " ".join(c.children for c in walk(layout) if type(c).__name__ == "Markdown")


def _shown_measures(layout) -> list[str]:
    markup = _markup(layout)
    return [part.split('"')[0] for part in markup.split('href="/explore?measure=')[1:]]


def test_the_catalogue_lists_every_release_and_report_dataset(app, processed):
    layout = layout_of(Page.DATA)
    markup = _markup(layout)
    built = json.loads((processed.path / "build.json").read_text())
    for file, info in built["releases"].items():
        assert f"<td>{html.escape(file)}</td>" in markup, file
        assert html.escape(info["release"]) in markup, info["release"]
    shown = _shown_measures(layout)
    entries = [*listing.releases(), *listing.reports()]
    assert shown == [i["measure"] for e in entries for i in e["indicators"]]
    assert len(shown) == len(set(shown)) > 150  # each indicator listed once
    assert "From the partnership's annual reports" in texts_of(layout)


def _a_word(entries: list[dict]) -> str:
    """A word of one indicator's label that not every entry has (so the search narrows)."""
    labels = [i["label"] for e in entries for i in e["indicators"]]
    for word in sorted({w.casefold() for label in labels for w in label.split()}, key=len,
                       reverse=True):
        if word.isalpha() and len(word) > 4 and sum(word in lb.casefold() for lb in labels) < 5:
            return word
    raise AssertionError("no distinctive word in the labels")


def test_the_search_keeps_what_matches_and_every_word_must_match(app):
    entries = [*listing.releases(), *listing.reports()]
    word = _a_word(entries)
    layout = layout_of(Page.DATA, q=f"  {word.upper()} ")
    shown = _shown_measures(layout)
    every = {i["measure"]: i for e in entries for i in e["indicators"]}
    assert 0 < len(shown) < len(every)
    own = cat.search(entries, word, cat.RELEASE_KEYS + cat.REPORT_KEYS)
    for measure in shown:  # the indicator matches, or its whole release or dataset does
        entry = next(e for e in own if measure in {i["measure"] for i in e["indicators"]})
        assert word in every[measure]["label"].casefold() or word in json.dumps(
            {k: entry.get(k) for k in (*cat.RELEASE_KEYS, *cat.REPORT_KEYS)}).casefold()
    found = next(c for c in walk(layout) if getattr(c, "id", None) == Ids.FOUND)
    assert f"\u201c{word.upper()}\u201d" in found.children
    nothing = layout_of(Page.DATA, q=f"{word} zzqqxx")
    assert _shown_measures(nothing) == []
    assert "No imported release matches." in texts_of(nothing)


def test_search_by_a_release_keeps_all_its_indicators():
    entries = [{"title": "Children in need (b1)", "file": "b1.csv", "dataset": "d",
                "years": "2012-13", "levels": ["national"],
                "indicators": [{"label": "A", "measure": "a", "unit": "count"},
                               {"label": "B", "measure": "b", "unit": "percent"}]},
               {"title": "Other", "file": "o.csv", "dataset": "e", "years": None,
                "levels": [], "indicators": [{"label": "Need met", "measure": "c",
                                              "unit": "count"}]}]
    found = cat.search(entries, "need", cat.RELEASE_KEYS)
    assert [len(e["indicators"]) for e in found] == [2, 1]
    assert cat.search(entries, "b1 national", cat.RELEASE_KEYS) == entries[:1]
    assert cat.search(entries, "percent", cat.RELEASE_KEYS)[0]["indicators"] == [
        entries[0]["indicators"][1]]
    assert cat.search(entries, "", cat.RELEASE_KEYS) == entries


def test_another_authority_sees_no_report_of_the_default_one(app):
    with authority(WORCESTERSHIRE):
        text = texts_of(layout_of(Page.DATA))
        assert "No dataset from the annual reports matches." in text
        assert "Dudley" not in _markup(layout_of(Page.DATA))


def _open(page, server, path="/data"):
    page.goto(server + path)
    # Why: the page's layout has arrived once its heading and the search form are drawn.
    page.wait_for_selector(f"main h1 >> text={Page.DATA.title}")
    page.wait_for_selector(f"#{Ids.SEARCH}")
    page.wait_for_selector(f"#{Ids.FOUND}")


def test_the_catalogue_in_chromium_is_accessible_and_offline(page, server, processed):
    _open(page, server)
    built = json.loads((processed.path / "build.json").read_text())
    # Why: Dash draws the tables' HTML after the layout arrives; expect waits for them.
    expect(page.locator(f"#{Ids.RELEASES} tbody tr")).to_have_count(len(built["releases"]))
    links = page.locator(EXPLORE_LINKS)
    assert links.count() > 150
    for details in page.locator("details.table-view").all()[:3]:
        details.locator("summary").click()
    page.wait_for_load_state("networkidle")
    assert {urlsplit(u).netloc for u in page.requests if u.startswith("http")} == {
        urlsplit(server).netloc}
    assert page.console_errors == [] and page.evaluate("window.__csp") == []
    assert serious_problems(page) == []


def _tab_to(page, test: str, what: str) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(test):
            return
    pytest.fail(f"could not reach {what} with Tab")


def test_the_search_and_an_indicator_link_work_from_the_keyboard(page, server, app):
    entries = [*listing.releases(), *listing.reports()]
    word = _a_word(entries)
    _open(page, server)
    _tab_to(page, f"() => document.activeElement.id === '{Ids.QUERY}'", "the search box")
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    # Why: the form is sent as a GET: the new address holds the search, then the page
    # says what it found.
    page.wait_for_url(f"**/data?q={word}")
    page.wait_for_function(f"() => (document.getElementById('{Ids.FOUND}') || {{}})"
                           f".textContent?.includes('{word}')")
    assert page.locator(f"#{Ids.QUERY}").input_value() == word
    expected = len(_shown_measures(layout_of(Page.DATA, q=word)))
    assert expected > 0
    expect(page.locator(EXPLORE_LINKS)).to_have_count(expected)
    assert page.locator("details.table-view[open]").count() >= 1  # opened by the search
    _tab_to(page, "() => (document.activeElement.getAttribute('href') || '')"
                  ".startsWith('/explore?measure=')", "an indicator's link")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/explore?measure=*")
    measure = parse_qs(urlsplit(page.url).query)["measure"][0]
    assert href == cat.explore_href(measure)
    assert measure in {i["measure"] for e in entries for i in e["indicators"]}


def test_the_indicator_lists_open_from_the_keyboard(page, server):
    _open(page, server)
    _tab_to(page, "() => document.activeElement.tagName === 'SUMMARY'", "an indicator list")
    opened = "() => document.activeElement.parentElement.open === true"
    assert not page.evaluate(opened)
    page.keyboard.press("Enter")
    page.wait_for_function(opened)
