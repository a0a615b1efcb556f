"""About the data: it names the configured authority, lists only its own reports' tables and
flags (and the official ones), and tells an authority without reports how to add them."""

from __future__ import annotations

import pytest

from dashboard.ids import App, Page

from .helpers import DUDLEY, WORCESTERSHIRE, authority, ids_in, walk


@pytest.fixture(scope="module")
def about(app):
    """The page as the app registered it (importing the page module a second time would
    register its path twice)."""
    import dash

    return next(p for p in dash.page_registry.values() if p["path"] == Page.ABOUT.path)


def _texts(component) -> list[str]:
    """Every piece of text in a layout: string children and string properties."""
    out = []
    for c in walk(component):
        if isinstance(c, str):
            out.append(c)
        elif hasattr(c, "to_plotly_json"):
            out += [v for v in c.to_plotly_json()["props"].values() if isinstance(v, str)]
    return out


def _paragraphs(component) -> list[str]:
    """The text of each paragraph and list item, its inline parts joined."""
    out = []
    for c in walk(component):
        if type(c).__name__ in ("P", "Li"):
            parts = c.children if isinstance(c.children, list) else [c.children]
            out.append("".join(p if isinstance(p, str) else str(p.children) for p in parts))
    return out


def _table_rows(layout, caption_start: str) -> list[list[str]]:
    table = next(c for c in walk(layout) if type(c).__name__ == "Table"
                 and c.children[0].children.startswith(caption_start))
    body = table.children[2]
    return [[td.children for td in tr.children] for tr in body.children]


def _sources_of(processed, code: str) -> set[str]:
    table = processed.frame("authorities").set_index("authority_code")
    return set(table.loc[code, "sources"])


def _flag_sources(processed) -> list[set[str]]:
    """The source ids of the figure each flag is about, flag by flag."""
    flags = processed.flags()
    out = []
    for _, flag in flags.iterrows():
        rows = processed.frame(flag["dataset"])
        match = rows[(rows["measure"] == flag["measure"]) & (rows["area_code"] == flag[
            "area_code"]) & (rows["period"] == flag["period"]) & (rows["breakdown_value"] == flag[
                "breakdown_value"])]
        assert not match.empty, flag["check_id"]
        out.append(set(match["source_id"]))
    return out


def test_dudley_sees_its_authority_its_reports_and_every_flag(about, processed):
    layout = about["layout"]()
    text = " ".join(_paragraphs(layout))
    assert "This dashboard is set up for Dudley (ONS code E08000027" in text
    assert "Dudley's annual reports in the data: " in text
    assert "have not been added" not in text
    titles = processed.frame("tables")
    mine = titles[titles["source_id"].isin(_sources_of(processed, DUDLEY))]
    for title in mine["source_title"].unique():
        assert title in text
    flags = _table_rows(layout, "Validation flags")
    assert len(flags) == len(processed.flags()) == 30
    assert f"{len(flags)} place(s) found." in text
    tables = _table_rows(layout, "Each table")
    assert len(tables) == len(processed.frame("tables"))
    measures = _table_rows(layout, "Measures")
    assert len(measures) == len(processed.frame("measures"))


def test_worcestershire_is_named_and_told_how_to_add_its_reports(about, processed):
    dudley = _sources_of(processed, DUDLEY)
    with authority(WORCESTERSHIRE):
        layout = about["layout"]()
    texts = _texts(layout)
    assert not [t for t in texts if "Dudley" in t]
    paragraphs = _paragraphs(layout)
    text = " ".join(paragraphs)
    intro = next(c.children for c in walk(layout) if getattr(c, "className", None) == "intro")
    assert "Worcestershire" in intro
    assert "This dashboard is set up for Worcestershire (ONS code E10000034" in text
    assert "The tables of Worcestershire's annual reports have not been added yet" in text
    steps = next(c for c in walk(layout) if type(c).__name__ == "Ol")
    items = _paragraphs(steps)
    assert len(items) == 4
    assert "data/raw/sources.csv" in items[0] and "E10000034 in its area column" in items[0]
    assert "data/raw/reports/<source_id>/" in items[1] and "manifest.csv" in items[1]
    assert "data/raw/measures.csv" in items[2]
    assert items[3] == "Run make etl."
    # only the official statistics' tables and flags: none from another partnership's reports
    tables = _table_rows(layout, "Each table")
    parquet = processed.frame("tables")
    official = parquet[~parquet["source_id"].isin(dudley)]
    assert sorted(r[2] for r in tables) == sorted(official["source_table"])
    assert len(tables) < len(parquet)
    flags = _table_rows(layout, "Validation flags")
    expected = [s for s in _flag_sources(processed) if s - dudley]
    assert len(flags) == len(expected) and len(flags) < len(processed.flags())
    measures = {r[0] for r in _table_rows(layout, "Measures")}
    labels = processed.frame("measures").set_index("measure")["label"]
    assert labels["dfe_cp_plans_at_31_march_rate_per_10000"] in measures
    assert labels["section11_score"] not in measures


def test_every_id_in_the_layout_starts_with_the_page_name(about):
    for code in (DUDLEY, WORCESTERSHIRE):
        with authority(code):
            for i in ids_in(about["layout"]()):
                if isinstance(i, dict):
                    assert i.get("control", Page.ABOUT.id("")).startswith(f"{Page.ABOUT}-")
                else:
                    assert i in set(App) or str(i).startswith(f"{Page.ABOUT}-"), i


def test_the_page_is_registered_under_its_name(about):
    assert about["module"].endswith(f"pages.{Page.ABOUT.module}")
    assert about["name"] == Page.ABOUT.title and about["order"] == Page.ABOUT.order
