"""Benchmarking page: official statistics, neighbours, significance, and a new release
dropped in with no code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.charts.benchmarking import Ids
from dashboard.ids import Page
from dashboard.ui.components import card_id, graph_id
from etl import config
from etl.official import statistics as stats
from etl.pipeline import run

from .browser import ALL_CHARTS_DRAWN, live_server
from .helpers import (
    DUDLEY,
    WORCESTERSHIRE,
    assert_drawn,
    authority,
    drawn_afresh,
    ids_in,
    layout_of,
    states,
    texts_of,
    walk,
    words,
)

REGION = "E12000005"
NEIGHBOURS = ["Rotherham", "Telford and Wrekin", "Medway", "Wigan", "Doncaster",
              "Lancashire", "North Lincolnshire", "Derbyshire", "Tameside", "Nottinghamshire"]


def test_every_chart_renders_for_every_option(registry):
    charts = registry.on_page("benchmarking")
    assert {c.id for c in charts} == {Ids.TREND, Ids.RANKED, Ids.GRID, Ids.MAP}
    assert all(c.official for c in charts)  # official statistics only: shown for anyone
    for c in charts:
        for key, values in c.options.items():
            for value in values:
                result = c.render({key: value})
                assert result.figure.data and not result.data.empty, (c.id, key, value)


def test_trend_shows_four_comparators_and_dudleys_interval(registry, processed):
    result = registry.get(Ids.TREND).render({"indicator": "cin"})
    names = [t.name for t in result.figure.data]
    assert names[0] == "Dudley: 95% confidence interval"
    assert set(names[1:]) == {"Dudley", "Statistical neighbours", "West Midlands", "England"}
    cin = processed.frame("dfe_children_in_need")
    dudley_2024 = cin[(cin["area_code"] == DUDLEY) & (cin["measure"] ==
                                                      "dfe_cin_rate_per_10000")
                      & (cin["period"] == "2024-03-31")].iloc[0]
    verdict = dudley_2024["compared_with_england"]
    words = "similar to England" if verdict == "similar" else f"{verdict} than England"
    assert result.title == (
        f"Children in need per 10,000 children: Dudley {dudley_2024['value']:g} per 10,000 "
        f"children at 31 March 2024, {words}")


def test_neighbours_average_pools_the_ten_neighbours(registry, processed):
    result = registry.get(Ids.TREND).render({"indicator": "cp-plans"})
    pooled = result.data[result.data["area_name"] == "Statistical neighbours"]
    plans = processed.frame("dfe_cp_plans")
    table = processed.frame("dfe_neighbours")
    table = table[table["authority_code"] == DUDLEY]
    assert table.sort_values("neighbour_rank")["neighbour_name"].tolist() == NEIGHBOURS
    codes = table["neighbour_code"].tolist()
    rows = plans[(plans["measure"] == "dfe_cp_plans_at_31_march_rate_per_10000")
                 & plans["area_code"].isin(codes) & (plans["period"] == "2024-03-31")]
    expected = rows["numerator"].sum() / rows["denominator"].sum() * 10_000
    got = pooled[pooled["period"] == "2024-03-31"].iloc[0]
    assert got["value"] == pytest.approx(expected)
    lo, hi = stats.byar_rate(rows["numerator"].sum(), rows["denominator"].sum())
    assert (got["lower_95"], got["upper_95"]) == (pytest.approx(float(lo)),
                                                  pytest.approx(float(hi)))


@pytest.mark.parametrize(("scope", "count"), [("region", 14), ("england", None)])
def test_ranked_chart_highlights_dudley(registry, processed, scope, count):
    result = registry.get(Ids.RANKED).render({"indicator": "cla", "scope": scope})
    las = result.data
    assert las["geographic_level"].eq("local_authority").all()
    assert las["period"].nunique() == 1
    if count:
        assert len(las) == count and las["region_code"].eq(REGION).all()
    else:
        assert len(las) > 140
    bar = result.figure.data[0]
    highlighted = [x for x, c in zip(bar.x, bar.marker.color, strict=True) if c != "#b3b3b3"]
    assert highlighted == ["Dudley"]
    mine = las[las["area_code"] == DUDLEY].iloc[0]
    position = int((las["value"] > mine["value"]).sum()) + 1
    assert f"{position}" in result.title or position == 1


def test_grid_cells_carry_the_significance_words(registry, processed):
    result = registry.get(Ids.GRID).render({})
    heat = result.figure.data[0]
    texts = [t for row in heat.text for t in row if t]
    assert any(t.endswith(("lower", "higher", "similar", "better", "worse")) for t in texts)
    dudley = result.data[result.data["area_code"] == DUDLEY]
    for _, row in dudley.iterrows():
        frame = processed.frame(next(n for n in ("dfe_children_in_need", "dfe_referrals",
                                                 "dfe_s47_icpcs", "dfe_cp_plans",
                                                 "dfe_children_looked_after")
                                     if row["measure"] in set(processed.frame(n)["measure"])))
        source = frame[(frame["measure"] == row["measure"]) & (frame["area_code"] == DUDLEY)
                       & (frame["period"] == row["period"])].iloc[0]
        assert row["compared_with_england"] == source["compared_with_england"]
        assert row["value"] == source["value"]
    assert "Byar" in " ".join(result.notes)


def _add_rows(path: Path, match, change) -> int:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    new = [change(line) for line in lines[1:] if match(line)]
    path.write_text("\n".join(lines + new) + "\n", encoding="utf-8")
    return len(new)


def test_a_new_release_shows_on_the_page_without_code_changes(tmp_path, browser):
    """Copy the releases, rename them as next year's, add a year, rerun, see it drawn."""
    source = config.settings().external_dir / "dfe"
    folder = tmp_path / "external" / "dfe"
    shutil.copytree(source, folder)
    shutil.copytree(source.parent / "boundaries", folder.parent / "boundaries")  # the map
    for path in list(folder.glob("*.csv")):
        path.rename(path.with_name(path.name.replace("_2024", "_2025")
                                   .replace("_2023.csv", "_2024.csv")))
    b1 = next(folder.glob("b1_*_2013_to_2025.csv"))
    ons = next(folder.glob("ons_*_2012_to_2024.csv"))

    def latest(year):
        return lambda line: line.startswith(f"{year},") and ("Dudley" in line
                                                             or ",National," in line)

    assert _add_rows(b1, latest(2024), lambda line: "2025" + line[4:]) == 2
    assert _add_rows(ons, latest(2023), lambda line: "2024" + line[4:]) == 2
    out = tmp_path / "processed"
    run(config.settings().raw_dir, out, external=folder.parent)
    with live_server(out) as origin:
        page = browser.new_page()
        page.goto(origin + "/benchmarking?indicator=cin")
        page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
        title = page.locator(f"#{card_id(Ids.TREND)} h2").inner_text()
        periods = page.evaluate(f"() => document.querySelector('#{graph_id(Ids.TREND)} "
                                ".js-plotly-plot')._fullData.flatMap(t => Array.from(t.x))")
        page.close()
    assert "2025-03-31" in periods
    assert "at 31 March 2025" in title
    rates = pd.read_parquet(out / "dfe_children_in_need.parquet")
    assert not np.isnan(rates[(rates["area_code"] == DUDLEY) & (rates["period"] ==
                                                                "2025-03-31")]["value"]).any()


