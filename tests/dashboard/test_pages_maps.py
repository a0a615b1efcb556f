"""Small-area maps in the browser: every LSOA drawn, hover text, suppressed areas as c,
the ward view, Worcestershire from configuration, and nothing suppressed given away; in
process: the authority from the profile, years from the data, and one plain message for
an authority whose boundaries are not in the data."""

from __future__ import annotations

import os
import re
import time

import pandas as pd
import pytest

from dashboard.charts import TABLE_COLUMNS
from dashboard.charts.maps import Ids
from dashboard.ids import Page
from dashboard.store import DataUnavailable
from dashboard.ui.components import card_id, graph_id
from dashboard.words.format import rounded

from .browser import ALL_CHARTS_DRAWN, live_server
from .helpers import DUDLEY, authority, ids_in, layout_of, states, texts_of, walk, words
from .helpers import WORCESTERSHIRE as WORCS

MAP_GRAPH, MAP_CARD = graph_id(Ids.SMALL_AREAS), card_id(Ids.SMALL_AREAS)
AREAS = """() => {
  const g = document.querySelector('#GRAPH .js-plotly-plot');
  const hover = g.data.find(t => t.name === 'Areas');
  const text = {};
  hover.customdata.forEach((code, i) => { if (!(code in text)) text[code] = hover.text[i]; });
  const shades = g.data.filter(t => t.meta && t.meta.areas).map(t => ({name: t.name,
    areas: t.meta.areas, pattern: !!(t.fillpattern && t.fillpattern.shape)}));
  return {text, shades};
}""".replace("GRAPH", MAP_GRAPH)
AREA_COUNT = """(n) => {
  const g = document.querySelector('#GRAPH .js-plotly-plot');
  const hover = g && g.data.find(t => t.name === 'Areas');
  return hover && new Set(hover.customdata).size === n;
}""".replace("GRAPH", MAP_GRAPH)
# The pixel position of the point inside an area that carries its hover text.
AREA_POINT = """(code) => {
  const g = document.querySelector('#GRAPH .js-plotly-plot');
  const t = g._fullData.find(d => d.name === 'Areas');
  const i = t.customdata.indexOf(code);
  const fl = g._fullLayout, box = g.getBoundingClientRect();
  return {x: box.left + fl._size.l + fl.xaxis.l2p(t.x[i]),
          y: box.top + fl._size.t + fl.yaxis.l2p(t.y[i])};
}""".replace("GRAPH", MAP_GRAPH)


def _open(page, origin: str, query: str = "") -> None:
    page.goto(origin + "/maps" + query)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)


