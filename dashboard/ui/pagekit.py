"""What every theme page does the same way: read its state from the URL, lay out its
cards, and redraw them (and the URL) when a control changes."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import charts as registry
from dashboard import store
from dashboard.charts import indicators, lead
from dashboard.ids import App
from dashboard.ui.accepts import MAX_CHOICE, ListOf, Record, Text, accepts
from dashboard.ui.components import chart_card, message, page_header, radio, slot_id

INDICATOR = "indicator"  # the state key of the official trend's indicator
MAX_CHARTS = 200  # charts a page may show


def state_id(page: str) -> str:
    """The id of the store holding a page's choices: ``contacts-state``."""
    return f"{page}-state"


NO_REPORTS = ("No tables from {name}'s annual reports are in the data yet, so this page "
              "shows the official statistics only. About the data says how to add a "
              "report's tables.")
NO_CHARTS = ("No tables from {name}'s annual reports are in the data yet, and none of this "
             "page's charts is drawn from the official statistics, so there are no charts "
             "for {name} here yet. About the data says how to add a report's tables.")


def report_charts(page: str, dataset: str | None = None
                  ) -> tuple[list[registry.Chart], str | None]:
    """The charts a theme page shows (``charts.registry.shown``), and a notice when some
    are left out because the partnership's reports have no tables on the theme."""
    shown, left_out = registry.shown(page)
    if not left_out:
        return shown, None
    name = store.profile().name
    return shown, (NO_REPORTS if shown else NO_CHARTS).format(name=name)


def state_from_query(query: dict, options: dict[str, tuple[str, ...]],
                     page: str | None = None) -> dict:
    """The page's choices from the URL, each checked against what is allowed (with
    ``page``, the choice of official indicator too, when the page leads with some)."""
    options = {**(lead_options(page) if page else {}), **options}
    return {k: (query.get(k) if query.get(k) in allowed else allowed[0])
            for k, allowed in options.items()}


def lead_options(page: str) -> dict[str, tuple[str, ...]]:
    """``{"indicator": …}``: the official indicators ``page`` leads with, if any."""
    return {INDICATOR: lead.available(page)} if indicators.for_page(page) else {}


def lead_control(page: str, state: dict) -> list:
    """The choice of official indicator for the page's official trend, if it has one."""
    if not indicators.for_page(page):
        return []
    choices = []
    for slug in lead.available(page):
        try:
            label = store.measure(indicators.INDICATORS[slug].measure)["label"]
        except (store.DataUnavailable, KeyError):
            label = slug
        choices.append((slug, label))
    return [radio(lead.indicator_id(page), "Official figure over time", choices,
                  state.get(INDICATOR, choices[0][0]))]


def slot(chart: registry.Chart, state: dict) -> html.Div:
    return html.Div(chart_card(chart, state), id=slot_id(chart.id), className="slot")


def shown_id(page: str) -> str:
    """The id of the store listing the charts a page shows (its callback redraws those)."""
    return f"{page}-shown"


OFFICIAL_HEADING = "The latest official figures"
REPORTS_HEADING = "From the partnership's annual reports"


@lru_cache(maxsize=1024)
def _newest(chart_id: str, version: tuple) -> str:
    """The newest period end a chart draws by default ('' when it cannot be drawn)."""
    try:
        rows = registry.get(chart_id).render({}).data
    except store.DataUnavailable:
        return ""
    ends = rows["period_end"].dropna() if "period_end" in rows else ()
    return str(max(ends)) if len(ends) else ""


def newest_first(charts: list[registry.Chart]) -> list[registry.Chart]:
    """Charts ordered by the newest year they draw, newest first (ties keep their order)."""
    version = store.version()
    return sorted(charts, key=lambda c: _newest(c.id, version), reverse=True)


