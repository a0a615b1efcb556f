"""Racist incidents page: every chart built through the registry, checked against the
processed Parquet and against Table 2 of the Children's Services equality report 2010/11."""

import itertools

import pandas as pd
import pytest

from dashboard.charts import TABLE_COLUMNS

from .helpers import drawn_values

CHARTS = {"racist-incidents-trend", "racist-incidents-breakdown", "racist-incidents-locations", "racist-incidents-schools", "racist-incidents-support"}
YEARS = ["2006-07", "2007-08", "2008-09", "2009-10", "2010-11"]


def _states(chart):
    keys = list(chart.options)
    return [{}] + [dict(zip(keys, combo, strict=True))
                   for combo in itertools.product(*chart.options.values())]


def test_page_is_registered(app):
    import dash

    page = next(p for p in dash.page_registry.values()
                if p["module"].endswith("racist_incidents"))
    assert (page["path"], page["name"], page["order"]) == ("/racist-incidents",
                                                           "Racist incidents", 5)


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page("racist-incidents")
    assert {c.id for c in charts} == CHARTS
    for c in charts:
        for state in _states(c):
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert drawn_values(result.figure), f"{c.id} {state} drew no values"
            assert not result.data.empty, f"{c.id} {state}"
            assert result.title and result.subtitle and result.source
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())


def test_breakdown_options():
    from dashboard.pages import racist_incidents

    assert racist_incidents.OPTIONS["group"] == ("victims", "perpetrators")
    assert racist_incidents.OPTIONS["by"] == ("ethnicity", "age-band", "sex")
    assert set(racist_incidents.OPTIONS["year"]) == {*YEARS, "all"}


def test_titles_match_the_report(registry):
    # Table 2: 258 incidents in 2006-07, 139 in 2010-11: (139 - 258) / 258 = -46%.
    assert registry.get("racist-incidents-trend").render({}).title == (
        "Racist incidents reported by schools fell 46% from 258 in 2006-07 to 139 in 2010-11")
    # Victims' ethnicity 2010-11: Asian 55 of 55+26+3+32+19 = 135 (41%).
    assert registry.get("racist-incidents-breakdown").render({}).title == (
        "In 2010-11, 55 of the 135 victims whose ethnicity was recorded were Asian (41%)")
    # Perpetrators' ethnicity 2010-11: White 93 of 10+19+0+7+93 = 129 (72%).
    assert registry.get("racist-incidents-breakdown").render({"group": "perpetrators"}).title == (
        "In 2010-11, 93 of the 129 alleged perpetrators whose ethnicity was recorded were "
        "from White groups (72%)")
    # Asian victims: 125 in 2006-07, 55 in 2010-11: -56%.
    assert registry.get("racist-incidents-breakdown").render({"year": "all"}).title == (
        "Victims who were Asian fell 56% from 125 in 2006-07 to 55 in 2010-11")
    # Schools 2010-11: 74 made a return, 27 reported no incidents.
    assert registry.get("racist-incidents-schools").render({}).title == (
        "In 2010-11, 27 of the 74 schools that sent a return reported no racist incidents")
    # Support 2010-11: senior staff 93 and parents 43 of 139 incidents (67% and 31%).
    assert registry.get("racist-incidents-support").render({}).title == (
        "In 2010-11, senior staff were involved in 93 of the 139 incidents (67%) and the "
        "victim's parents in 43 (31%)")
    # Locations 2010-11: other areas 86, closely supervised 48: 86 of 134 (64%).
    assert registry.get("racist-incidents-locations").render({}).title == (
        "In 2010-11, 86 of the 134 incidents with a recorded location (64%) happened in "
        "other areas, not in closely supervised locations")


def test_rate_exists_only_where_pupils_are_known(registry):
    result = registry.get("racist-incidents-trend").render({"show": "rate"})
    assert result.data["period"].tolist() == ["2009-10", "2010-11"]
    # 185 incidents for over 47,000 pupils; 139 for over 45,000.
    assert result.data["value"].round(3).tolist() == [round(185 / 47, 3), round(139 / 45, 3)]
    (trace,) = result.figure.data
    drawn = dict(zip(trace.x, trace.y, strict=True))
    assert list(drawn) == YEARS
    assert all(pd.isna(drawn[y]) for y in YEARS[:3]), "years without a rate are not zero"
    assert "2009-10 and 2010-11" in result.notes[0]
    assert result.title == ("Racist incidents per 1,000 pupils fell 22% from 3.9 per 1,000 in "
                            "2009-10 to 3.1 per 1,000 in 2010-11")


