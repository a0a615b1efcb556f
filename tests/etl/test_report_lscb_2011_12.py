"""Figures from the Dudley Safeguarding Children Board Annual Report 2011-12.

Every expected number below was read from the report itself
(source_id ``dudley_lscb_2011_12``), not from the transcribed CSV files, so a
slip in transcription or in the ETL shows up as a failure here.
"""

from __future__ import annotations

import pytest

DUDLEY, WEST_MIDLANDS, ENGLAND = "E08000027", "E12000005", "E92000001"
FY = "2011-12"
AVG = "2007-08 to 2011-12 average"
ATTENDANCE_YEAR = "2011-05 to 2012-01"
QUARTER_4 = "2012-01 to 2012-03"
ON_YEAR = "2010-11 to 2011-12"  # a stated change on the year before


# --- Table 1: strategy discussions, Section 47 enquiries, initial conferences ---

@pytest.mark.parametrize(("measure", "period", "expected"), [
    ("strategy_discussions", "2007-08", 456),
    ("strategy_discussions", FY, 809),
    ("strategy_discussions", AVG, 677),
    ("s47_required", FY, 797),
    ("s47_required_pct", FY, 98.5),
    ("s47_required_pct", "2008-09", 92.7),
    ("s47_enquiries", "2010-11", 785),
    ("icpc_required", "2009-10", 263),
    ("icpc_required_pct", FY, 34.9),
    ("icpc_required_pct", AVG, 44.4),
    ("icpcs", FY, 312),
    ("icpc_to_plan", FY, 277),
    ("icpc_to_plan_pct", "2010-11", 81.9),
    ("icpc_to_plan_pct", AVG, 84.9),
])
def test_table1_s47(processed, measure, period, expected):
    assert processed.value("s47", measure, period) == pytest.approx(expected)


def test_conference_meetings_stated(processed):
    # "155 Initial Child Protection Conferences ... 20 'Receiving-In' Conferences"
    assert processed.value("s47", "icpc_meetings", FY) == 155
    assert processed.value("s47", "transfer_in_conferences", FY) == 20
    assert processed.value("s47", "strategy_discussions_change_pct",
                           "2007-08 to 2011-12") == 77
    # 277 children made subject to a plan, "a 6% fall" on the year before
    assert processed.value("s47", "icpc_to_plan_change_pct", ON_YEAR) == -6


# --- Table 1: child protection plans ---------------------------------------------

@pytest.mark.parametrize(("measure", "period", "expected"), [
    ("cp_plans_new", "2007-08", 207),
    ("cp_plans_new", FY, 310),
    ("cp_plans_ceased", FY, 326),
    ("cp_plans_ceased", AVG, 250),
    ("cp_review_conferences", FY, 710),
])
def test_table1_plans_in_year(processed, measure, period, expected):
    assert processed.value("cp_plans", measure, period) == expected


@pytest.mark.parametrize(("period", "category", "expected"), [
    ("2012-03-31", "Total", 216),
    ("2011-03-31", "Total", 232),
    ("2008-03-31", "Total", 134),
    ("2012-03-31", "Neglect", 95),
    ("2011-03-31", "Emotional", 64),
    ("2008-03-31", "Sexual", 25),
    ("2010-03-31", "Multiple", 2),
    ("2009-03-31", "Physical", 28),
])
def test_plans_at_31_march(processed, period, category, expected):
    got = processed.value("cp_plans", "cp_plans_at_31_march", period, DUDLEY, category)
    assert got == expected


def test_plan_category_shares(processed):
    # "44% ... 'Neglect', with 31% due to emotional abuse ... from 19% in 2007-08 to just 6%"
    value = processed.value
    assert value("cp_plans", "cp_plans_category_share", "2012-03-31", DUDLEY, "Neglect") == 44
    assert value("cp_plans", "cp_plans_category_share", "2012-03-31", DUDLEY, "Emotional") == 31
    assert value("cp_plans", "cp_plans_category_share", "2008-03-31", DUDLEY, "Sexual") == 19
    assert value("cp_plans", "cp_plans_category_share", "2012-03-31", DUDLEY, "Sexual") == 6