# ---------------------------------------------------------------- the map

WEST_MIDLANDS = {"Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall",
                 "Wolverhampton", "Herefordshire, County of", "Shropshire", "Stoke-on-Trent",
                 "Telford and Wrekin", "Staffordshire", "Warwickshire", "Worcestershire"}


def _areas(fig) -> dict[str, object]:
    """The filled traces, one per authority, by the name their hover text gives."""
    return {t.text.split(":")[0]: t for t in fig.data if t.fill == "toself"}


@pytest.mark.parametrize("scope", ["region", "england"])
def test_map_draws_every_authority_offline_with_dudley_outlined(registry, scope):
    from dashboard import figures

    result = registry.get(Ids.MAP).render({"indicator": "cla", "scope": scope})
    fig = result.figure
    assert {t.type for t in fig.data} == {"scatter"}  # no tiles, no WebGL
    assert not fig.layout.xaxis.visible and fig.layout.yaxis.scaleanchor == "x"
    outline = [t for t in fig.data if t.name == "Dudley (outlined)"]
    assert len(outline) == 1 and outline[0].line.width >= 3
    assert outline[0].line.color == figures.MAP_HIGHLIGHT and outline[0].fill in (None, "none")
    ys = [y for y in outline[0].y if y is not None]
    assert min(ys) > 52.38 and max(ys) < 52.58  # Dudley's latitude
    areas = _areas(fig)
    assert areas["Dudley"].text.startswith("Dudley: ") and "per 10,000" in areas["Dudley"].text
    assert areas["Dudley"].hoveron == "fills"
    # the table view is the authorities' own rows, for Dudley's latest year
    las = result.data
    assert las["geographic_level"].eq("local_authority").all() and las["period"].nunique() == 1
    assert las.loc[las["area_code"] == DUDLEY, "period"].iloc[0] == "2024-03-31"
    assert set(areas) == set(las["area_name"])
    assert {"Period", "Area", "Value", "Source"} <= set(result.table().columns)
    assert "Contains OS data" in result.source or "contains OS data" in result.source


