"""Explore the statistics: pick a release, one of its indicators and a value of one of its
breakdowns (the charts are in dashboard.charts.explore). The choices are written into the
address (``?measure=…&breakdown=…&value=…&release=…&scope=…``), so a link reproduces
the view; the catalogue's indicator links use the same address."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import dash
from dash import ALL, Input, Output, State, callback, ctx, html
from dash.exceptions import PreventUpdate

from dashboard import charts as registry
from dashboard import store
from dashboard.charts.explore import NONE, PAGE, Ids, resolve, scopes, words
from dashboard.ids import App
from dashboard.store import releases as released
from dashboard.ui.accepts import Record, Text, accepts
from dashboard.ui.components import message, radio, slot_id
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.pagekit import slot, state_id
from dashboard.ui.titles import page_title
from etl.config import TOTAL

logger = logging.getLogger(__name__)
TITLE = "Explore the official statistics"
MAX_VALUE = 300  # characters in a choice (a release's file name, a measure id)
KEYS = ("release", "measure", "breakdown", "value", "scope")
CONTROLS = {"release": Ids.RELEASE, "measure": Ids.MEASURE, "breakdown": Ids.BREAKDOWN,
            "value": Ids.VALUE, "scope": Ids.SCOPE}
GROUPS = ("measure", "breakdown", "value")  # drawn again when the others change
FIXED = ("release", "scope")  # always the same buttons: only which is pressed changes
dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE, TITLE),
                   order=PAGE.order)


def choose(query: dict, changed: str | None = None) -> tuple[dict, list[str]]:
    """The page's state from asked-for choices (``changed``: the one just made, which the
    others give way to), each checked against the data; with what was changed, in words."""
    notes = []
    measure, file = query.get("measure"), query.get("release")
    chosen = released.release(file) if isinstance(file, str) else None
    if changed == "release" and chosen is not None and measure not in chosen.measures:
        measure = chosen.measures[0]
    if not isinstance(measure, str) or released.release_of(measure) is None:
        if measure:
            notes.append(f"No imported release has the measure {str(measure)[:80]!r}, so "
                         "another is shown.")
        measure = chosen.measures[0] if chosen else registry.get(Ids.TREND).state({})[
            "measure"]
    if chosen is None or measure not in chosen.measures:
        chosen = released.release_of(measure)
    breakdown, value = query.get("breakdown") or TOTAL, query.get("value") or TOTAL
    parts = released.breakdowns(measure) if chosen else {}
    if changed in ("release", "measure") and breakdown not in parts:
        breakdown = TOTAL
    if changed in ("release", "measure", "breakdown") and breakdown in parts and \
            value not in parts[breakdown]:
        value = parts[breakdown][0]
    if breakdown == TOTAL:
        value = TOTAL
    scope = query.get("scope") if query.get("scope") in scopes() else scopes()[0]
    state = {"release": chosen.file if chosen else NONE, "measure": measure,
             "breakdown": breakdown, "value": value, "scope": scope}
    try:
        _, state["breakdown"], state["value"], note = resolve(state)
    except store.DataUnavailable:
        return state, notes
    return state, [*notes, *([note] if note else [])]


def options(state: dict) -> dict[str, list[dict]]:
    """The choices each control offers for ``state``: the releases, the release's
    measures, the measure's breakdowns and the breakdown's values."""
    labels = store.measures()["label"]
    chosen = released.release(state["release"])
    parts = released.breakdowns(state["measure"]) if chosen else {}
    totals = [] if parts and not released.has_total(state["measure"]) else [
        {"label": "None: the totals", "value": TOTAL}]
    me_region = store.profile().region
    return {
        "release": [{"label": f"{r.title}{f' ({r.years})' if r.years else ''}",
                     "value": r.file} for r in released.releases()],
        "measure": [{"label": str(labels.get(m, m)), "value": m}
                    for m in (chosen.measures if chosen else ())],
        "breakdown": totals + [{"label": words(b), "value": b} for b in parts],
        "value": [{"label": words(v), "value": v}
                  for v in parts.get(state["breakdown"], ())] or
                 [{"label": "Total", "value": TOTAL}],
        "scope": [{"label": f"{me_region.name} authorities" if s == "region" and me_region
                   else "All authorities in England", "value": s} for s in scopes()],
    }


def _control(key: str, legend: str, state: dict, choices: list[dict]) -> html.Fieldset:
    """A labelled set of toggle buttons (Tab to each, Enter or Space to choose)."""
    return radio(CONTROLS[key], legend, [(c["value"], c["label"]) for c in choices],
                 state[key])


def _groups(state: dict, choices: dict) -> list:
    """The controls whose choices follow the others: indicator, breakdown and value."""
    return [_control("measure", "Indicator", state, choices["measure"]),
            _control("breakdown", "Breakdown", state, choices["breakdown"]),
            _control("value", "Value of the breakdown", state, choices["value"])]


def layout(**query) -> html.Div:
    me = store.profile()
    if not released.releases():
        return page_layout(PAGE, TITLE, "Any figure of the official releases, for "
                           f"{me.name}.", {}, notice="No official release with figures by "
                           "area has been imported yet: save the releases in the external "
                           "folder and run the ETL (see the README).", shown=[])
    state, notes = choose(query)
    choices = options(state)
    groups = _groups(state, choices)
    controls = [
        _control("release", "Release", state, choices["release"]),
        *[html.Div(group, id=f"{CONTROLS[key]}-set", hidden=key == "value" and
                   state["breakdown"] == TOTAL) for key, group in zip(GROUPS, groups,
                                                                       strict=True)],
        _control("scope", "Rank and map among", state, choices["scope"]),
    ]
    page = page_layout(PAGE, TITLE, f"Any figure of the official releases: {me.name} against "
                       "its statistical neighbours, its region and England, every authority "
                       "ranked, and the map. Choose a release, then an indicator and, where "
                       "it has them, a breakdown.", state, controls)
    page.children.insert(2, html.Div([message(n, "info") for n in notes], id=Ids.NOTICE,
                                     **{"aria-live": "polite"}))
    return page


CHARTS = registry.on_page(PAGE)
KEY_OF = {control: key for key, control in CONTROLS.items()}


def _buttons(key: str):
    return {"type": App.CHOICE, "control": CONTROLS[key], "value": ALL}


@callback(
    *[Output(f"{CONTROLS[k]}-set", "children") for k in GROUPS],
    Output(f"{Ids.VALUE}-set", "hidden"),
    *[Output(_buttons(k), "aria-pressed") for k in FIXED],
    Output(Ids.NOTICE, "children"),
    *[Output(slot_id(c.id), "children") for c in CHARTS],
    Output(state_id(PAGE), "data"), Output(App.ADDRESS, "data", allow_duplicate=True),
    *[Input(_buttons(k), "n_clicks") for k in KEYS], State(state_id(PAGE), "data"),
    prevent_initial_call=True)
@accepts({state_id(PAGE): Record({k: Text(MAX_VALUE) for k in KEYS}, optional=frozenset(
    KEYS))}, ids={App.CHOICE: {"value": Text(MAX_VALUE)}})
def _update(*args):
    """A pressed choice: the choices that follow it, the charts, and the address."""
    trigger = ctx.triggered_id
    if not trigger or not any(any(n or 0 for n in clicks) for clicks in args[:-1]):
        raise PreventUpdate
    before = dict(args[-1] or {})
    changed = KEY_OF.get(trigger["control"])
    if changed is None or before.get(changed) == trigger["value"]:
        raise PreventUpdate
    state, notes = choose({**before, changed: trigger["value"]}, changed)
    groups = _groups(state, options(state))
    start = len(GROUPS) + 1
    pressed = [["true" if item["id"]["value"] == state[key] else "false" for item in spec]
               for key, spec in zip(FIXED, ctx.outputs_list[start:start + len(FIXED)],
                                    strict=True)]
    cards = [slot(c, state).children for c in CHARTS]
    return (*groups, state["breakdown"] == TOTAL, *pressed,
            [message(n, "info") for n in notes], *cards, state,
            "?" + urlencode({k: state[k] for k in ("measure", "breakdown", "value",
                                                    "release", "scope")}))
