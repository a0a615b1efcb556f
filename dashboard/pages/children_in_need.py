"""Children in need: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import store
from dashboard.charts.children_in_need import FACTORS, OPTIONS, PAGE, WHO, Ids, summary
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
    controls = [
        radio(Ids.WHO, "Factors", list(WHO.items()), state["who"]),
        radio(Ids.FACTOR, "Factor over time", list(FACTORS.items()), state["factor"]),
    ]
    where = f"{me.region.name} and England" if me.region else "England"
    return page_layout(PAGE, PAGE.title,
                       f"What social workers in {me.name} found at the end of children's "
                       "assessments (domestic abuse, mental health, neglect, exploitation "
                       f"and more) and how often, against {where}, from the Department for "
                       "Education's official statistics.",
                       state, controls, summary(), shown=shown, notice=notice)


interactive(PAGE, {"who": Ids.WHO, "factor": Ids.FACTOR})
