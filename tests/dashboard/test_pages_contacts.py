"""Contacts and referrals page: every chart built through the registry, checked against
the processed Parquet and the figures printed in the annual reports."""


import pandas as pd
import pytest

from dashboard.charts import TABLE_COLUMNS

from .helpers import drawn_values

CHARTS = {"contacts-trend", "contacts-sources", "contacts-domestic-abuse",
          "contacts-open-referrals", "contacts-referral-rate", "contacts-referral-sources",
          "contacts-assessments", "contacts-common-assessments"}
OFFICIAL = "contacts-official"  # report and DfE series together: see test_official.py


def _states(chart):
    return [{}] + [{key: value} for key, values in chart.options.items() for value in values]


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page("contacts")
    assert {c.id for c in charts} == {*CHARTS, OFFICIAL}
    for c in charts:
        for state in _states(c):
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert drawn_values(result.figure), f"{c.id} {state} drew no values"
            assert not result.data.empty
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())
            assert result.source and result.source != "No published figures"
            # Every value in the data is drawn, and nothing else is.
            assert sorted(drawn_values(result.figure)) == sorted(result.data["value"].dropna())


def test_every_table_value_equals_the_parquet(registry, processed):
    parquet = processed.frame("contacts")
    keys = ["measure", "area_code", "breakdown_value", "period_start", "period_end"]
    for c in registry.on_page("contacts"):
        if c.id == OFFICIAL:
            continue
        for state in _states(c):
            rows = c.render(state).data
            merged = rows[[*keys, "value"]].merge(parquet[[*keys, "value"]], on=keys,
                                                  how="left", suffixes=("", "_parquet"))
            assert len(merged) == len(rows), c.id
            assert (merged["value"] == merged["value_parquet"]).all(), (c.id, state)


def test_contacts_title_matches_the_report(registry):
    # Report 2011-12: "increased from 8402 in the 2006-07 year to 14248 in 2011-12, an
    # increase of 70%": (14,248 - 8,402) / 8,402 = 69.6%, said as 70%.
    result = registry.get("contacts-trend").render({})
    assert result.title == "Contacts rose 70% from 8,402 in 2006-07 to 14,248 in 2011-12"
    assert result.table()["Value"].tolist() == [8402, 14248]
    assert any("+70% from 2006-07 to 2011-12" in n for n in result.notes)
    assert any("-4.8% from 2010-11 to 2011-12" in n for n in result.notes)


def test_open_referrals_are_labelled_by_date(registry, processed):
    result = registry.get("contacts-open-referrals").render({})
    table = result.table()
    assert table["Period"].tolist() == ["31 March 2010", "31 March 2011", "31 March 2012"]
    assert table["Value"].tolist() == [2592, 2581, 2737]
    assert table["Value"].tolist() == processed.rows(
        "contacts", "open_referrals").sort_values("period_end")["value"].tolist()
    assert result.title == "Open referrals rose 6% from 2,592 in March 2010 to 2,737 in March 2012"


def test_domestic_abuse_shows_the_year_and_the_four_year_total(registry):
    result = registry.get("contacts-domestic-abuse").render({})
    assert result.title == ("In 2011-12 the police sent 2,639 domestic abuse notifications, "
                            "involving 2,036 children")
    table = result.table().set_index(["Period", "Measure"])["Value"]
    assert table[("2008-09 to 2011-12", "Domestic abuse notifications")] == 10588
    assert table[("2008-09 to 2011-12", "Children in domestic abuse notifications")] == 8381
    categories = list(result.figure.data[0].x)
    assert categories == ["2011-12", "2008-09 to 2011-12 (total)"]


def test_contact_sources_say_what_is_not_broken_down(registry):
    result = registry.get("contacts-sources").render({})
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
    result = registry.get("contacts-referral-sources").render({"comparator": comparator})
    assert set(result.data["area_name"]) == areas
    assert {t.name for t in result.figure.data} == areas
    assert result.title == title
    assert len(result.data) == 11 * len(areas)
    # Dudley's bar sits on top of each group (the last trace in a horizontal group).
    assert result.figure.data[-1].name == "Dudley"


@pytest.mark.parametrize("chart_id", ["contacts-referral-rate", "contacts-assessments"])
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
    result = registry.get("contacts-assessments").render({})
    assert result.title == ("Initial assessment rate, 2010-11: Dudley 322 per 10,000 "
                            "children, lower than England (398) and West Midlands (405)")


def test_referral_rate_gaps_are_not_drawn_as_zero(registry):
    result = registry.get("contacts-referral-rate").render({})
    assert result.title == ("Referral rate rose 35% from 555 per 10,000 children in 2010-11 "
                            "to 749.3 per 10,000 children in 2018-19")
    england = next(t for t in result.figure.data if t.name == "England")
    by_period = dict(zip(england.x, england.y, strict=True))
    assert by_period["2010-11"] == 557
    assert pd.isna(by_period["2018-19"])


def test_common_assessments_option_changes_the_data(registry):
    chart = registry.get("contacts-common-assessments")
    counts, starters = chart.render({"caf": "counts"}), chart.render({"caf": "starters"})
    assert set(counts.data["measure"]) == {"common_assessments", "common_assessments_completed"}
    assert set(starters.data["measure"]) == {"common_assessments_initiator_share"}
    assert counts.title == ("Common assessments started fell 48% from 901 in 2010-11 to 465 "
                            "in 2011-12")
    assert starters.title == "Schools started the most common assessments in 2011-12 (47.5%)"
    # The report's stated fall (39.5%) does not follow from its counts: the note says so.
    assert any("-39.5%" in n and "-48.4%" in n for n in counts.notes)
    # The number completed in 2010-11 is not published: a gap, not a zero.
    completed = next(t for t in counts.figure.data if t.name == "Completed")
    by_period = dict(zip(completed.x, completed.y, strict=True))
    assert pd.isna(by_period["2010-11"]) and by_period["2011-12"] == 338


def _pressed(component, control: str) -> list[str]:
    """The values of the pressed choice buttons of one control, anywhere in the layout."""
    found = []
    cid = getattr(component, "id", None)
    if (isinstance(cid, dict) and cid.get("control") == control
            and component.to_plotly_json()["props"].get("aria-pressed") == "true"):
        found.append(cid["value"])
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found += _pressed(child, control)
    return found


def test_page_layout_reads_state_from_the_url(registry):
    import dash

    page = next(p for p in dash.page_registry.values() if p["path"] == "/contacts")
    assert page["name"] == "Contacts & referrals" and page["order"] == 1
    tree = page["layout"](comparator="england", caf="starters", junk="x")
    assert _pressed(tree, "contacts-comparator") == ["england"]
    assert _pressed(tree, "contacts-caf") == ["starters"]
    assert _pressed(page["layout"](comparator="mars"), "contacts-comparator") == ["both"]
    assert "Contacts to social care rose 70%" in str(tree)


def test_unknown_state_falls_back_to_defaults(registry):
    chart = registry.get("contacts-referral-sources")
    assert chart.state({"comparator": "mars"}) == {"comparator": "both"}
    assert registry.get("contacts-common-assessments").state({"caf": "<x>"}) == {"caf": "counts"}