def test_quarter_4_shares(processed):
    value = processed.value
    assert value("cp_plans", "cp_plans_new_sex_share", QUARTER_4, DUDLEY, "Unborn") == 11
    assert value("cp_plans", "cp_plans_ceased_outcome_share", QUARTER_4, DUDLEY,
                 "Looked after") == 28


def test_plan_duration_against_england(processed):
    value = processed.value
    assert value("cp_plans", "cp_plans_ceased_duration_share", FY, DUDLEY,
                 "Under 3 months") == pytest.approx(27.3)
    assert value("cp_plans", "cp_plans_ceased_duration_share", "2010-11", ENGLAND,
                 "Under 3 months") == 53


# --- Table 2: comparator rates ---------------------------------------------------

@pytest.mark.parametrize(("dataset", "measure", "period", "area", "expected"), [
    ("contacts", "referrals_rate_per_10000", FY, DUDLEY, 433),
    ("contacts", "referrals_rate_per_10000", "2010-11", WEST_MIDLANDS, 622),
    ("contacts", "initial_assessments_rate_per_10000", "2010-11", ENGLAND, 398),
    ("cp_plans", "cp_plans_new_rate_per_10000", FY, DUDLEY, 47),
    ("cp_plans", "cp_plans_repeat_pct", FY, DUDLEY, 14),
    ("cp_plans", "cp_plans_repeat_pct", "2010-11", ENGLAND, 13),
    ("cp_plans", "cp_plans_ceased_rate_per_10000", "2010-11", DUDLEY, 36),
    ("cp_plans", "cp_plans_rate_per_10000", "2012-03-31", DUDLEY, 33),
    ("cp_plans", "cp_plans_rate_per_10000", "2011-03-31", WEST_MIDLANDS, 41),
])
def test_table2(processed, dataset, measure, period, area, expected):
    assert processed.value(dataset, measure, period, area) == expected


# --- Contacts, referrals, domestic abuse, common assessments --------------------

def test_contacts_and_referrals(processed):
    value = processed.value
    assert value("contacts", "contacts", FY) == 14248
    assert value("contacts", "contacts", "2006-07") == 8402
    assert value("contacts", "contacts_change_pct", ON_YEAR) == pytest.approx(-4.8)
    assert value("contacts", "contacts_change_pct", "2006-07 to 2011-12") == 70
    assert value("contacts", "contacts_excl_domestic_abuse_change_pct", ON_YEAR) == -12
    assert value("contacts", "referrals", FY) == 6117
    assert value("contacts", "open_referrals", "2012-03-31") == 2737
    assert value("contacts", "open_referrals", "2010-03-31") == 2592
    assert value("contacts", "contact_source_share", FY, DUDLEY, "Police") == 26


def test_domestic_abuse(processed):
    value = processed.value
    assert value("contacts", "domestic_abuse_notifications", FY) == 2639
    assert value("contacts", "domestic_abuse_children_involved", FY) == 2036
    assert value("contacts", "domestic_abuse_notifications", "2008-09 to 2011-12") == 10588
    assert value("contacts", "domestic_abuse_children_involved", "2008-09 to 2011-12") == 8381
    # "a fall of just over 11%"
    assert value("contacts", "domestic_abuse_notifications_change_pct", ON_YEAR) == -11


def test_common_assessments(processed):
    value = processed.value
    assert value("contacts", "common_assessments", FY) == 465
    assert value("contacts", "common_assessments", "2010-11") == 901
    assert value("contacts", "common_assessments_completed", FY) == 338
    assert value("contacts", "common_assessments_initiator_share", FY, DUDLEY,
                 "Schools") == pytest.approx(47.5)
    # printed as a 39.5% reduction on the previous year's 901
    assert value("contacts", "common_assessments_change_pct", ON_YEAR) == pytest.approx(-39.5)


# --- Children in care -------------------------------------------------------------

