"""Training page: every chart built through the registry, checked against the processed
Parquet and the figures printed in the 2011-12 and 2019-20 annual reports."""

import math

import pytest

from dashboard.charts import TABLE_COLUMNS

CHARTS = {"training-multi-agency", "training-kinds", "training-journey", "training-hours", "training-feedback"}


def _drawn(trace) -> list:
    """The values a bar or line trace actually draws (missing ones are skipped)."""
    values = trace.x if trace.orientation == "h" else trace.y
    return [v for v in (values if values is not None else []) if v is not None
            and not (isinstance(v, float) and math.isnan(v))]


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page("training")
    assert {c.id for c in charts} == CHARTS
    for c in charts:
        states = [{}] + [{key: value} for key, values in c.options.items() for value in values]
        for state in states:
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert any(_drawn(t) for t in result.figure.data), f"{c.id} {state} is empty"
            assert not result.data.empty
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())
            assert result.source.startswith("Dudley Safeguarding")


def test_multi_agency_title_matches_the_report(registry):
    # 2011-12 report: 1652 people in 2011-12, 1705 in 2010-11 and 1894 the year before,
    # "a 13% decrease over 3 years".
    result = registry.get("training-multi-agency").render({})
    assert result.title == ("People trained on multi-agency courses fell 13% from 1,894 in "
                            "2009-10 to 1,652 in 2011-12")
    assert list(result.figure.data[0].y) == [1894, 1705, 1652]


def test_kinds_show_2011_12_only_and_match_parquet(registry, processed):
    result = registry.get("training-kinds").render({})
    assert set(result.data["period"]) == {"2011-12"}
    assert result.title == ("Single-agency training reached the most people in 2011-12 "
                            "(5,151), 3.1 times as many as multi-agency courses (1,652)")
    for _, row in result.data.iterrows():
        assert row["value"] == processed.value("training", row["measure"], "2011-12")
    assert sorted(result.data["value"]) == [460, 1166, 1652, 5151]
    assert any("fell 26%" in n and "rose 44%" in n for n in result.notes)


def test_journey_title_matches_the_report(registry):
    # 2019-20 report: 595 bookings, 227 delegates failed to attend; joint: 379 and 124.
    dscb = registry.get("training-journey").render({"programme": "dscb"})
    assert dscb.title == ("People did not turn up for 227 of 595 bookings (38%) on DSCB "
                          "courses in 2019-20")
    joint = registry.get("training-journey").render({"programme": "joint"})
    assert joint.title == ("People did not turn up for 124 of 379 bookings (33%) on joint "
                           "courses with the adults board in 2019-20")


def test_journey_table_equals_parquet_and_option_changes_the_data(registry, processed):
    dscb = registry.get("training-journey").render({"programme": "dscb"})
    joint = registry.get("training-journey").render({"programme": "joint"})
    for result, programme in ((dscb, "DSCB"), (joint, "Joint DSAB/DSCB")):
        assert set(result.data["breakdown_value"]) == {programme}
        for _, row in result.data.iterrows():
            assert row["value"] == processed.value("training", row["measure"], "2019-20",
                                                   breakdown_value=programme)
    stages = dict(zip(dscb.figure.data[0].y, dscb.figure.data[0].x, strict=True))
    assert stages == {"Training places offered": 1445, "Training bookings": 595,
                      "Did not attend": 227, "People completing training": 862}
    # No places-offered figure for joint courses: not drawn (and not drawn as zero).
    assert "Training places offered" not in list(joint.figure.data[0].y)
    assert any("no number of places offered" in n for n in joint.notes)
    assert dscb.data["value"].tolist() != joint.data["value"].tolist()


def test_completions_above_bookings_are_flagged_plainly(registry):
    dscb = registry.get("training-journey").render({"programme": "dscb"})
    note = next(n for n in dscb.notes if n.startswith("More people completed"))
    assert "(862)" in note and "(595)" in note and "does not explain" in note
    joint = registry.get("training-journey").render({"programme": "joint"})
    assert not any(n.startswith("More people completed") for n in joint.notes)


def test_hours_match_the_report(registry, processed):
    result = registry.get("training-hours").render({})
    # 1,400 hours lost against over 4,700 hours taken on DSCB courses.
    assert result.title == ("Hours lost to people not attending came to about 30% of the hours "
                            "taken on DSCB courses in 2019-20 (1,400 against 4,700)")
    table = result.table()
    assert len(table) == 6
    for _, row in result.data.iterrows():
        assert row["value"] == processed.value("training", row["measure"], "2019-20",
                                               breakdown_value=row["breakdown_value"])
    drawn = {t.name: list(t.x) for t in result.figure.data}
    assert drawn == {"DSCB courses": [220, 4700, 1400], "Joint courses": [56, 1700, 600]}


def test_feedback_title(registry):
    result = registry.get("training-feedback").render({})
    assert result.title == ("On both courses with published feedback, 100% felt more able "
                            "afterwards and 90% said the course met its aims")
    assert len(result.data) == 4


def test_summary_mentions_completions_above_bookings(registry):
    from dashboard.pages import training

    lines = training._summary()
    assert lines[0] == ("People trained on multi-agency courses fell 13% from 1,894 in 2009-10 "
                        "to 1,652 in 2011-12.")
    assert ("More people completed DSCB courses (862) than booked them (595); the report does "
            "not say why.") in lines


@pytest.mark.parametrize(("query", "expected"), [
    ({"programme": "joint"}, "joint"), ({"programme": "nonsense"}, "dscb"), ({}, "dscb")])
def test_layout_reads_the_programme_from_the_url(registry, query, expected):
    from dashboard.pages import training

    page = training.layout(**query)
    assert _pressed(page, "training-programme") == [expected]


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str):
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        yield from _walk(child)


def _pressed(component, control: str) -> list[str]:
    """The values of the pressed choice buttons of one control, anywhere in the layout."""
    return [c.id["value"] for c in _walk(component)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control
            and c.to_plotly_json()["props"].get("aria-pressed") == "true"]
