"""Children in care: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash

from dashboard import charts, store
from dashboard.charts.children_in_care import DATASET, OPTIONS, PAGE, Ids, readable, summary
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
    state = state_from_query(query, OPTIONS)
    shown, notice = shown_charts()
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
