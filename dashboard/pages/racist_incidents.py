"""Racist incidents in schools: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import store
from dashboard.charts.racist_incidents import (
    ALL,
    HEADING,
    PAGE,
    Ids,
    options,
    summary,
    years,
)
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, report_charts, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.titles import page_title

dash.register_page(__name__, path=PAGE.path, name=PAGE.title,
                   title=page_title(PAGE, HEADING), order=PAGE.order)


def _intro(name: str, given: list[str]) -> str:
    span = f" each year from {given[0]} to {given[-1]}" if len(given) > 1 else (
        f" in {given[0]}" if given else "")
    return (f"Racist incidents that {name}'s schools recorded and reported to the council"
            f"{span}: how many, who was involved, where they happened and how schools "
            "responded.")


def layout(**query) -> dash.html.Div:
    me = store.profile()
    state = state_from_query(query, options())
    shown, notice = report_charts(PAGE)
    given = years() if notice is None else []
    controls = []
    if notice is None:
        controls = [
            radio(Ids.SHOW, "Incidents shown as", [("number", "Numbers"),
                                                   ("rate", "Per 1,000 pupils")],
                  state["show"]),
            radio(Ids.GROUP, "People involved", [("victims", "Victims"),
                                                 ("perpetrators", "Alleged perpetrators")],
                  state["group"]),
            radio(Ids.BY, "People grouped by", [("ethnicity", "Ethnicity"),
                                                ("age-band", "Age"), ("sex", "Sex")],
                  state["by"]),
            radio(Ids.YEAR, "Year for people involved",
                  [*[(y, y) for y in given], (ALL, "All years")], state["year"]),
        ]
    return page_layout(PAGE, HEADING, _intro(me.name, given), state, controls,
                       summary() if notice is None else [], shown=shown, notice=notice)


interactive(PAGE, {"show": Ids.SHOW, "group": Ids.GROUP, "by": Ids.BY, "year": Ids.YEAR})
