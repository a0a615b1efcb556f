"""About the data: every dataset and its source, the validation flags, the licence."""

from __future__ import annotations

import dash
from dash import html

from dashboard import store as data
from dashboard.ui.text import BOUNDARIES, LICENCE
from dashboard.words import format as fmt

dash.register_page(__name__, path="/about", name="About the data", title="About the data",
                   order=99)

POLARITY_WORDS = {"up_good": "a rise is good", "down_good": "a fall is good",
                  "neutral": "neither a rise nor a fall is good in itself"}


def _table(caption: str, columns: list[str], rows: list[list[str]]) -> html.Table:
    return html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(c, scope="col") for c in columns])),
        html.Tbody([html.Tr([html.Td(v) for v in row]) for row in rows]),
    ], className="data-table")


def layout(**_query) -> html.Div:
    try:
        tables = data.tables()
        flags = data.flags()
        measures = data.measures()
        build = data.build_info()
    except data.DataUnavailable as err:
        return html.Div([html.H1("About the data"),
                         html.P(f"The data cannot be shown right now: {err}.",
                                className="message message-warning", role="status")])
    sources = tables.sort_values(["dataset", "source_id", "file"])
    flag_rows = flags.sort_values(["dataset", "check_id"])
    return html.Div([
        html.H1("About the data"),
        html.P("The figures on this site come from the partnership's published annual "
               "reports, typed in as printed and checked, and from the Department for "
               "Education's official statistics, read from its published files. Where a "
               "source's own figures disagree with each other, the published figure is kept "
               "and the disagreement is listed below.", className="intro"),
        html.P(f"Built {build['built_at'].replace('T', ' ')[:16]} UTC: "
               f"{build['figures']:,} figures in {len(build['datasets'])} datasets from "
               f"{build['tables']} tables."),
        html.H2("Where the reports disagree with themselves"),
        html.P(f"{len(flags)} place(s) found." if len(flags) else "None found."),
        _table("Validation flags: the figure as published, what the report's other figures "
               "imply, and why they differ",
               ["Dataset", "Area", "Period", "Published", "Expected", "What differs"],
               [[r["dataset"], r["area_name"], r["period"], fmt.number(r["published"]),
                 fmt.number(round(r["expected"], 2)), r["message"]]
                for _, r in flag_rows.iterrows()]),
        html.H2("Datasets and their sources"),
        _table("Each table transcribed from the reports",
               ["Dataset", "Source document", "Table or section", "Notes"],
               [[r["dataset"], r["source_title"], r["source_table"], r["notes"]]
                for _, r in sources.iterrows()]),
        html.H2("What each measure means"),
        _table("Measures: plain-language label, description, unit and which way is good",
               ["Measure", "Description", "Unit", "Which way is good"],
               [[r["label"], r["description"], fmt.unit_label(r["unit"]),
                 POLARITY_WORDS[r["polarity"]]] for _, r in measures.iterrows()]),
        html.H2("Licence"),
        html.P(LICENCE),
        html.P(BOUNDARIES),
    ])
