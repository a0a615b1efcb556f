"""Contacts and referrals: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import store
from dashboard.charts.contacts import OPTIONS, PAGE, Ids, summary
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
            radio(Ids.COMPARATOR, "Compare with", store.comparator_choices(),
                  state["comparator"]),
            radio(Ids.CAF, "Common assessments as", [("counts", "Numbers"),
                                                     ("starters", "Who started them")],
                  state["caf"]),
        ]
    return page_layout(PAGE, PAGE.title,
                       "How many concerns about children reach children's social care, who "
                       f"raises them, and how {me.name}'s referral and assessment rates "
                       "compare.",
                       state, controls, summary(), shown=shown, notice=notice)


interactive(PAGE, {"comparator": Ids.COMPARATOR, "caf": Ids.CAF})
