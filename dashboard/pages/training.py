"""Training: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import store
from dashboard.charts.training import (
    PAGE,
    Ids,
    options,
    programmes,
    reports_sentence,
    summary,
)
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, report_charts, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.titles import page_title

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)


def layout(**query) -> dash.html.Div:
    me = store.profile()
    state = state_from_query(query, options())
    shown, notice = report_charts(PAGE)
    controls, lines = [], []
    intro = (f"How many people took part in safeguarding training in {me.name}, what "
             "happened to bookings, and what people said about the courses.")
    if notice is None:
        choices = [(value, name) for value, name in programmes().items()]
        if choices:
            controls = [radio(Ids.PROGRAMME, "Courses to show", choices, state["programme"])]
        lines = summary()
        intro = " ".join(filter(None, [intro, reports_sentence()]))
    return page_layout(PAGE, PAGE.title, intro, state, controls, lines, shown=shown,
                       notice=notice)


interactive(PAGE, {"programme": Ids.PROGRAMME})
