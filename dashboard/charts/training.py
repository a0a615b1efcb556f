"""Training: how many people the partnership trained, and what happened to bookings (the
figures of the authority's own annual reports: for Dudley, the 2011-12 board report and the
2019-20 partnership report, which count training in different ways)."""

from __future__ import annotations

import re
from enum import StrEnum

import pandas as pd

from dashboard import figures, store
from dashboard.charts.registry import ChartResult, chart, periods_of, reports, source_of
from dashboard.ids import Page
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = Page.TRAINING
DATASET = "training"  # the annual reports' tables on training
reports(PAGE, DATASET)
PROGRAMME = "course_programme"  # the breakdown naming each programme of courses
NO_PROGRAMME = "none"  # the programme choice when the reports name no programme


class Ids(StrEnum):
    MULTI_AGENCY = "training-multi-agency"
    KINDS = "training-kinds"
    JOURNEY = "training-journey"
    HOURS = "training-hours"
    FEEDBACK = "training-feedback"
    PROGRAMME = "training-programme"


MULTI_AGENCY = "training_multi_agency_people"
KINDS = [MULTI_AGENCY, "training_single_agency_people", "training_elearning_completions",
         "training_briefing_attendees"]
KIND_WORDS = {
    MULTI_AGENCY: "Multi-agency courses",
    "training_single_agency_people": "Single-agency training",
    "training_elearning_completions": "E-learning completed",
    "training_briefing_attendees": "Briefings",
}
CHANGE_WORDS = {"training_single_agency_people": "single-agency training",
                "training_elearning_completions": "e-learning completions"}
JOURNEY = ["training_places_offered", "training_bookings", "training_did_not_attend",
           "training_completed"]
# What a report counts instead of people on courses: "(bookings and completions)".
COUNTED = {"training_bookings": "bookings", "training_completed": "completions"}
HOURS = ["training_course_hours", "training_learner_hours",
         "training_hours_lost_non_attendance"]
FEEDBACK = ["training_feedback_aims_met_pct", "training_feedback_more_competent_pct"]
MULTI_AGENCY_NAME = "People on multi-agency courses"
NUMBERS = {1: "this course", 2: "these two courses", 3: "these three courses"}


def slug(value: str) -> str:
    """A choice value made from a programme's name: ``Joint A/B`` → ``joint-a-b``."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or NO_PROGRAMME


def _rows(measures: str | list[str], **kwargs) -> pd.DataFrame:
    return store.select(DATASET, measures, areas=[store.profile().code], **kwargs)


def _all_rows(breakdown: str | None = None) -> pd.DataFrame:
    """Every single-year figure of the dataset from the partnership's reports."""
    table = store.measures()
    return _rows(table.index[table["dataset"] == DATASET].tolist(), breakdown=breakdown)


def programmes() -> dict[str, str]:
    """Choice value → programme (a ``course_programme`` value), in the data's order."""
    try:
        rows = _all_rows(PROGRAMME)
    except store.DataUnavailable:
        return {}
    return {slug(v): v for v in pd.unique(rows["breakdown_value"].dropna())}


def programme_choices() -> tuple[str, ...]:
    """The programme choice: a value per programme the reports give, the first the default."""
    return tuple(programmes()) or (NO_PROGRAMME,)


OPTIONS = {"programme": programme_choices}


def options() -> dict[str, tuple[str, ...]]:
    """The allowed values of every choice on the page, worked out now from the data."""
    return {"programme": programme_choices()}


def courses(programme: str, start: bool = False) -> str:
    """A programme's courses in a sentence: ``joint A/B courses`` (``Joint …`` at the
    start); an acronym keeps its capitals."""
    if not programme:
        return "courses"
    first = programme[:1]
    if not start and programme[1:2].islower():
        first = first.lower()
    return f"{first}{programme[1:]} courses"


def _value(rows: pd.DataFrame, measure: str, programme: str | None = None) -> float | None:
    """The one value of ``measure`` in ``rows`` (for one programme), or None if not published."""
    pick = rows[rows["measure"] == measure]
    if programme is not None:
        pick = pick[pick["breakdown_value"] == programme]
    pick = pick.dropna(subset=["value"])
    return None if pick.empty else float(pick["value"].iloc[0])


def _latest(rows: pd.DataFrame) -> str:
    rows = rows.dropna(subset=["value"])
    return "" if rows.empty else rows.sort_values("period_start")["period"].iloc[-1]


