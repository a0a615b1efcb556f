"""Reusable pieces of page layout: chart cards, tiles, controls, messages."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from dash import MATCH, Input, Output, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import charts as registry
from dashboard.charts import Chart, ChartResult
from dashboard.charts.pack import Ids as PackIds
from dashboard.ids import App
from dashboard.store import files as store
from dashboard.store.files import DataUnavailable
from dashboard.ui.accepts import Text, accepts
from dashboard.ui.tables import data_table

GRAPH_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,  # "Share chart...": would upload the figure to Plotly's cloud
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toImage"],
}
DOWNLOADS = (("csv", "CSV"), ("xlsx", "Excel"), ("png", "PNG image"), ("svg", "SVG image"))
MAX_ITEM_CODE = 2000  # characters in one chart's pack code (its id and choices)


def card_id(chart_id: str) -> str:
    """The id of a chart's card: ``child-protection-plans-trend-card``."""
    return f"{chart_id}-card"


def graph_id(chart_id: str) -> str:
    return f"{chart_id}-graph"


def slot_id(chart_id: str) -> str:
    """The id of the slot a chart's card is drawn into (and redrawn by a choice)."""
    return f"{chart_id}-slot"


def export_href(chart_id: str, fmt_ext: str, state: dict) -> str:
    query = urlencode({k: v for k, v in state.items() if v is not None})
    return f"/export/{chart_id}.{fmt_ext}" + (f"?{query}" if query else "")


def message(text: str, kind: str = "warning") -> html.Div:
    return html.Div(text, className=f"message message-{kind}", role="status")


def chart_card(chart: Chart, state: dict | None = None) -> html.Section:
    """A chart with its finding, unit, source, table view and downloads.

    Cards are pure functions of the chart, its state and the processed data, so they are
    cached until any processed file changes.
    """
    state = chart.state(state)
    return _cached_card(chart.id, tuple(sorted(state.items())), store.version())


@lru_cache(maxsize=512)
def _cached_card(chart_id: str, state_items: tuple, version: tuple) -> html.Section:
    return _card(registry.get(chart_id), dict(state_items))


def _card(chart: Chart, state: dict) -> html.Section:
    heading = f"{chart.id}-title"
    try:
        result = chart.render(state)
    except DataUnavailable as err:
        return html.Section([
            html.H2(chart.name, id=heading),
            message(f"This chart cannot be shown right now: {err}."),
        ], className="chart-card", **{"aria-labelledby": heading})
    notes = [html.P(n, className="note") for n in result.notes]
    return html.Section([
        html.H2(result.title, id=heading),
        html.P(result.subtitle, className="subtitle"),
        html.Figure([
            _graph(chart, result),
            html.Figcaption([
                html.P(f"Source: {result.source}", className="source"),
                *notes,
                html.P("The figures in this chart are listed in the table view below.",
                       className="visually-hidden"),
            ]),
        ], className="chart-figure", **{"aria-labelledby": heading}),
        table_view(chart, state, result),
        pack_button(chart, state),
        html.P([
            html.Span("Download: "),
            *[html.A(label, href=export_href(chart.id, ext, state), download="",
                     className="download", **{"aria-label": f"Download {chart.name} as {label}"})
              for ext, label in DOWNLOADS],
        ], className="downloads"),
    ], className="chart-card", id=card_id(chart.id), **{"aria-labelledby": heading})


def _graph(chart: Chart, result: ChartResult):
    """The chart itself. A grid of cells (a heatmap) or a map (filled shapes) keeps a
    readable width, key and all, on a narrow screen and scrolls sideways in a box of its
    own, which the keyboard can reach."""
    wide = any(trace.type == "heatmap" or getattr(trace, "fill", None) == "toself"
               for trace in result.figure.data)
    graph = dcc.Graph(id=graph_id(chart.id), figure=result.figure, config=GRAPH_CONFIG,
                      className="graph graph-wide" if wide else "graph")
    if not wide:
        return graph
    return html.Div(graph, className="graph-scroll", tabIndex="0", role="region",
                    **{"aria-label": f"{chart.name} (scrolls sideways on a narrow screen)"})


LAZY_ROWS = 60  # a longer table is built when it is opened, not with the page


def table_view(chart: Chart, state: dict, result: ChartResult) -> html.Details:
    """"View as table": the chart's figures as an HTML table. A long one (a row per
    small area, say) is filled in when the reader opens it, so that pages with maps
    load as quickly as the others."""
    caption = f"{chart.name}: {result.subtitle}"
    if len(result.data) <= LAZY_ROWS:
        return html.Details([html.Summary("View as table"), data_table(result, caption)],
                            className="table-view")
    from dashboard.exports.packs import encode_items, make_item

    code = encode_items([make_item(chart.id, state)])
    return html.Details([
        html.Summary("View as table", id={"type": App.TABLE_OPEN, "item": code}, n_clicks=0),
        html.Div(html.P("Loading the table…", className="note"),
                 id={"type": App.TABLE_SLOT, "item": code}, **{"aria-live": "polite"}),
    ], className="table-view")


@callback(Output({"type": App.TABLE_SLOT, "item": MATCH}, "children"),
          Input({"type": App.TABLE_OPEN, "item": MATCH}, "n_clicks"), prevent_initial_call=True)
@accepts(ids={App.TABLE_OPEN: {"item": Text(MAX_ITEM_CODE)}})
def _fill_table(clicks):
    if not clicks:
        raise PreventUpdate
    from dashboard.exports.packs import PackError, decode_items

    try:
        item = decode_items(ctx.triggered_id["item"])[0]
        chart = registry.get(item.chart_id)
        result = chart.render(dict(item.state))
    except (PackError, KeyError):
        raise PreventUpdate from None
    except DataUnavailable as err:
        return message(f"This table cannot be shown right now: {err}.")
    return data_table(result, f"{chart.name}: {result.subtitle}")


def pack_button(chart: Chart, state: dict) -> html.Div:
    """"Add to pack": puts this chart, as shown, in the committee pack basket (see
    pages/pack.py). The button's name includes the chart's; the status beside it is a
    polite live region, so the confirmation is announced."""
    from dashboard.exports.packs import encode_items, make_item

    code = encode_items([make_item(chart.id, state)])
    return html.Div([
        html.Button("Add to pack", id={"type": PackIds.ADD, "item": code}, type="button",
                    n_clicks=0, className="pack-add",
                    **{"aria-label": f"Add to pack: {chart.name}"}),
        html.Span(id={"type": PackIds.STATUS, "item": code}, role="status",
                  className="pack-status"),
    ], className="pack-control")


def radio(control_id: str, legend: str, options: list[tuple[str, str]], value: str
          ) -> html.Fieldset:
    """A labelled set of toggle buttons, one pressed: native buttons, so every option is
    reachable with Tab and chosen with Enter or Space, and announced as pressed or not."""
    legend_id = f"{control_id}-legend"
    return html.Fieldset([
        html.Legend(legend, id=legend_id),
        html.Div([
            html.Button(label, id={"type": App.CHOICE, "control": control_id, "value": val},
                        type="button", className="choice", n_clicks=0,
                        **{"aria-pressed": "true" if val == value else "false"})
            for val, label in options
        ], role="group", className="choices", **{"aria-labelledby": legend_id}),
    ], className="control", id=control_id)


def page_header(title: str, intro: str) -> list:
    return [html.H1(title), html.P(intro, className="intro")]
