"""Training: how many people the partnership trained, and what happened to bookings."""

from __future__ import annotations

import dash
import pandas as pd

from dashboard import figures
from dashboard import store as data
from dashboard.charts import ChartResult, chart, periods_of, source_of
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.words import format as fmt
from dashboard.words import summaries

PAGE = "training"
DATASET = "training"
dash.register_page(__name__, path="/training", name="Training", title="Training", order=6)

DUDLEY = "E08000027"
# Option value → the report's course programme (breakdown_value of ``course_programme``).
PROGRAMMES = {"dscb": "DSCB", "joint": "Joint DSAB/DSCB"}
PROGRAMME_WORDS = {"DSCB": "DSCB courses", "Joint DSAB/DSCB": "joint courses with the adults board"}
PROGRAMME_SHORT = {"DSCB": "DSCB courses", "Joint DSAB/DSCB": "Joint courses"}
OPTIONS = {"programme": tuple(PROGRAMMES)}

KINDS_2011_12 = ["training_multi_agency_people", "training_single_agency_people",
                 "training_elearning_completions", "training_briefing_attendees"]
KIND_WORDS = {
    "training_multi_agency_people": "Multi-agency courses",
    "training_single_agency_people": "Single-agency training",
    "training_elearning_completions": "E-learning completed",
    "training_briefing_attendees": "Briefings",
}
CHANGE_WORDS = {"training_single_agency_people": "single-agency training",
                "training_elearning_completions": "e-learning completions"}
JOURNEY = ["training_places_offered", "training_bookings", "training_did_not_attend",
           "training_completed"]
HOURS = ["training_course_hours", "training_learner_hours",
         "training_hours_lost_non_attendance"]
FEEDBACK = ["training_feedback_aims_met_pct", "training_feedback_more_competent_pct"]


def _value(rows: pd.DataFrame, measure: str, programme: str | None = None) -> float | None:
    """The one value of ``measure`` in ``rows`` (for one programme), or None if not published."""
    pick = rows[rows["measure"] == measure]
    if programme is not None:
        pick = pick[pick["breakdown_value"] == programme]
    pick = pick.dropna(subset=["value"])
    return None if pick.empty else float(pick["value"].iloc[0])


def _n(value: float | None) -> str:
    return "not published" if value is None else fmt.number(value)


def _side_bars(fig, grouped: bool = False):
    """Horizontal bars: every category labelled, legend in the order the bars stand, and no
    axis title (the unit is in the subtitle and on the ticks)."""
    fig.update_yaxes(tickmode="linear", dtick=1)
    fig.update_xaxes(title=None)
    if grouped:
        fig.update_layout(legend={"traceorder": "reversed"})
    return fig


def _completions_flag(programme: str) -> pd.Series | None:
    """The validation flag raised when completions outnumber bookings, if there is one."""
    try:
        flags = data.flags()
    except data.DataUnavailable:
        return None
    hit = flags[(flags["dataset"] == DATASET) & (flags["measure"] == "training_completed")
                & (flags["breakdown_value"] == programme)]
    return None if hit.empty else hit.iloc[0]


@chart("training-multi-agency", PAGE, "People on multi-agency courses")
def tr_multi_agency(state: dict) -> ChartResult:
    rows = data.select(DATASET, "training_multi_agency_people", areas=[DUDLEY])
    return ChartResult(
        figure=figures.trend(rows),
        data=rows,
        title=summaries.trend(rows, "People trained on multi-agency courses"),
        subtitle=f"Number of people trained, Dudley, {periods_of(rows)}",
        source=source_of(rows),
        notes=["The 2011-12 annual report gives these years only. The 2019-20 report counts "
               "training another way (bookings and completions), so the line does not "
               "continue."],
    )


@chart("training-kinds", PAGE, "Kinds of training in 2011-12")
def tr_kinds(state: dict) -> ChartResult:
    rows = data.select(DATASET, KINDS_2011_12, areas=[DUDLEY])
    rows = rows[rows["period"] == "2011-12"]
    shown = rows.assign(kind=rows["measure"].map(KIND_WORDS))
    order = [KIND_WORDS[m] for m in KINDS_2011_12]
    fig = figures.bars(shown, category="kind", horizontal=True, category_order=order,
                       height=320)
    ranked = shown.dropna(subset=["value"]).sort_values("value", ascending=False)
    multi = _value(rows, "training_multi_agency_people")
    if ranked.empty:
        title = "No published figures for training in 2011-12"
    else:
        top = ranked.iloc[0]
        title = f"{top['kind']} reached the most people in 2011-12 ({fmt.number(top['value'])})"
        if top["measure"] != "training_multi_agency_people" and multi:
            title += (f", {top['value'] / multi:.1f} times as many as multi-agency courses "
                      f"({fmt.number(multi)})")
    changes = data.select(DATASET, [m + "_change_pct" for m in CHANGE_WORDS], areas=[DUDLEY],
                          periods="all")
    changes = changes[changes["period"].str.endswith("to 2011-12")].dropna(subset=["value"])
    said = []
    for _, row in changes.iterrows():
        kind = CHANGE_WORDS[row["measure"].removesuffix("_change_pct")]
        verb = "rose" if row["value"] > 0 else "fell"
        first = row["period"].split(" to ")[0]
        said.append(f"{kind} {verb} {fmt.number(abs(row['value']))}% on {first}")
    notes = ["Only 2011-12 is drawn: the report gives the counts for that year alone "
             "(multi-agency courses also have earlier years, in 'People on multi-agency "
             "courses')."]
    if said:
        notes.append("The report says " + " and ".join(said) + ", but does not print the "
                     "earlier numbers.")
    notes.append("One person may appear in more than one kind of training, so the bars "
                 "should not be added up.")
    return ChartResult(fig, rows, title, f"Number of people, Dudley, {periods_of(rows)}",
                       source_of(rows), notes)


