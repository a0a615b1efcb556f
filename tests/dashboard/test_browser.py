"""The dashboard in real headless Chromium: every page, offline, accessible, interactive."""

from __future__ import annotations

import csv
import io
import struct
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import openpyxl
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs_version

from dashboard.charts import lead
from dashboard.charts.overview import STEPS
from dashboard.ids import Page

from .browser import ALL_CHARTS_DRAWN, open_drawn, serious_problems
from .helpers import DUDLEY, latest_year

PAGES = [p.path for p in sorted(Page, key=lambda p: p.order)]
TEXT_PAGES = {Page.ABOUT.path, Page.DATA.path, Page.API.path, Page.PACK.path}
CHART_PAGES = [p for p in PAGES if p != "/" and p not in TEXT_PAGES]


# The trace types the page's plotly.js knows, and those its charts use.
PLOTLY_TRACES = """() => ({version: Plotly.version,
  has: Object.keys(Plotly.PlotSchema.get().traces),
  used: [...new Set(Array.from(document.querySelectorAll('.js-plotly-plot'))
                    .flatMap(g => g._fullData.map(t => t.type)))]})"""

SHARES = {"name": "Shares (%)", "exact": True}


def _open(page, server, path):
    open_drawn(page, server, path, timeout=20000, settle=True)


def _press_a_choice(page, path) -> None:
    """Press the page's first choice not yet pressed (a callback redraws a chart)."""
    choice = page.locator("button.choice[aria-pressed='false']").first
    label = choice.inner_text()
    choice.click()
    # Why: the callback has answered once the pressed button says so, and the page is
    # drawn again once every chart has its SVG.
    page.wait_for_function(
        """label => Array.from(document.querySelectorAll("button.choice[aria-pressed='true']"))
             .some(b => b.innerText === label)""", arg=label, timeout=60000)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=60000)


