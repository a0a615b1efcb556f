"""Figures from the Dudley Safeguarding Children Partnership Group Annual Report 2019/20.

Every expected number below was read from the report itself
(source_id ``dudley_scp_2019_20``), not from the transcribed CSV files, so a
slip in transcription or in the ETL shows up as a failure here.
"""

from __future__ import annotations

import pytest

DUDLEY, WEST_MIDLANDS, ENGLAND = "E08000027", "E12000005", "E92000001"
CDOP = "ORG-BLACK-COUNTRY-CDOP"
FY = "2019-20"
ON_YEAR = "2018-19 to 2019-20"  # a stated change on the year before


# --- Performance data: referral by source (three areas) -------------------------

@pytest.mark.parametrize(("area", "source", "expected"), [
    (DUDLEY, "Anonymous", 4.1),
    (DUDLEY, "Health services", 15.9),
    (DUDLEY, "Police", 23.7),
    (DUDLEY, "Schools", 20.4),
    (DUDLEY, "Unknown", 0.0),
    (WEST_MIDLANDS, "Anonymous", 3),  # printed "u3%"
    (WEST_MIDLANDS, "Police", 27),
    (WEST_MIDLANDS, "Unknown", 3),
    (ENGLAND, "LA services", 14.1),
    (ENGLAND, "Police", 28.7),
    (ENGLAND, "Other legal agency", 3.9),
])
def test_referral_source_shares(processed, area, source, expected):
    got = processed.value("contacts", "referral_source_share", FY, area, source)
    assert got == pytest.approx(expected)


def test_referral_rate_per_10000(processed):
    # printed as "595.5 in 2018 to 749.3 in 2019" (years ending 31 March)
    assert processed.value("contacts", "referrals_rate_per_10000", "2017-18") == 595.5
    assert processed.value("contacts", "referrals_rate_per_10000", "2018-19") == 749.3


# --- Section 47 to ICPC timeliness ---------------------------------------------

@pytest.mark.parametrize(("area", "band", "expected"), [
    (DUDLEY, "0-10", 20),
    (DUDLEY, "11-15", 57),
    (DUDLEY, "21+", 12),
    (ENGLAND, "11-15", 65),
    (ENGLAND, "16-20", 9),
    (WEST_MIDLANDS, "0-10", 11),
    (WEST_MIDLANDS, "21+", 14),
])
def test_s47_to_icpc_duration(processed, area, band, expected):
    got = processed.value("s47", "s47_to_icpc_duration_share", FY, area, band)
    assert got == expected


# --- Early help ----------------------------------------------------------------

def test_early_help_table(processed):
    v = processed.value
    assert v("early_help", "early_help_assessments_completed", "2018-19",
             breakdown_value="Internal") == 1289
    assert v("early_help", "early_help_assessments_completed", FY,
             breakdown_value="Internal") == 1340
    assert v("early_help", "early_help_assessments_completed", "2018-19",
             breakdown_value="External") == 941
    assert v("early_help", "early_help_assessments_completed", FY,
             breakdown_value="External") == 1133
    assert v("early_help", "family_centre_contacts", "2018-19") == 4072
    assert v("early_help", "family_centre_contacts", FY) == 5215
    assert v("early_help", "family_centre_footfall", FY) == 36162
    assert v("early_help", "family_centre_advice_requests", FY) == 2420
    # "-" in the 2018/19 column: not recorded
    assert processed.status("early_help", "family_centre_footfall", "2018-19") == "x"


def test_early_help_stated_figures(processed):
    v = processed.value
    assert v("early_help", "early_help_assessments_change_pct", ON_YEAR) == 14
    assert v("early_help", "early_help_assessments_completed_change_pct", ON_YEAR,
             breakdown_value="Internal") == 12
    assert v("early_help", "early_help_assessments_completed_change_pct", ON_YEAR,
             breakdown_value="External") == 17
    assert v("early_help", "family_centre_contacts_change_pct", ON_YEAR) == 36
    assert v("early_help", "parenting_programme_parents_change_pct", ON_YEAR) == 75
    assert v("early_help", "early_help_assessments_share", FY,
             breakdown_value="Internal") == 55
    assert v("early_help", "early_help_closures_rereferred_pct", FY) == 41
    assert v("early_help", "family_group_conference_referrals", FY) == 346
    assert v("early_help", "family_group_conference_referrals_change_pct", ON_YEAR) == 83.06
    assert v("early_help", "family_group_conference_plans_change_pct", ON_YEAR) == 66.12
    assert v("early_help", "family_group_conference_plans", FY) == 103
    assert v("early_help", "parenting_programme_parents", "2018-19") == 400


