"""Figures of the Children's Services Equality and Diversity Annual Report 2010/11.

Expected numbers are read off the report (Table 2, Tables 1(a) and 1(b), section 2),
not off our CSV files.
"""

import pytest

DCS, MBC = "ORG-DUDLEY-DCS", "ORG-DUDLEY-MBC"


@pytest.mark.parametrize(("period", "total", "none", "senior"), [
    ("2006-07", 258, 39, 174), ("2007-08", 175, 32, 175), ("2008-09", 192, 40, 144),
    ("2009-10", 185, 40, 141), ("2010-11", 139, 27, 93),
])
def test_table2_totals(processed, period, total, none, senior):
    assert processed.value("racist_incidents", "racist_incidents", period) == total
    assert processed.value("racist_incidents", "schools_reporting_no_racist_incidents",
                           period) == none
    assert processed.value("racist_incidents", "racist_incident_victim_support", period,
                           breakdown_value="Senior staff involvement") == senior


def test_table2_schools_making_a_return_only_in_later_years(processed):
    assert processed.value("racist_incidents", "schools_making_return", "2009-10") == 67
    assert processed.value("racist_incidents", "schools_making_return", "2010-11") == 74
    assert processed.rows("racist_incidents", "schools_making_return", "2006-07").empty


@pytest.mark.parametrize(("measure", "value", "period", "expected"), [
    ("racist_incident_victims", "Asian", "2006-07", 125),
    ("racist_incident_victims", "Mixed Race", "2009-10", 29),
    ("racist_incident_victims", "Between 8 and 10", "2008-09", 73),
    ("racist_incident_victims", "Male", "2006-07", 194),
    ("racist_incident_perpetrators", "Black Groups", "2010-11", 19),
    ("racist_incident_perpetrators", "White Groups", "2006-07", 224),
    ("racist_incident_perpetrators", "Over 18", "2007-08", 16),
    ("racist_incident_perpetrators", "Female", "2009-10", 47),
    ("racist_incidents", "Closely supervised locations", "2009-10", 92),
    ("racist_incidents", "Other areas", "2006-07", 179),
])
def test_table2_breakdowns(processed, measure, value, period, expected):
    assert processed.value("racist_incidents", measure, period,
                           breakdown_value=value) == expected


def test_table2_location_slips_are_flagged(processed):
    flags = processed.flags()
    loc = flags[(flags["measure"] == "racist_incidents") & flags["check_id"].str.contains(
        "location")]
    assert set(loc["period"]) == {"2007-08", "2008-09", "2010-11"}
    # 89 + 84 = 173 against a printed total of 175
    row = loc[loc["period"] == "2007-08"].iloc[0]
    assert (row["published"], row["expected"]) == (175, 173)


@pytest.mark.parametrize(("area", "group", "date", "female", "bme", "disabled"), [
    (DCS, "Scale point 34 and above (higher grades)", "2011-03-31", 67.8, 15.1, 5.0),
    (DCS, "Below scale point 34 (lower grades)", "2009-03-31", 82.9, 8.3, 1.7),
    (DCS, "School employed staff", "2010-03-31", 84.8, 4.4, 0.6),
    (MBC, "Total (including schools)", "2011-03-31", 75.0, 6.2, 2.0),
    (MBC, "Total (excluding schools)", "2011-03-31", 80.47, 10.77, 2.5),
    (MBC, "Total (excluding schools)", "2010-03-31", 66.4, 7.3, 2.9),
])
def test_workforce_tables_1a_1b(processed, area, group, date, female, bme, disabled):
    for measure, expected in (("workforce_female_pct", female), ("workforce_bme_pct", bme),
                              ("workforce_disabled_pct", disabled)):
        assert processed.value("workforce", measure, date, area=area,
                               breakdown_value=group) == expected


def test_table_1b_2011_total_slip_is_flagged_not_fixed(processed):
    flags = processed.flags()
    slip = flags[(flags["area_code"] == MBC) & (flags["period"] == "2011-03-31")]
    assert set(slip["measure"]) == {"workforce_female_pct", "workforce_male_pct",
                                    "workforce_bme_pct", "workforce_disabled_pct"}
    assert processed.value("workforce", "workforce_female_pct", "2011-03-31", area=MBC,
                           breakdown_value="Total (excluding schools)") == 80.47


def test_stated_school_figures(processed):
    assert processed.value("schools", "schools", "2011-03-31") == 109
    assert processed.value("schools", "schools", "2011-03-31", breakdown_value="Primary") == 78
    assert processed.value("schools", "school_pupils", "2011-03-31") == 45000
    assert processed.value("schools", "school_pupils_bme_pct", "2011-03-31") == 18
    assert processed.value("workforce", "workforce_headcount", "2011-03-31", area=DCS,
                           breakdown_value="Directly employed staff") == 1914
    assert processed.value("workforce", "workforce_headcount", "2011-03-31", area=DCS,
                           breakdown_value="School employed staff") == 10825


def test_first_time_entrants(processed):
    assert processed.value("equality_outcomes", "first_time_entrants_rate_per_100000",
                           "2010-11") == 830
    assert processed.value("equality_outcomes", "first_time_entrants_rate_per_100000",
                           "2007-08") == 1540
    assert processed.value("equality_outcomes", "first_time_entrants_change_pct",
                           "2007-08 to 2010-11") == -46.1
