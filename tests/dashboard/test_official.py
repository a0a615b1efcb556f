"""Official statistics continued beside the reports' own figures on theme pages."""

import pytest

from dashboard.charts.contacts import Ids as ContactsIds
from dashboard.ids import Page


@pytest.mark.parametrize(("chart_id", "page", "report", "official"), [
    ("child-protection-plans-official", "child-protection-plans", "cp_plans_rate_per_10000",
     "dfe_cp_plans_at_31_march_rate_per_10000"),
    (ContactsIds.OFFICIAL, Page.CONTACTS, "referrals_rate_per_10000",
     "dfe_referrals_rate_per_10000"),
])
def test_report_and_official_series_side_by_side(registry, processed, chart_id, page, report,
                                                 official):
    chart = registry.get(chart_id)
    assert chart.page == page
    result = chart.render({})
    assert set(result.data["measure"]) == {report, official}
    names = {t.name for t in result.figure.data}
    assert {"Dudley", "England", "West Midlands", "Dudley (annual report)"} <= names
    styles = {t.name: (t.line.color, t.line.dash) for t in result.figure.data}
    assert styles["Dudley"][0] == styles["Dudley (annual report)"][0]
    assert styles["Dudley"][1] != styles["Dudley (annual report)"][1]
    assert "Department for Education" in result.notes[0]
    assert "Characteristics of children in need (DfE)" in result.source


def test_where_both_sources_give_a_year_both_are_kept(registry):
    chart = registry.get(ContactsIds.OFFICIAL)
    assert chart.official
    rows = chart.render({}).data
    dudley = rows[rows["area_code"] == "E08000027"]
    both = dudley.groupby("period")["measure"].nunique()
    assert (both == 2).any(), "2017-18 and 2018-19 are in the 2019/20 report and in DfE's data"
    report_2018 = dudley[(dudley["measure"] == "referrals_rate_per_10000")
                         & (dudley["period"] == "2018-19")]
    assert report_2018["value"].tolist() == [749.3]


def test_title_follows_the_official_series(registry, processed):
    result = registry.get("child-protection-plans-official").render({})
    plans = processed.frame("dfe_cp_plans")
    dudley = plans[(plans["area_code"] == "E08000027")
                   & (plans["measure"] == "dfe_cp_plans_at_31_march_rate_per_10000")]
    latest = dudley.sort_values("period_start").iloc[-1]["value"]
    assert f"{latest:g} per 10,000 children in 2023-24" in result.title
