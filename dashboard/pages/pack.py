"""The committee pack: the charts added with "Add to pack", in order, ready to download as
Word, PowerPoint or PDF.

The basket is the ``pack-basket`` store in the app layout (session storage: it lasts as
long as the browser tab, across pages): a list of ``{"id": chart id, "state": {...}}``.
The callbacks here also serve the "Add to pack" button on every chart card and the count
in the navigation.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

import dash
from dash import (
    ALL,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate

from dashboard import store as data
from dashboard.exports import packs
from dashboard.ui.components import page_header

dash.register_page(__name__, path="/pack", name="Committee pack", title="Committee pack",
                   order=100)

FORMAT_LABELS = (("docx", "Word document (.docx)"), ("pptx", "PowerPoint deck (.pptx)"),
                 ("pdf", "PDF document (.pdf)"))


def _formats() -> tuple[tuple[str, str], ...]:
    return FORMAT_LABELS if packs.soffice() else FORMAT_LABELS[:2]


def _basket(raw) -> list[packs.PackItem]:
    """The stored basket, with anything no longer valid (a chart removed since) left out."""
    items = []
    for entry in raw if isinstance(raw, list) else []:
        try:
            items.extend(packs.items_from_json([entry]))
        except packs.PackError:
            continue
    return items[:packs.MAX_ITEMS]


@lru_cache(maxsize=256)
def _words(item: packs.PackItem, version: tuple) -> tuple[str, str]:
    """The finding and subtitle of a chart as it will appear in the pack."""
    try:
        result = item.chart.render(item.state_dict())
    except data.DataUnavailable as err:
        return f"This chart cannot be drawn right now, so it will be left out: {err}.", ""
    return result.title, result.subtitle


def _button(action: str, label: str, name: str, index: int, disabled: bool) -> html.Button:
    return html.Button(label, id={"type": "pack-action", "action": action, "index": index},
                       type="button", n_clicks=0, disabled=disabled, className="pack-action",
                       **{"data-focus": f"{action}-{index}", "aria-label": f"{label}: {name}"})


def _entry(item: packs.PackItem, index: int, count: int) -> html.Li:
    chart = item.chart
    finding, subtitle = _words(item, data.version())
    heading = f"pack-item-{index}"
    return html.Li([
        html.H3(chart.name, id=heading),
        html.P(finding, className="pack-finding"),
        html.P(f"{packs.page_name(chart)} · {subtitle}" if subtitle else packs.page_name(chart),
               className="subtitle"),
        html.Div([
            _button("up", "Move up", chart.name, index, index == 0),
            _button("down", "Move down", chart.name, index, index == count - 1),
            _button("remove", "Remove", chart.name, index, False),
        ], role="group", className="pack-actions", **{"aria-labelledby": heading}),
    ], className="pack-item")


def _href(ext: str, query: dict) -> str:
    return f"/pack.{ext}?{urlencode(query)}"


def _cover_query(title: str | None, period: str | None) -> dict:
    query = {}
    for key, value, what in (("title", title, "title"), ("period", period, "period")):
        try:
            clean = packs.clean_label(value, what)
        except packs.PackError:
            clean = None
        if clean:
            query[key] = clean
    return query


def layout(**_query) -> html.Div:
    presets = [
        ("themes", "The themes at a glance: the first chart of each theme"),
        ("annual-report", "Annual report: every chart on every theme page"),
    ]
    return html.Div([
        *page_header("Committee pack",
                     "Charts you add with \u201cAdd to pack\u201d on any theme page are listed "
                     "here in the order they will appear in the Word document and the slides. "
                     "Each keeps the choices it was added with. The pack is kept in this "
                     "browser tab until you close it."),
        html.Section([
            html.H2("Your charts", id="pack-charts-heading", tabIndex="-1"),
            html.Div(id="pack-announce", role="status", className="pack-announce"),
            html.Div(id="pack-contents"),
        ], **{"aria-labelledby": "pack-charts-heading"}),
        html.Section([
            html.H2("Cover page", id="pack-cover-heading"),
            html.Div([
                html.Div([
                    html.Label("Title", htmlFor="pack-title"),
                    dcc.Input(id="pack-title", type="text", maxLength=packs.MAX_LABEL,
                              placeholder=packs.CUSTOM_TITLE, debounce=True,
                              className="pack-input"),
                ], className="pack-field"),
                html.Div([
                    html.Label("Period (leave blank for the latest year in the figures)",
                               htmlFor="pack-period"),
                    dcc.Input(id="pack-period", type="text", maxLength=packs.MAX_LABEL,
                              placeholder="for example 2011-12", debounce=True,
                              className="pack-input"),
                ], className="pack-field"),
            ], className="pack-fields"),
        ], className="pack-cover", **{"aria-labelledby": "pack-cover-heading"}),
        html.Section([
            html.H2("Download your pack", id="pack-download-heading"),
            html.Div(id="pack-downloads"),
        ], **{"aria-labelledby": "pack-download-heading"}),
        html.Section([
            html.H2("Ready-made packs", id="pack-presets-heading"),
            html.P("Every chart with its default choices. The annual report pack has every "
                   "chart, so it takes longer to make: up to half a minute."),
            html.Ul([html.Li([f"{label}: ", *[
                html.A(fmt_label, href=_href(ext, {"preset": preset}), download="",
                       className="download",
                       **{"aria-label": f"{label}, as a {fmt_label}"})
                for ext, fmt_label in _formats()]]) for preset, label in presets]),
        ], className="pack-presets", **{"aria-labelledby": "pack-presets-heading"}),
        dcc.Store(id="pack-focus"),
        dcc.Store(id="pack-focus-done"),
    ])


@callback(Output("pack-count", "children"), Input("pack-basket", "data"))
def _count(raw):
    n = len(_basket(raw))
    return f" ({n})" if n else ""


@callback(Output("pack-basket", "data"),
          Output({"type": "pack-status", "item": ALL}, "children"),
          Input({"type": "pack-add", "item": ALL}, "n_clicks"),
          State("pack-basket", "data"), prevent_initial_call=True)
def _add(_clicks, raw):
    """An "Add to pack" button: append its chart and state, and confirm beside it."""
    trigger = ctx.triggered_id
    if not trigger or not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    try:
        item = packs.decode_items(trigger["item"])[0]
    except packs.PackError:
        raise PreventUpdate from None
    basket = [i.to_json() for i in _basket(raw)]
    entry = item.to_json()
    name = item.chart.name
    if entry in basket:
        stored, message = no_update, (f"\u201c{name}\u201d is already in your pack "
                                      f"({len(basket)} charts).")
    elif len(basket) >= packs.MAX_ITEMS:
        stored, message = no_update, f"Your pack is full ({packs.MAX_ITEMS} charts)."
    else:
        basket.append(entry)
        n = len(basket)
        stored, message = basket, (f"Added \u201c{name}\u201d to your pack: {n} "
                                   f"chart{'s' if n != 1 else ''}.")
    statuses = [message if spec["id"]["item"] == trigger["item"] else no_update
                for spec in ctx.outputs_list[1]]
    return stored, statuses


@callback(Output("pack-contents", "children"), Input("pack-basket", "data"))
def _contents(raw):
    items = _basket(raw)
    if not items:
        return html.P("Your pack is empty. Use \u201cAdd to pack\u201d under any chart to add "
                      "it here.", className="pack-empty")
    return [html.Ol([_entry(item, i, len(items)) for i, item in enumerate(items)],
                    className="pack-list"),
            html.Button("Remove all charts", id={"type": "pack-action", "action": "clear",
                                                 "index": -1},
                        type="button", n_clicks=0, className="pack-action")]


@callback(Output("pack-downloads", "children"), Input("pack-basket", "data"),
          Input("pack-title", "value"), Input("pack-period", "value"))
def _downloads(raw, title, period):
    items = _basket(raw)
    if not items:
        return html.P("Add charts to download a pack.")
    query = {"items": packs.encode_items(items), **_cover_query(title, period)}
    n = len(items)
    return html.Ul([html.Li(html.A(
        f"Download as a {label}", href=_href(ext, query), download="", className="download",
        id=f"pack-download-{ext}",
        **{"aria-label": f"Download your pack of {n} chart{'s' if n != 1 else ''} as a "
                         f"{label}"})) for ext, label in _formats()],
        className="pack-download-list")


@callback(Output("pack-basket", "data", allow_duplicate=True),
          Output("pack-announce", "children"), Output("pack-focus", "data"),
          Input({"type": "pack-action", "action": ALL, "index": ALL}, "n_clicks"),
          State("pack-basket", "data"), prevent_initial_call=True)
def _act(_clicks, raw):
    """Move up, Move down, Remove, Remove all: change the basket, say what happened, and
    keep the keyboard focus on the chart that moved (or where the removed one was)."""
    trigger = ctx.triggered_id
    if not trigger or not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    items = _basket(raw)
    action, index = trigger["action"], trigger["index"]
    if action == "clear":
        return [], "Removed every chart: your pack is empty.", "heading"
    if not 0 <= index < len(items):
        raise PreventUpdate
    name = items[index].chart.name
    if action == "remove":
        del items[index]
        focus = f"remove-{min(index, len(items) - 1)}" if items else "heading"
        said = f"Removed \u201c{name}\u201d. {len(items)} chart(s) left."
    else:
        target = index - 1 if action == "up" else index + 1
        if not 0 <= target < len(items):
            raise PreventUpdate
        items[index], items[target] = items[target], items[index]
        edge = (action == "up" and target == 0) or (action == "down" and
                                                    target == len(items) - 1)
        focus = f"{'down' if action == 'up' else 'up'}-{target}" if edge else \
            f"{action}-{target}"
        said = f"Moved \u201c{name}\u201d {action} to position {target + 1} of {len(items)}."
    return [i.to_json() for i in items], said, focus


clientside_callback(
    """function(children, focus) {
        if (!focus) { return window.dash_clientside.no_update; }
        window.setTimeout(function () {
            var el = focus === 'heading' ? document.getElementById('pack-charts-heading')
                : document.querySelector('[data-focus="' + focus + '"]');
            if (el) { el.focus(); }
        }, 0);
        return null;
    }""",
    Output("pack-focus-done", "data"), Input("pack-contents", "children"),
    State("pack-focus", "data"), prevent_initial_call=True,
)
