"""Every page in Chromium on a phone (320 px), a tablet (768 px) and a desktop (1280 px):
nothing scrolls sideways but a table or grid in its own box, the heading and the first
finding are on the first screen, every chart is drawn with its legend and labels inside
its box, every control is at least 24 px square, and axe-core finds nothing serious; then
text at twice its size with WCAG's text spacing neither scrolls sideways nor is cut off.
A screenshot of each page on a phone is saved in ``tests/screenshots/`` for review (at every
width with ``SAFEGUARDING_SCREENSHOTS=all``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from dashboard.ids import App, Page

from .browser import ALL_CHARTS_DRAWN, open_drawn, serious_problems

PAGES = [p.path for p in sorted(Page, key=lambda p: p.order)]
WIDTHS = [(320, 640), (768, 1024), (1280, 900)]  # a phone, a tablet, a desktop
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
SHOT_WIDTHS = ({w for w, _ in WIDTHS} if os.environ.get("SAFEGUARDING_SCREENSHOTS") == "all"
               else {WIDTHS[0][0]})
NARROW_JS = Path(__file__).resolve().parents[2] / "dashboard" / "assets" / "narrow.js"
NARROW = int(re.search(r"var NARROW = (\d+);", NARROW_JS.read_text()).group(1))

# Every chart drawn at its box's width, and adapted (or not) for that width by narrow.js.
ADAPTED = """narrow => Array.from(document.querySelectorAll('.chart-card .js-plotly-plot'))
  .every(g => {
    const svg = g.querySelector('.main-svg');
    if (!svg || g._adapting) return false;
    const width = g.getBoundingClientRect().width;
    const sized = Math.abs(svg.getBoundingClientRect().width - width) <= 2;
    const small = width < narrow || (g.closest('.graph-scroll') !== null && innerWidth < narrow);
    return sized && (g.getAttribute('data-narrow') === 'true') === small;
  })"""

# What the page looks like at this width: how wide it scrolls (and what sticks out), where
# the heading and the first finding end, and any legend or label outside its chart.
MEASURE = """() => {
  const W = innerWidth, H = innerHeight;
  const boxed = el => el.closest('.table-holder, .graph-scroll');
  const wide = [];
  document.querySelectorAll('main *, header *').forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > W + 1 && !boxed(el)) wide.push(el.tagName + ' ' + (el.id ||
      String(el.className && el.className.baseVal !== undefined ? el.className.baseVal
                                                               : el.className)));
  });
  const h1 = document.querySelector('main h1').getBoundingClientRect();
  const first = document.querySelector('.summary li, .tile, main .intro');
  const outside = [];
  document.querySelectorAll('.chart-card .js-plotly-plot').forEach(g => {
    const box = g.querySelector('.main-svg').getBoundingClientRect();
    const parts = [...g.querySelectorAll('.legend'), ...g.querySelectorAll('.annotation')]
      .filter(el => el.getBoundingClientRect().width > 0);
    parts.forEach(el => {
      const r = el.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
          r.bottom > box.bottom + 1)
        outside.push([g.id, el.getAttribute('class'), (el.textContent || '').slice(0, 30)]);
    });
  });
  // Targets a finger can hit (WCAG 2.2, 2.5.8): every control at least 24 x 24 px.
  const small = Array.from(document.querySelectorAll(
      'main button, header button, nav a, .downloads a, summary, .pack-control button'))
    .filter(el => { const r = el.getBoundingClientRect();
                    return r.width > 0 && (r.width < 24 || r.height < 24); })
    .map(el => el.textContent.trim().slice(0, 30));
  return {scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5), small: small,
          h1: h1.bottom, first: first ? first.getBoundingClientRect().top : 0, H: H,
          outside: outside};
}"""


BIG_SPACED_TEXT = """html { font-size: 200% !important; }
* { line-height: 1.5 !important; letter-spacing: .12em !important;
    word-spacing: .16em !important; }
