"""Children in care: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import store
from dashboard.charts.children_in_care import OPTIONS, PAGE, Ids, summary
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, report_charts, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.titles import page_title

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

def layout(**query) -> dash.html.Div:
    me = store.profile()
    state = state_from_query(query, OPTIONS, PAGE)
    shown, notice = report_charts(PAGE)
    controls = []
    if notice is None:
        controls = [
            radio(Ids.COMPARE, "Compare with", [("england", me.england.name),
                                                ("none", "No comparison")], state["compare"]),
        ]
    return page_layout(PAGE, PAGE.title,
                       f"Children looked after by {me.name}: how many there are, how fast "
                       "the number has grown, and how they compare with children in care "
                       "across England.",
                       state, controls, summary(), shown=shown, notice=notice)


interactive(PAGE, {"compare": Ids.COMPARE})
