"""Overview: one tile per headline measure, each linking to its theme page."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import figures
from dashboard import store as data
from dashboard.store.series import year_ending_march
from dashboard.words import format as fmt
from dashboard.words.headlines import ARROWS, headline

dash.register_page(__name__, path="/", name="Overview", title="Overview", order=0)

DUDLEY, ENGLAND = "E08000027", "E92000001"
# (dataset, measure, page path, comparator measure or None)
TILES = [
    ("contacts", "contacts", "/contacts", None),
    ("contacts", "referrals_rate_per_10000", "/contacts", "referrals_rate_per_10000"),
    ("s47", "s47_enquiries", "/section-47", None),
    ("s47", "icpcs", "/section-47", None),
    ("cp_plans", "cp_plans_at_31_march", "/child-protection-plans", "cp_plans_rate_per_10000"),
    ("children_in_care", "children_in_care", "/children-in-care", None),
    ("racist_incidents", "racist_incidents", "/racist-incidents", None),
    ("training", "training_multi_agency_people", "/training", None),
    ("section11", "section11_overall_average", "/section-11", None),
]


def _comparator(dataset: str, measure: str) -> str | None:
    rows = year_ending_march(data.select(dataset, measure, areas=[DUDLEY, ENGLAND]))
    ours, england = rows[rows["area_code"] == DUDLEY], rows[rows["area_code"] == ENGLAND]
    shared = sorted(set(ours["period"]) & set(england["period"]))
    if not shared:
        return None
    period = shared[-1]
    mine = ours[ours["period"] == period].iloc[0]
    theirs = england[england["period"] == period].iloc[0]
    label = data.measure(measure)["label"]
    return (f"{label}, {period}: Dudley {fmt.value(mine['value'], mine['unit'])}; "
            f"England {fmt.value(theirs['value'], theirs['unit'])}")


def tile(dataset: str, measure: str, href: str, comparator: str | None) -> html.Li:
    info = data.measure(measure)
    rows = year_ending_march(data.select(dataset, measure, areas=[DUDLEY]))
    head = headline(rows, info["label"], info["polarity"])
    heading_id = f"tile-{measure}"
    if head is None:
        body = [html.P("No published figures.")]
    else:
        body = [
            html.P([head.number, html.Span(f" {head.unit}", className="unit")
                    if head.unit else None], className="big"),
            html.P(head.period, className="period"),
        ]
        if head.change:
            body.append(html.P([
                html.Span(ARROWS[head.direction], **{"aria-hidden": "true"}),
                f" {head.change}: {head.judgement_words}",
            ], className=f"change {head.judgement}"))
        if len(rows) > 1:
            body.append(html.Div(dcc.Graph(figure=figures.sparkline(rows),
                                           config={"staticPlot": True},
                                           className="sparkline"),
                                 **{"aria-hidden": "true"}))
        if comparator:
            text = _comparator(dataset, comparator)
            if text:
                body.append(html.P(text, className="comparator"))
    body.append(dcc.Link(f"More on {info['label'].lower()}", href=href))
    return html.Li([html.H2(info["label"], id=heading_id), *body], className="tile")


def tile_or_message(dataset: str, measure: str, href: str, comparator: str | None
                    ) -> html.Li:
    """The tile, or, when its figures cannot be read or are not published, why not:
    the other tiles are still shown."""
    try:
        return tile(dataset, measure, href, comparator)
    except data.DataUnavailable as err:
        label = data.measure(measure)["label"]
        return html.Li([html.H2(label, id=f"tile-{measure}"),
                        html.P(f"This figure cannot be shown right now: {err}.",
                               className="message message-warning", role="status"),
                        dcc.Link(f"More on {label.lower()}", href=href)], className="tile")


def layout(**_query) -> html.Div:
    try:
        tiles = [tile_or_message(*spec) for spec in TILES]
    except data.DataUnavailable as err:
        return html.Div([html.H1("Overview"),
                         html.P(f"The figures cannot be shown right now: {err}.",
                                className="message message-warning", role="status")])
    return html.Div([
        html.H1("How well are children being protected in Dudley?"),
        html.P("The latest figure for each theme, how it has changed since the year before, "
               "and what that change means. Colour is only a guide: each change is also "
               "described in words.", className="intro"),
        html.Ul(tiles, className="tiles"),
    ])
