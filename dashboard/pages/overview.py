"""Overview: one tile per headline measure, each linking to its theme page (the figures and
words are worked out in dashboard.charts.overview)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import store
from dashboard.charts.overview import PAGE, TileFigures, tiles
from dashboard.ui.components import message
from dashboard.ui.titles import page_title
from dashboard.words.headlines import ARROWS

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

INTRO = ("The latest figure for each theme, how it has changed since the year before, and "
         "what that change means. Colour is only a guide: each change is also described in "
         "words.")


def tile(figs: TileFigures) -> html.Li:
    """One tile: the figure, its change in words, a sparkline and the comparison; or why
    the figure cannot be shown."""
    head = figs.headline
    if figs.error is not None:
        body = [html.P(f"This figure cannot be shown right now: {figs.error}.",
                       className="message message-warning", role="status")]
    elif head is None:
        body = [html.P("No published figures.")]
    else:
        body = [
            html.P([head.number, html.Span(f" {head.unit}", className="unit")
                    if head.unit else None], className="big"),
            html.P(head.period, className="period"),
        ]
        if figs.change:
            body.append(html.P([html.Span(ARROWS[head.direction], **{"aria-hidden": "true"}),
                                f" {figs.change}"], className=f"change {head.judgement}"))
        spark = figs.sparkline()
        if spark is not None:
            body.append(html.Div(dcc.Graph(figure=spark, config={"staticPlot": True},
                                           className="sparkline"), **{"aria-hidden": "true"}))
        if figs.comparison:
            body.append(html.P(figs.comparison, className="comparator"))
    body.append(dcc.Link(figs.link, href=figs.href))
    return html.Li([html.H2(figs.label, id=figs.tile.id), *body], className="tile")


def layout(**_query) -> html.Div:
    try:
        me = store.profile()
        shown, notice = tiles()
    except store.DataUnavailable as err:
        return html.Div([html.H1(PAGE.title),
                         message(f"The figures cannot be shown right now: {err}.")])
    parts = [html.H1(f"How well are children being protected in {me.name}?"),
             html.P(INTRO, className="intro")]
    if notice:
        parts.append(message(notice, "info"))
    if shown:
        parts.append(html.Ul([tile(f) for f in shown], className="tiles"))
    return html.Div(parts)
