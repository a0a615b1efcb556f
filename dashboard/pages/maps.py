"""Small-area maps: layout and choices (the charts are in dashboard.charts.maps)."""

from __future__ import annotations

import dash
from dash import html

from dashboard import store
from dashboard.charts.maps import MEASURE_NAMES, OPTIONS, PAGE, Ids, years
from dashboard.store import smallareas
from dashboard.ui.components import message, radio
from dashboard.ui.pagekit import interactive, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.titles import page_title

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

INTRO = ("Where children needing help and protection live in {name}, area by area, beside a "
         "map of deprivation. Small numbers are hidden (shown as c) so that no child can be "
         "identified.")
NO_MAPS = ("There are no small-area maps for {name} yet: the ETL has not built its "
           "small-area boundaries. To add them, run `safeguarding download --authority "
           "{code}` and then `make etl` (the README's section on small-area maps says more).")
SYNTHETIC = ("Synthetic sample — not real data. These maps show made-up records so that the "
             "page works before an extract is loaded. Do not quote them.")


def layout(**query) -> html.Div:
    me = store.profile()
    state = state_from_query(query, {"measure": OPTIONS["measure"], "year": years(),
                                     "view": OPTIONS["view"]})
    try:
        info = smallareas.summary()
    except store.DataUnavailable:
        return page_layout(PAGE, PAGE.title, INTRO.format(name=me.name), state, shown=[],
                           notice=NO_MAPS.format(name=me.name, code=me.code))
    controls = [
        radio(Ids.MEASURE, "Show", list(MEASURE_NAMES.items()), state["measure"]),
        radio(Ids.YEAR, "Year (April to March)", [(y, y) for y in years()], state["year"]),
        radio(Ids.VIEW, "Areas", [("lsoa", "Small areas (LSOAs)"), ("ward", "Wards")],
              state["view"]),
    ]
    page = page_layout(PAGE, PAGE.title, INTRO.format(name=me.name), state, controls)
    if info.get("synthetic"):
        page.children[2:2] = [message(SYNTHETIC, "warning")]
    return page


interactive(PAGE, {"measure": Ids.MEASURE, "year": Ids.YEAR, "view": Ids.VIEW})
