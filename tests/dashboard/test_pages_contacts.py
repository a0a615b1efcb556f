"""Contacts and referrals page: every chart built through the registry, checked against
the processed Parquet and the figures printed in the annual reports; the page for an
authority without annual-report tables (Worcestershire)."""

import json

import pandas as pd
import plotly
import pytest

from dashboard.charts import contacts as charts
from dashboard.charts.contacts import Ids
from dashboard.ids import App, Page

from .helpers import (
    DUDLEY,
    WORCESTERSHIRE,
    assert_drawn,
    authority,
    drawn_values,
    ids_in,
    states,
    walk,
    words,
)

PAGE = Page.CONTACTS
REPORT_CHARTS = {Ids.TREND, Ids.SOURCES, Ids.DOMESTIC_ABUSE, Ids.OPEN_REFERRALS,
                 Ids.REFERRAL_RATE, Ids.REFERRAL_SOURCES, Ids.ASSESSMENTS,
                 Ids.COMMON_ASSESSMENTS}
# The official series the page leads with (see test_lead.py): shown for any authority.
OFFICIAL = Ids.OFFICIAL
LEAD = [Ids.LATEST, Ids.OFFICIAL]


def test_all_charts_render_with_data_for_every_option(registry):
    charts_ = registry.on_page(PAGE)
    assert {c.id for c in charts_} == {*REPORT_CHARTS, *LEAD}
    assert [c.id for c in charts_ if c.official] == LEAD
    for c in charts_:
        for state in states(c):
            result = assert_drawn(c, state)
            assert drawn_values(result.figure), f"{c.id} {state} drew no values"
            assert result.source and result.source != "No published figures"
            # Every value in the data is drawn, and nothing else is (the latest-figures
            # grid writes its values as words: test_lead.py checks them).
            assert c.id == Ids.LATEST or \
                sorted(drawn_values(result.figure, bands=False)) == \
                sorted(result.data["value"].dropna())


def test_every_table_value_equals_the_parquet(registry, processed):
    parquet = processed.frame("contacts")
    keys = ["measure", "area_code", "breakdown_value", "period_start", "period_end"]
    for c in registry.on_page(PAGE):
        if c.id in LEAD:
            continue
        for state in states(c):
            rows = c.render(state).data
            merged = rows[[*keys, "value"]].merge(parquet[[*keys, "value"]], on=keys,
                                                  how="left", suffixes=("", "_parquet"))
            assert len(merged) == len(rows), c.id
            assert (merged["value"] == merged["value_parquet"]).all(), (c.id, state)


def test_contacts_title_matches_the_report(registry):
    # Report 2011-12: "increased from 8402 in the 2006-07 year to 14248 in 2011-12, an
    # increase of 70%": (14,248 - 8,402) / 8,402 = 69.6%, said as 70%.
    result = registry.get(Ids.TREND).render({})
    assert result.title == "Contacts rose 70% from 8,402 in 2006-07 to 14,248 in 2011-12"
    assert result.table()["Value"].tolist() == [8402, 14248]
    assert any("+70% from 2006-07 to 2011-12" in n for n in result.notes)
    assert any("-4.8% from 2010-11 to 2011-12" in n for n in result.notes)
    assert any("for these two years only" in n for n in result.notes)


def test_open_referrals_are_labelled_by_date(registry, processed):
    result = registry.get(Ids.OPEN_REFERRALS).render({})
    table = result.table()
    assert table["Period"].tolist() == ["31 March 2010", "31 March 2011", "31 March 2012"]
    assert table["Value"].tolist() == [2592, 2581, 2737]
    assert table["Value"].tolist() == processed.rows(
        "contacts", "open_referrals").sort_values("period_end")["value"].tolist()
    assert result.title == "Open referrals rose 6% from 2,592 in March 2010 to 2,737 in March 2012"


def test_domestic_abuse_shows_the_year_and_the_four_year_total(registry):
    result = registry.get(Ids.DOMESTIC_ABUSE).render({})
    assert result.title == ("In 2011-12 the police sent 2,639 domestic abuse notifications, "
                            "involving 2,036 children")
    table = result.table().set_index(["Period", "Measure"])["Value"]
    assert table[("2008-09 to 2011-12", "Domestic abuse notifications")] == 10588
    assert table[("2008-09 to 2011-12", "Children in domestic abuse notifications")] == 8381
    categories = list(result.figure.data[0].x)
    assert categories == ["2011-12", "2008-09 to 2011-12 (total)"]


def test_contact_sources_say_what_is_not_broken_down(registry):
    result = registry.get(Ids.SOURCES).render({})
    assert result.title == "Police made the most contacts in 2011-12 (26% of all contacts)"
    assert result.data["value"].sum() == 62
    assert any("other 38%" in n for n in result.notes)


