"""Section 11 audit page: every chart built through the registry, checked against the
processed Parquet and the 2011-12 annual report's Appendix 4."""

import math
import re

import pandas as pd
import pytest

from dashboard.charts import TABLE_COLUMNS
from etl import config

CHARTS = {"section-11-grid", "section-11-standards", "section-11-org"}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str):
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        yield from _walk(child)


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page("section-11")
    assert {c.id for c in charts} == CHARTS
    for c in charts:
        states = [{}] + [{key: value} for key, values in c.options.items() for value in values]
        for state in states:
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert any(len(t.x if t.x is not None else []) for t in result.figure.data)
            assert not result.data.empty
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())


def test_organisation_options_are_the_audited_organisations(registry, processed):
    from dashboard.pages import section_11 as page

    scores = processed.frame("section11")
    scores = scores[scores["measure"] == "section11_score"]
    assert set(page.ORGS.values()) == set(scores["area_code"])
    assert len(page.ORGS) == len(set(page.ORGS.values()))
    areas = pd.read_csv(config.settings().raw_dir / "areas.csv").set_index("area_code")["area_name"]
    for slug, code in page.ORGS.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", slug)
        assert page.ORG_NAMES[code] == areas[code]
    assert page.OPTIONS["org"][0] == "cafcass"


def test_grid_draws_every_score_and_shows_gaps_as_no_score(registry, processed):
    result = registry.get("section-11-grid").render({})
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


def test_grid_title_matches_the_report(registry):
    # Appendix 4 by hand: 105 printed scores; standard 10 has 62, 58, 62, 62 below 62.5%.
    result = registry.get("section-11-grid").render({})
    assert result.title == ("Of 105 scores, 32 were green, 61 amber and 12 blue; none was red. "
                            "Standard 10 (joint working to safeguard children) had the most "
                            "scores below amber (4)")


def test_standards_title_and_table_match_the_report(registry, processed):
    result = registry.get("section-11-standards").render({})
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
    result = registry.get("section-11-standards").render({})
    flags = processed.flags()
    n = int((flags["measure"] == "section11_standard_average").sum())
    assert n == 10
    note = next(x for x in result.notes if "do not match" in x)
    assert f"{n} of the 11 standards" in note
    assert "standard 6: printed 75%, but the scores average 80.6%" in note


def test_org_profile_for_cafcass_matches_the_report(registry):
    result = registry.get("section-11-org").render({"org": "cafcass"})
    # Cafcass 100, 100, 100, 100, 75, 75, 87, 87, 100, 91, 87 against the printed averages:
    # level on standard 6 (75%), above on the rest; overall 91.1% against 81.8%.
    assert result.title == ("Cafcass scored above the average on 10 of the 11 standards "
                            "(level on 1); overall 91.1%, against 81.8% for all organisations")
    drawn = {t.name: dict(zip(t.y, t.x, strict=True)) for t in result.figure.data}
    assert set(drawn) == {"Cafcass", "Average of all organisations"}
    assert drawn["Cafcass"]["Overall"] == 91.1
    assert drawn["Average of all organisations"]["Overall"] == 81.8


def test_org_option_changes_the_data(registry, processed):
    from dashboard.pages.section_11 import ORGS

    chart = registry.get("section-11-org")
    seen = {}
    for slug, code in ORGS.items():
        result = chart.render({"org": slug})
        own = result.data[result.data["area_code"] == code]
        assert not own.empty
        assert set(result.data["area_code"]) == {code, "E08000027"}
        for _, row in own.iterrows():
            match = processed.rows("section11", row["measure"], "2011-12", area=code,
                                   breakdown_value=row["breakdown_value"])
            assert len(match) == 1
            assert (_missing(row["value"]) and match["value"].isna().all()) or \
                match["value"].iloc[0] == row["value"]
        seen[slug] = tuple(own["value"].fillna(-1))
    assert len(set(seen.values())) == len(seen)


def test_youth_offending_gaps_and_flag(registry):
    result = registry.get("section-11-org").render({"org": "youth-offending"})
    bars = next(t for t in result.figure.data if t.name == "Youth Offending Services")
    values = dict(zip(bars.y, bars.x, strict=True))
    for standard in ("5. Services shaped by children's views",
                     "7. Joint working: sharing with service users",
                     "10. Joint working to safeguard children",
                     "11. Joint working and information sharing"):
        assert _missing(values[standard]), f"{standard} must not be drawn"
    assert values["Overall"] == 70.1
    assert any("overall score as 70.1%" in n and "80.1%" in n for n in result.notes)
    assert any("standards 5, 7, 10 and 11" in n for n in result.notes)
    cafcass = registry.get("section-11-org").render({"org": "cafcass"})
    assert not any("overall score as" in n for n in cafcass.notes)


def test_summary_and_standards_list(registry):
    from dashboard.pages import section_11 as page

    lines = page._summary()
    assert lines[0] == ("10 partner organisations audited themselves on 45 criteria in "
                        "2011-12. Their average compliance score was 81.8%.")
    assert "At least one organisation scored 100% on 9 of the 11 standards." in lines
    assert any("Youth Offending Services' overall score" in s for s in lines)
    layout = page.layout(org="probation")
    items = [c for c in _walk(layout) if type(c).__name__ == "Li"]
    assert any(c.children == "Safe recruitment" for c in items)
    ordered = [c for c in _walk(layout) if type(c).__name__ == "Ol"]
    assert len(ordered) == 1 and len(ordered[0].children) == 11
    assert _pressed(layout, "section-11-organisation") == ["probation"]


@pytest.mark.parametrize("bad", ["../etc", "CAFCASS", "ORG-CAFCASS"])
def test_unknown_org_falls_back_to_the_first(registry, bad):
    assert registry.get("section-11-org").state({"org": bad}) == {"org": "cafcass"}


def _pressed(component, control: str) -> list[str]:
    """The values of the pressed choice buttons of one control, anywhere in the layout."""
    return [c.id["value"] for c in _walk(component)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control
            and c.to_plotly_json()["props"].get("aria-pressed") == "true"]
