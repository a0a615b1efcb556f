"""Section 11 audit page: every chart built through the registry, checked against the
processed Parquet and the 2011-12 annual report's Appendix 4; the organisations come from
the data; an authority without a Section 11 audit in its reports is told so."""

import math
import re

import pandas as pd
import pytest

from dashboard.charts import section_11 as s11
from dashboard.ids import App, Page
from etl import config

from .helpers import DUDLEY, WORCESTERSHIRE, assert_drawn, authority, ids_in, states, walk

CHARTS = {s11.Ids.GRID, s11.Ids.STANDARDS, s11.Ids.ORG}


@pytest.fixture(scope="module")
def layout(app):
    """The page's layout function, as the app registered it (importing the page module a
    second time would register its path twice)."""
    import dash

    return next(p for p in dash.page_registry.values() if p["path"] == Page.SECTION_11.path
                )["layout"]


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _texts(component) -> list[str]:
    """Every piece of text in a layout: children and string properties."""
    out = []
    for c in walk(component):
        if isinstance(c, str):
            out.append(c)
            continue
        props = c.to_plotly_json()["props"] if hasattr(c, "to_plotly_json") else {}
        out += [v for k, v in props.items() if isinstance(v, str) and k != "children"]
        children = getattr(c, "children", None)
        if isinstance(children, str):
            out.append(children)
        elif isinstance(children, list | tuple):
            out += [x for x in children if isinstance(x, str)]
    return out


def _pressed(component, control: str) -> list[str]:
    """The values of the pressed choice buttons of one control, anywhere in the layout."""
    return [c.id["value"] for c in walk(component)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control
            and c.to_plotly_json()["props"].get("aria-pressed") == "true"]


def _shown(layout) -> list[str]:
    """The chart ids whose cards the layout draws."""
    return [str(c.id).removesuffix("-card") for c in walk(layout)
            if isinstance(getattr(c, "id", None), str) and c.id.endswith("-card")]


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page(Page.SECTION_11)
    assert {c.id for c in charts} == CHARTS
    for c in charts:
        for state in states(c):
            assert_drawn(c, state)


def test_organisation_choices_are_the_organisations_in_the_data(registry, processed):
    parquet = processed.frame("section11")
    orgs = parquet[parquet["geographic_level"] == "organisation"]
    orgs = orgs.drop_duplicates("area_code").sort_values("area_name")
    found = s11.organisations()
    # values are the codes without their prefix, labels the names, in order of name
    assert [code for code, _ in found.values()] == orgs["area_code"].tolist()
    assert list(found) == [c.removeprefix("ORG-").lower() for c in orgs["area_code"]]
    assert [name for _, name in found.values()] == orgs["area_name"].tolist()
    areas = pd.read_csv(config.settings().raw_dir / "areas.csv").set_index("area_code")
    for slug, (code, name) in found.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", slug)
        assert name == areas.loc[code, "area_name"]
        assert areas.loc[code, "geographic_level"] == "organisation"
    # every organisation scored in the audit, and nothing else
    scored = parquet[parquet["measure"] == "section11_score"]
    assert {code for code, _ in found.values()} == set(scored["area_code"])
    chart = registry.get(s11.Ids.ORG)
    assert chart.options["org"] == tuple(found)
    assert callable(chart.choices["org"])  # worked out from the data, never a constant
    assert chart.options["org"][0] == "cafcass"


def test_grid_draws_every_score_and_shows_gaps_as_no_score(registry, processed):
    result = registry.get(s11.Ids.GRID).render({})
    heat = result.figure.data[0]
    assert len(heat.y) == 10 and list(heat.x) == [str(i) for i in range(1, 12)]
    gaps = [(y, x) for y, row_z, row_t in zip(heat.y, heat.z, heat.text, strict=True)
            for x, z, t in zip(heat.x, row_z, row_t, strict=True) if z is None]
    assert sorted(gaps) == sorted([("Directorate of Urban Environment", "6"),
                                   ("Youth Offending Services", "5"),
                                   ("Youth Offending Services", "7"),
                                   ("Youth Offending Services", "10"),
                                   ("Youth Offending Services", "11")])
    texts = [t for row in heat.text for t in row]
    assert texts.count("no score") == 5
    # Table view equals the Parquet, gaps included as "not available", never zero.
    parquet = processed.frame("section11")
    for _, row in result.data.iterrows():
        match = parquet[(parquet["measure"] == "section11_score")
                        & (parquet["area_code"] == row["area_code"])
                        & (parquet["breakdown_value"] == row["breakdown_value"])]
        assert len(match) == 1
        if _missing(row["value"]):
            assert match["value"].isna().all()
        else:
            assert match["value"].iloc[0] == row["value"]
    table = result.table()
    assert (table["Value"] == 0).sum() == 0
    assert (table["Status"] == "not available").sum() == 5
    assert result.subtitle == ("Compliance score (%) on standards 1 to 11, 10 partner "
                               "organisations, highest average first, 2011-12")


