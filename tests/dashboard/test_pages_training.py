"""Training page: every chart built through the registry, checked against the processed
Parquet and the figures printed in the 2011-12 and 2019-20 annual reports."""

import pandas as pd
import pytest

from dashboard.charts.training import PAGE, Ids, slug

from .helpers import (
    WORCESTERSHIRE,
    assert_drawn,
    assert_ids_named_for,
    assert_no_report_charts_for_worcestershire,
    authority,
    drawn_values,
    layout_of,
    states,
    walk,
)

CHARTS = {Ids.MULTI_AGENCY, Ids.KINDS, Ids.JOURNEY, Ids.HOURS, Ids.FEEDBACK}
JOINT = "joint-dsab-dscb"  # the choice value made from the programme "Joint DSAB/DSCB"


def _layout(**query):
    return layout_of(PAGE, **query)


def _text(component) -> str:
    """Every text in a layout."""
    parts = []
    for c in walk(component):
        if isinstance(c, str):
            parts.append(c)
        elif isinstance(getattr(c, "children", None), str):
            parts.append(c.children)
    return " ".join(parts)


def _choices(component, control: str) -> list[tuple[str, str]]:
    """(value, label) of every choice button of one control, anywhere in the layout."""
    return [(c.id["value"], c.children) for c in walk(component)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control]


def _pressed(component, control: str) -> list[str]:
    """The values of the pressed choice buttons of one control, anywhere in the layout."""
    return [c.id["value"] for c in walk(component)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control
            and c.to_plotly_json()["props"].get("aria-pressed") == "true"]


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page(PAGE)
    assert {c.id for c in charts} == CHARTS
    for c in charts:
        for state in states(c):
            result = assert_drawn(c, state)
            assert drawn_values(result.figure), f"{c.id} {state} is empty"
            assert result.source.startswith("Dudley Safeguarding")


def test_chart_names_hold_no_year(registry):
    for c in registry.on_page(PAGE):
        assert not any(ch.isdigit() for ch in c.name), c.name
    assert registry.get(Ids.KINDS).name == "Kinds of training"


def test_multi_agency_title_matches_the_report(registry):
    # 2011-12 report: 1652 people in 2011-12, 1705 in 2010-11 and 1894 the year before,
    # "a 13% decrease over 3 years".
    result = registry.get(Ids.MULTI_AGENCY).render({})
    assert result.title == ("People trained on multi-agency courses fell 13% from 1,894 in "
                            "2009-10 to 1,652 in 2011-12")
    assert list(result.figure.data[0].y) == [1894, 1705, 1652]
    assert result.subtitle == "Number of people trained, Dudley, 2009-10 to 2011-12"


def test_multi_agency_note_says_which_report_gives_which_years(registry, processed):
    result = registry.get(Ids.MULTI_AGENCY).render({})
    assert result.notes == [
        "The 2011-12 annual report gives these years only. The 2019-20 report counts "
        "training another way (bookings and completions), so the line does not continue."]
    # The years in the note are the reports' own: the latest year each one gives.
    parquet = processed.frame("training")
    single = parquet[parquet["period_type"] == "financial_year"]
    latest = single.sort_values("period_start").groupby("source_id")["period"].last()
    assert sorted(latest) == ["2011-12", "2019-20"]


def test_kinds_show_2011_12_only_and_match_parquet(registry, processed):
    result = registry.get(Ids.KINDS).render({})
    assert set(result.data["period"]) == {"2011-12"}
    assert result.title == ("Single-agency training reached the most people in 2011-12 "
                            "(5,151), 3.1 times as many as multi-agency courses (1,652)")
    for _, row in result.data.iterrows():
        assert row["value"] == processed.value("training", row["measure"], "2011-12")
    assert sorted(result.data["value"]) == [460, 1166, 1652, 5151]
    assert any("fell 26%" in n and "rose 44%" in n for n in result.notes)
    assert any(n.startswith("Only 2011-12 is drawn") for n in result.notes)
    assert result.subtitle == "Number of people, Dudley, 2011-12"


def test_journey_title_matches_the_report(registry):
    # 2019-20 report: 595 bookings, 227 delegates failed to attend; joint: 379 and 124.
    dscb = registry.get(Ids.JOURNEY).render({"programme": "dscb"})
    assert dscb.title == ("People did not turn up for 227 of 595 bookings (38%) on DSCB "
                          "courses in 2019-20")
    joint = registry.get(Ids.JOURNEY).render({"programme": JOINT})
    assert joint.title == ("People did not turn up for 124 of 379 bookings (33%) on joint "
                           "DSAB/DSCB courses in 2019-20")
    assert dscb.subtitle == "Number of places and people, DSCB courses, 2019-20"


