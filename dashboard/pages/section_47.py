"""Section 47 & conferences: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import charts, store
from dashboard.charts.section_47 import (
    DATASET,
    PAGE,
    Ids,
    options,
    readable,
    summary,
    year_choices,
)
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, report_charts, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.titles import page_title

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

NO_CHARTS = ("No tables from {name}'s annual reports are in the data yet, and none of this "
             "page's charts is drawn from the official statistics, so there are no charts "
             "for {name} here yet. About the data says how to add a report's tables.")


def shown_charts() -> tuple[list[charts.Chart], str | None]:
    """The charts to show and the notice saying why the others are not. Every chart of
    this page comes from the annual reports, so for a partnership without report tables on
    the theme the page has none, and says so; when the data cannot be read right now, each
    card says why instead."""
    shown, notice = report_charts(PAGE, DATASET)
    if notice is None or shown:
        return shown, notice
    if not readable():
        return charts.on_page(PAGE), None
    return shown, NO_CHARTS.format(name=store.profile().name)


def layout(**query) -> dash.html.Div:
    me = store.profile()
    state = state_from_query(query, options())
    shown, notice = shown_charts()
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