# --- Funding -------------------------------------------------------------------

@pytest.mark.parametrize(("partner", "expected"), [
    ("Total", 380150),
    ("Dudley CCG", 107100),
    ("West Midlands Police", 13300),
    ("CAFCASS", 550),
    ("Academies", 14600),
])
def test_partner_contributions(processed, partner, expected):
    assert processed.value("funding", "partner_contribution", FY,
                           breakdown_value=partner) == expected


# --- Multi-agency training -----------------------------------------------------

@pytest.mark.parametrize(("measure", "programme", "expected"), [
    ("training_courses_delivered", "DSCB", 45),
    ("training_places_offered", "DSCB", 1445),
    ("training_bookings", "DSCB", 595),
    ("training_did_not_attend", "DSCB", 227),
    ("training_completed", "DSCB", 862),
    ("training_organisations_represented", "DSCB", 38),
    ("training_courses_delivered", "Joint DSAB/DSCB", 12),
    ("training_bookings", "Joint DSAB/DSCB", 379),
    ("training_did_not_attend", "Joint DSAB/DSCB", 124),
    ("training_completed", "Joint DSAB/DSCB", 172),
    ("training_organisations_represented", "Joint DSAB/DSCB", 41),
])
def test_training_figures(processed, measure, programme, expected):
    assert processed.value("training", measure, FY, breakdown_value=programme) == expected


def test_training_feedback(processed):
    assert processed.value("training", "training_feedback_aims_met_pct", FY,
                           breakdown_value="Introduction to Domestic Abuse") == 90
    assert processed.value("training", "training_feedback_more_competent_pct", FY,
                           breakdown_value="Introduction to Child Criminal Exploitation") == 100


# --- Missing children, exploitation, police ------------------------------------

def test_missing_and_return_interviews(processed):
    v = processed.value
    assert v("missing_exploitation", "missing_episodes", FY) == 602
    assert v("missing_exploitation", "missing_children", FY) == 220
    assert v("missing_exploitation", "missing_children_offered_rhi_pct", FY) == 84
    assert v("missing_exploitation", "rhi_completed_pct", FY) == 63
    assert v("missing_exploitation", "rhi_completed_within_72h_pct", FY) == 71


def test_cse_and_child_abuse_incidents(processed):
    v = processed.value
    assert v("missing_exploitation", "cse_incidents", "2018-19") == 132
    assert v("missing_exploitation", "cse_incidents", FY) == 93
    assert v("missing_exploitation", "cse_incidents_crime_recorded_pct", FY) == 29
    assert v("police_incidents", "child_abuse_incidents", "2018-19") == 2691
    assert v("police_incidents", "child_abuse_incidents", FY) == 2378


def test_elective_home_education(processed):
    assert processed.value("elective_home_education", "ehe_children_registered",
                           "2019-04") == 337
    assert processed.value("elective_home_education", "ehe_children_registered",
                           "2020-03") == 354
    assert processed.value("elective_home_education", "ehe_children_registered_in_year",
                           FY) == 460


# --- Child deaths (Black Country CDOP) -------------------------------------------

def test_child_deaths(processed):
    v = processed.value
    assert v("child_deaths", "child_deaths", FY, CDOP) == 107
    assert v("child_deaths", "child_deaths_unexpected", FY, CDOP) == 33
    assert v("child_deaths", "child_deaths_unsafe_sleep", FY, CDOP) == 10
    assert v("child_deaths", "child_deaths_unsafe_sleep_factor_share", FY, CDOP,
             "Maternal smoking or smoking in the home") == 90
    assert v("child_deaths", "child_deaths_unsafe_sleep_factor_share", FY, CDOP,
             "Co-sleeping") == 60