def test_west_midlands_map_covers_all_14_authorities_counties_as_districts(registry,
                                                                           processed):
    result = registry.get(Ids.MAP).render({"indicator": "cin", "scope": "region"})
    assert set(result.data["area_name"]) == WEST_MIDLANDS
    assert result.data["region_code"].eq(REGION).all()
    areas = _areas(result.figure)
    assert set(areas) == WEST_MIDLANDS
    # Worcestershire is the union of its six districts: one outline around them all
    geo = processed.frame("geo_lad")
    worcs = geo[geo["lad_code"].str.startswith("E0700023")
                & geo["lad_code"].str[-1].isin(list("456789"))]
    xs = [x for x in areas["Worcestershire"].x if x is not None]
    assert len(xs) < sum(len(v) for v in worcs["lon"])  # inner district edges gone
    assert "All 14 West Midlands authorities are drawn." in result.notes
    assert any("Staffordshire, Warwickshire and Worcestershire" in n for n in result.notes)
    # every authority labelled with its name and value, Dudley's in bold
    labels = " ".join(a.text for a in result.figure.layout.annotations)
    for name in WEST_MIDLANDS - {"Dudley"}:
        assert name in labels, name
    assert "<b>Dudley</b>" in labels
    value = result.data.loc[result.data["area_code"] == DUDLEY, "value"].iloc[0]
    assert f"Dudley ({value:g})" in result.title and "of 14 West Midlands" in result.title


def test_england_map_says_which_authorities_could_not_be_drawn(registry, monkeypatch):
    from etl.geo import districts as boundaries

    full = registry.get(Ids.MAP).render({"indicator": "cin", "scope": "england"})
    assert f"All {len(full.data)} authorities in England are drawn." in full.notes
    assert set(_areas(full.figure)) == set(full.data["area_name"])

    # Without the table of authorities created since 2013, those have no boundary
    monkeypatch.setattr(boundaries, "SUCCESSORS", {})
    drawn_afresh()
    result = registry.get(Ids.MAP).render({"indicator": "cin", "scope": "england"})
    note = next(n for n in result.notes if n.startswith("Not drawn"))
    missing = ["Buckinghamshire", "Cumberland", "Dorset", "North Northamptonshire",
               "North Yorkshire", "Somerset", "Suffolk", "West Northamptonshire",
               "Westmorland and Furness"]
    for name in missing:
        assert name in note, name
    drawn = set(_areas(result.figure))
    assert not drawn & set(missing)
    assert "Bournemouth, Christchurch and Poole" in drawn  # matched by its districts' names
    on_map = [a.text for a in result.figure.layout.annotations if "Not drawn" in a.text]
    assert len(on_map) == 1 and "Westmorland" in on_map[0]  # said on the map itself


def test_map_quantile_bands_and_no_data_areas():
    from dashboard import figures

    square = {"lon": [[0, 1, 1, 0, 0]], "lat": [[52, 52, 53, 53, 52]]}
    shapes = pd.DataFrame([{"area_code": f"A{i}", "lon": [v + 2 * i for v in square["lon"][0]],
                            "lat": square["lat"][0], "hole": False} for i in range(7)])
    values = pd.DataFrame({"area_code": [f"A{i}" for i in range(7)],
                           "area_name": [f"Area {i}" for i in range(7)],
                           "value": [1, 2, 3, 4, 5, 6, None], "unit": "rate_per_10000"})
    edges = figures.class_breaks(values["value"])
    assert edges == [1, 2, 3, 4, 5, 6]
    assert [figures.class_of(v, edges) for v in values["value"]] == [0, 0, 1, 2, 3, 4, None]
    fig = figures.polygon_map(shapes, values, highlight="A3")
    fills = {t.text.split(":")[0]: t for t in fig.data if t.fill == "toself"}
    assert fills["Area 0"].fillcolor == figures.MAP_BLUES[0]
    assert fills["Area 5"].fillcolor == figures.MAP_BLUES[4]
    assert fills["Area 6"].fillcolor == figures.MAP_NO_DATA and fills["Area 6"].fillpattern.shape
    assert fills["Area 6"].text == "Area 6: no figure published"
    key = " ".join(a.text for a in fig.layout.annotations)
    for text in ("1 to 2", "5 to 6", "No figure published", "Area 3 (outlined)"):
        assert text in key
    assert figures.class_breaks([7, 7, 7]) == [7, 7]  # one value: one band
    assert figures.class_breaks([]) == []