@chart("training-journey", PAGE, "From places to completions", options=OPTIONS)
def tr_journey(state: dict) -> ChartResult:
    programme = PROGRAMMES[state["programme"]]
    rows = data.select(DATASET, JOURNEY, areas=[DUDLEY], breakdown="course_programme")
    rows = rows[rows["breakdown_value"] == programme].dropna(subset=["value"])
    labels = data.measures()["label"]
    order = [labels[m] for m in JOURNEY if m in set(rows["measure"])]
    shown = rows.assign(stage=rows["measure"].map(labels))
    fig = figures.bars(shown, category="stage", horizontal=True, category_order=order,
                       height=320)
    words = PROGRAMME_WORDS[programme]
    booked = _value(rows, "training_bookings")
    missed = _value(rows, "training_did_not_attend")
    if booked and missed is not None:
        title = (f"People did not turn up for {fmt.number(missed)} of {fmt.number(booked)} "
                 f"bookings ({100 * missed / booked:.0f}%) on {words} in 2019-20")
    else:
        title = f"Bookings on {words} in 2019-20"
    notes = []
    if _value(rows, "training_places_offered") is None:
        notes.append(f"The report gives no number of places offered on {words}.")
    else:
        notes.append("The report prints the places as offered 'via DSAB' (the adults board) "
                     "in its section on children's courses; they are shown here with the "
                     "DSCB courses.")
    flag = _completions_flag(programme)
    if flag is not None:
        notes.append(f"More people completed {words} ({fmt.number(flag['published'])}) than "
                     f"made bookings ({fmt.number(flag['expected'])}). The report does not "
                     "explain this. The completions may include courses taken without a "
                     "booking, such as online courses.")
    return ChartResult(fig, rows, title,
                       f"Number of places and people, {PROGRAMME_SHORT[programme]}, "
                       f"{periods_of(rows)}", source_of(rows), notes)


@chart("training-hours", PAGE, "Training hours")
def tr_hours(state: dict) -> ChartResult:
    rows = data.select(DATASET, HOURS, areas=[DUDLEY], breakdown="course_programme")
    labels = data.measures()["label"]
    shown = rows.assign(what=rows["measure"].map(labels),
                        programme=rows["breakdown_value"].map(PROGRAMME_SHORT))
    fig = _side_bars(figures.bars(shown, category="what", series="programme", horizontal=True,
                                  category_order=[labels[m] for m in HOURS], height=360),
                     grouped=True)
    lost = _value(rows, "training_hours_lost_non_attendance", "DSCB")
    taken = _value(rows, "training_learner_hours", "DSCB")
    if lost is not None and taken:
        title = (f"Hours lost to people not attending came to about {100 * lost / taken:.0f}% "
                 f"of the "
                 f"hours taken on DSCB courses in 2019-20 ({fmt.number(lost)} against "
                 f"{fmt.number(taken)})")
    else:
        title = "Training hours in 2019-20"
    return ChartResult(
        fig, rows, title, f"Hours, DSCB and joint courses, {periods_of(rows)}",
        source_of(rows),
        ["Training hours run are the hours of courses on offer; learner hours add up the "
         "hours of everyone who attended. The report gives learner hours, and the hours lost "
         "on joint courses, as 'over' a round number, so they are at least these figures."],
    )


@chart("training-feedback", PAGE, "Course feedback")
def tr_feedback(state: dict) -> ChartResult:
    rows = data.select(DATASET, FEEDBACK, areas=[DUDLEY], breakdown="course")
    labels = data.measures()["label"]
    shown = rows.assign(what=rows["measure"].map(labels))
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
    return ChartResult(fig, rows, title, f"% of attendees, {periods_of(rows)}",
                       source_of(rows),
                       ["The report gives feedback for these two courses only. It does not "
                        "say how many people answered."])


def _summary() -> list[str]:
    try:
        multi = data.select(DATASET, "training_multi_agency_people", areas=[DUDLEY])
        lines = [summaries.trend(multi, "People trained on multi-agency courses") + "."]
        rows = data.select(DATASET, [*JOURNEY, "training_organisations_represented"],
                           areas=[DUDLEY], breakdown="course_programme")
    except data.DataUnavailable:
        return []
    done, missed, orgs = [], [], []
    for programme, words in PROGRAMME_WORDS.items():
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
    if done:
        lines.append("In 2019-20, " + " and ".join(done) + ".")
    flag = _completions_flag("DSCB")
    if flag is not None:
        lines.append(f"More people completed DSCB courses ({fmt.number(flag['published'])}) "
                     f"than booked them ({fmt.number(flag['expected'])}); the report does not "
                     "say why.")
    if missed:
        lines.append("People did not turn up for " + " and ".join(missed) + ".")
    if orgs:
        lines.append("Staff came from " + " and ".join(orgs) + ".")
    return lines


def layout(**query) -> dash.html.Div:
    state = state_from_query(query, OPTIONS)
    controls = [
        radio("training-programme", "Courses to show",
              [("dscb", "Children's board (DSCB) courses"),
               ("joint", "Joint courses with the adults board")], state["programme"]),
    ]
    return page_layout(PAGE, "Training",
                       "How many people took part in safeguarding training, what happened "
                       "to bookings, and what people said about the courses. The figures "
                       "come from the 2011-12 and 2019-20 annual reports; the years between "
                       "were not published in them.",
                       state, controls, _summary())


interactive(PAGE, {"programme": "training-programme"})