@pytest.mark.parametrize(("comparator", "areas", "title"), [
    ("both", {"Dudley", "West Midlands", "England"},
     "Police made the most referrals in Dudley in 2019-20 (23.7%), a smaller share than "
     "West Midlands (27%) and England (28.7%)"),
    ("region", {"Dudley", "West Midlands"},
     "Police made the most referrals in Dudley in 2019-20 (23.7%), a smaller share than "
     "West Midlands (27%)"),
    ("england", {"Dudley", "England"},
     "Police made the most referrals in Dudley in 2019-20 (23.7%), a smaller share than "
     "England (28.7%)"),
])
def test_referral_sources_comparator(registry, comparator, areas, title):
    result = registry.get(Ids.REFERRAL_SOURCES).render({"comparator": comparator})
    assert set(result.data["area_name"]) == areas
    assert {t.name for t in result.figure.data} == areas
    assert result.title == title
    assert len(result.data) == 11 * len(areas)
    # Dudley's bar sits on top of each group (the last trace in a horizontal group).
    assert result.figure.data[-1].name == "Dudley"


def test_whole_numbers_note_is_worked_out_from_the_region_values(registry, processed):
    chart = registry.get(Ids.REFERRAL_SOURCES)
    region = processed.frame("contacts")
    region = region[(region["measure"] == "referral_source_share")
                    & (region["area_code"] == "E12000005")]
    assert not region.empty and (region["value"] % 1 == 0).all()
    assert "The West Midlands figures are published as whole numbers." in \
        chart.render({"comparator": "region"}).notes
    # Without the region on the chart, nothing is said about its figures.
    assert chart.render({"comparator": "england"}).notes == []


@pytest.mark.parametrize("chart_id", [Ids.REFERRAL_RATE, Ids.ASSESSMENTS])
@pytest.mark.parametrize(("comparator", "areas"), [
    ("both", {"Dudley", "West Midlands", "England"}),
    ("region", {"Dudley", "West Midlands"}),
    ("england", {"Dudley", "England"}),
])
def test_rate_comparators(registry, chart_id, comparator, areas):
    result = registry.get(chart_id).render({"comparator": comparator})
    assert set(result.data["area_name"]) == areas
    assert {t.name for t in result.figure.data} == areas


def test_initial_assessment_title_matches_table_2(registry):
    # Report 2011-12, Table 2, 2010-11: Dudley 322, West Midlands 405, England 398.
    result = registry.get(Ids.ASSESSMENTS).render({})
    assert result.title == ("Initial assessment rate, 2010-11: Dudley 322 per 10,000 "
                            "children, lower than England (398) and West Midlands (405)")


def test_provisional_figures_are_said_from_the_manifest_note(registry, processed):
    tables = processed.frame("tables")
    note = tables[(tables["dataset"] == "contacts")
                  & (tables["source_table"] == "Table 2 Comparator information")]["notes"]
    assert len(note) == 1 and "provisional" in note.iloc[0]
    assessments = registry.get(Ids.ASSESSMENTS).render({})
    assert assessments.notes == [note.iloc[0]]
    # Only this theme's note: the same report table also holds the plans' rates.
    cp_notes = tables[(tables["dataset"] == "cp_plans")
                      & (tables["source_table"] == "Table 2 Comparator information")]["notes"]
    assert not set(cp_notes) & set(assessments.notes)
    assert note.iloc[0] in registry.get(Ids.REFERRAL_RATE).render({}).notes


def test_referral_rate_gaps_are_not_drawn_as_zero(registry):
    result = registry.get(Ids.REFERRAL_RATE).render({})
    assert result.title == ("Referral rate rose 35% from 555 per 10,000 children in 2010-11 "
                            "to 749.3 per 10,000 children in 2018-19")
    england = next(t for t in result.figure.data if t.name == "England")
    by_period = dict(zip(england.x, england.y, strict=True))
    assert by_period["2010-11"] == 557
    assert pd.isna(by_period["2018-19"])
    # The years said in the notes are worked out from the rows.
    assert "The West Midlands and England figures are published for 2010-11 only." in \
        result.notes
    assert "No figures are published for 2012-13 to 2016-17, so those years are missing." in \
        result.notes
    assert "The England figures are published for 2010-11 only." in \
        registry.get(Ids.REFERRAL_RATE).render({"comparator": "england"}).notes


def _years(*periods: str, areas=(("E1", "authority"),)) -> pd.DataFrame:
    rows = [{"area_code": code, "area_name": code, "role": role, "period": p,
             "period_type": "financial_year", "period_start": pd.Timestamp(f"{p[:4]}-04-01"),
             "value": 1.0} for code, role in areas for p in periods]
    return pd.DataFrame(rows)