p { margin-bottom: 2em !important; }"""

# Elements whose text overflows a box that hides the overflow.
CUT_OFF = """() => Array.from(document.querySelectorAll('main *, header *')).filter(el => {
  const style = getComputedStyle(el);
  if (style.overflow !== 'hidden' && style.overflowX !== 'hidden') return false;
  if (el.closest('.js-plotly-plot, .visually-hidden')) return false;
  return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
}).map(el => el.tagName + ' ' + el.className)"""


@pytest.mark.parametrize("path", PAGES)
def test_each_page_reads_at_every_width(page, server, path):
    SHOTS.mkdir(exist_ok=True)
    name = path.strip("/") or "overview"
    page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    open_drawn(page, server, path, timeout=60000)
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        # Why: plotly redraws each chart for its box's new width, then narrow.js adapts it.
        page.wait_for_function(ADAPTED, arg=NARROW, timeout=60000)
        if page.locator(".chart-card").count():
            page.wait_for_function(ALL_CHARTS_DRAWN, timeout=60000)
        seen = page.evaluate(MEASURE)
        where = f"{path} at {width} px"
        assert seen["scroll"] <= width, f"{where} scrolls sideways: {seen['wide']}"
        assert seen["h1"] <= height, f"{where}: the heading is below the first screen"
        assert seen["first"] < height, f"{where}: the first finding is below the first screen"
        assert seen["outside"] == [], f"{where}: outside its chart: {seen['outside']}"
        assert seen["small"] == [], f"{where}: controls under 24 x 24 px: {seen['small']}"
        # axe here on a phone (the folded menu); test_browser runs it at 1280 px, and a
        # tablet has the desktop's layout of the page with narrower charts.
        if width == WIDTHS[0][0]:
            assert serious_problems(page) == [], where
        if width in SHOT_WIDTHS:
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    # Text at twice its size with WCAG's text spacing (1.4.4, 1.4.12): still no sideways
    # scroll, and no text cut off by its box.
    page.add_style_tag(content=BIG_SPACED_TEXT)
    page.wait_for_function(ADAPTED, arg=NARROW, timeout=60000)
    seen = page.evaluate(MEASURE)
    assert seen["scroll"] <= WIDTHS[-1][0], f"{path}, text at 200%: {seen['wide']}"
    assert page.evaluate(CUT_OFF) == [], f"{path}, text at 200%: text cut off"


def test_the_navigation_folds_away_on_a_phone(page, server):
    page.set_viewport_size({"width": 320, "height": 640})
    open_drawn(page, server, Page.SECTION_47.path, timeout=60000)
    menu = page.locator(f"#{App.MENU}")
    links = page.locator(f"#{App.NAV} a")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert menu.get_attribute("aria-controls") == App.NAV
    assert not links.first.is_visible()
    # the skip link is the first stop of the keyboard
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    menu.focus()
    page.keyboard.press("Enter")
    # Why: the clientside callback has answered once the button says it is expanded.
    page.wait_for_function(f"() => document.getElementById('{App.MENU}')"
                           ".getAttribute('aria-expanded') === 'true'", timeout=20000)
    assert links.first.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('nav') !== null")
    page.locator(f"#{App.NAV} a", has_text=Page.ABOUT.title).click()
    # Why: going to another page folds the list again.
    page.wait_for_function(f"() => location.pathname === '{Page.ABOUT.path}' && document"
                           f".getElementById('{App.MENU}').getAttribute('aria-expanded')"
                           " === 'false'", timeout=20000)
    assert not links.first.is_visible()
    menu.click()
    page.wait_for_function(f"() => document.getElementById('{App.MENU}')"
                           ".getAttribute('aria-expanded') === 'true'", timeout=20000)
    menu.click()
    page.wait_for_function(f"() => document.getElementById('{App.MENU}')"
                           ".getAttribute('aria-expanded') === 'false'", timeout=20000)
    assert not links.first.is_visible()


def test_on_a_desktop_the_list_is_always_shown(page, server):
    open_drawn(page, server, Page.SECTION_47.path, timeout=60000)
    assert not page.locator(f"#{App.MENU}").is_visible()
    assert page.locator(f"#{App.NAV} a").count() >= 5
    assert all(link.is_visible() for link in page.locator(f"#{App.NAV} a").all())


def test_a_tap_shows_what_hovering_shows(browser, server):
    """On a touch screen, tapping a point of a chart gives its hover label."""
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    try:
        open_drawn(page, server, Page.SECTION_47.path, timeout=60000)
        point = page.locator(".chart-card .js-plotly-plot .scatterlayer .point").first
        point.scroll_into_view_if_needed()
        box = point.bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # Why: plotly draws the label after the tap's click event.
        page.wait_for_function("() => document.querySelector('.hoverlayer .hovertext')"
                               " !== null", timeout=20000)
    finally:
        context.close()