def test_journey_table_equals_parquet_and_option_changes_the_data(registry, processed):
    dscb = registry.get(Ids.JOURNEY).render({"programme": "dscb"})
    joint = registry.get(Ids.JOURNEY).render({"programme": JOINT})
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
    # The report table's manifest note: where the places were printed.
    assert any("'via DSAB'" in n for n in dscb.notes)


def test_completions_above_bookings_are_flagged_plainly(registry):
    dscb = registry.get(Ids.JOURNEY).render({"programme": "dscb"})
    note = next(n for n in dscb.notes if n.startswith("More people completed"))
    assert "(862)" in note and "(595)" in note and "does not explain" in note
    joint = registry.get(Ids.JOURNEY).render({"programme": JOINT})
    assert not any(n.startswith("More people completed") for n in joint.notes)


def test_hours_match_the_report(registry, processed):
    result = registry.get(Ids.HOURS).render({})
    # 1,400 hours lost against over 4,700 hours taken on DSCB courses.
    assert result.title == ("Hours lost to people not attending came to about 30% of the hours "
                            "taken on DSCB courses in 2019-20 (1,400 against 4,700)")
    table = result.table()
    assert len(table) == 6
    for _, row in result.data.iterrows():
        assert row["value"] == processed.value("training", row["measure"], "2019-20",
                                               breakdown_value=row["breakdown_value"])
    drawn = {t.name: list(t.x) for t in result.figure.data}
    assert drawn == {"DSCB courses": [220, 4700, 1400],
                     "Joint DSAB/DSCB courses": [56, 1700, 600]}
    assert result.subtitle == "Hours, DSCB and joint DSAB/DSCB courses, 2019-20"
    assert any("'over' a round number" in n for n in result.notes)


def test_feedback_title(registry):
    result = registry.get(Ids.FEEDBACK).render({})
    assert result.title == ("On both courses with published feedback, 100% felt more able "
                            "afterwards and 90% said the course met its aims")
    assert len(result.data) == 4
    assert "The report gives feedback for these two courses only." in result.notes
    assert any("does not say how many people answered" in n for n in result.notes)


def test_summary_mentions_completions_above_bookings(registry):
    from dashboard.charts.training import summary

    lines = summary()
    assert lines[0] == ("People trained on multi-agency courses fell 13% from 1,894 in 2009-10 "
                        "to 1,652 in 2011-12.")
    assert ("More people completed DSCB courses (862) than booked them (595); the report does "
            "not say why.") in lines
    assert "In 2019-20, 862 people completed DSCB courses and 172 completed joint DSAB/DSCB " \
           "courses." in lines


def test_programme_choices_come_from_the_data(app, registry, processed):
    parquet = processed.frame("training")
    values = pd.unique(parquet.loc[parquet["breakdown"] == "course_programme",
                                   "breakdown_value"])
    assert list(values) == ["DSCB", "Joint DSAB/DSCB"]  # the data's order: DSCB first
    assert registry.get(Ids.JOURNEY).options["programme"] == tuple(slug(v) for v in values)
    assert _choices(_layout(), Ids.PROGRAMME) == [(slug(v), v) for v in values]


@pytest.mark.parametrize(("query", "expected"), [
    ({"programme": JOINT}, JOINT), ({"programme": "nonsense"}, "dscb"), ({}, "dscb")])
def test_layout_reads_the_programme_from_the_url(app, query, expected):
    assert _pressed(_layout(**query), Ids.PROGRAMME) == [expected]


def test_layout_names_the_authority_and_the_reports(app):
    text = _text(_layout())
    assert ("How many people took part in safeguarding training in Dudley, what happened to "
            "bookings, and what people said about the courses. The figures come from the "
            "2011-12 and 2019-20 annual reports; the years between were not published in "
            "them.") in text


def test_every_id_starts_with_the_page_name(app):
    assert_ids_named_for(PAGE, _layout())


def test_worcestershire_sees_the_notice_and_no_report_charts(app, registry):
    with authority(WORCESTERSHIRE):
        page = _layout()
        assert_no_report_charts_for_worcestershire(PAGE, page, registry)
        assert _choices(page, Ids.PROGRAMME) == []
        assert registry.get(Ids.JOURNEY).options["programme"] == ("none",)