def test_missing_years_are_worked_out_from_the_periods():
    assert charts.gap_note(_years("2010-11", "2011-12")) is None
    assert charts.gap_note(_years("2009-10", "2011-12")) == (
        "No figures are published for 2010-11, so that year is missing.")
    assert charts.gap_note(_years("2005-06", "2008-09", "2009-10", "2012-13")) == (
        "No figures are published for 2006-07 to 2007-08 and 2010-11 to 2011-12, so those "
        "years are missing.")
    both = pd.concat([_years("2010-11", "2011-12"),
                      _years("2010-11", areas=(("E2", "england"),))])
    assert charts.comparator_years_note(both) == "The E2 figures are published for 2010-11 only."
    assert charts.comparator_years_note(_years("2010-11", "2011-12", areas=(
        ("E1", "authority"), ("E2", "england")))) is None


def test_common_assessments_option_changes_the_data(registry):
    chart = registry.get(Ids.COMMON_ASSESSMENTS)
    counts, starters = chart.render({"caf": "counts"}), chart.render({"caf": "starters"})
    assert set(counts.data["measure"]) == {"common_assessments", "common_assessments_completed"}
    assert set(starters.data["measure"]) == {"common_assessments_initiator_share"}
    assert counts.title == ("Common assessments started fell 48% from 901 in 2010-11 to 465 "
                            "in 2011-12")
    assert starters.title == "Schools started the most common assessments in 2011-12 (47.5%)"
    # The report's stated fall (39.5%) does not follow from its counts: the note says so.
    assert any("-39.5%" in n and "-48.4%" in n for n in counts.notes)
    assert "The number completed is published for the latest year only." in counts.notes
    # The number completed in 2010-11 is not published: a gap, not a zero.
    completed = next(t for t in counts.figure.data if t.name == "Completed")
    by_period = dict(zip(completed.x, completed.y, strict=True))
    assert pd.isna(by_period["2010-11"]) and by_period["2011-12"] == 338


def _pressed(component, control: str) -> list[str]:
    """The values of the pressed choice buttons of one control, anywhere in the layout."""
    return [c.id["value"] for c in walk(component)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control
            and c.to_plotly_json()["props"].get("aria-pressed") == "true"]


def _page(app):
    import dash

    return next(p for p in dash.page_registry.values() if p["path"] == PAGE.path)


def _text(component) -> str:
    """Everything in a layout, figures included, as one string."""
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)


def test_page_layout_reads_state_from_the_url(app):
    page = _page(app)
    assert page["name"] == "Contacts & referrals" and page["order"] == 1
    tree = page["layout"](comparator="england", caf="starters", junk="x")
    assert _pressed(tree, Ids.COMPARATOR) == ["england"]
    assert _pressed(tree, Ids.CAF) == ["starters"]
    assert _pressed(page["layout"](comparator="mars"), Ids.COMPARATOR) == ["both"]
    assert "Contacts to social care rose 70%" in str(tree)
    assert "how Dudley's referral and assessment rates compare" in str(tree)


def test_comparator_buttons_name_the_region_from_the_profile(app):
    tree = _page(app)["layout"]()
    labels = [c.children for c in walk(tree) if isinstance(getattr(c, "id", None), dict)
              and c.id.get("control") == Ids.COMPARATOR]
    assert labels == ["West Midlands and England", "West Midlands", "England"]


def test_unknown_state_falls_back_to_defaults(registry):
    chart = registry.get(Ids.REFERRAL_SOURCES)
    assert chart.state({"comparator": "mars"}) == {"comparator": "both"}
    assert registry.get(Ids.COMMON_ASSESSMENTS).state({"caf": "<x>"}) == {"caf": "counts"}


@pytest.mark.parametrize("code", [DUDLEY, WORCESTERSHIRE])
def test_every_id_on_the_page_starts_with_its_name(app, code):
    with authority(code):
        tree = _page(app)["layout"]()
    # Pattern ids shared by every card (pack buttons, table views) have no page; a choice's
    # dict id names its control.
    ids = [i["control"] if isinstance(i, dict) else i for i in ids_in(tree)
           if not isinstance(i, dict) or "control" in i]
    assert ids
    assert [i for i in ids if not str(i).startswith(f"{PAGE}-") and i not in set(App)] == []


def test_worcestershire_sees_its_official_statistics_and_no_report_figures(app, registry):
    with authority(WORCESTERSHIRE):
        tree = _page(app)["layout"]()
        text = _text(tree)
        assert "Worcestershire" in str(tree.children[:2])  # heading and intro
        assert "No tables from Worcestershire's annual reports" in text
        assert "Dudley" not in text
        shown = [c for c in registry.on_page(PAGE) if f'"{c.id}-card"' in text]
        assert [c.id for c in shown] == LEAD
        for c in shown:
            for state in states(c):
                result = assert_drawn(c, state)
                assert "Worcestershire" in result.title + result.subtitle
                assert "Dudley" not in words(result)
                assert "Dudley" not in _text(result.figure)
        # The report charts are not on the page: their slots are empty.
        for chart_id in REPORT_CHARTS:
            assert f'"{chart_id}-card"' not in text
        assert _pressed(tree, Ids.COMPARATOR) == []  # no choices for charts not shown
