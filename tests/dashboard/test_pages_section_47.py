"""Section 47 and conferences page: every chart built through the registry, checked
against the processed Parquet and the report's Table 1; the page for another authority;
its ids; the year choices from the data."""


import pandas as pd
import pytest

from dashboard.charts import TABLE_COLUMNS
from dashboard.charts.section_47 import Ids
from dashboard.ids import App
from dashboard.ui.pagekit import report_charts

from .helpers import (
    DUDLEY,
    WORCESTERSHIRE,
    assert_official_only_for_worcestershire,
    authority,
    drawn_values,
    ids_in,
    layout_of,
    states,
    walk,
)

PAGE = "section-47"
CHARTS = {Ids.FUNNEL, Ids.COUNTS, Ids.CONVERSION, Ids.TIMELINESS}
LEAD = [Ids.LATEST, Ids.OFFICIAL]  # the official series (test_lead.py): any authority
# Report 2011-12, Table 1: strategy discussions, needing S47, S47 held, needing ICPC,
# ICPC held, made subject to a plan.
TABLE_1 = {
    "2007-08": [456, 439, 435, 240, 235, 200],
    "2008-09": [604, 560, 546, 286, 262, 217],
    "2009-10": [705, 686, 659, 263, 311, 267],
    "2010-11": [812, 779, 785, 362, 360, 295],
    "2011-12": [809, 797, 783, 273, 312, 277],
    "average": [677, 652, 642, 285, 296, 251],
}


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page(PAGE)
    assert {c.id for c in charts} == {*CHARTS, *LEAD}
    for c in charts:
        for state in states(c):
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert drawn_values(result.figure), f"{c.id} {state} drew no values"
            assert not result.data.empty
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())
            # The latest-figures grid writes its values as words (test_lead.py checks them).
            assert c.id == Ids.LATEST or \
                sorted(drawn_values(result.figure, bands=False)) == \
                sorted(result.data["value"].dropna())


def test_every_table_value_equals_the_parquet(registry, processed):
    parquet = processed.frame("s47")
    keys = ["measure", "area_code", "breakdown_value", "period", "period_type"]
    for c in registry.on_page(PAGE):
        if c.id in LEAD:
            continue
        for state in states(c):
            rows = c.render(state).data
            merged = rows[[*keys, "value"]].merge(parquet[[*keys, "value"]], on=keys,
                                                  how="left", suffixes=("", "_parquet"))
            assert len(merged) == len(rows), c.id
            assert (merged["value"] == merged["value_parquet"]).all(), (c.id, state)


@pytest.mark.parametrize("year", list(TABLE_1))
def test_funnel_shows_table_1_for_each_year(registry, year):
    result = registry.get(Ids.FUNNEL).render({"year": year})
    assert result.table()["Value"].tolist() == TABLE_1[year]
    assert list(result.figure.data[0].x) == TABLE_1[year]


def test_funnel_year_changes_the_data(registry):
    chart = registry.get(Ids.FUNNEL)
    latest, first = chart.render({}), chart.render({"year": "2007-08"})
    assert set(latest.data["period"]) == {"2011-12"}
    assert set(first.data["period"]) == {"2007-08"}
    assert latest.title == ("In 2011-12, 809 children were discussed at a strategy discussion "
                            "and 277 were made subject to a child protection plan")
    average = chart.render({"year": "average"})
    assert average.title.startswith("On average each year from 2007-08 to 2011-12, 677 children")
    # 312 children at conferences but 273 needing one: the note says so.
    assert any("(312)" in n and "(273)" in n for n in latest.notes)
    assert not any("(235)" in n for n in first.notes)


def test_funnel_year_without_figures_is_said_plainly(registry):
    chart = registry.get(Ids.FUNNEL)
    assert chart.state({"year": "2012-13"}) == {"year": "2011-12"}
    result = chart.build({"year": "2012-13"})  # past the state check, as if data went missing
    assert result.title == "No published figures for 2012-13"
    assert result.data.empty
    assert not result.figure.data
    result.export_figure()  # still exports


