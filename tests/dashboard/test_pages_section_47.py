"""Section 47 and conferences page: every chart built through the registry, checked
against the processed Parquet and the report's Table 1."""


import pytest

from dashboard.charts import TABLE_COLUMNS

from .helpers import drawn_values

CHARTS = {"section-47-funnel", "section-47-counts", "section-47-conversion", "section-47-timeliness"}
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


def _states(chart):
    return [{}] + [{key: value} for key, values in chart.options.items() for value in values]


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page("section-47")
    assert {c.id for c in charts} == CHARTS
    for c in charts:
        for state in _states(c):
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert drawn_values(result.figure), f"{c.id} {state} drew no values"
            assert not result.data.empty
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())
            assert sorted(drawn_values(result.figure)) == sorted(result.data["value"].dropna())


def test_every_table_value_equals_the_parquet(registry, processed):
    parquet = processed.frame("s47")
    keys = ["measure", "area_code", "breakdown_value", "period", "period_type"]
    for c in registry.on_page("section-47"):
        for state in _states(c):
            rows = c.render(state).data
            merged = rows[[*keys, "value"]].merge(parquet[[*keys, "value"]], on=keys,
                                                  how="left", suffixes=("", "_parquet"))
            assert len(merged) == len(rows), c.id
            assert (merged["value"] == merged["value_parquet"]).all(), (c.id, state)


@pytest.mark.parametrize("year", list(TABLE_1))
def test_funnel_shows_table_1_for_each_year(registry, year):
    result = registry.get("section-47-funnel").render({"year": year})
    assert result.table()["Value"].tolist() == TABLE_1[year]
    assert list(result.figure.data[0].x) == TABLE_1[year]


def test_funnel_year_changes_the_data(registry):
    chart = registry.get("section-47-funnel")
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
    chart = registry.get("section-47-funnel")
    assert chart.state({"year": "2012-13"}) == {"year": "2011-12"}
    result = chart.build({"year": "2012-13"})  # past the state check, as if data went missing
    assert result.title == "No published figures for 2012-13"
    assert result.data.empty
    assert not result.figure.data
    result.export_figure()  # still exports


def test_counts_title_matches_the_report(registry):
    # Report 2011-12: "a 77% increase in the number of Section 47 Strategy Discussions over
    # the last 5 years"; Table 1: 456 in 2007-08, 809 in 2011-12.
    result = registry.get("section-47-counts").render({})
    assert result.title == ("Children at strategy discussions rose 77% from 456 in 2007-08 "
                            "to 809 in 2011-12")
    assert {t.name for t in result.figure.data} == {"Strategy discussions",
                                                    "Section 47 enquiries",
                                                    "Initial conferences",
                                                    "Made subject to a plan"}
    assert any("155 initial conference meetings" in n and "312 children" in n
               for n in result.notes)


def test_conversion_rates_and_five_year_averages(registry):
    result = registry.get("section-47-conversion").render({})
    # Table 1: % requiring initial case conference 55.2% (2007-08), 34.9% (2011-12).
    assert result.title == ("Enquiries leading to a conference fell 20.3 percentage points "
                            "from 55.2% in 2007-08 to 34.9% in 2011-12")
    table = result.table()
    assert table[table["Period"] == "2011-12"]["Value"].tolist() == [98.5, 34.9, 88.8]
    assert any("96.3%" in n and "44.4%" in n and "84.9%" in n for n in result.notes)
    assert "average" not in " ".join(result.data["period"])


@pytest.mark.parametrize(("comparator", "areas", "title_end"), [
    ("both", {"Dudley", "West Midlands", "England"},
     "a larger share than West Midlands (11%) and England (12%)"),
    ("region", {"Dudley", "West Midlands"}, "a larger share than West Midlands (11%)"),
    ("england", {"Dudley", "England"}, "a larger share than England (12%)"),
])
def test_timeliness_comparator(registry, comparator, areas, title_end):
    result = registry.get("section-47-timeliness").render({"comparator": comparator})
    assert set(result.data["area_name"]) == areas
    assert {t.name for t in result.figure.data} == areas
    assert result.title == ("In 2019-20, Dudley held 20% of initial conferences within 10 "
                            f"working days of the enquiry starting, {title_end}")
    dudley = next(t for t in result.figure.data if t.name == "Dudley")
    assert list(dudley.x) == ["0-10 working days", "11-15 working days", "16-20 working days",
                              "21+ working days"]
    assert list(dudley.y) == [20, 57, 11, 12]
    assert any("Dudley 77%" in n for n in result.notes)


def test_unknown_state_falls_back_to_defaults(registry):
    assert registry.get("section-47-timeliness").state({"comparator": "mars"}) == {
        "comparator": "both"}
    assert registry.get("section-47-funnel").state({"year": "../etc"}) == {"year": "2011-12"}
