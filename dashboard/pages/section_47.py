"""Section 47 & conferences: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import store
from dashboard.charts.section_47 import (
    PAGE,
    Ids,
    options,
    summary,
    year_choices,
)
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, report_charts, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.titles import page_title

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

def layout(**query) -> dash.html.Div:
    me = store.profile()
    state = state_from_query(query, options(), PAGE)
    shown, notice = report_charts(PAGE)
    controls = []
    if notice is None:
        controls = [
            radio(Ids.YEAR, "Year for the steps chart", year_choices(), state["year"]),
            radio(Ids.COMPARATOR, "Compare with", store.comparator_choices(),
                  state["comparator"]),
        ]
    return page_layout(PAGE, PAGE.title,
                       f"What happens after a strategy discussion in {me.name}: how many "
                       "children have a Section 47 child protection enquiry, go to an initial "
                       "child protection conference and are made subject to a plan.",
                       state, controls, summary(), shown=shown, notice=notice)


interactive(PAGE, {"year": Ids.YEAR, "comparator": Ids.COMPARATOR})