def _downloads_answer(page, server, path) -> None:
    """Every download link answers with a file (contents are checked in detail below);
    images are slow, so one per page."""
    hrefs = page.locator(".downloads a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert hrefs, path
    for href in hrefs:
        if href.split("?")[0].endswith((".png", ".svg")):
            continue
        response = page.request.get(server + href)
        assert response.status == 200 and len(response.body()) > 50, href
    image = next(h for h in hrefs if ".png" in h)
    response = page.request.get(server + image)
    assert response.status == 200 and response.body()[:4] == b"\x89PNG", image


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline_without_errors_or_serious_accessibility_problems(page, server,
                                                                                  path):
    """Each page offline: one heading, table views and downloads for every chart, no
    request to another host, no console error, no Content-Security-Policy violation
    (with table views open, a choice pressed and a hover label shown) and no serious
    axe-core finding."""
    _open(page, server, path)
    assert page.locator("h1").count() == 1
    if path in CHART_PAGES:
        assert page.locator(".chart-card").count() >= 2
        # every chart has its table view and four downloads
        assert page.locator(".chart-card details.table-view").count() == page.locator(
            ".chart-card").count()
        _downloads_answer(page, server, path)
    for details in page.locator("details.table-view").all()[:3]:
        details.locator("summary").click()
    if page.locator("button.choice[aria-pressed='false']").count():
        _press_a_choice(page, path)
    graph = page.locator(".chart-card .js-plotly-plot")
    if graph.count():
        graph.first.hover()  # a hover label
        # the charts were drawn by the cartesian bundle, which holds every type they use
        plotly = page.evaluate(PLOTLY_TRACES)
        assert plotly["version"] == get_plotlyjs_version()
        assert "scattergeo" not in plotly["has"], "the full plotly.js bundle was loaded"
        assert plotly["used"] and set(plotly["used"]) <= set(plotly["has"])
        # no chart offers to send itself to another server ("Share chart...")
        assert page.locator("[data-title='Share chart...']").count() == 0
    page.wait_for_load_state("networkidle")
    hosts = {urlparse(u).netloc for u in page.requests if u.startswith("http")}
    assert hosts == {urlparse(server).netloc}, f"requests left the server: {hosts}"
    assert page.console_errors == []
    assert page.evaluate("window.__csp") == []
    assert serious_problems(page) == []


def test_table_view_shows_the_parquet_numbers(page, server, processed):
    _open(page, server, "/child-protection-plans")
    card = page.locator("#child-protection-plans-category-card")
    card.get_by_text("View as table").click()
    rows = card.locator("table.data-table tbody tr")
    assert rows.count() == 25
    parquet = processed.frame("cp_plans")
    parquet = parquet[(parquet["measure"] == "cp_plans_at_31_march")
                      & (parquet["period_type"] == "snapshot")
                      & (parquet["breakdown"] == "category_of_harm")]
    expected = {(f"{d.year - 1}-{d.year % 100:02d}", b): v for d, b, v in zip(
        parquet["period_end"], parquet["breakdown_value"], parquet["value"], strict=True)}
    seen = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        period, breakdown, value = cells[0], cells[3], float(cells[4].replace(",", ""))
        seen[(period, breakdown)] = value
    assert seen == expected


def test_the_overview_draws_todays_tiles_and_the_system_with_data(page, server, processed):
    _open(page, server, "/")
    today = page.locator("section[aria-labelledby='overview-today'] .tile")
    assert today.count() == 8
    referrals = page.locator(".tile", has=page.locator("#overview-referrals")).inner_text()
    assert "382.4" in referrals and "Year to 31 March 2024" in referrals
    assert "Lower than England" in referrals
    bars = page.evaluate("() => document.querySelector('#overview-system-graph "
                         ".js-plotly-plot')._fullData.map(t => [t.name, t.x.length])")
    assert sorted(bars) == [["Dudley", len(STEPS)], ["England", len(STEPS)]]
    href = page.locator("#overview-system-card .downloads a", has_text="CSV").get_attribute(
        "href")
    rows = list(csv.DictReader(io.StringIO(page.request.get(server + href).body().decode(
        "utf-8-sig"))))
    assert len(rows) == 4 * len(STEPS) and {r["Area"] for r in rows} == {"Dudley", "England"}


def test_a_choice_redraws_the_chart_and_goes_into_the_url(page, server):
    _open(page, server, "/child-protection-plans")
    page.get_by_role("button", **SHARES).click()
    page.wait_for_function("() => window.location.search.includes('show=shares')")
    page.wait_for_function("""() => {
        const g = document.querySelector('#child-protection-plans-category-graph .js-plotly-plot');
        const years = g._fullData[0].x.length;
        for (let i = 0; i < years; i++) {
          const total = g._fullData.reduce((s, t) => s + Number(t.y[i] || 0), 0);
          if (Math.abs(total - 100) > 0.01) return false;
        }
        return true;
    }""")
    assert page.get_by_role("button", **SHARES).get_attribute("aria-pressed") == "true"
    numbers = page.get_by_role("button", name="Numbers", exact=True)
    assert numbers.get_attribute("aria-pressed") == "false"


def test_the_url_restores_the_view(page, server):
    _open(page, server, "/child-protection-plans?show=shares&rate=new&comparator=england")
    assert page.get_by_role("button", **SHARES).get_attribute("aria-pressed") == "true"
    england = page.get_by_role("button", name="England", exact=True)
    assert england.get_attribute("aria-pressed") == "true"
    names = page.evaluate("() => document.querySelector("
                          "'#child-protection-plans-rates-graph .js-plotly-plot')"
                          "._fullData.map(t => t.name)")
    assert sorted(names) == ["Dudley", "England"]
    card = page.locator("#child-protection-plans-rates-card")
    assert "New plans" in card.locator("h2").inner_text() or "new" in \
        card.locator(".subtitle").inner_text().lower()


def test_choices_work_from_the_keyboard_with_a_visible_focus(page, server):
    _open(page, server, "/child-protection-plans")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "Shares (%)":
            break
    else:
        pytest.fail("could not reach the 'Shares (%)' choice with Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.location.search.includes('show=shares')")


def _download(page, card_id: str, label: str) -> bytes:
    with page.expect_download() as info:
        page.locator(f"#{card_id} .downloads").get_by_text(label, exact=True).click()
    return open(info.value.path(), "rb").read()


def test_downloads_are_valid_files_with_the_right_content(page, server):
    _open(page, server, "/child-protection-plans?comparator=england&rate=new")
    card = "child-protection-plans-rates-card"
    title = page.locator(f"#{card} h2").inner_text()

    data = _download(page, card, "CSV")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["Area"] for r in rows} == {"Dudley", "England"}
    assert {(r["Period"], r["Area"], float(r["Value"])) for r in rows} >= {
        ("2010-11", "Dudley", 46.0), ("2010-11", "England", 44.0), ("2011-12", "Dudley", 47.0)}

    book = openpyxl.load_workbook(io.BytesIO(_download(page, card, "Excel")))
    notes = {row[0]: row[1] for row in book["Notes"].iter_rows(values_only=True) if row[0]}
    assert notes["Title"] == title
    sheet = book["Data"]  # the header in row 1, the figures as numbers
    table = pd.DataFrame(list(sheet.iter_rows(min_row=2, values_only=True)),
                         columns=[c.value for c in sheet[1]])
    assert sorted(table["Value"]) == sorted(float(r["Value"]) for r in rows)

    png = _download(page, card, "PNG image")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (2000, 1240)

    svg = _download(page, card, "SVG image").decode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    assert "Source:" in text and "Dudley" in text


def test_the_overview_gives_the_latest_official_year(page, server, processed):
    _open(page, server, "/")
    year = latest_year(processed, DUDLEY)
    assert str(year) in page.locator("main").inner_text()


def test_the_official_indicator_choice_redraws_the_trend(page, server, processed):
    _open(page, server, "/contacts")
    card = page.locator(f"#{lead.trend_id(Page.CONTACTS)}-card")
    before = card.locator("h2").inner_text()
    assert before.startswith("Referrals per 10,000 children: Dudley")
    page.get_by_role("button", name="Re-referrals within 12 months", exact=True).click()
    # Why: the callback answers, then the new title replaces the old one.
    page.wait_for_function("() => window.location.search.includes('indicator=re-referrals')")
    page.wait_for_function(f"""() => document.querySelector(
        '#{lead.trend_id(Page.CONTACTS)}-card h2').textContent.startsWith('Re-referrals')""")
    rows = processed.frame("dfe_referrals")
    last = rows[(rows["area_code"] == DUDLEY) & (rows["measure"] == "dfe_rereferrals_pct")
                & (rows["breakdown_value"] == "Total")].sort_values("period_start").iloc[-1]
    assert f"{last['value']:g}%" in card.locator("h2").inner_text()