def _side_bars(fig, grouped: bool = False):
    """Horizontal bars: every category labelled, legend in the order the bars stand, and no
    axis title (the unit is in the subtitle and on the ticks)."""
    fig.update_yaxes(tickmode="linear", dtick=1)
    fig.update_xaxes(title=None)
    if grouped:
        fig.update_layout(legend={"traceorder": "reversed"})
    return fig


def completions_flag(programme: str) -> pd.Series | None:
    """The validation flag raised when completions outnumber bookings, if there is one."""
    try:
        flags = store.flags()
    except store.DataUnavailable:
        return None
    hit = flags[(flags["dataset"] == DATASET) & (flags["measure"] == "training_completed")
                & (flags["breakdown_value"] == programme)
                & flags["area_code"].isin(store.profile().codes)]
    return None if hit.empty else hit.iloc[0]


def report_years(rows: pd.DataFrame) -> dict[str, str]:
    """Each report (source id) behind ``rows`` → its year: the latest year it gives."""
    rows = rows.dropna(subset=["value"]).sort_values("period_start")
    return {source: group["period"].iloc[-1] for source, group in rows.groupby(
        "source_id", sort=False)}


def reports_sentence() -> str:
    """Which annual reports the page's figures come from, and whether years are missing
    between them."""
    try:
        rows = _all_rows().dropna(subset=["value"])
    except store.DataUnavailable:
        return ""
    if rows.empty:
        return ""
    spans = rows.groupby("source_id").agg(start=("period_start", "min"),
                                          end=("period_end", "max")).sort_values("end")
    years = report_years(rows)
    named = [years[s] for s in spans.index]
    sentence = (f"The figures come from the {' and '.join(named)} annual "
                f"report{'s' if len(named) > 1 else ''}")
    gap = (pd.to_datetime(spans["start"]).iloc[1:].to_numpy()
           > (pd.to_datetime(spans["end"]) + pd.Timedelta(days=1)).iloc[:-1].to_numpy())
    if gap.any():
        sentence += "; the years between were not published in them"
    return sentence + "."


def _reports_note(rows: pd.DataFrame) -> list[str]:
    """Which report gives the line's years, and how the other reports count instead."""
    everything = _all_rows()
    years = report_years(everything)
    mine = [years[s] for s in report_years(rows) if s in years]
    if not mine:
        return []
    notes = [f"The {' and '.join(mine)} annual report{'s give' if len(mine) > 1 else ' gives'}"
             " these years only."]
    others = [s for s in years if s not in set(rows["source_id"])]
    for source in others:
        given = set(everything.loc[everything["source_id"] == source, "measure"])
        counts = [words for measure, words in COUNTED.items() if measure in given]
        how = f" ({' and '.join(counts)})" if counts else ""
        notes.append(f"The {years[source]} report counts training another way{how}, so the "
                     "line does not continue.")
    return [" ".join(notes)]


@chart(Ids.MULTI_AGENCY, PAGE, MULTI_AGENCY_NAME)
def multi_agency(state: dict) -> ChartResult:
    me = store.profile()
    rows = _rows(MULTI_AGENCY)
    return ChartResult(figures.trend(rows), rows,
                       summaries.trend(rows, "People trained on multi-agency courses"),
                       f"Number of people trained, {me.name}, {periods_of(rows)}",
                       source_of(rows), _reports_note(rows))


def _changes(year_rows: pd.DataFrame, counts: pd.DataFrame) -> list[str]:
    """What the report says about the change to the year shown, if it gives changes."""
    if year_rows.empty:
        return []
    end = year_rows["period_end"].iloc[0]
    changes = _rows([m + "_change_pct" for m in CHANGE_WORDS], periods="all")
    changes = changes[changes["period_end"] == end].dropna(subset=["value"])
    said, unprinted = [], True
    for _, row in changes.iterrows():
        measure = row["measure"].removesuffix("_change_pct")
        verb = "rose" if row["value"] > 0 else "fell"
        first = row["period"].split(" to ")[0]
        said.append(f"{CHANGE_WORDS[measure]} {verb} {fmt.number(abs(row['value']))}% on "
                    f"{first}")
        before = counts[(counts["measure"] == measure) & (counts["period"] == first)]
        unprinted = unprinted and before.dropna(subset=["value"]).empty
    if not said:
        return []
    return ["The report says " + " and ".join(said)
            + (", but does not print the earlier numbers." if unprinted else ".")]


