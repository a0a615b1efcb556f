"""Benchmarking: layout and choices (the charts are in dashboard.charts.benchmarking)."""

from __future__ import annotations

import dash

from dashboard import store
from dashboard.charts.benchmarking import OPTIONS, PAGE, Ids, region_words, scopes, summary
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.titles import page_title

TITLE = "Benchmarking with official statistics"
dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE, TITLE),
                   order=PAGE.order)

INDICATOR_LABELS = [
    ("cin", "Children in need"), ("referrals", "Referrals"),
    ("re-referrals", "Re-referrals (%)"), ("s47", "Section 47 enquiries"),
    ("icpc", "Initial conferences"), ("icpc-15-days", "Conferences in 15 days (%)"),
    ("cp-plans", "Children on plans"), ("cp-started", "Plans started"),
    ("cp-repeat", "Repeat plans (%)"), ("cp-2-years", "Plans 2 years or more (%)"),
    ("cla", "Children looked after"), ("cla-started", "Started to be looked after"),
]


def _compared_words() -> str:
    """``its statistical neighbours, the North West and England``, from the profile."""
    me = store.profile()
    areas = (["its statistical neighbours"] if me.neighbours else []) + (
        [region_words(me.region)] if me.region is not None else [])
    return ", ".join(areas) + " and England" if areas else "England"


def layout(**query) -> dash.html.Div:
    me = store.profile()
    state = state_from_query(query, {"indicator": OPTIONS["indicator"], "scope": scopes()})
    scope_labels = {"region": f"{me.region.name} authorities" if me.region else "",
                    "england": "All authorities in England"}
    controls = [
        radio(Ids.INDICATOR, "Indicator", INDICATOR_LABELS, state["indicator"]),
        radio(Ids.SCOPE, "Rank among", [(s, scope_labels[s]) for s in scopes()],
              state["scope"]),
    ]
    return page_layout(PAGE, TITLE,
                       f"How {me.name} compares with {_compared_words()}, year by year, from "
                       "the Department for Education's published statistics.", state,
                       controls, summary())


interactive(PAGE, {"indicator": Ids.INDICATOR, "scope": Ids.SCOPE})