def cards(page: str, state: dict, shown: list[registry.Chart] | None = None
          ) -> list[html.Div]:
    """A slot per chart of the page: the card of each chart shown, an empty hidden slot for
    the others (so that the page's one callback has every output it names). On a theme
    page the official charts lead under a heading of their own, and the annual reports'
    charts follow under theirs, newest first."""
    ids = {c.id for c in shown} if shown is not None else None
    every = registry.on_page(page)
    if registry.REPORTS.get(str(page)) is None:
        groups = [(None, every)]
    else:
        groups = [(OFFICIAL_HEADING, [c for c in every if c.official]),
                  (REPORTS_HEADING, newest_first([c for c in every if not c.official]))]
    out = []
    for heading, charts in groups:
        visible = [c for c in charts if ids is None or c.id in ids]
        if heading and visible:
            out.append(html.H2(heading, className="section-heading"))
        out += [slot(c, state) if ids is None or c.id in ids else
                html.Div(id=slot_id(c.id), hidden=True) for c in charts]
    return out


def layout(page: str, title: str, intro: str, state: dict, controls: list | None = None,
           summary: list | None = None, shown: list[registry.Chart] | None = None,
           notice: str | None = None) -> html.Div:
    """A theme page: heading and intro, ``notice`` (why some charts are not shown, say),
    the summary, the controls and the cards of ``shown`` (every chart on the page unless
    given)."""
    parts = page_header(title, intro)
    if notice:
        parts.append(message(notice, "info"))
    if summary:
        parts.append(html.Section([html.H2("In brief", className="visually-hidden"),
                                   html.Ul([html.Li(s) for s in summary])],
                                  className="summary", **{"aria-label": "Summary"}))
    controls = [*lead_control(page, state), *(controls or [])]
    parts.append(dcc.Store(id=state_id(page), data=state))
    parts.append(dcc.Store(id=shown_id(page), data=[c.id for c in (
        shown if shown is not None else registry.on_page(page))]))
    if controls:
        parts.append(html.Section([html.H2("Choose what the charts show",
                                           className="visually-hidden", id=f"{page}-controls"),
                                   *controls], className="controls",
                                  **{"aria-labelledby": f"{page}-controls"}))
    parts.extend(cards(page, state, shown))
    return html.Div(parts, className="theme-page")


def interactive(page: str, controls: dict[str, str]) -> None:
    """Register the callback: a pressed choice (state key → control id) redraws the cards
    that depend on it, marks which button is pressed, and writes the state to the URL."""
    if indicators.for_page(page):
        controls = {INDICATOR: lead.indicator_id(page), **controls}
    keys = list(controls)
    key_of = {control: key for key, control in controls.items()}
    affected = [c for c in registry.on_page(page) if set(c.choices) & set(keys)]
    outputs = [Output(slot_id(c.id), "children") for c in affected]
    outputs += [Output(state_id(page), "data"),
                Output(App.ADDRESS, "data", allow_duplicate=True)]
    outputs += [Output({"type": App.CHOICE, "control": controls[k], "value": ALL},
                       "aria-pressed") for k in keys]
    inputs = [Input({"type": App.CHOICE, "control": controls[k], "value": ALL}, "n_clicks")
              for k in keys]

    @callback(*outputs, *inputs, State(state_id(page), "data"), State(shown_id(page), "data"),
              prevent_initial_call=True)
    @accepts({state_id(page): Record({k: Text(MAX_CHOICE) for k in keys},
                                     others=Text(MAX_CHOICE)),
              shown_id(page): ListOf(Text(64), MAX_CHARTS)},
             ids={App.CHOICE: {"value": Text(MAX_CHOICE)}})
    def _update(*args):
        trigger = ctx.triggered_id
        if not trigger or not any(any(n or 0 for n in clicks) for clicks in args[:-2]):
            raise PreventUpdate
        state = dict(args[-2] or {})
        shown = set(args[-1] or ())
        changed = key_of[trigger["control"]]
        if state.get(changed) == trigger["value"]:
            raise PreventUpdate
        state[changed] = trigger["value"]
        pressed = []
        for spec in ctx.outputs_list[len(affected) + 2:]:
            pressed.append(["true" if item["id"]["value"] == state[key_of[item["id"][
                "control"]]] else "false" for item in spec])
        cards = [chart_card(c, state) if changed in c.choices and c.id in shown
                 else no_update for c in affected]
        return (*cards, state, "?" + urlencode(state), *pressed)