@chart(Ids.KINDS, PAGE, "Kinds of training")
def kinds(state: dict) -> ChartResult:
    me = store.profile()
    every = _rows(KINDS)
    year = _latest(every)
    rows = every[every["period"] == year]
    shown = rows.assign(kind=rows["measure"].map(KIND_WORDS))
    order = [KIND_WORDS[m] for m in KINDS]
    fig = figures.bars(shown, category="kind", horizontal=True, category_order=order,
                       height=320)
    ranked = shown.dropna(subset=["value"]).sort_values("value", ascending=False)
    multi = _value(rows, MULTI_AGENCY)
    if ranked.empty:
        title = "No published figures for kinds of training"
    else:
        top = ranked.iloc[0]
        title = f"{top['kind']} reached the most people in {year} ({fmt.number(top['value'])})"
        if top["measure"] != MULTI_AGENCY and multi:
            title += (f", {top['value'] / multi:.1f} times as many as multi-agency courses "
                      f"({fmt.number(multi)})")
    others = every[every["measure"] != MULTI_AGENCY].dropna(subset=["value"])
    earlier = every[(every["measure"] == MULTI_AGENCY) & (every["period"] != year)]
    notes = []
    if year and set(others["period"]) <= {year}:
        note = f"Only {year} is drawn: the report gives the counts for that year alone"
        if not earlier.dropna(subset=["value"]).empty:
            note += (" (multi-agency courses also have earlier years, in "
                     f"'{MULTI_AGENCY_NAME}')")
        notes.append(note + ".")
    notes += _changes(rows, every)
    notes.append("One person may appear in more than one kind of training, so the bars "
                 "should not be added up.")
    return ChartResult(fig, rows, title, f"Number of people, {me.name}, {periods_of(rows)}",
                       source_of(rows), notes)


def _journey_words(rows: pd.DataFrame, programme: str, year: str) -> tuple[str, list[str]]:
    words = courses(programme)
    booked = _value(rows, "training_bookings")
    missed = _value(rows, "training_did_not_attend")
    if booked and missed is not None:
        title = (f"People did not turn up for {fmt.number(missed)} of {fmt.number(booked)} "
                 f"bookings ({100 * missed / booked:.0f}%) on {words} in {year}")
    else:
        title = f"Bookings on {words}" + (f" in {year}" if year else "")
    notes = []
    if not rows.empty and _value(rows, "training_places_offered") is None:
        notes.append(f"The report gives no number of places offered on {words}.")
    notes += store.table_notes(rows)
    flag = completions_flag(programme)
    if flag is not None:
        notes.append(f"More people completed {words} ({fmt.number(flag['published'])}) than "
                     f"made bookings ({fmt.number(flag['expected'])}). The report does not "
                     "explain this. The completions may include courses taken without a "
                     "booking, such as online courses.")
    return title, notes


@chart(Ids.JOURNEY, PAGE, "From places to completions", options=OPTIONS)
def journey(state: dict) -> ChartResult:
    programme = programmes().get(state["programme"], "")
    rows = _rows(JOURNEY, breakdown=PROGRAMME)
    rows = rows[rows["breakdown_value"] == programme].dropna(subset=["value"])
    labels = store.measures()["label"]
    order = [labels[m] for m in JOURNEY if m in set(rows["measure"])]
    shown = rows.assign(stage=rows["measure"].map(labels))
    fig = figures.bars(shown, category="stage", horizontal=True, category_order=order or None,
                       height=320)
    title, notes = _journey_words(rows, programme, _latest(rows))
    return ChartResult(fig, rows, title,
                       f"Number of places and people, {courses(programme, start=True)}, "
                       f"{periods_of(rows)}", source_of(rows), notes)


