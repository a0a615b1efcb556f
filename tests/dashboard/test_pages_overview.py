"""Overview page: one tile per headline measure, its figures from the processed data; for an
authority without annual-report tables (Worcestershire), one notice and no other
authority's figures."""

import json
from dataclasses import replace

import plotly
import pytest

from dashboard.charts import overview
from dashboard.charts.overview import TILES, Ids, Tile
from dashboard.ids import App, Page

from .helpers import DUDLEY, WORCESTERSHIRE, authority, ids_in, walk

PAGE = Page.OVERVIEW


def _page(app):
    import dash

    return next(p for p in dash.page_registry.values() if p["path"] == PAGE.path)


def _text(component) -> str:
    """Everything in a layout, figures included, as one string."""
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)


def _tiles(tree) -> list:
    return [c for c in walk(tree) if getattr(c, "className", None) == "tile"]


def _latest(processed, tile: Tile, code: str = DUDLEY) -> float:
    rows = processed.frame(tile.dataset)
    rows = rows[(rows["measure"] == tile.measure) & (rows["area_code"] == code)
                & (rows["breakdown_value"] == "Total")
                & ~rows["period_type"].str.endswith(("_average", "_span"))]
    return float(rows.dropna(subset=["value"]).sort_values("period_start")["value"].iloc[-1])


def test_dudley_tiles_show_the_latest_figures(registry, processed):
    shown, notice = overview.tiles()
    assert notice is None
    assert [f.tile.id for f in shown] == list(Ids)
    for figs in shown:
        assert figs.error is None and figs.headline is not None, figs.tile.id
        latest = _latest(processed, figs.tile)
        assert figs.rows.dropna(subset=["value"]).sort_values("period_start")[
            "value"].iloc[-1] == latest
        assert figs.href == figs.tile.page.path
    by_id = {f.tile.id: f for f in shown}
    contacts = by_id[Ids.CONTACTS]
    assert (contacts.headline.number, contacts.headline.period) == ("14,248", "2011-12")
    assert contacts.change == "up 70% on 2006-07: a rise is neither good nor bad in itself"
    assert contacts.link == "More on contacts to social care"
    assert contacts.sparkline() is not None
    assert list(contacts.sparkline().data[0].y) == [8402, 14248]
    assert by_id[Ids.REFERRAL_RATE].comparison == (
        "Referral rate, 2010-11: Dudley 555 per 10,000 children; England 557 per 10,000 "
        "children")
    assert by_id[Ids.TRAINING].change == "down 3% on 2010-11: worse (a rise is good)"
    section_11 = by_id[Ids.SECTION_11]
    assert section_11.change is None and section_11.sparkline() is None


def test_dudley_page_heading_tiles_and_links(app):
    tree = _page(app)["layout"]()
    assert tree.children[0].children == "How well are children being protected in Dudley?"
    tiles = _tiles(tree)
    assert len(tiles) == len(TILES)
    headings = [t.children[0] for t in tiles]
    assert [h.id for h in headings] == [t.id for t in TILES]
    links = [c.href for c in walk(tree) if type(c).__name__ == "Link"]
    assert links == [t.page.path for t in TILES]
    assert "message-info" not in _text(tree)
    assert "Referral rate, 2010-11: Dudley 555 per 10,000 children" in _text(tree)


@pytest.mark.parametrize("code", [DUDLEY, WORCESTERSHIRE])
def test_every_id_on_the_page_starts_with_its_name(app, code):
    with authority(code):
        tree = _page(app)["layout"]()
    ids = [i["control"] if isinstance(i, dict) else i for i in ids_in(tree)
           if not isinstance(i, dict) or "control" in i]
    if code == DUDLEY:
        assert len(ids) == len(TILES)
    assert [i for i in ids if not str(i).startswith(f"{PAGE}-") and i not in set(App)] == []


def test_worcestershire_gets_one_notice_and_no_figures_from_dudleys_reports(app, processed):
    dudley_figures = []
    with authority(DUDLEY):
        for figs in overview.tiles()[0]:
            dudley_figures.append(figs.headline.number)
            if figs.comparison:
                dudley_figures.append(figs.comparison.split(": ", 1)[1])
    with authority(WORCESTERSHIRE):
        tree = _page(app)["layout"]()
        shown, notice = overview.tiles()
    text = _text(tree)
    assert tree.children[0].children == ("How well are children being protected in "
                                         "Worcestershire?")
    assert "Dudley" not in text
    messages = [c for c in walk(tree) if "message" in str(getattr(c, "className", ""))]
    assert len(messages) == 1 and messages[0].children == notice
    assert notice.startswith("No tables from Worcestershire's annual reports are in the data")
    assert "contacts to social care" in notice and "section 11 overall average" in notice
    # Every tile comes from the reports: none is drawn, and none of Dudley's figures shows.
    assert shown == [] and _tiles(tree) == []
    for figure in dudley_figures:
        assert f'"{figure}"' not in text and figure not in notice


def test_a_tile_with_figures_is_kept_beside_the_notice(monkeypatch, registry):
    official = Tile(Ids.REFERRAL_RATE, "dfe_referrals", "dfe_referrals_rate_per_10000",
                    Page.CONTACTS)
    monkeypatch.setattr(overview, "TILES", (TILES[0], official))
    with authority(WORCESTERSHIRE):
        shown, notice = overview.tiles()
    assert [f.tile for f in shown] == [official]
    assert shown[0].headline is not None and shown[0].error is None
    assert "contacts to social care" in notice
    assert "referrals per 10,000" not in notice.lower()


def test_a_tile_that_cannot_be_read_says_why_and_is_not_in_the_notice(monkeypatch, registry):
    broken = replace(TILES[0], dataset="no_such_dataset")
    monkeypatch.setattr(overview, "TILES", (broken,))
    shown, notice = overview.tiles()
    assert notice is None
    assert len(shown) == 1 and shown[0].error and shown[0].headline is None