def test_counts_title_matches_the_report(registry):
    # Report 2011-12: "a 77% increase in the number of Section 47 Strategy Discussions over
    # the last 5 years"; Table 1: 456 in 2007-08, 809 in 2011-12.
    result = registry.get(Ids.COUNTS).render({})
    assert result.title == ("Children at strategy discussions rose 77% from 456 in 2007-08 "
                            "to 809 in 2011-12")
    assert {t.name for t in result.figure.data} == {"Strategy discussions",
                                                    "Section 47 enquiries",
                                                    "Initial conferences",
                                                    "Made subject to a plan"}
    assert any("155 initial conference meetings" in n and "312 children" in n
               for n in result.notes)
    assert any("children who moved to Dudley on a plan" in n for n in result.notes)


def test_conversion_rates_and_five_year_averages(registry):
    result = registry.get(Ids.CONVERSION).render({})
    # Table 1: % requiring initial case conference 55.2% (2007-08), 34.9% (2011-12).
    assert result.title == ("Enquiries leading to a conference fell 20.3 percentage points "
                            "from 55.2% in 2007-08 to 34.9% in 2011-12")
    table = result.table()
    assert table[table["Period"] == "2011-12"]["Value"].tolist() == [98.5, 34.9, 88.8]
    assert any("96.3%" in n and "44.4%" in n and "84.9%" in n for n in result.notes)
    # The average column spans 2007-08 to 2011-12: five years, counted from the data.
    assert any(n.startswith("Five-year averages, 2007-08 to 2011-12: ") for n in result.notes)
    assert "average" not in " ".join(result.data["period"])


@pytest.mark.parametrize(("comparator", "areas", "title_end"), [
    ("both", {"Dudley", "West Midlands", "England"},
     "a larger share than West Midlands (11%) and England (12%)"),
    ("region", {"Dudley", "West Midlands"}, "a larger share than West Midlands (11%)"),
    ("england", {"Dudley", "England"}, "a larger share than England (12%)"),
])
def test_timeliness_comparator(registry, comparator, areas, title_end):
    result = registry.get(Ids.TIMELINESS).render({"comparator": comparator})
    assert set(result.data["area_name"]) == areas
    assert {t.name for t in result.figure.data} == areas
    assert result.title == ("In 2019-20, Dudley held 20% of initial conferences within 10 "
                            f"working days of the enquiry starting, {title_end}")
    dudley = next(t for t in result.figure.data if t.name == "Dudley")
    assert list(dudley.x) == ["0-10 working days", "11-15 working days", "16-20 working days",
                              "21+ working days"]
    assert list(dudley.y) == [20, 57, 11, 12]
    assert any("Dudley 77%" in n for n in result.notes)


def test_timeliness_note_lists_the_areas_in_role_order(registry):
    result = registry.get(Ids.TIMELINESS).render({"comparator": "both"})
    assert any(n.endswith("Dudley 77%, West Midlands 78%, England 77%.") for n in result.notes)


def test_unknown_state_falls_back_to_defaults(registry):
    assert registry.get(Ids.TIMELINESS).state({"comparator": "mars"}) == {
        "comparator": "both"}
    assert registry.get(Ids.FUNNEL).state({"year": "../etc"}) == {"year": "2011-12"}


def test_summary_is_computed(registry):
    from dashboard.charts.section_47 import summary

    assert summary() == [
        "Children at strategy discussions rose 77% from 456 in 2007-08 to 809 in 2011-12.",
        "In 2011-12, 34.9% of Section 47 enquiries led to an initial conference, against a "
        "five-year average of 44.4%.",
        "In 2011-12, 88.8% of children at an initial conference were made subject to a plan."]


# The year choices come from the data -------------------------------------------------


