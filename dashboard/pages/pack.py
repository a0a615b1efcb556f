"""The committee pack: the charts added with "Add to pack", in order, ready to download as
Word, PowerPoint or PDF.

A pack is made in the background (``dashboard.exports.packs.queue``): a "Make" button
queues it, and the page asks every second how far it has got ("Building: 12 of 42
charts") until it offers the file.

The basket is the ``App.PACK_BASKET`` store in the app layout (session storage: it lasts
as long as the browser tab, across pages): a list of ``{"id": chart id, "state": {...}}``.
The callbacks here also serve the "Add to pack" button on every chart card and the count
in the navigation (``App.PACK_COUNT``). The page's ids are ``dashboard.charts.pack.Ids``.
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

from dashboard import store
from dashboard.charts.pack import PAGE, Ids, latest_year
from dashboard.exports import packs
from dashboard.exports.packs import queue
from dashboard.ids import App
from dashboard.ui.accepts import (
    MAX_CHOICE,
    Integer,
    ListOf,
    Record,
    Text,
    accepts,
    optional,
)
from dashboard.ui.components import MAX_ITEM_CODE, page_header
from dashboard.ui.titles import page_title

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

# The basket as the browser keeps it: ``[{"id": chart id, "state": {key: value}}, …]``.
BASKET = optional(ListOf(Record({"id": Text(64), "state": optional(Record(
    {}, others=Text(MAX_CHOICE)))}), packs.MAX_ITEMS))
ACTIONS = ("up", "down", "remove", "clear")

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
    except store.DataUnavailable as err:
        return f"This chart cannot be drawn right now, so it will be left out: {err}.", ""
    return result.title, result.subtitle


def _button(action: str, label: str, name: str, index: int, disabled: bool) -> html.Button:
    return html.Button(label, id={"type": Ids.ACTION, "action": action, "index": index},
                       type="button", n_clicks=0, disabled=disabled, className="pack-action",
                       **{"data-focus": f"{action}-{index}", "aria-label": f"{label}: {name}"})


def _entry(item: packs.PackItem, index: int, count: int) -> html.Li:
    chart = item.chart
    finding, subtitle = _words(item, store.version())
    heading = f"{Ids.ITEM}-{index}"
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


PRESETS = (
    ("themes", "The themes at a glance: the first chart of each theme"),
    ("annual-report", "Annual report: every chart on every theme page"),
)


def _period_placeholder() -> str:
    """An example period for the cover: the latest year in the figures."""
    try:
        year = latest_year()
    except store.DataUnavailable:
        year = None
    return f"for example {year}" if year else "for example, the year the report covers"


def layout(**_query) -> html.Div:
    me = store.profile()
    return html.Div([
        *page_header(PAGE.title,
                     "Charts you add with \u201cAdd to pack\u201d on any theme page are listed "
                     "here in the order they will appear in the Word document and the slides "
                     f"of a pack about {me.name}. Each keeps the choices it was added with. The "
                     "pack is kept in this browser tab until you close it."),
        html.Section([
            html.H2("Your charts", id=Ids.CHARTS_HEADING, tabIndex="-1"),
            html.Div(id=Ids.ANNOUNCE, role="status", className="pack-announce"),
            html.Div(id=Ids.CONTENTS),
        ], **{"aria-labelledby": Ids.CHARTS_HEADING}),
        html.Section([
            html.H2("Cover page", id=Ids.COVER_HEADING),
            html.P(f"The cover names the authority, {me.name}, and the day the pack is made. "
                   "The title and the period are yours to change."),
            html.Div([
                html.Div([
                    html.Label("Title", htmlFor=Ids.TITLE),
                    dcc.Input(id=Ids.TITLE, type="text", maxLength=packs.MAX_LABEL,
                              placeholder=packs.title_for(None), debounce=True,
                              className="pack-input"),
                ], className="pack-field"),
                html.Div([
                    html.Label("Period (leave blank for the latest year in the figures)",
                               htmlFor=Ids.PERIOD),
                    dcc.Input(id=Ids.PERIOD, type="text", maxLength=packs.MAX_LABEL,
                              placeholder=_period_placeholder(), debounce=True,
                              className="pack-input"),
                ], className="pack-field"),
            ], className="pack-fields"),
        ], className="pack-cover", **{"aria-labelledby": Ids.COVER_HEADING}),
        html.Section([
            html.H2("Download your pack", id=Ids.DOWNLOAD_HEADING),
            html.Div(id=Ids.DOWNLOADS),
        ], **{"aria-labelledby": Ids.DOWNLOAD_HEADING}),
        html.Section([
            html.H2("Ready-made packs", id=Ids.PRESETS_HEADING),
            html.P("Every chart with its default choices. The annual report pack has every "
                   "chart, so it takes longer to make: up to half a minute."),
            html.Ul([html.Li([f"{label}: ", *[
                html.A(fmt_label, href=_href(ext, {"preset": preset}), className="download",
                       **{"aria-label": f"{label}, as a {fmt_label}"})
                for ext, fmt_label in _formats()]]) for preset, label in PRESETS]),
        ], className="pack-presets", **{"aria-labelledby": Ids.PRESETS_HEADING}),
        dcc.Store(id=Ids.FOCUS),
        dcc.Store(id=Ids.FOCUS_DONE),
    ])


# The count in the navigation, worked out in the browser: a page's first drawing waits
# for no request (only the pack's callbacks write the basket, and only valid entries; a
# chart removed from the data since is left out of the pack page's list, not this count).
clientside_callback(
    """function(raw) {
        var n = Array.isArray(raw) ? raw.filter(function (e) {
            return e && typeof e.id === 'string'; }).length : 0;
        n = Math.min(n, MAX);
        return n ? ' (' + n + ')' : '';
    }""".replace("MAX", str(packs.MAX_ITEMS)),
    Output(App.PACK_COUNT, "children"), Input(App.PACK_BASKET, "data"),
)


@callback(Output(App.PACK_BASKET, "data"),
          Output({"type": Ids.STATUS, "item": ALL}, "children"),
          Input({"type": Ids.ADD, "item": ALL}, "n_clicks"),
          State(App.PACK_BASKET, "data"), prevent_initial_call=True)
@accepts({App.PACK_BASKET: BASKET}, ids={Ids.ADD: {"item": Text(MAX_ITEM_CODE)}})
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


@callback(Output(Ids.CONTENTS, "children"), Input(App.PACK_BASKET, "data"))
@accepts({App.PACK_BASKET: BASKET})
def _contents(raw):
    items = _basket(raw)
    if not items:
        return html.P("Your pack is empty. Use \u201cAdd to pack\u201d under any chart to add "
                      "it here.", className="pack-empty")
    return [html.Ol([_entry(item, i, len(items)) for i, item in enumerate(items)],
                    className="pack-list"),
            html.Button("Remove all charts", id={"type": Ids.ACTION, "action": "clear",
                                                 "index": -1},
                        type="button", n_clicks=0, className="pack-action")]


@callback(Output(Ids.DOWNLOADS, "children"), Input(App.PACK_BASKET, "data"),
          Input(Ids.TITLE, "value"), Input(Ids.PERIOD, "value"))
@accepts({App.PACK_BASKET: BASKET, Ids.TITLE: optional(Text(packs.MAX_LABEL)),
          Ids.PERIOD: optional(Text(packs.MAX_LABEL))})
def _downloads(raw, title, period):
    """A "Make" button for each format, and where the pack being made has got to (made
    afresh whenever the charts or the cover change)."""
    items = _basket(raw)
    if not items:
        return html.P("Add charts to make a pack.")
    n = len(items)
    return [html.Ul([html.Li(html.Button(
        f"Make a {label}", id={"type": Ids.MAKE, "ext": ext}, type="button", n_clicks=0,
        className="pack-action",
        **{"aria-label": f"Make your pack of {n} chart{'s' if n != 1 else ''} as a {label}"}))
        for ext, label in _formats()], className="pack-download-list"),
        html.Div(id=Ids.PROGRESS, role="status", className="pack-announce"),
        dcc.Store(id=Ids.JOB),
        dcc.Interval(id=Ids.POLL, interval=1000, disabled=True)]


def _progress(status) -> list:
    words = queue.describe(status)
    if not status.ready:
        return [words]
    label = dict(FORMAT_LABELS)[status.ext]
    return [f"{words} ", html.A(f"Download your pack as a {label}",
                                href=f"/pack/jobs/{status.id}.{status.ext}", download="",
                                className="download", id=Ids.DOWNLOAD)]


@callback(Output(Ids.JOB, "data"), Output(Ids.POLL, "disabled"),
          Output(Ids.PROGRESS, "children"),
          Input({"type": Ids.MAKE, "ext": ALL}, "n_clicks"),
          State(App.PACK_BASKET, "data"), State(Ids.TITLE, "value"),
          State(Ids.PERIOD, "value"), prevent_initial_call=True)
@accepts({App.PACK_BASKET: BASKET, Ids.TITLE: optional(Text(packs.MAX_LABEL)),
          Ids.PERIOD: optional(Text(packs.MAX_LABEL))},
         ids={Ids.MAKE: {"ext": Text(8, tuple(packs.FORMATS))}})
def _make(_clicks, raw, title, period):
    """A "Make" button: queue the pack (or find it made already) and start asking."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or \
            not ctx.triggered[0].get("value") or trigger.get("ext") not in dict(_formats()):
        raise PreventUpdate
    items = _basket(raw)
    if not items:
        raise PreventUpdate
    cover = _cover_query(title, period)
    order = queue.Order(tuple(items), trigger["ext"],
                        cover.get("title") or packs.title_for(None), cover.get("period"))
    try:
        status, _ = queue.start(order)
    except queue.Busy:
        return None, True, ("The server is making as many packs as it can just now. "
                            "Please try again in a minute.")
    except store.DataUnavailable:
        return None, True, "The figures are not available right now. Please try again later."
    done = status.ready or status.state == "failed"
    return {"id": status.id, "ext": status.ext}, done, _progress(status)


