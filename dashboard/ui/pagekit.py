"""What every theme page does the same way: read its state from the URL, lay out its
cards, and redraw them (and the URL) when a control changes."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import charts as registry
from dashboard.ui.components import chart_card, page_header


def state_from_query(query: dict, options: dict[str, tuple[str, ...]]) -> dict:
    """The page's choices from the URL, each checked against what is allowed."""
    return {k: (query.get(k) if query.get(k) in allowed else allowed[0])
            for k, allowed in options.items()}


def slot(chart: registry.Chart, state: dict) -> html.Div:
    return html.Div(chart_card(chart, state), id=f"slot-{chart.id}", className="slot")


def cards(page: str, state: dict) -> list[html.Div]:
    return [slot(c, state) for c in registry.on_page(page)]


def layout(page: str, title: str, intro: str, state: dict, controls: list | None = None,
           summary: list | None = None) -> html.Div:
    parts = page_header(title, intro)
    if summary:
        parts.append(html.Section([html.H2("In brief", className="visually-hidden"),
                                   html.Ul([html.Li(s) for s in summary])],
                                  className="summary", **{"aria-label": "Summary"}))
    parts.append(dcc.Store(id=f"state-{page}", data=state))
    if controls:
        parts.append(html.Section([html.H2("Choose what the charts show",
                                           className="visually-hidden", id=f"{page}-controls"),
                                   *controls], className="controls",
                                  **{"aria-labelledby": f"{page}-controls"}))
    parts.extend(cards(page, state))
    return html.Div(parts, className="theme-page")


def interactive(page: str, controls: dict[str, str]) -> None:
    """Register the callback: a pressed choice (state key → control id) redraws the cards
    that depend on it, marks which button is pressed, and writes the state to the URL."""
    keys = list(controls)
    key_of = {control: key for key, control in controls.items()}
    affected = [c for c in registry.on_page(page) if set(c.options) & set(keys)]
    outputs = [Output(f"slot-{c.id}", "children") for c in affected]
    outputs += [Output(f"state-{page}", "data"), Output("url", "search", allow_duplicate=True)]
    outputs += [Output({"type": "choice", "control": controls[k], "value": ALL},
                       "aria-pressed") for k in keys]
    inputs = [Input({"type": "choice", "control": controls[k], "value": ALL}, "n_clicks")
              for k in keys]

    @callback(*outputs, *inputs, State(f"state-{page}", "data"), prevent_initial_call=True)
    def _update(*args):
        trigger = ctx.triggered_id
        if not trigger or not any(any(n or 0 for n in clicks) for clicks in args[:-1]):
            raise PreventUpdate
        state = dict(args[-1] or {})
        changed = key_of[trigger["control"]]
        if state.get(changed) == trigger["value"]:
            raise PreventUpdate
        state[changed] = trigger["value"]
        pressed = []
        for spec in ctx.outputs_list[len(affected) + 2:]:
            pressed.append(["true" if item["id"]["value"] == state[key_of[item["id"][
                "control"]]] else "false" for item in spec])
        cards = [chart_card(c, state) if changed in c.options else no_update
                 for c in affected]
        return (*cards, state, "?" + urlencode(state), *pressed)


def year_ending_march(frame: pd.DataFrame) -> pd.DataFrame:
    """Relabel 31 March snapshots as the year they close (2012-03-31 → 2011-12),
    so counts at year end line up with counts during the year."""
    out = frame.copy()
    snap = out["period_type"] == "snapshot"
    ends = pd.to_datetime(out.loc[snap, "period_end"])
    march = (ends.dt.month == 3) & (ends.dt.day == 31)
    idx = ends[march].index
    out.loc[idx, "period"] = [f"{d.year - 1}-{d.year % 100:02d}" for d in ends[march]]
    return out