def _report_years(processed) -> list[str]:
    """The financial years of Dudley's strategy discussions in the processed Parquet,
    newest first."""
    parquet = processed.frame("s47")
    ours = parquet[(parquet["measure"] == "strategy_discussions")
                   & (parquet["area_code"] == DUDLEY)
                   & (parquet["period_type"] == "financial_year")]
    return ours.sort_values("period_start", ascending=False)["period"].drop_duplicates().tolist()


def test_year_choices_are_the_years_in_the_data(registry, processed):
    years = _report_years(processed)
    assert len(years) > 1
    parquet = processed.frame("s47")
    assert (parquet["period_type"] == "financial_year_average").any()
    assert registry.get(Ids.FUNNEL).options["year"] == (*years, "average")
    assert registry.get(Ids.FUNNEL).state({}) == {"year": years[0]}  # the newest: 2011-12


def test_year_choices_follow_the_data_when_it_changes(registry, monkeypatch):
    from dashboard.charts import section_47
    from dashboard.store import files

    real = files.dataset

    def before_2012(name):  # as if the 2011-12 report (and its average column) were not in
        frame = real(name)
        ends = pd.to_datetime(frame["period_end"])
        return frame[ends < pd.Timestamp("2012-01-01")] if name == "s47" else frame

    section_47._year_buttons.cache_clear()  # the choices are kept per data build
    monkeypatch.setattr(files, "dataset", before_2012)
    try:
        assert registry.get(Ids.FUNNEL).options["year"] == (
            "2010-11", "2009-10", "2008-09", "2007-08")  # and no average column left
    finally:
        section_47._year_buttons.cache_clear()


def _buttons(tree, control: str) -> list[tuple[str, str]]:
    """(value, label) of each choice button of one control in a layout."""
    return [(c.id["value"], c.children) for c in walk(tree)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control]


def _pressed(tree, control: str) -> list[str]:
    return [c.id["value"] for c in walk(tree)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control
            and getattr(c, "aria-pressed", None) == "true"]


def test_year_buttons_are_labelled_from_the_data(app, processed):
    years = _report_years(processed)
    tree = layout_of(PAGE)
    assert _buttons(tree, Ids.YEAR) == [*((y, y) for y in years),
                                        ("average", "Five-year average")]
    assert _pressed(tree, Ids.YEAR) == [years[0]]
    assert _pressed(layout_of(PAGE, year="2009-10"), Ids.YEAR) == ["2009-10"]
    assert _pressed(layout_of(PAGE, year="2031-32"), Ids.YEAR) == [years[0]]


# Another authority, and the page's ids ----------------------------------------------------


def test_worcestershire_sees_the_notice_not_dudleys_figures(app, registry):
    with authority(WORCESTERSHIRE):
        assert_official_only_for_worcestershire(PAGE, LEAD, Ids.INDICATOR, registry)
        assert registry.get(Ids.FUNNEL).options["year"] == ("latest",)


def test_unreadable_data_shows_every_card_to_say_why(app, monkeypatch):
    from dashboard import store
    from dashboard.store import files

    def missing(name):
        raise store.DataUnavailable(f"{name}.parquet is missing")

    monkeypatch.setattr(files, "dataset", missing)
    monkeypatch.setattr(store, "dataset", missing)
    shown, notice = report_charts(PAGE)
    assert notice is None and {c.id for c in shown} == {*CHARTS, *LEAD}


@pytest.mark.parametrize("code", [DUDLEY, WORCESTERSHIRE])
def test_every_id_starts_with_the_page_name(app, code):
    with authority(code):
        ids = ids_in(layout_of(PAGE, year="average", comparator="region"))
    plain = [i for i in ids if isinstance(i, str)]
    controls = [i["control"] for i in ids if isinstance(i, dict) and "control" in i]
    assert plain
    wrong = [i for i in plain + controls if not i.startswith(f"{PAGE}-") and i not in set(App)]
    assert wrong == []
