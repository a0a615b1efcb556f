"""Overview: today's position on each theme, the system on one page, then the annual
reports' own figures (the figures and words are worked out in dashboard.charts.overview)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import charts as registry
from dashboard import store
from dashboard.charts.overview import CONTINUUM, PAGE, Ids, TileFigures, reports, today
from dashboard.charts.overview_today import Position
from dashboard.figures import spark
from dashboard.ui.components import chart_card, message, slot_id
from dashboard.ui.titles import page_title
from dashboard.words.headlines import ARROWS

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

INTRO = ("Where things stand now: the newest figure on each theme, from the Department for "
         "Education's official statistics or the partnership's annual reports, whichever "
         "covers the later year, with the year and the source named. Colour is only a "
         "guide: each change and comparison is also described in words.")
AGAINST_ENGLAND = ("Higher, lower, better or worse than England means the gap is too wide to "
                   "put down to chance: England's figure is outside the range the "
                   "authority's figure could reasonably have had (its 95% confidence "
                   "interval). Similar means it is inside that range.")


def _unavailable(error: str) -> list:
    return [html.P(f"This figure cannot be shown right now: {error}.",
                   className="message message-warning", role="status")]


def _spark(figure) -> html.Div | None:
    """The tile's trend as a small picture (decoration: the tile says it in words)."""
    if figure is None:
        return None
    return html.Div(html.Img(src=spark.data_uri(figure), alt="", className="sparkline"),
                    **{"aria-hidden": "true"})


def position_tile(pos: Position) -> html.Li:
    """One theme: the figure, when it is for and where it comes from, its change and how it
    compares with England; or why the figure cannot be shown."""
    if pos.error is not None:
        body = _unavailable(pos.error)
    elif pos.kind is None:
        body = [html.P("No published figures.")]
    else:
        body = [
            html.P(pos.label, className="measure"),
            html.P([pos.number, html.Span(f" {pos.unit}", className="unit") if pos.unit
                    else None], className="big"),
            html.P(f"{pos.when}, {pos.source}", className="period"),
        ]
        if pos.provenance:
            body.append(html.P(pos.provenance, className="period"))
        if pos.change:
            body.append(html.P([html.Span(pos.arrow, **{"aria-hidden": "true"}),
                                f" {pos.change}"], className=f"change {pos.judgement}"))
        if pos.england:
            body.append(html.P(pos.england, className="comparator"))
        spark = _spark(pos.sparkline())
        if spark is not None:
            body.append(spark)
    body.append(dcc.Link(pos.theme.link, href=pos.theme.href))
    return html.Li([html.H3(pos.theme.name, id=pos.theme.tile), *body],
                   className=f"tile tile-{pos.kind or 'none'}")


def report_tile(figs: TileFigures) -> html.Li:
    """One of the reports' figures, with the year it covers and its report, its change, a
    sparkline and the comparison; or why the figure cannot be shown."""
    head = figs.headline
    if figs.error is not None:
        body = _unavailable(figs.error)
    elif head is None:
        body = [html.P("No published figures.")]
    else:
        body = [
            html.P([head.number, html.Span(f" {head.unit}", className="unit")
                    if head.unit else None], className="big"),
            html.P(figs.when, className="period"),
        ]
        if figs.change:
            body.append(html.P([html.Span(ARROWS[head.direction], **{"aria-hidden": "true"}),
                                f" {figs.change}"], className=f"change {head.judgement}"))
        spark = _spark(figs.sparkline())
        if spark is not None:
            body.append(spark)
        if figs.comparison:
            body.append(html.P(figs.comparison, className="comparator"))
    body.append(dcc.Link(figs.link, href=figs.href))
    return html.Li([html.H3(figs.label, id=figs.tile.id), *body], className="tile")


def levels_of_need() -> html.Section:
    """The levels of need the chart's steps sit in, in words, under the chart."""
    items = [html.Li([html.Strong(f"{lv.name}: "), f"{lv.words}."]) for lv in CONTINUUM.levels]
    return _section(Ids.LEVELS, "Levels of need",
                    html.P(f"Partnerships describe children's needs on a continuum. Every "
                           f"step in the chart above is level {CONTINUUM.statutory}.",
                           className="intro"),
                    html.Ol(items, className="levels"),
                    html.P(CONTINUUM.before), html.P(CONTINUUM.domestic_abuse))


def _section(heading_id: str, heading: str, *parts) -> html.Section:
    return html.Section([html.H2(heading, id=heading_id), *(p for p in parts if p)],
                        className="overview-section", **{"aria-labelledby": heading_id})


def layout(**_query) -> html.Div:
    try:
        me = store.profile()
        shown, notice = today()
        earlier, about = reports()
    except store.DataUnavailable as err:
        return html.Div([html.H1(PAGE.title),
                         message(f"The figures cannot be shown right now: {err}.")])
    parts = [html.H1(f"How well are children being protected in {me.name}?"),
             html.P(INTRO, className="intro")]
    if notice:
        parts.append(message(notice, "info"))
    if shown:
        parts.append(_section(Ids.TODAY, "Today's position",
                              html.Ul([position_tile(p) for p in shown], className="tiles"),
                              html.P(AGAINST_ENGLAND, className="note")))
    system = registry.get(Ids.SYSTEM)
    parts.append(html.Div(chart_card(system, {}), id=slot_id(system.id), className="slot"))
    parts.append(levels_of_need())
    if earlier:
        parts.append(_section(Ids.REPORTS, "From the annual reports",
                              html.P(about, className="intro") if about else None,
                              html.Ul([report_tile(f) for f in earlier], className="tiles")))
    return html.Div(parts)