@chart(Ids.HOURS, PAGE, "Training hours")
def hours(state: dict) -> ChartResult:
    rows = _rows(HOURS, breakdown=PROGRAMME)
    labels = store.measures()["label"]
    names = list(programmes().values())
    shown = rows.assign(what=rows["measure"].map(labels), role="",
                        programme=rows["breakdown_value"].map(
                            lambda p: courses(p, start=True)))
    fig = _side_bars(figures.bars(shown, category="what", series="programme", horizontal=True,
                                  category_order=[labels[m] for m in HOURS], height=360),
                     grouped=True)
    first = names[0] if names else ""
    lost = _value(rows, "training_hours_lost_non_attendance", first)
    taken = _value(rows, "training_learner_hours", first)
    year = _latest(rows)
    if lost is not None and taken:
        title = (f"Hours lost to people not attending came to about {100 * lost / taken:.0f}% "
                 f"of the hours taken on {courses(first)} in {year} ({fmt.number(lost)} "
                 f"against {fmt.number(taken)})")
    else:
        title = "Training hours" + (f" in {year}" if year else "")
    which = " and ".join(courses(p).removesuffix(" courses") for p in names
                         if p in set(rows["breakdown_value"]))
    return ChartResult(
        fig, rows, title, f"Hours, {which + ' courses, ' if which else ''}{periods_of(rows)}",
        source_of(rows),
        ["Training hours run are the hours of courses on offer; learner hours add up the "
         "hours of everyone who attended.", *store.table_notes(rows)],
    )


@chart(Ids.FEEDBACK, PAGE, "Course feedback")
def feedback(state: dict) -> ChartResult:
    rows = _rows(FEEDBACK, breakdown="course")
    labels = store.measures()["label"]
    shown = rows.assign(what=rows["measure"].map(labels), role="")
    fig = _side_bars(figures.bars(shown, category="breakdown_value", series="what",
                                  horizontal=True, height=300), grouped=True)
    parts = []
    for measure, words in (("training_feedback_more_competent_pct", "felt more able afterwards"),
                           ("training_feedback_aims_met_pct", "said the course met its aims")):
        values = rows.loc[rows["measure"] == measure, "value"].dropna()
        if values.empty:
            continue
        if values.nunique() == 1:
            parts.append(f"{fmt.number(values.iloc[0])}% {words}")
        else:
            parts.append(f"{fmt.number(values.min())}% to {fmt.number(values.max())}% {words}")
    n = rows["breakdown_value"].nunique()
    which = "both courses" if n == 2 else f"the {n} courses" if n > 2 else "the course"
    title = (f"On {which} with published feedback, " + " and ".join(parts)
             if parts else "No published course feedback")
    notes = [f"The report gives feedback for {NUMBERS.get(n, f'these {n} courses')} only."]
    return ChartResult(fig, rows, title, f"% of attendees, {periods_of(rows)}",
                       source_of(rows), notes[:bool(n)] + store.table_notes(rows))


def summary() -> list[str]:
    """The page's findings in brief, from the reports' figures."""
    try:
        multi = _rows(MULTI_AGENCY)
        rows = _rows([*JOURNEY, "training_organisations_represented"], breakdown=PROGRAMME)
        names = list(programmes().values())
    except store.DataUnavailable:
        return []
    lines = []
    if not multi.dropna(subset=["value"]).empty:
        lines.append(summaries.trend(multi, "People trained on multi-agency courses") + ".")
    done, missed, orgs, flagged = [], [], [], []
    for programme in names:
        words = courses(programme)
        completed = _value(rows, "training_completed", programme)
        dna = _value(rows, "training_did_not_attend", programme)
        booked = _value(rows, "training_bookings", programme)
        taking = _value(rows, "training_organisations_represented", programme)
        if completed is not None:
            done.append(f"{fmt.number(completed)} {'people ' if not done else ''}completed "
                        f"{words}")
        if dna is not None and booked:
            missed.append(f"{fmt.number(dna)} of {fmt.number(booked)} bookings "
                          f"({100 * dna / booked:.0f}%) on {words}")
        if taking is not None:
            orgs.append(f"{fmt.number(taking)} services or organisations on {words}"
                        if not orgs else f"{fmt.number(taking)} on {words}")
        flag = completions_flag(programme)
        if flag is not None:
            flagged.append(f"More people completed {words} ({fmt.number(flag['published'])}) "
                           f"than booked them ({fmt.number(flag['expected'])}); the report "
                           "does not say why.")
    if done:
        lines.append(f"In {_latest(rows)}, " + " and ".join(done) + ".")
    lines += flagged
    if missed:
        lines.append("People did not turn up for " + " and ".join(missed) + ".")
    if orgs:
        lines.append("Staff came from " + " and ".join(orgs) + ".")
    return lines