@callback(Output(Ids.PROGRESS, "children", allow_duplicate=True),
          Output(Ids.POLL, "disabled", allow_duplicate=True),
          Input(Ids.POLL, "n_intervals"), State(Ids.JOB, "data"), prevent_initial_call=True)
@accepts({Ids.JOB: optional(Record({"id": Text(64), "ext": Text(8, tuple(packs.FORMATS))}))})
def _poll(_ticks, job):
    """Every second while a pack is being made: how far it has got, then the file."""
    if not isinstance(job, dict) or not isinstance(job.get("id"), str):
        raise PreventUpdate
    status = queue.visible(job["id"])
    if status is None:
        return "This pack is no longer kept: please make it again.", True
    return _progress(status), status.ready or status.state == "failed"


@callback(Output(App.PACK_BASKET, "data", allow_duplicate=True),
          Output(Ids.ANNOUNCE, "children"), Output(Ids.FOCUS, "data"),
          Input({"type": Ids.ACTION, "action": ALL, "index": ALL}, "n_clicks"),
          State(App.PACK_BASKET, "data"), prevent_initial_call=True)
@accepts({App.PACK_BASKET: BASKET},
         ids={Ids.ACTION: {"action": Text(16, ACTIONS), "index": Integer(-1, packs.MAX_ITEMS)}})
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
            var el = focus === 'heading' ? document.getElementById('HEADING')
                : document.querySelector('[data-focus="' + focus + '"]');
            if (el) { el.focus(); }
        }, 0);
        return null;
    }""".replace("HEADING", Ids.CHARTS_HEADING),
    Output(Ids.FOCUS_DONE, "data"), Input(Ids.CONTENTS, "children"),
    State(Ids.FOCUS, "data"), prevent_initial_call=True,
)
