"""Child protection plans: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import store
from dashboard.charts.child_protection_plans import OPTIONS, PAGE, Ids, summary
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
            radio(Ids.SHOW, "Category of harm as", [("counts", "Numbers"),
                                                    ("shares", "Shares (%)")], state["show"]),
            radio(Ids.RATE, "Rate to compare", [("on-plans", "Children on plans"),
                                                ("new", "New plans"), ("ceased", "Ended plans"),
                                                ("repeat", "Repeat plans (%)")], state["rate"]),
            radio(Ids.COMPARATOR, "Compare with", store.comparator_choices(),
                  state["comparator"]),
        ]
    return page_layout(PAGE, PAGE.title,
                       "Children with a child protection plan: how many there are, the main "
                       f"kind of harm, and how {me.name}'s rates compare.",
                       state, controls, summary(), shown=shown, notice=notice)


interactive(PAGE, {"show": Ids.SHOW, "rate": Ids.RATE, "comparator": Ids.COMPARATOR})