# --- Other sections ----------------------------------------------------------------

def test_reviews_youth_and_voluntary_sector(processed):
    v = processed.value
    assert v("case_reviews", "local_multi_agency_reviews_completed", FY) == 3
    assert v("case_reviews", "scr_subgroup_meetings", FY) == 5
    assert v("youth_service", "dofe_volunteer_hours", FY) == 2821
    assert v("youth_service", "dofe_social_value", FY) == 12271
    assert v("youth_service", "youth_council_volunteer_hours", FY) == 2780
    assert v("voluntary_sector", "dcvs_audit_organisations", "2019") == 102
    assert v("voluntary_sector", "dcvs_audit_responses", "2019") == 73
    assert v("children_in_care", "cic_know_their_iro_pct", "2019-12") == 69


def test_about_dudley(processed):
    v = processed.value
    assert v("about_dudley", "children_0_19_population", "2019-06-30") == 76187
    assert v("about_dudley", "children_0_19_population_share", "2019-06-30") == 23.7
    assert v("about_dudley", "jsa_claimants", "2020-10") == 2197
    assert v("about_dudley", "jsa_claimant_rate", "2020-10", WEST_MIDLANDS) == 0.8
    assert v("about_dudley", "jsa_claimants_18_24", "2019-10") == 25
    assert v("about_dudley", "mean_annual_wage_full_time", "2020", ENGLAND) == 32237
    assert v("about_dudley", "infant_mortality_rate", "2015 to 2017") == 5.4
    assert v("about_dudley", "immunisation_primary_first_year_pct", "2017-18") == 96.1
    assert v("about_dudley", "reception_overweight_pct", "2018-19", WEST_MIDLANDS) == 23.9
    assert v("about_dudley", "under_18_conception_rate", "2018", ENGLAND) == 16.7
    assert v("schools", "school_pupils_bme_pct", "2019-03-31") == 26.3


# --- The report's own inconsistencies are flagged, not corrected -----------------

def test_report_slips_are_flagged(processed):
    flags = processed.flags()
    ids = set(flags["check_id"])
    # text says "nearly 14,000" family centre contacts; its own table says 5,215
    assert "scp1920_family_centre_contacts_text_vs_table" in ids
    # 55% internal EHAs, but 1,340 of 2,473 is 54.2%
    assert "scp1920_eha_internal_share_matches_table" in ids
    # published figures stay as printed
    assert processed.value("early_help", "family_centre_contacts_stated", FY) == 14000


def test_stated_changes_against_the_early_help_table(processed):
    flags = processed.flags()
    changes = flags[flags["check_id"].str.startswith("scp1920_change_")]
    got = {(row.measure, row.breakdown_value): row for row in changes.itertuples()}
    for row in got.values():
        assert row.period == ON_YEAR
    # "a 14% increase" in EHAs, but the table's 1,289 + 941 -> 1,340 + 1,133 is +10.9%
    total = got[("early_help_assessments_change_pct", "Total")]
    assert total.published == 14
    assert total.expected == pytest.approx(100 * (2473 - 2230) / 2230)
    # internal "by 12%": 1,289 -> 1,340 is +4.0%; external "by 17%": 941 -> 1,133 is +20.4%
    internal = got[("early_help_assessments_completed_change_pct", "Internal")]
    assert (internal.published, round(internal.expected, 1)) == (12, 4.0)
    external = got[("early_help_assessments_completed_change_pct", "External")]
    assert (external.published, round(external.expected, 1)) == (17, 20.4)
    # family centre contacts "increased by 36%", but 4,072 -> 5,215 is +28.1%
    contacts = got[("family_centre_contacts_change_pct", "Total")]
    assert (contacts.published, round(contacts.expected, 1)) == (36, 28.1)
    # parents on parenting groups 400 -> 700 is the stated 75%: no flag
    assert set(got) == {("early_help_assessments_change_pct", "Total"),
                        ("early_help_assessments_completed_change_pct", "Internal"),
                        ("early_help_assessments_completed_change_pct", "External"),
                        ("family_centre_contacts_change_pct", "Total")}