def test_grid_title_matches_the_report(registry):
    # Appendix 4 by hand: 105 printed scores; standard 10 has 62, 58, 62, 62 below 62.5%.
    result = registry.get(s11.Ids.GRID).render({})
    assert result.title == ("Of 105 scores, 32 were green, 61 amber and 12 blue; none was red. "
                            "Standard 10 (joint working to safeguard children) had the most "
                            "scores below amber (4)")


def test_standards_title_and_table_match_the_report(registry, processed):
    result = registry.get(s11.Ids.STANDARDS).render({})
    # Appendix 4: safe recruitment 88.1% on average, views of children 69%.
    assert result.title == ("Standard 9 (safe recruitment) had the highest average score "
                            "(88.1%) and standard 5 (services shaped by children's views) "
                            "the lowest (69%)")
    for _, row in result.data.iterrows():
        assert row["value"] == processed.value("section11", row["measure"], "2011-12",
                                               breakdown_value=row["breakdown_value"])
    assert len(result.data) == 33
    drawn = {t.name: dict(zip(t.y, t.x, strict=True)) for t in result.figure.data}
    assert drawn["Average"]["5. Services shaped by children's views"] == 69
    assert drawn["Lowest"]["8. Staff training"] == 56
    assert drawn["Highest"]["11. Joint working and information sharing"] == 87


def test_standards_note_the_averages_that_disagree_with_the_scores(registry, processed):
    result = registry.get(s11.Ids.STANDARDS).render({})
    flags = processed.flags()
    n = int((flags["measure"] == "section11_standard_average").sum())
    assert n == 10
    note = next(x for x in result.notes if "do not match" in x)
    assert f"{n} of the 11 standards" in note
    assert "standard 6: printed 75%, but the scores average 80.6%" in note


def test_org_profile_for_cafcass_matches_the_report(registry):
    result = registry.get(s11.Ids.ORG).render({"org": "cafcass"})
    # Cafcass 100, 100, 100, 100, 75, 75, 87, 87, 100, 91, 87 against the printed averages:
    # level on standard 6 (75%), above on the rest; overall 91.1% against 81.8%.
    assert result.title == ("Cafcass scored above the average on 10 of the 11 standards "
                            "(level on 1); overall 91.1%, against 81.8% for all organisations")
    drawn = {t.name: dict(zip(t.y, t.x, strict=True)) for t in result.figure.data}
    assert set(drawn) == {"Cafcass", "Average of all organisations"}
    assert drawn["Cafcass"]["Overall"] == 91.1
    assert drawn["Average of all organisations"]["Overall"] == 81.8
    # two series that are not areas: styled by position, so they differ
    colours = {t.marker.color for t in result.figure.data}
    assert len(colours) == 2


def test_org_option_changes_the_data(registry, processed):
    chart = registry.get(s11.Ids.ORG)
    seen = {}
    for slug, (code, _name) in s11.organisations().items():
        result = chart.render({"org": slug})
        own = result.data[result.data["area_code"] == code]
        assert not own.empty
        assert set(result.data["area_code"]) == {code, DUDLEY}
        for _, row in own.iterrows():
            match = processed.rows("section11", row["measure"], "2011-12", area=code,
                                   breakdown_value=row["breakdown_value"])
            assert len(match) == 1
            assert (_missing(row["value"]) and match["value"].isna().all()) or \
                match["value"].iloc[0] == row["value"]
        seen[slug] = tuple(own["value"].fillna(-1))
    assert len(set(seen.values())) == len(seen)


def test_youth_offending_gaps_and_flag(registry):
    result = registry.get(s11.Ids.ORG).render({"org": "dudley-yos"})
    bars = next(t for t in result.figure.data if t.name == "Youth Offending Services")
    values = dict(zip(bars.y, bars.x, strict=True))
    for standard in ("5. Services shaped by children's views",
                     "7. Joint working: sharing with service users",
                     "10. Joint working to safeguard children",
                     "11. Joint working and information sharing"):
        assert _missing(values[standard]), f"{standard} must not be drawn"
    assert values["Overall"] == 70.1
    assert result.title.startswith("Youth Offending Services scored above the average on")
    assert " standards it was scored on" in result.title
    assert any("overall score as 70.1%" in n and "80.1%" in n for n in result.notes)
    assert any("standards 5, 7, 10 and 11" in n for n in result.notes)
    cafcass = registry.get(s11.Ids.ORG).render({"org": "cafcass"})
    assert not any("overall score as" in n for n in cafcass.notes)