def test_children_in_care(processed):
    value = processed.value
    assert value("children_in_care", "children_in_care", "2012-03-31") == 682
    assert value("children_in_care", "children_in_care", "2007-03-31") == 512
    assert value("children_in_care", "children_in_care", "2011-03-31", ENGLAND) == 65520
    assert value("children_in_care", "children_in_care_full_care_orders", "2008-03-31") == 294
    assert value("children_in_care", "children_in_care_change_pct",
                 "2007-03-31 to 2011-03-31", ENGLAND) == pytest.approx(9.3)
    assert value("children_in_care", "children_in_care_share", "2012-03-31", DUDLEY,
                 "10 to 15") == 38
    assert value("children_in_care", "children_in_care_share", "2011-03-31", ENGLAND,
                 "16 and over") == 21
    assert value("children_in_care", "children_in_care_share", "2012-03-31", DUDLEY,
                 "Female") == 47
    assert value("children_in_care", "children_in_care_change_pct",
                 "2007-03-31 to 2012-03-31") == 33
    assert value("children_in_care", "children_in_care_change_pct",
                 "2011-03-31 to 2012-03-31") == 11


def test_children_in_care_average_age(processed):
    # 9 years old at 31 March 2012; 10.4 years in 2008
    rows = processed.rows("children_in_care", "children_in_care_average_age")
    assert set(rows["unit"]) == {"years"}
    assert processed.value("children_in_care", "children_in_care_average_age",
                           "2012-03-31") == 9
    assert processed.value("children_in_care", "children_in_care_average_age",
                           "2008-03-31") == pytest.approx(10.4)


# --- Training ----------------------------------------------------------------------

def test_training(processed):
    value = processed.value
    assert value("training", "training_multi_agency_people", FY) == 1652
    assert value("training", "training_multi_agency_people", "2010-11") == 1705
    assert value("training", "training_multi_agency_people", "2009-10") == 1894
    assert value("training", "training_single_agency_people", FY) == 5151
    assert value("training", "training_elearning_completions", FY) == 1166
    assert value("training", "training_days_delivered", FY) == 83
    assert value("training", "training_courses_delivered", FY) == 65
    assert value("training", "training_briefing_attendees", FY) == 460
    assert value("training", "training_multi_agency_people_change_pct",
                 "2009-10 to 2011-12") == -13
    assert value("training", "training_single_agency_people_change_pct", ON_YEAR) == -26
    assert value("training", "training_elearning_completions_change_pct", ON_YEAR) == 44


# --- Section 11 audit (Appendix 4) -------------------------------------------------

@pytest.mark.parametrize(("measure", "standard", "expected"), [
    ("section11_standard_highest", "10", 91),
    ("section11_standard_lowest", "5", 50),
    ("section11_standard_average", "1", 86.8),
    ("section11_standard_average", "9", 88.1),
])
def test_section11_standards(processed, measure, standard, expected):
    got = processed.value("section11", measure, FY, DUDLEY, standard)
    assert got == pytest.approx(expected)


def test_section11_organisations(processed):
    value = processed.value
    assert value("section11", "section11_score", FY, "ORG-CAFCASS", "1") == 100
    assert value("section11", "section11_score", FY, "ORG-WMFS", "8") == 56
    assert value("section11", "section11_org_average", FY, "ORG-DUDLEY-PCT") == pytest.approx(85.6)
    assert value("section11", "section11_org_average", FY, "ORG-DUDLEY-YOS") == pytest.approx(70.1)
    # printed as "-": not scored
    assert processed.status("section11", "section11_score", FY, "ORG-DUDLEY-YOS", "5") == "x"
    assert value("section11", "section11_overall_average", FY) == pytest.approx(81.8)


# --- Board attendance (Appendix 2), inspection, self-assessment --------------------