def _until(page, predicate: str, timeout_s: float = 30) -> None:
    """Wait until ``predicate`` is true, checking between short sleeps: here
    ``page.wait_for_function`` can miss a table that a callback fills in (its polling sees
    the page only once the wait has timed out)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"timed out waiting for {predicate}"
        page.wait_for_timeout(250)


def _latest_cp(processed, level: str, authority: str = DUDLEY,
               measure: str = "sa_cp_plans_started") -> pd.DataFrame:
    table = processed.frame("smallarea")
    latest = max(table["period"])
    return table[(table["authority_code"] == authority) & (table["geographic_level"] == level)
                 & (table["measure"] == measure) & (table["period"] == latest)]


def test_dudley_map_draws_201_lsoas_and_hovers_e01009889(page, server, processed):
    _open(page, server)
    areas = page.evaluate(AREAS)
    assert len(areas["text"]) == 201
    assert sorted(c for shade in areas["shades"] for c in shade["areas"]) == sorted(
        areas["text"])  # each LSOA drawn once, in one shade
    page.locator(f"#{MAP_GRAPH}").scroll_into_view_if_needed()
    point = page.evaluate(AREA_POINT, "E01009889")
    page.mouse.move(point["x"], point["y"])
    label = page.locator(".hoverlayer .hovertext")
    label.first.wait_for(timeout=5000)
    text = label.first.text_content()
    assert "SOA 889" in text and "Dudley 015C" in text and "St Thomas's" in text
    row = _latest_cp(processed, "lsoa").set_index("area_code").loc["E01009889"]
    if row["status"] == "c":
        assert "c: fewer than 6" in text and not re.search(r"\d+ children\)", text)
    else:
        assert f"({int(row['value'])} children)" in text
    assert "Synthetic sample — not real data" in page.locator(f"#{MAP_CARD} h2").inner_text()
    assert page.get_by_text("Synthetic sample — not real data. These maps").count() == 1


def test_suppressed_lsoas_are_hatched_c_with_no_number_anywhere(page, server, processed):
    _open(page, server)
    rows = _latest_cp(processed, "lsoa")
    hidden = set(rows.loc[rows["status"] == "c", "area_code"])
    assert hidden, "the sample should have suppressed LSOAs"
    areas = page.evaluate(AREAS)
    for code in hidden:
        assert "c: fewer than 6" in areas["text"][code]
        assert not re.search(r"\(\d[\d,]* children\)", areas["text"][code])
    hatched = [s for s in areas["shades"] if s["pattern"]]
    assert len(hatched) == 1 and hatched[0]["name"].startswith("c: not shown")
    assert set(hatched[0]["areas"]) == hidden
    legend = page.locator(f"#{MAP_GRAPH} .legend").text_content()
    assert "c: not shown (fewer than 6" in legend and "SYNTHETIC SAMPLE" in legend
    # the table view and the CSV download have c and no number for those LSOAs
    card = page.locator(f"#{MAP_CARD}")
    assert card.locator("table.data-table").count() == 0  # a long table is not sent
    card.get_by_text("View as table").click()  # with the page, but when it is opened
    _until(page, "() => document.querySelectorAll("
           f"'#{MAP_CARD} table.data-table tbody tr').length === 201")
    header = card.locator("table.data-table thead th").all_inner_texts()
    counted, value, status = (header.index(h) for h in ("Children counted", "Value",
                                                         "Status"))
    # every row's cells in one call (a call per row is slow for 201 rows)
    table_rows = page.evaluate(f"""() => Array.from(document.querySelectorAll(
        '#{MAP_CARD} table.data-table tbody tr'),
        tr => Array.from(tr.cells, td => td.innerText))""")
    assert len(table_rows) == 201
    for cells in table_rows:
        if "fewer than 6" in cells[status]:
            assert cells[counted] == "c" and cells[value] == ""
    with page.expect_download() as info:
        card.get_by_role("link", name=re.compile("as CSV")).click()
    csv = pd.read_csv(info.value.path(), dtype_backend="numpy_nullable")
    suppressed = csv[csv["Status"] == "c"]  # the GSS symbol, beside an empty value
    assert {c[-10:-1] for c in suppressed["Area"]} == hidden
    assert suppressed["Value"].isna().all() and suppressed["Children counted"].isna().all()
    assert pd.api.types.is_integer_dtype(csv["Children counted"])
    rates = _latest_cp(processed, "lsoa", measure="sa_cp_plans_started_rate")
    expected = rates.dropna(subset=["value"]).set_index("area_code")["value"].map(
        lambda v: rounded(v, 1))  # to the place the registry declares for rates
    published = csv.dropna(subset=["Value"])
    got = published.set_index(published["Area"].str[-10:-1])["Value"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False,
                                   check_index_type=False, check_dtype=False)


def test_the_ward_view_draws_24_wards_with_ranked_table(page, server, processed):
    _open(page, server)
    page.get_by_role("button", name="Wards", exact=True).click()
    page.wait_for_url(re.compile(r"view=ward"))
    page.wait_for_function(AREA_COUNT, arg=24)
    wards = _latest_cp(processed, "ward")
    text = page.evaluate(AREAS)["text"]
    assert set(text) == set(wards["area_code"])
    rates = _latest_cp(processed, "ward", measure="sa_cp_plans_started_rate")
    top = rates.sort_values("value").dropna(subset=["value"]).iloc[-1]
    assert f"<b>{top['area_name']}</b> ward" in text[top["area_code"]]
    ranking = page.locator(f"#{card_id(Ids.WARDS)}")
    ranking.get_by_text("View as table").click()
    first = ranking.locator("table.data-table tbody tr").first.locator("td").all_inner_texts()
    assert first[2] == "1" and first[1] == top["area_name"]


def test_map_exports_carry_the_synthetic_and_suppression_notes(server):
    import urllib.request

    for view in ("lsoa", "ward"):
        url = f"{server}/export/{Ids.SMALL_AREAS}.svg?view={view}"
        with urllib.request.urlopen(url) as response:
            svg = response.read().decode()
        assert "Synthetic sample — not real data" in svg and "SYNTHETIC SAMPLE" in svg
        assert "fewer than 6" in svg and "Contains OS data" in svg
    with urllib.request.urlopen(f"{server}/export/{Ids.SMALL_AREAS}.png") as response:
        assert response.read()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def worcestershire(processed_for_app):
    old = os.environ.get("SAFEGUARDING_AUTHORITY")
    os.environ["SAFEGUARDING_AUTHORITY"] = WORCS
    try:
        with live_server(processed_for_app.path) as origin:
            yield origin
    finally:
        if old is None:
            os.environ.pop("SAFEGUARDING_AUTHORITY", None)
        else:
            os.environ["SAFEGUARDING_AUTHORITY"] = old


def test_worcestershire_map_draws_364_lsoas_from_configuration(worcestershire, browser,
                                                               processed):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _open(page, worcestershire)
    text = page.evaluate(AREAS)["text"]
    assert len(text) == 364
    rows = _latest_cp(processed, "lsoa", WORCS)
    assert set(text) == set(rows["area_code"])
    page.get_by_role("button", name="Wards", exact=True).click()
    page.wait_for_function(AREA_COUNT, arg=123)
    page.close()


# ---------------------------------------------------------------- any authority, in process

CORNWALL = "E06000052"  # no small-area boundaries in the data


def _page_layout(**query):
    return layout_of(Page.MAPS, **query)


def _texts(component) -> str:
    """Every text in a layout, leaving out the table views' tables."""
    return texts_of(component, tables=False)