def test_map_png_export_is_a_valid_image(registry):
    import struct

    from dashboard.exports import images as export

    result = registry.get(Ids.MAP).render({"indicator": "cp-plans", "scope": "region"})
    png = export.render(result, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (2000, 1240)
    assert len(png) > 50_000  # a drawn map, not an empty frame


# ---------------------------------------------------------------- any authority

NORTH_YORKSHIRE, CUMBERLAND, CORNWALL = "E06000065", "E06000063", "E06000052"


def _page_layout(app, **query):
    return layout_of(Page.BENCHMARKING, **query)


def _shown(layout) -> list[str]:
    from dashboard.ui.pagekit import shown_id

    return next(c.data for c in walk(layout) if getattr(c, "id", None) == shown_id("benchmarking"))


def test_worcestershire_is_named_everywhere_and_dudley_nowhere(app, registry):
    from dashboard import store

    with authority(WORCESTERSHIRE):
        layout = _page_layout(app)
        assert "How Worcestershire compares" in texts_of(layout)
        # Dudley is one of the region's authorities: only the tables listing them all name it
        assert "Dudley" not in texts_of(layout, tables=False)
        me = store.profile()
        compared = {me.name, me.region.name, "England"}
        shown = _shown(layout)
        assert set(shown) == {c.id for c in registry.on_page("benchmarking")}
        for chart_id in shown:
            chart = registry.get(chart_id)
            for state in states(chart):
                result = assert_drawn(chart, state)
                heading = f"{result.title} {result.subtitle}"
                assert any(name in heading for name in compared), (chart_id, state, heading)
                assert "Dudley" not in words(result), (chart_id, state)
        trend = registry.get(Ids.TREND).render({})
        assert [t.name for t in trend.figure.data][1] == "Worcestershire"
        ranked = registry.get(Ids.RANKED).render({"scope": "region"})
        bar = ranked.figure.data[0]
        assert [x for x, c in zip(bar.x, bar.marker.color, strict=True)
                if c != "#b3b3b3"] == ["Worcestershire"]
        outline = [t.name for t in registry.get(Ids.MAP).render({}).figure.data
                   if t.name and t.name.endswith("(outlined)")]
        assert outline == ["Worcestershire (outlined)"]


def test_every_id_in_the_layout_starts_with_the_page_name(app):
    from dashboard.ids import App

    for code in (DUDLEY, CUMBERLAND):
        with authority(code):
            for i in ids_in(_page_layout(app)):
                if isinstance(i, dict):
                    assert "control" not in i or i["control"].startswith("benchmarking-"), i
                else:
                    assert i in set(App) or i.startswith("benchmarking-"), i


def test_styles_follow_the_role_and_series_are_ordered_by_role(registry):
    from dashboard.figures import theme

    with authority(CORNWALL):
        result = registry.get(Ids.TREND).render({"indicator": "cp-plans"})
    lines = [t for t in result.figure.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["Cornwall", "Statistical neighbours", "South West",
                                       "England"]
    for trace, role in zip(lines, ["authority", "neighbours", "region", "england"],
                           strict=True):
        assert trace.line.color == theme.ROLE_STYLE[role]["color"], role
        assert trace.line.dash == theme.ROLE_STYLE[role]["dash"], role
    pooled = result.data[result.data["area_name"] == "Statistical neighbours"]
    assert pooled["role"].eq("neighbours").all() and not pooled.empty


def test_another_region_is_named_from_the_profile(app, registry):
    with authority(CORNWALL):
        trend = registry.get(Ids.TREND).render({})
        assert "South West" in [t.name for t in trend.figure.data]
        grid = registry.get(Ids.GRID).render({})
        assert list(grid.figure.data[0].x) == ["Cornwall", "Statistical neighbours",
                                               "South West", "England"]
        assert "the South West and England" in grid.subtitle
        ranked = registry.get(Ids.RANKED).render({"scope": "region"})
        assert ranked.data["region_code"].eq("E12000009").all()
        assert "in the South West" in ranked.title and "in the South West" in ranked.subtitle
        region_map = registry.get(Ids.MAP).render({"scope": "region"})
        assert region_map.data["region_code"].eq("E12000009").all()
        assert "South West authorities" in region_map.subtitle
        assert "Cornwall (" in region_map.title
        text = texts_of(_page_layout(app))
        assert "How Cornwall compares with its statistical neighbours, the South West and " \
               "England" in text and "South West authorities" in text
        assert "West Midlands" not in text


def test_north_yorkshire_runs_across_its_change_of_code_as_one_line(registry, processed):
    with authority(NORTH_YORKSHIRE):
        result = registry.get(Ids.TREND).render({"indicator": "cin"})
    names = [t.name for t in result.figure.data]
    assert names.count("North Yorkshire") == 1
    line = next(t for t in result.figure.data if t.name == "North Yorkshire")
    mine = result.data[result.data["role"] == "authority"]
    assert set(mine["area_code"]) == {"E10000023", "E06000065"}  # old code, then new
    cin = processed.frame("dfe_children_in_need")
    published = cin[(cin["measure"] == "dfe_cin_rate_per_10000")
                    & cin["area_code"].isin(["E10000023", "E06000065"])]
    assert list(line.x) == sorted(published["period"])
    assert list(line.y) == published.sort_values("period")["value"].tolist()
    assert "2013-03-31" in line.x and "2024-03-31" in line.x
    assert "North Yorkshire" in result.title


def test_an_authority_without_neighbours_still_draws_with_a_note(app, registry):
    from etl.profile import NEIGHBOURS_NAME

    with authority(CUMBERLAND):
        for chart in registry.on_page("benchmarking"):
            for state in states(chart):
                assert_drawn(chart, state)
        trend = registry.get(Ids.TREND).render({})
        assert NEIGHBOURS_NAME not in [t.name for t in trend.figure.data]
        assert not trend.data["role"].eq("neighbours").any()
        assert [t.name for t in trend.figure.data][1:] == ["Cumberland", "North West",
                                                           "England"]
        note = "DfE's statistical neighbour groupings do not include Cumberland"
        assert any(n.startswith(note) for n in trend.notes)
        grid = registry.get(Ids.GRID).render({})
        assert list(grid.figure.data[0].x) == ["Cumberland", "North West", "England"]
        assert any(n.startswith(note) for n in grid.notes)
        assert "neighbours" not in grid.subtitle
        text = texts_of(_page_layout(app))
        assert note in text


def _without_region(monkeypatch):
    import dataclasses

    import dashboard.store
    from dashboard import store
    from dashboard.store import areas, files, series

    me = dataclasses.replace(store.profile(), region=None)
    for module in (dashboard.store, areas, series):
        monkeypatch.setattr(module, "profile", lambda: me)
    version = files.version  # the cards' cache key: not the cards drawn with the region
    monkeypatch.setattr(files, "version", lambda: (*version(), "no region"))


def test_scopes_come_from_the_profile_and_an_unknown_region_is_left_out(app, registry,
                                                                        monkeypatch):
    from dashboard.charts.benchmarking import scopes

    assert registry.get(Ids.RANKED).options["scope"] == ("region", "england")
    _without_region(monkeypatch)
    assert scopes() == ("england",)
    for chart_id in (Ids.RANKED, Ids.MAP):
        assert registry.get(chart_id).options["scope"] == ("england",)
        assert registry.get(chart_id).render({"scope": "region"}).subtitle.endswith(
            "in England")
    trend = registry.get(Ids.TREND).render({})
    assert [t.name for t in trend.figure.data][1:] == ["Dudley", "Statistical neighbours",
                                                       "England"]
    grid = registry.get(Ids.GRID).render({})
    assert list(grid.figure.data[0].x) == ["Dudley", "Statistical neighbours", "England"]
    layout = _page_layout(app, scope="region")
    text = texts_of(layout)
    assert "All authorities in England" in text
    assert "West Midlands" not in text, text[text.index("West Midlands") - 300:][:600]


def test_the_boundaries_year_comes_from_the_boundary_file(registry, monkeypatch):
    from dashboard.store import smallareas

    assert smallareas.district_year() == "2013"  # the file's codes are LAD13CD
    result = registry.get(Ids.MAP).render({"indicator": "cin", "scope": "england"})
    assert any("from the 2013 districts they replaced" in n for n in result.notes)
    assert "districts (2013, generalised)" in result.source
    monkeypatch.setattr(smallareas, "district_year", lambda: None)  # the file not at hand
    drawn_afresh()
    result = registry.get(Ids.MAP).render({"indicator": "cin", "scope": "england"})
    assert any("from the districts they replaced" in n for n in result.notes)
    assert "districts (generalised)" in result.source
