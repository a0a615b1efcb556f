"""The data API's page: what it serves, its addresses and parameters, and examples for
pandas, R and Power Query written for this server, a real measure and the configured
authority (``dashboard.words.api_examples``)."""

from __future__ import annotations

import dash
from dash import dcc, html
from flask import has_request_context, request

from dashboard import store
from dashboard.ids import Page
from dashboard.store import catalogue
from dashboard.ui.catalogue import link_table
from dashboard.ui.components import page_header
from dashboard.ui.tables import scroll_box
from dashboard.ui.titles import page_title
from dashboard.words.api_examples import PREFIX, Examples

PAGE = Page.API
dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

PARAMETERS = [
    ["measure", "Measure id(s), separated by commas: see /measures (this or dataset)"],
    ["dataset", "Dataset name(s): see /datasets"],
    ["area", "Area code(s): ONS codes such as England's, a region's or an authority's"],
    ["level", "Geographic level(s): national, regional, local_authority, ward, lsoa"],
    ["period", "Period label(s) as the source prints them: 2023-24, 2024-03-31"],
    ["breakdown, breakdown_value", "A breakdown and its value(s); Total for headline figures"],
    ["limit, offset", "Rows a page (up to 10,000; 1,000 unless given) and rows to skip"],
    ["format", "json (the default) or csv; or ask for /figures.csv"],
]


def _base() -> str:
    root = request.host_url.rstrip("/") if has_request_context() else "http://localhost:8050"
    return root + PREFIX


def _example_measure() -> str:
    """The official measure most authorities have (else the first measure)."""
    found = catalogue.measures()
    if not found:
        raise store.DataUnavailable("no measure is in the processed data")
    return max(found, key=lambda m: (m["release"] is not None, m["authorities"]))["measure"]


def _code(title: str, text: str, language: str) -> list:
    return [html.H3(title),
            scroll_box(html.Pre(html.Code(text, className=f"language-{language}"),
                                className="code-example"), f"{title} example")]


def layout(**_query) -> html.Div:
    try:
        examples = Examples(_base(), _example_measure(), store.profile().code)
    except store.DataUnavailable as err:
        return html.Div([html.H1(PAGE.title),
                         html.P(f"The data cannot be shown right now: {err}.",
                                className="message message-warning", role="status")])
    return html.Div([
        *page_header(PAGE.title,
                     "The figures behind these pages, for your own tools (Power BI, Excel, "
                     "R, pandas), as JSON or CSV. It serves what the pages show: suppressed "
                     "figures have no value and the status c, and figures not yet "
                     "published need you to be signed in. The examples below ask for "
                     f"{store.profile().name}'s figures ({store.profile().code})."),
        html.P(["The ", dcc.Link(Page.DATA.title, href=Page.DATA.path),
                " lists every release and indicator. The API is described, for tools that "
                "read it, by its ",
                html.A("OpenAPI document", href=examples.url("/openapi.json")), "."]),
        html.H2("Addresses", className="section-heading"),
        link_table("What the examples below read", ["What", "Address"],
                   [[what, (url, url)] for what, url in examples.urls.items()]),
        link_table("Parameters of /figures", ["Parameter", "What it selects"], PARAMETERS),
        html.P("Each answer of /figures gives the total and the addresses of the next and "
               "previous pages (in the CSV's X-Total-Count and Link headers). Answers carry "
               "an ETag: ask again with If-None-Match and an unchanged answer is not sent. "
               "Errors are JSON naming the parameter at fault; too many requests from one "
               "address in a minute get 429."),
        html.H2("Examples", className="section-heading"),
        *_code("pandas", examples.pandas, "python"),
        *_code("R", examples.r, "r"),
        *_code("Power Query (Power BI, Excel)", examples.power_query, "powerquery"),
    ])
