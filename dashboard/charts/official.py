"""Official statistics beside the annual reports' figures on the theme pages.

Each theme page can register a chart that continues one of its measures with the
DfE series for Dudley, the West Midlands and England, so a reader sees the
reports' years and the official years on one line, with the change of source marked.
"""

from __future__ import annotations

import pandas as pd

from dashboard import figures
from dashboard.charts import ChartResult, chart, periods_of, source_of
from dashboard.store import files as data
from dashboard.ui.pagekit import year_ending_march
from dashboard.words import format as fmt
from dashboard.words import summaries

AREAS = ["E08000027", "E12000005", "E92000001"]


def combined(report: tuple[str, str], official: tuple[str, str],
             areas: list[str] | None = None) -> pd.DataFrame:
    """The report's rows and the official rows for the same thing, one line per area."""
    areas = areas or AREAS
    ours = data.select(report[0], report[1], areas=areas)
    theirs = data.select(official[0], official[1], areas=areas)
    theirs = theirs[[c for c in ours.columns if c in theirs.columns]]
    ours = year_ending_march(ours).assign(series=lambda f: f["area_name"] + " (annual report)")
    theirs = year_ending_march(theirs).assign(series=lambda f: f["area_name"])
    both = pd.concat([theirs, ours], ignore_index=True)
    return both.sort_values(["area_code", "period_start"]).reset_index(drop=True)


def release_source(dataset: str, unit: str) -> str:
    """One short source line for a release: its title and file, and how rates were made."""
    tables = data.tables()
    rows = tables[tables["dataset"] == dataset]
    if rows.empty:
        return "Department for Education official statistics"
    text = "; ".join(f"{row['source_title']}, {row['file'].split('/')[-1]}"
                     for _, row in rows.iterrows())
    if unit == "rate_per_10000":
        text += ("; rates worked out per 10,000 children aged 0 to 17 from ONS mid-year "
                 "population estimates for the year before")
    return text


def register(page: str, chart_id: str, name: str, report: tuple[str, str],
             official: tuple[str, str], areas: list[str] | None = None) -> None:
    """Add the combined chart to ``page``."""

    @chart(chart_id, page, name)
    def build(state: dict) -> ChartResult:
        rows = combined(report, official, areas)
        info = data.measure(report[1])
        order = {n: i for i, n in enumerate(["Dudley", "West Midlands", "England"])}
        rows["order"] = rows["area_name"].map(order).fillna(9) + rows["series"].str.endswith(
            ")") * 0.5
        rows = rows.sort_values(["order", "period_start"]).drop(columns="order")
        fig = figures.trend(rows, series="series")
        first_official = rows[rows["measure"] == official[1]]["period"]
        notes = []
        if not first_official.empty:
            start = rows.loc[rows["measure"] == official[1], "period_start"].min()
            label = rows.loc[rows["period_start"] == start, "period"].iloc[0]
            fig.add_vline(x=label, line={"color": "#595959", "dash": "dot", "width": 1})
            fig.add_annotation(x=label, y=1, yref="paper", text="DfE statistics from here",
                               showarrow=False, xanchor="left", yanchor="bottom",
                               font={"size": 12, "color": "#595959"})
            notes.append("Dotted lines with crosses are the annual reports' own figures; "
                         "solid lines are the Department for Education's official "
                         "statistics, worked out the same way for every authority. Where "
                         "both give a year, both are shown.")
        dudley = rows[(rows["area_code"] == AREAS[0]) & (rows["measure"] == official[1])]
        if dudley.empty:
            dudley = rows[rows["area_code"] == AREAS[0]]
        title = summaries.trend(dudley, f"{info['label']} in Dudley")
        source = "; ".join([source_of(rows[rows["measure"] == report[1]]),
                            release_source(official[0], info["unit"])])
        return ChartResult(fig, rows.drop(columns="series"), title,
                           f"{info['label']} ({fmt.unit_label(info['unit'])}), "
                           f"{periods_of(rows)}", source, notes)