def _shown(layout) -> list[str]:
    from dashboard.ui.pagekit import shown_id

    return next(c.data for c in walk(layout) if getattr(c, "id", None) == shown_id("maps"))


def test_worcestershire_is_named_everywhere_and_dudley_nowhere(app, registry):
    with authority(WORCS):
        layout = _page_layout()
        text = _texts(layout)
        assert "live in Worcestershire" in text and "Dudley" not in text
        shown = _shown(layout)
        assert set(shown) == {c.id for c in registry.on_page("maps")}
        for chart_id in shown:
            chart = registry.get(chart_id)
            for state in states(chart):
                result = chart.render(state)
                assert result.figure.data and not result.data.empty, (chart_id, state)
                # the standard table, with the maps' own columns (SOA, ward …) after the area
                assert set(TABLE_COLUMNS.values()) <= set(result.table().columns)
                assert "Worcestershire" in f"{result.title} {result.subtitle}", (chart_id,
                                                                                 state)
                assert "Dudley" not in words(result), (chart_id, state)
                assert "Dudley" not in " ".join(result.table()["Area"].astype(str))


def test_every_id_in_the_layout_starts_with_the_page_name(app):
    from dashboard.ids import App

    for code in (DUDLEY, CORNWALL):
        with authority(code):
            for i in ids_in(_page_layout()):
                if isinstance(i, dict):
                    assert "control" not in i or i["control"].startswith("maps-"), i
                else:
                    assert i in set(App) or i.startswith("maps-"), i


@pytest.mark.parametrize("code", [DUDLEY, WORCS])
def test_the_years_to_choose_are_the_extracts_periods(registry, processed, code):
    table = processed.frame("smallarea")
    periods = sorted(table.loc[table["authority_code"] == code, "period"].unique(),
                     reverse=True)
    with authority(code):
        for chart in registry.on_page("maps"):
            if "year" in chart.options:
                assert list(chart.options["year"]) == periods
        earliest = registry.get(Ids.WARDS).render({"year": periods[-1]})
        assert set(earliest.data["period"]) == {periods[-1]}
        assert registry.get(Ids.WARDS).state({"year": "1999-00"})["year"] == periods[0]


def test_an_authority_without_boundaries_gets_one_message_and_no_charts(app, registry):
    with authority(CORNWALL):
        layout = _page_layout()
        assert _shown(layout) == []
        assert not [c for c in walk(layout) if "chart-card" in str(getattr(c, "className",
                                                                            ""))]
        messages = [c.children for c in walk(layout)
                    if str(getattr(c, "className", "")).startswith("message")]
        assert len(messages) == 1
        assert "no small-area maps for Cornwall" in messages[0]
        assert "safeguarding download --authority E06000052" in messages[0]
        assert "make etl" in messages[0]
        assert not [i for i in ids_in(layout) if isinstance(i, dict)]  # no controls
        for chart in registry.on_page("maps"):
            with pytest.raises(DataUnavailable):
                chart.render({})


def test_the_maps_are_the_authoritys_from_the_profile(registry):
    from dashboard import store
    from dashboard.store import smallareas

    with authority(WORCS):
        assert smallareas.authority() == store.profile().code == WORCS
    charts = registry.on_page("maps")
    assert [c.id for c in charts] == [Ids.SMALL_AREAS, Ids.DEPRIVATION, Ids.WARDS]
    # drawn from local extracts, not official statistics; packs include every chart whose
    # data can be drawn, so the maps need no official mark to go into a pack
    assert not any(c.official for c in charts)


def test_the_deprivation_edition_comes_from_the_data(registry, processed):
    import json

    info = json.loads((processed.path / "build.json").read_text())["small_areas"][DUDLEY]
    edition = info["denominator"].split("Indices of Deprivation ")[1][:4]
    result = registry.get(Ids.DEPRIVATION).render({})
    assert f"IDACI {edition}" in result.subtitle and edition in result.source
