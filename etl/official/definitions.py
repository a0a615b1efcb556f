"""What the ETL knows of each official release: how to recognise it and what to take from it.

An ``Item`` is one measure made from a release's columns; a ``Release`` is one kind of
Explore Education Statistics (EES) file, recognised by its columns (``signature``), never
by its name. ``RELEASES`` lists every kind the ETL reads; a new measure from a known
release is one more ``Item`` here (and a row in ``data/raw/measures.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass

SYMBOLS = ("c", "k", "low", "u", "x", "z")
"""Suppression and GSS symbols an EES cell may hold instead of a number."""

RENAMED = {"children_count": ("number",), "children_percent": ("percentage",)}
"""Columns that releases have spelt more than one way over the years, by the name the
definitions use: the 2024 looked-after files print ``number`` and ``percentage``, later
ones ``children_count`` and ``children_percent``. A file is read as if it used the name
here (unless it has both)."""

EES_REQUIRED = ("time_period", "time_identifier", "geographic_level")
EES_PLACES = ("region_code", "region_name", "old_la_code", "new_la_code", "la_name")
LEVELS = {"National": "national", "Regional": "regional", "Local authority": "local_authority"}
ENGLAND_CODE, ENGLAND_NAME = "E92000001", "England"
POPULATION_MEASURE = "dfe_population_0_17"
PER = 10_000
MAX_PROBLEMS_PER_COLUMN = 10


@dataclass(frozen=True)
class Item:
    """One measure made from a release's columns.

    ``kind`` is ``count`` (the column as published), ``percent`` (the
    ``published`` column, or ``100 × sum(columns) / sum(denominator)`` when
    the release publishes none) or ``rate`` (the count in ``columns[0]`` per
    10,000 children aged 0 to 17, checked against ``published`` if given).
    ``when`` keeps only rows whose column holds that value: one ``(column,
    value)`` pair, or several (every one must hold). ``denominator_when``
    ``(column, value)``: the denominator is the ``denominator`` columns on
    another row, the one for the same year and place where that column holds
    that value (and the other conditions of ``when`` hold), as in releases
    that print each group's total as a row of its own. ``breakdown`` ``(name,
    value)``: the rows are that value of a breakdown rather than the total,
    so several items may make one measure, each a part. ``lait`` is the LAIT
    indicator (``Measure_short``) for the same thing, whose polarity
    measures.csv should agree with.
    """

    measure: str
    kind: str
    columns: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    published: str | None = None
    decimals: int = 1
    snapshot: bool = False
    when: tuple[str, str] | tuple[tuple[str, str], ...] | None = None
    lait: str | None = None
    denominator_when: tuple[str, str] | None = None
    breakdown: tuple[str, str] | None = None

    @property
    def unit(self) -> str:
        return {"count": "count", "percent": "percent", "rate": "rate_per_10000"}[self.kind]

    @property
    def conditions(self) -> tuple[tuple[str, str], ...]:
        """``when`` as ``(column, value)`` pairs, every one of which a row must hold."""
        if not self.when:
            return ()
        if isinstance(self.when[0], str):
            return (self.when,)  # type: ignore[return-value]
        return tuple(self.when)  # type: ignore[arg-type]

    def needs(self) -> list[str]:
        cols = [*self.columns, *self.denominator]
        if self.published:
            cols.append(self.published)
        cols += [column for column, _ in self.conditions]
        if self.denominator_when:
            cols.append(self.denominator_when[0])
        return cols


@dataclass(frozen=True)
class Release:
    """One kind of EES file: how to recognise it and what to take from it."""

    key: str
    title: str
    publication: str
    source_id: str
    dataset: str
    signature: tuple[str, ...]
    items: tuple[Item, ...]
    mid_year: bool = False  # ONS estimates: time_period is the mid-year (30 June)

    def matches(self, header: set[str]) -> bool:
        return set(self.signature) <= header

    def describe(self) -> str:
        return f"{self.title} (columns {', '.join(self.signature)})"

CIN = "Characteristics of children in need (DfE)"
CLA = "Children looked after in England including adoptions (DfE)"
LOOKED_AFTER = "Children looked after on 31 March each year"
STARTED = "Children starting to be looked after each year"
CEASED = "Children ceasing to be looked after each year"
DURATIONS = ("Duration_0-10_days", "Duration_11-15_days", "Duration_16-20_days",
             "Duration_21+_days")

WHO = (("child", "child"), ("parent", "parent"), ("person", "other person"))
# Factors identified at the end of assessment (c3): the release's column, and the factor
# in words. Several are recorded for the child, a parent or carer, or another person in
# the household (``<Factor>_child``, ``_parent``, ``_person``): "Domestic abuse: parent".
FACTORS: tuple[tuple[str, str], ...] = (
    *((f"{column}_{suffix}", f"{words}: {who}")
      for column, words in (("Domestic_Abuse", "Domestic abuse"),
                            ("Mental_Health", "Mental health"),
                            ("Drug_Misuse", "Drug misuse"),
                            ("Alcohol_Misuse", "Alcohol misuse"),
                            ("Learning_Disability", "Learning disability"),
                            ("Physical_Disability", "Physical disability"))
      for suffix, who in WHO),
    ("Neglect", "Neglect"),
    ("Emotional_Abuse", "Emotional abuse"),
    ("Physical_Abuse_adult_on_child", "Physical abuse by an adult"),
    ("Physical_Abuse_child_on_child", "Physical abuse by another child"),
    ("Physical_Abuse_unknown", "Physical abuse (by whom not recorded)"),
    ("Sexual_Abuse_adult_on_child", "Sexual abuse by an adult"),
    ("Sexual_Abuse_child_on_child", "Sexual abuse by another child"),
    ("Sexual_Abuse_unknown", "Sexual abuse (by whom not recorded)"),
    ("Child_sexual_exploitation", "Child sexual exploitation"),
    ("Child_criminal_exploitation", "Child criminal exploitation"),
    ("Going_missing", "Going missing"),
    ("Self_harm", "Self-harm"),
    ("Gangs", "Gangs"),
    ("Trafficking", "Trafficking"),
    ("Socially_unacceptable_behaviour", "Socially unacceptable behaviour"),
    ("Young_Carer", "Young carer"),
    ("Privately_fostered", "Privately fostered"),
    ("Unaccompanied_asylum_seeker", "Unaccompanied asylum-seeking child"),
    ("Female_Genital_Mutilation", "Female genital mutilation"),
    ("Faith_linked_abuse", "Abuse linked to faith or belief"),
    ("Other", "Other factors"),
)
EPISODES_WITH_FACTORS = "Episodes_with_assessment_factor"
ASSESSMENTS = "Assessments_completed"
# Assessments (c2) by working days from referral to completion; the statutory timescale
# is 45 working days.
WITHIN_45_DAYS = ("Same_day", "1-10_days", "11-20_days", "21-30_days", "31-40_days",
                  "41-45_days")
OVER_45_DAYS = ("46-50_days", "51-60_days", "61+_days")
ON_31_MARCH, STABLE = "CLA on 31 March", ("Children looked after continuously for at least "
                                          "2.5 years on 31 March aged under 16 years")
THREE_PLUS = (("cla_group", ON_31_MARCH),
              ("placement_stability", "With 3 or more placements during the year"))
SAME_CARER = (("cla_group", STABLE),
              ("placement_stability", "Living with the same carer for at least 2 years"))
ALL_CHILDREN = ("placement_stability", "Total children")

RELEASES: tuple[Release, ...] = (
    Release("children_in_need", "Children in need (b1)", CIN, "dfe_children_in_need",
            "dfe_children_in_need", ("At31_episodes", "Started_episodes"), (
                Item("dfe_cin_at_31_march", "count", ("At31_episodes",), snapshot=True),
                Item("dfe_cin_rate_per_10000", "rate", ("At31_episodes",), snapshot=True,
                     lait="CIN"),
                Item("dfe_cin_episodes_started", "count", ("Started_episodes",)),
                Item("dfe_cin_in_year", "count", ("Anypoint_child",)),
            )),
    Release("referrals", "Referrals and re-referrals (c1)", CIN, "dfe_children_in_need",
            "dfe_referrals", ("referral_count", "rereferral_count"), (
                Item("dfe_referrals", "count", ("referral_count",), lait="CPP_Total_NumRef"),
                Item("dfe_referrals_rate_per_10000", "rate", ("referral_count",),
                     lait="CPP_Total_Rateper10,000"),
                Item("dfe_rereferrals_pct", "percent", ("rereferral_count",),
                     ("referral_count",), published="rereferral_percent", lait="ReReferral"),
                Item("dfe_referrals_nfa_pct", "percent", ("no_further_action_count",),
                     ("referral_count",), published="no_further_action_percent",
                     lait="CIN_Refferals_NFA"),
                Item("dfe_referrals_not_in_need_pct", "percent", ("not_in_need_count",),
                     ("referral_count",), published="not_in_need_percent",
                     lait="Referrals_AssessedNotNeed"),
            )),
    Release("s47", "Section 47 enquiries and initial child protection conferences (c4)", CIN,
            "dfe_children_in_need", "dfe_s47_icpcs", ("Section47", "ICPC"), (
                Item("dfe_s47_enquiries", "count", ("Section47",)),
                Item("dfe_s47_rate_per_10000", "rate", ("Section47",), lait="Section_47"),
                Item("dfe_icpcs", "count", ("ICPC",)),
                Item("dfe_icpc_rate_per_10000", "rate", ("ICPC",), lait="ISCP_Conf"),
                Item("dfe_s47_to_icpc_pct", "percent", ("ICPC",), ("Section47",)),
                Item("dfe_icpc_within_15_days_pct", "percent", DURATIONS[:2], DURATIONS,
                     lait="CP_conf_15days"),
            )),
    Release("cp_subsequent", "Child protection plans starting, second or subsequent (d3)", CIN,
            "dfe_children_in_need", "dfe_cp_plans", ("CPP_start", "CPP_subsequent"), (
                Item("dfe_cp_plans_started", "count", ("CPP_start",), lait="CPP_Abuse"),
                Item("dfe_cp_plans_started_rate_per_10000", "rate", ("CPP_start",),
                     lait="CPP_Abuse_Rate"),
                Item("dfe_cp_plans_subsequent_pct", "percent", ("CPP_subsequent",),
                     ("CPP_start",), published="CPP_subsequent_percent", lait="PrevRegCPR"),
            )),
    Release("cp_at_31_march", "Child protection plans at 31 March by length (d5)", CIN,
            "dfe_children_in_need", "dfe_cp_plans", ("CPP_At31", "2_years_or_more"), (
                Item("dfe_cp_plans_at_31_march", "count", ("CPP_At31",), snapshot=True),
                Item("dfe_cp_plans_at_31_march_rate_per_10000", "rate", ("CPP_At31",),
                     snapshot=True, lait="CPP_rate"),
                Item("dfe_cp_plans_2_years_or_more_pct", "percent", ("2_years_or_more",),
                     ("CPP_At31",), published="2_years_or_more_percent", snapshot=True,
                     lait="CPPlans2yrsActive"),
            )),
    Release("children_looked_after", "Children looked after: numbers and rates", CLA,
            "dfe_children_looked_after", "dfe_children_looked_after",
            ("population_type", "children_count"), (
                Item("dfe_cla_at_31_march", "count", ("children_count",), snapshot=True,
                     when=("population_type", LOOKED_AFTER), lait="LACnum"),
                Item("dfe_cla_rate_per_10000", "rate", ("children_count",), snapshot=True,
                     when=("population_type", LOOKED_AFTER), published="rate_per_10000",
                     decimals=0, lait="LAC"),
                Item("dfe_cla_started", "count", ("children_count",),
                     when=("population_type", STARTED), lait="LACnum_Start"),
                Item("dfe_cla_started_rate_per_10000", "rate", ("children_count",),
                     when=("population_type", STARTED), published="rate_per_10000",
                     decimals=0, lait="LAC_Start_Rate"),
                Item("dfe_cla_ceased", "count", ("children_count",),
                     when=("population_type", CEASED), lait="LACceased"),
                Item("dfe_cla_ceased_rate_per_10000", "rate", ("children_count",),
                     when=("population_type", CEASED), published="rate_per_10000",
                     decimals=0, lait="LAC_Cease_Rate"),
            )),
    Release("assessment_factors", "Factors identified at the end of assessment (c3)", CIN,
            "dfe_children_in_need", "dfe_assessment_factors",
            (EPISODES_WITH_FACTORS, "Domestic_Abuse_parent"), (
                Item("dfe_assessment_episodes_with_factors", "count",
                     (EPISODES_WITH_FACTORS,)),
                *(Item("dfe_assessment_factor_pct", "percent", (column,),
                       (EPISODES_WITH_FACTORS,), breakdown=("factor", label))
                  for column, label in FACTORS),
            )),
    Release("assessments", "Assessments completed, by duration (c2)", CIN,
            "dfe_children_in_need", "dfe_assessments", (ASSESSMENTS, "41-45_days"), (
                Item("dfe_assessments", "count", (ASSESSMENTS,)),
                # Not checked against the file's own rate: for 2022-23 and 2023-24 the DfE
                # divided by revised population estimates (536 against 533.3 for England
                # in 2023-24), so every row of those years would be flagged.
                Item("dfe_assessments_rate_per_10000", "rate", (ASSESSMENTS,)),
                Item("dfe_assessments_within_45_days_pct", "percent", WITHIN_45_DAYS,
                     (*WITHIN_45_DAYS, *OVER_45_DAYS), lait="Continue_Assess_Comp"),
            )),
    Release("placement_stability", "Children looked after: placement stability", CLA,
            "dfe_children_looked_after", "dfe_placement_stability",
            ("cla_group", "placement_stability", "children_count"), (
                Item("dfe_cla_3_plus_placements", "count", ("children_count",),
                     snapshot=True, when=THREE_PLUS, lait="LACStableNum_2016on"),
                Item("dfe_cla_3_plus_placements_pct", "percent", ("children_count",),
                     ("children_count",), published="children_percent", decimals=0,
                     snapshot=True, when=THREE_PLUS, denominator_when=ALL_CHILDREN,
                     lait="LACStable_2016on"),
                Item("dfe_cla_same_placement_2_years", "count", ("children_count",),
                     snapshot=True, when=SAME_CARER, lait="LAC_LongStableNum"),
                Item("dfe_cla_same_placement_2_years_pct", "percent", ("children_count",),
                     ("children_count",), published="children_percent", decimals=0,
                     snapshot=True, when=SAME_CARER, denominator_when=ALL_CHILDREN,
                     lait="LAC_LongStable%"),
            )),
    Release("population", "ONS mid-year population estimates, children aged 0 to 17",
            "ONS mid-year population estimates (as published by DfE)", "ons_population",
            "dfe_population", ("age_group", "population_estimate"), (
                Item(POPULATION_MEASURE, "count", ("population_estimate",), snapshot=True,
                     when=("age_group", "Children aged 0 to 17 years")),
            ), mid_year=True),
)

NEIGHBOURS_TITLE = "DfE statistical neighbour groupings"
LOOKUP_TITLE = "ONS lower- to upper-tier local authority lookup"