@pytest.mark.parametrize(("group", "by", "year"), [
    ("victims", "ethnicity", "2006-07"), ("perpetrators", "age-band", "2007-08"),
    ("victims", "sex", "all"), ("perpetrators", "sex", "2010-11"),
])
def test_breakdown_table_equals_parquet(registry, processed, group, by, year):
    result = registry.get("racist-incidents-breakdown").render({"group": group, "by": by, "year": year})
    parquet = processed.frame("racist_incidents")
    measure = {"victims": "racist_incident_victims",
               "perpetrators": "racist_incident_perpetrators"}[group]
    expected = parquet[(parquet["measure"] == measure)
                       & (parquet["breakdown"] == by.replace("-", "_"))]
    if year != "all":
        expected = expected[expected["period"] == year]
    table = result.table()
    assert len(table) == len(expected)
    for _, row in table.iterrows():
        match = expected[(expected["breakdown_value"] == row["Breakdown"])
                         & (expected["period"] == row["Period"])]
        assert match["value"].tolist() == [row["Value"]]


def test_breakdown_figures_from_the_report(registry):
    table = registry.get("racist-incidents-breakdown").render(
        {"group": "perpetrators", "by": "age-band", "year": "2007-08"}).table()
    values = dict(zip(table["Breakdown"], table["Value"], strict=True))
    assert values == {"Under 8": 25, "Between 8 and 10": 74, "Between 11 and 14": 64,
                      "Between 15 and 17": 35, "Over 18": 16}


def test_breakdown_choices_change_the_data(registry):
    chart = registry.get("racist-incidents-breakdown")
    base = chart.render({"group": "victims", "by": "ethnicity", "year": "2010-11"}).data
    other_group = chart.render({"group": "perpetrators", "by": "ethnicity",
                                "year": "2010-11"}).data
    other_by = chart.render({"group": "victims", "by": "sex", "year": "2010-11"}).data
    other_year = chart.render({"group": "victims", "by": "ethnicity", "year": "2006-07"}).data
    every_year = chart.render({"group": "victims", "by": "ethnicity", "year": "all"})
    assert set(base["measure"]) == {"racist_incident_victims"}
    assert set(other_group["measure"]) == {"racist_incident_perpetrators"}
    assert set(other_by["breakdown_value"]) == {"Female", "Male"}
    assert set(other_year["period"]) == {"2006-07"} and set(base["period"]) == {"2010-11"}
    assert set(every_year.data["period"]) == set(YEARS)
    assert len(every_year.figure.data) == 5, "one line per ethnic group over all years"


def test_breakdown_warns_that_people_need_not_add_up(registry):
    result = registry.get("racist-incidents-breakdown").render({"by": "sex", "year": "2006-07"})
    # 67 + 194 = 261 victims in 2006-07, more than the 258 incidents.
    assert result.data["value"].sum() == 261
    assert any("need not add up" in n for n in result.notes)


def test_locations_show_the_totals_and_the_flags(registry, processed):
    result = registry.get("racist-incidents-locations").render({})
    flags = processed.flags()
    ours = flags[flags["dataset"] == "racist_incidents"]
    assert len(ours) == 3
    note = next(n for n in result.notes if "do not add up" in n)
    assert f"in {len(ours)} years" in note
    for _, flag in ours.iterrows():
        assert (f"in {flag['period']} they add up to {flag['expected']:,.0f}, not "
                f"{flag['published']:,.0f}") in note
    totals = result.data[result.data["breakdown_value"] == "Total"]
    assert totals["value"].tolist() == [258, 175, 192, 185, 139]
    assert "All incidents (as published)" in [t.name for t in result.figure.data]


def test_schools_returns_are_gaps_before_2009(registry):
    fig = registry.get("racist-incidents-schools").render({}).figure
    returns = next(t for t in fig.data if t.name == "Schools that sent a return")
    drawn = dict(zip(returns.x, returns.y, strict=True))
    assert all(pd.isna(drawn[y]) for y in YEARS[:3])
    assert (drawn["2009-10"], drawn["2010-11"]) == (67, 74)


def test_summary_mentions_the_flag_count(registry):
    from dashboard.pages import racist_incidents

    summary = racist_incidents._summary()
    assert summary[0] == ("Racist incidents reported by schools fell 46% from 258 in 2006-07 "
                          "to 139 in 2010-11.")
    assert any(line.startswith("The data checks found 3 places") for line in summary)
