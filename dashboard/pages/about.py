"""About the data: which authority the dashboard is for (and how to add its reports), every
dataset and its source, the validation flags, the measures and the licence. Only the
partnership's own annual reports and the official statistics are listed."""

from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboard import store
from dashboard.ids import Page
from dashboard.ui.components import page_header
from dashboard.ui.tables import scroll_box
from dashboard.ui.text import BOUNDARIES, LICENCE
from dashboard.ui.titles import page_title
from dashboard.words import format as fmt

PAGE = Page.ABOUT
dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)

POLARITY_WORDS = {"up_good": "a rise is good", "down_good": "a fall is good",
                  "neutral": "neither a rise nor a fall is good in itself"}
FLAG_KEYS = ["measure", "area_code", "period", "breakdown_value"]


def _table(caption: str, columns: list[str], rows: list[list[str]]) -> html.Div:
    return scroll_box(html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(c, scope="col") for c in columns])),
        html.Tbody([html.Tr([html.Td(v) for v in row]) for row in rows]),
    ], className="data-table"), caption)


def own_flags(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags on figures from the partnership's own reports or the official statistics
    (a flag is on one figure: its dataset, measure, area, period and breakdown)."""
    keep: set = set()
    for name, group in flags.groupby("dataset", sort=False):
        try:
            rows = store.dataset(name)
        except store.DataUnavailable:
            continue
        own = store.own_reports(rows)
        if len(own) == len(rows):  # nobody else's reports in this dataset
            keep.update(group.index)
            continue
        found = group[FLAG_KEYS].reset_index().merge(own[FLAG_KEYS].drop_duplicates(),
                                                     on=FLAG_KEYS)
        keep.update(found["index"])
    return flags[flags.index.isin(keep)]


def own_measures(measures: pd.DataFrame, tables: pd.DataFrame) -> pd.DataFrame:
    """The measures, less those of datasets whose every table is another partnership's."""
    foreign = set(tables["dataset"]) - set(store.own_reports(tables)["dataset"])
    column = "dataset" if "dataset" in measures.columns else "theme"
    return measures[~measures[column].isin(foreign)]


def _authority(me, reports: pd.DataFrame) -> list:
    """Which authority the dashboard is set up for, and its reports (or how to add them)."""
    number = f", LA number {me.la_number}" if me.la_number else ""
    region = f"; region: {me.region.name}" if me.region else ""
    parts = [
        html.H2("The authority"),
        html.P(f"This dashboard is set up for {me.name} (ONS code {me.code}{number}{region}), "
               f"for {me.partnership}. Another authority is chosen by its ONS code in "
               "SAFEGUARDING_AUTHORITY or data/raw/settings.toml."),
    ]
    if not reports.empty:
        titles = list(dict.fromkeys(reports.sort_values("source_id")["source_title"]))
        parts.append(html.P(f"{me.name}'s annual reports in the data: "
                            + "; ".join(titles) + "."))
        return parts
    return [
        *parts,
        html.P(f"The tables of {me.name}'s annual reports have not been added yet, so the "
               f"pages show the official statistics for {me.name} only, and say so where a "
               "chart needs a report. To add a report's tables:"),
        html.Ol([
            html.Li(["Add a row for the report to ", html.Code("data/raw/sources.csv"),
                     f", with {me.code} in its area column."]),
            html.Li(["Make a folder ", html.Code("data/raw/reports/<source_id>/"),
                     " with one CSV per table (measures as rows, periods as columns) and a ",
                     html.Code("manifest.csv"), " naming each file's dataset, table, unit, "
                     f"period type and area ({me.code})."]),
            html.Li(["Add any new measures to ", html.Code("data/raw/measures.csv"),
                     " (and new places or organisations to ", html.Code("data/raw/areas.csv"),
                     ")."]),
            html.Li(["Run ", html.Code("make etl"), "."]),
        ], className="steps"),
        html.P(["The README (\u201cAdding next year's figures\u201d) and ",
                html.Code("data/raw/README.md"), " describe each file."]),
    ]


def layout(**_query) -> html.Div:
    me = store.profile()
    try:
        tables = store.tables()
        flags = store.flags()
        measures = store.measures()
        build = store.build_info()
    except store.DataUnavailable as err:
        return html.Div([html.H1(PAGE.title),
                         html.P(f"The data cannot be shown right now: {err}.",
                                className="message message-warning", role="status")])
    reports = tables[tables["source_id"].isin(me.sources)]
    sources = store.own_reports(tables).sort_values(["dataset", "source_id", "file"])
    flag_rows = own_flags(flags).sort_values(["dataset", "check_id"])
    which = ("the partnership's published annual reports, typed in as printed and checked, "
             "and from " if not reports.empty else "")
    return html.Div([
        *page_header(PAGE.title,
                     f"The figures on this site about {me.name} come from {which}the "
                     "Department for Education's official statistics, read from its "
                     "published files. Where a source's own figures disagree with each other, "
                     "the published figure is kept and the disagreement is listed below."),
        *_authority(me, reports),
        html.P(f"Built {build['built_at'].replace('T', ' ')[:16]} UTC: "
               f"{build['figures']:,} figures in {len(build['datasets'])} datasets from "
               f"{build['tables']} tables."),
        html.H2(f"Where the {'reports' if which else 'official statistics'} disagree with "
                "themselves"),
        html.P(f"{len(flag_rows)} place(s) found." if len(flag_rows) else "None found."),
        _table("Validation flags: the figure as published, what the report's other figures "
               "imply, and why they differ",
               ["Dataset", "Area", "Period", "Published", "Expected", "What differs"],
               [[r["dataset"], r["area_name"], r["period"], fmt.number(r["published"]),
                 fmt.number(round(r["expected"], 2)), r["message"]]
                for _, r in flag_rows.iterrows()]),
        html.H2("Datasets and their sources"),
        _table("Each table transcribed from the reports" if which else
               "Each table read from the official releases",
               ["Dataset", "Source document", "Table or section", "Notes"],
               [[r["dataset"], r["source_title"], r["source_table"], r["notes"]]
                for _, r in sources.iterrows()]),
        html.H2("What each measure means"),
        _table("Measures: plain-language label, description, unit and which way is good",
               ["Measure", "Description", "Unit", "Which way is good"],
               [[r["label"], r["description"], fmt.unit_label(r["unit"]),
                 POLARITY_WORDS[r["polarity"]]]
                for _, r in own_measures(measures, tables).iterrows()]),
        html.H2("Licence"),
        html.P(LICENCE),
        html.P(BOUNDARIES),
    ])