def test_board_attendance(processed):
    value = processed.value
    assert value("board", "board_meeting_attended", "2011-05", "ORG-CAFCASS") == 1   # Y
    assert value("board", "board_meeting_attended", "2011-07", "ORG-CAFCASS") == 0   # N
    assert value("board", "board_member_attendance_pct", ATTENDANCE_YEAR, "ORG-WMP") == 60
    assert value("board", "board_attendance_total_pct", ATTENDANCE_YEAR, "ORG-WMP") == 80
    assert value("board", "board_rep_attendances", ATTENDANCE_YEAR, "ORG-DUDLEY-DACH") == 2
    assert value("board", "board_overall_attendance_pct", ATTENDANCE_YEAR) == 64
    assert value("board", "board_agencies_full_attendance", ATTENDANCE_YEAR) == 9


def test_ofsted_and_self_assessment(processed):
    value = processed.value
    # Outstanding = 1, Good = 2, Adequate = 3
    assert value("inspection", "ofsted_safeguarding_judgement", "2011", DUDLEY,
                 "Overall effectiveness") == 3
    assert value("inspection", "ofsted_lac_judgement", "2011", DUDLEY,
                 "Enjoying and achieving") == 1
    assert value("inspection", "ofsted_lac_judgement", "2011", DUDLEY,
                 "Overall effectiveness") == 2
    # Good = 1, Satisfactory = 2, Poor = 3
    assert value("inspection", "lscb_self_assessment_rating", FY, DUDLEY,
                 "Quality Assurance") == 3
    assert value("inspection", "lscb_self_assessment_rating", FY, DUDLEY,
                 "Partnership working") == 1


# --- Other activity ------------------------------------------------------------------

def test_other_activity(processed):
    value = processed.value
    assert value("other_safeguarding", "child_deaths_notified", FY) == 42
    assert value("other_safeguarding", "child_death_reviews_completed", FY) == 15
    assert value("other_safeguarding", "lado_allegation_meetings", FY) == 68
    assert value("other_safeguarding", "ypse_panel_referrals", FY) == 44
    assert value("other_safeguarding", "complaints_panels", "2010-11") == 6


# --- Slips the validation report must catch ------------------------------------------

def test_validation_flags_report_slips(processed):
    flags = processed.flags()
    ours = flags[flags["check_id"].str.startswith("lscb1112_")]
    flagged = set(zip(ours["measure"], ours["area_code"], ours["breakdown_value"],
                      strict=True))
    # Youth Offending Services: seven scores averaging 80.1, printed 70.1
    assert ("section11_org_average", "ORG-DUDLEY-YOS", "Total") in flagged
    # standard 6: average printed 75% while the scores run from 75% to 100%
    assert ("section11_standard_average", DUDLEY, "6") in flagged
    # overall attendance printed 64%; Appendix 2 averages 68.2%
    assert ("board_overall_attendance_pct", DUDLEY, "Total") in flagged
    # Table 1's ratios all agree with its counts
    assert not ours["measure"].isin(["s47_required_pct", "icpc_required_pct",
                                     "icpc_to_plan_pct"]).any()


def test_stated_changes_against_printed_counts(processed):
    flags = processed.flags()
    changes = flags[flags["check_id"].str.startswith("lscb1112_change_")]
    # "a 39.5% reduction" on 901, but 465 started in 2011-12 is a fall of 48.4%
    [caf] = changes[changes["check_id"] == "lscb1112_change_common_assessments"].itertuples()
    assert (caf.measure, caf.period) == ("common_assessments_change_pct", ON_YEAR)
    assert caf.published == pytest.approx(-39.5)
    assert caf.expected == pytest.approx(100 * (465 - 901) / 901)
    assert round(caf.expected, 1) == -48.4
    # every other stated change agrees with the counts printed beside it:
    # contacts 8,402 -> 14,248 (+70%), strategy discussions 456 -> 809 (+77%),
    # plans after an initial conference 295 -> 277 (-6%), multi-agency training
    # 1,894 -> 1,652 (-13%), children in care 512 -> 682 (approx. +33%),
    # England 59,970 -> 65,520 (+9.3%)
    assert set(changes["check_id"]) == {"lscb1112_change_common_assessments"}
