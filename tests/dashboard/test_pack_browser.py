"""The committee pack in real headless Chromium: add charts on two pages, reorder them
from the keyboard, download the Word document; and each page's print view."""

from __future__ import annotations

import pytest
from docx import Document
from playwright.sync_api import expect

from dashboard.charts import get
from dashboard.charts.child_protection_plans import Ids as Plans
from dashboard.charts.pack import Ids
from dashboard.charts.section_47 import Ids as Section47
from dashboard.ids import App, Page
from dashboard.ui.components import card_id

from .browser import ALL_CHARTS_DRAWN, serious_problems

CATEGORY = get(Plans.CATEGORY).name
TREND = get(Plans.TREND).name
FUNNEL = get(Section47.FUNNEL).name
COUNT = f"#{App.PACK_COUNT}"


def _drawn(page) -> None:
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20000)
    page.wait_for_load_state("networkidle")


def _add(page, name: str, count: int) -> None:
    button = page.get_by_role("button", name=f"Add to pack: {name}", exact=True)
    button.click()
    status = button.locator("xpath=following-sibling::*[@role='status']")
    # Why: the status and the count change once the basket's callback has answered (up to
    # seconds on a busy machine).
    expect(status).to_contain_text(f"Added \u201c{name}\u201d to your pack: {count} chart",
                                   timeout=30000)
    expect(page.locator(COUNT)).to_have_text(f" ({count})", timeout=30000)


def _order(page) -> list[str]:
    return page.locator(".pack-item h3").all_inner_texts()


def test_three_charts_from_two_pages_make_a_word_pack_in_order(page, server, tmp_path):
    page.goto(server + Page.CHILD_PROTECTION_PLANS.path)
    _drawn(page)
    # the chart as shown: shares, not counts. Why these waits: the choice's callback puts
    # show=shares in the address and draws the chart again with its new subtitle.
    page.get_by_role("button", name="Shares (%)", exact=True).click()
    page.wait_for_function("() => window.location.search.includes('show=shares')")
    page.wait_for_function(f"() => document.querySelector('#{card_id(Plans.CATEGORY)} "
                           ".subtitle').textContent.startsWith('Share of children')")
    _add(page, CATEGORY, 1)
    _add(page, TREND, 2)
    # adding the same view twice does not add it again
    page.get_by_role("button", name=f"Add to pack: {TREND}", exact=True).click()
    expect(page.locator(f"#{card_id(Plans.TREND)} .pack-status")).to_contain_text(
        "already in your pack")

    # another page, through the navigation (no reload): the basket goes along
    page.get_by_role("navigation").get_by_role("link", name=Page.SECTION_47.title).click()
    page.wait_for_url(f"**{Page.SECTION_47.path}")
    _drawn(page)
    expect(page.locator(COUNT)).to_have_text(" (2)")
    _add(page, FUNNEL, 3)

    # the pack page, loaded afresh: the basket survives a reload of the tab
    page.goto(server + Page.PACK.path)
    expect(page.locator(".pack-item")).to_have_count(3)
    assert _order(page) == [CATEGORY, TREND, FUNNEL]
    assert "Share of children" in page.locator(".pack-item").first.inner_text()
    assert serious_problems(page) == []

    # reorder from the keyboard: the focus stays with the chart that moved
    page.get_by_role("button", name=f"Move down: {CATEGORY}").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.pack-item h3')[1]"
                           f".textContent === '{CATEGORY}'")
    assert _order(page) == [TREND, CATEGORY, FUNNEL]
    expect(page.locator(f"#{Ids.ANNOUNCE}")).to_contain_text("to position 2 of 3")
    page.wait_for_function("() => (document.activeElement.getAttribute('aria-label') || '')"
                           f".includes('{CATEGORY}')")
    page.keyboard.press("Shift+Tab")  # from Move down back to Move up, same chart
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == \
        f"Move up: {CATEGORY}"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.pack-item h3')[0]"
                           f".textContent === '{CATEGORY}'")
    assert _order(page) == [CATEGORY, TREND, FUNNEL]

    page.get_by_role("button", name="Make your pack of 3 charts as a Word document "
                                    "(.docx)").click()
    # Why wait: a builder thread makes the pack; the page asks every second how far it
    # has got ("Building: 2 of 3 charts") and offers the file when it is made.
    link = page.get_by_role("link", name="Download your pack as a Word document (.docx)")
    expect(link).to_be_visible(timeout=120000)
    expect(page.locator(f"#{Ids.PROGRESS}")).to_contain_text("Your pack is ready")
    assert link.get_attribute("id") == Ids.DOWNLOAD
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("pack-custom-")
    path = tmp_path / "pack.docx"
    download.save_as(path)
    document = Document(path)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"
                and not p.text.startswith("Appendix")]
    assert headings == [CATEGORY, TREND, FUNNEL]
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("Share of children on a plan") for t in texts)
    assert len(document.inline_shapes) == 3 and len(document.tables) == 3

    # remove one; the count in the navigation follows
    page.get_by_role("button", name=f"Remove: {TREND}").click()
    expect(page.locator(".pack-item")).to_have_count(2)
    expect(page.locator(COUNT)).to_have_text(" (2)")
    assert page.console_errors == []


def test_an_empty_pack_says_so_and_offers_the_ready_made_packs(page, server):
    page.goto(server + Page.PACK.path)
    expect(page.locator(".pack-empty")).to_be_visible()
    links = page.locator(".pack-presets a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "/pack.docx?preset=annual-report" in hrefs and "/pack.pptx?preset=themes" in hrefs
    assert serious_problems(page) == []


@pytest.mark.parametrize("path", [Page.CHILD_PROTECTION_PLANS.path, Page.PACK.path])
def test_pages_print_to_a4_without_controls(page, server, path):
    page.goto(server + path)
    if path != Page.PACK.path:
        _drawn(page)
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    hidden = page.evaluate("""() => Array.from(document.querySelectorAll(
        'nav, button, .downloads, .controls, .pack-control'))
        .filter(e => getComputedStyle(e).display !== 'none').length""")
    assert hidden == 0
    if path != Page.PACK.path:
        widths = page.evaluate("() => Array.from(document.querySelectorAll("
                               "'.chart-card .main-svg')).map(s => s.getBoundingClientRect()"
                               ".width)")
        assert widths and max(widths) <= 681  # A4 text width at 96 px per inch
        assert page.locator(".chart-card .source").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-"