def test_summary_and_standards_list(layout):
    lines = s11.summary()
    assert lines[0] == ("10 partner organisations audited themselves on 45 criteria in "
                        "2011-12. Their average compliance score was 81.8%.")
    assert "At least one organisation scored 100% on 9 of the 11 standards." in lines
    assert any("Youth Offending Services' overall score" in s for s in lines)
    page = layout(org="probation")
    items = [c for c in walk(page) if type(c).__name__ == "Li"]
    assert any(c.children == "Safe recruitment" for c in items)
    ordered = [c for c in walk(page) if type(c).__name__ == "Ol"]
    assert len(ordered) == 1 and len(ordered[0].children) == 11
    assert _pressed(page, s11.Ids.ORGANISATION) == ["probation"]
    assert sorted(_shown(page)) == sorted(CHARTS)
    intro = next(c for c in walk(page) if getattr(c, "className", None) == "intro")
    assert intro.children == (
        "In 2011-12 partner organisations in Dudley checked themselves against the 11 "
        "standards of Section 11 of the Children Act 2004: their duty to safeguard and "
        "promote the welfare of children. Higher scores mean more fully met.")
    # the organisation buttons are the organisations in the data, named as in the data
    buttons = [c for c in walk(page) if isinstance(getattr(c, "id", None), dict)
               and c.id.get("control") == s11.Ids.ORGANISATION]
    assert [(b.id["value"], b.children) for b in buttons] == [
        (slug, name) for slug, (_code, name) in s11.organisations().items()]


@pytest.mark.parametrize("bad", ["../etc", "CAFCASS", "ORG-CAFCASS", "none"])
def test_unknown_org_falls_back_to_the_first(registry, bad):
    assert registry.get(s11.Ids.ORG).state({"org": bad}) == {"org": "cafcass"}


def test_every_id_in_the_layout_starts_with_the_page_name(layout):
    for query in ({}, {"org": "wmfs"}):
        ids = ids_in(layout(**query))
        assert ids
        for i in ids:
            if isinstance(i, dict):
                if "control" in i:
                    assert i["control"].startswith(f"{Page.SECTION_11}-"), i
                continue
            assert i in set(App) or str(i).startswith(f"{Page.SECTION_11}-"), i
    assert [i for i in s11.Ids if not i.startswith(f"{Page.SECTION_11}-")] == []


def test_worcestershire_is_told_its_reports_have_no_section_11_audit(layout, registry):
    from dashboard.ui.components import chart_card

    with authority(WORCESTERSHIRE):
        page = layout()
        texts = _texts(page)
        heading = [c.children for c in walk(page) if type(c).__name__ == "H1"]
        intro = next(c.children for c in walk(page)
                     if getattr(c, "className", None) == "intro")
        assert "Worcestershire" in heading[0] or "Worcestershire" in intro
        notice = [c for c in walk(page) if getattr(c, "className", None) ==
                  "message message-info"]
        assert len(notice) == 1
        assert "No tables from Worcestershire's annual reports" in notice[0].children
        # no report chart is drawn (the page has no chart from the official statistics)
        assert _shown(page) == [c.id for c in registry.on_page(Page.SECTION_11)
                                  if c.official]
        assert not [c for c in walk(page) if type(c).__name__ == "Ol"]
        assert not any("Dudley" in t for t in texts), [t for t in texts if "Dudley" in t]
        assert s11.summary() == [] and s11.organisations() == {}
        assert s11.organisation_choices() == (s11.NO_ORGANISATION,)
        for chart in registry.on_page(Page.SECTION_11):
            assert not chart.official
            assert chart.state({"org": "cafcass"}) == ({"org": s11.NO_ORGANISATION}
                                                       if chart.choices else {})
            with pytest.raises(s11.store.DataUnavailable, match="Worcestershire"):
                chart.render({})
            card = chart_card(chart, {})  # a card asked for anyway says why, no figures
            words = " ".join(_texts(card))
            assert "cannot be shown" in words and "Worcestershire" in words
            assert "Dudley" not in words
    # and back to the configured authority
    assert s11.organisation_choices()[0] == "cafcass"
