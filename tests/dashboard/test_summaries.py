import pandas as pd

from dashboard.words import summaries

CODES = {"Dudley": "E08000027", "West Midlands": "E12000005", "England": "E92000001"}


def _rows(values, unit="count", area="Dudley", periods=None):
    periods = periods or ["2006-07", "2011-12"]
    return pd.DataFrame({
        "period": periods, "period_start": pd.to_datetime([f"{p[:4]}-04-01" for p in periods]),
        "value": values, "unit": unit, "area_name": area, "area_code": CODES[area],
    })


def test_change_sentence_matches_the_issue_example():
    text = summaries.change("Contacts", "2006-07", 8402, "2011-12", 14248, "count")
    assert text == "Contacts rose 70% from 8,402 in 2006-07 to 14,248 in 2011-12"


def test_change_in_a_percentage_is_in_points():
    text = summaries.change("Repeat plans", "2010-11", 13, "2011-12", 14.5, "percent")
    assert text == ("Repeat plans rose 1.5 percentage points from 13% in 2010-11 to 14.5% in "
                    "2011-12")


def test_fall_and_no_change():
    assert summaries.change("Plans", "a", 232, "b", 216, "count").startswith("Plans fell 7%")
    assert "stayed at 5" in summaries.change("Plans", "a", 5, "b", 5, "count")


def test_trend_uses_first_and_latest_periods():
    rows = _rows([14248, 8402], periods=["2011-12", "2006-07"])
    rows["period_start"] = pd.to_datetime(["2011-04-01", "2006-04-01"])
    assert summaries.trend(rows, "Contacts").startswith("Contacts rose 70% from 8,402")


def test_compare_with_comparators_in_a_shared_year():
    rows = pd.concat([_rows([555, 433]),
                      _rows([622], area="West Midlands", periods=["2011-12"]),
                      _rows([557], area="England", periods=["2011-12"])])
    text = summaries.compare(rows, "Referrals per 10,000", CODES["Dudley"])
    assert text == ("Referrals per 10,000, 2011-12: Dudley 433, lower than England (557) and "
                    "West Midlands (622)")


def test_largest_share_of_a_breakdown():
    rows = pd.DataFrame({"breakdown_value": ["Neglect", "Physical"], "value": [95.0, 27.0],
                         "unit": "count"})
    assert summaries.largest(rows, "category", "2011-12") == (
        "Neglect was the largest category in 2011-12: 95 of 122 (78%)")
