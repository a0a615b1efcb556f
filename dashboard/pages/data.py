"""The data catalogue: every imported release (title, file, years, geographic levels,
rows, when it was imported) and the datasets of the partnership's annual reports, each
with its indicators (unit, how many authorities have a figure, a link to explore it).

The search is a plain GET form (``/data?q=…``): it works from the keyboard, gives an
address that can be bookmarked or shared, and needs no callback.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import store
from dashboard.charts import data as cat
from dashboard.charts.data import Ids
from dashboard.ids import Page
from dashboard.store import listing as catalogue
from dashboard.ui.catalogue import link_table
from dashboard.ui.components import page_header
from dashboard.ui.titles import page_title

PAGE = Page.DATA
dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)


def _search(query: str) -> html.Form:
    return html.Form([
        html.Div([
            html.Label("Search releases and indicators", htmlFor=Ids.QUERY),
            dcc.Input(id=Ids.QUERY, name="q", type="search", value=query,
                      maxLength=cat.MAX_QUERY, className="pack-input"),
        ], className="pack-field"),
        html.Div([
            html.Button("Search", type="submit", className="pack-action"),
            *([dcc.Link("Show everything", href=PAGE.path)] if query else []),
        ], className="pack-actions"),
    ], id=Ids.SEARCH, action=PAGE.path, method="get", role="search",
        className="pack-fields")


def _indicators(title: str, entry: dict, opened: bool) -> html.Details:
    caption = f"Indicators of {title}"
    count = len(entry["indicators"])
    return html.Details([
        html.Summary(f"{caption} ({count})"),
        link_table(caption, cat.INDICATOR_COLUMNS,
                   [cat.indicator_row(i) for i in entry["indicators"]]),
    ], open=opened, className="table-view")


def _releases(entries: list[dict], opened: bool) -> list:
    if not entries:
        return [html.P("No imported release matches.")]
    out = [link_table("Official releases imported, with their years, geographic levels, "
                      "rows and when they were imported", cat.RELEASE_COLUMNS,
                      [cat.release_row(e) for e in entries], Ids.RELEASES)]
    for entry in entries:
        if entry["indicators"]:
            out.append(_indicators(entry["title"], entry, opened))
    return out


def _reports(entries: list[dict], opened: bool) -> list:
    if not entries:
        return [html.P("No dataset from the annual reports matches.")]
    out = [link_table("Datasets transcribed from the partnership's annual reports",
                      cat.REPORT_COLUMNS, [cat.report_row(e) for e in entries], Ids.REPORTS)]
    out += [_indicators(e["dataset"], e, opened) for e in entries]
    return out


def layout(q: str | None = None, **_query) -> html.Div:
    query = cat.clean(q)
    try:
        releases = cat.search(catalogue.releases(), query, cat.RELEASE_KEYS)
        reports = cat.search(catalogue.reports(), query, cat.REPORT_KEYS)
    except store.DataUnavailable as err:
        return html.Div([html.H1(PAGE.title),
                         html.P(f"The data cannot be shown right now: {err}.",
                                className="message message-warning", role="status")])
    opened = bool(query)
    return html.Div([
        *page_header(PAGE.title,
                     "Every official release the dashboard has imported and every table "
                     "transcribed from the partnership's annual reports, with their "
                     f"indicators. Choose an indicator to explore it for {store.profile().name} "
                     "against its neighbours, region and England; the same figures can be "
                     "read by your own tools through the data API."),
        html.P([dcc.Link(f"{Page.API.title}: examples for pandas, R and Power Query",
                         href=Page.API.path)]),
        _search(query),
        html.P(cat.found_words(releases, reports, query), id=Ids.FOUND, role="status"),
        html.H2("Official releases", className="section-heading"),
        *_releases(releases, opened),
        html.H2("From the partnership's annual reports", className="section-heading"),
        *_reports(reports, opened),
    ])
