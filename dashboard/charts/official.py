"""Official statistics beside the annual reports' figures on the theme pages.

A theme page can register a chart that continues one of its report measures with the DfE
series for the authority, its region and England, so a reader sees the reports' years and
the official years on one line, with the change of source marked. For an authority whose
reports are not in the data the chart is the official series alone.
"""

from __future__ import annotations

import pandas as pd

from dashboard import figures, store
from dashboard.charts.registry import ChartResult, chart, periods_of, source_of
from dashboard.store.series import year_ending_march
from dashboard.words import format as fmt
from dashboard.words import summaries

REPORT_NOTE = ("Dotted lines with crosses are the annual reports' own figures; solid lines "
               "are the Department for Education's official statistics, worked out the same "
               "way for every authority. Where both give a year, both are shown.")
OFFICIAL_NOTE = ("The Department for Education's official statistics, worked out the same "
                 "way for every authority.")


def combined(report: tuple[str, str], official: tuple[str, str]) -> pd.DataFrame:
    """The report's rows and the official rows for the same thing, one line per area (the
    authority, its region and England); ``variant`` marks the reports' rows."""
    areas = store.compared_codes()
    ours = store.select(report[0], report[1], areas=areas)
    theirs = store.select(official[0], official[1], areas=areas)
    theirs = theirs[[c for c in ours.columns if c in theirs.columns]]
    ours = year_ending_march(ours).assign(
        series=lambda f: f["area_name"] + " (annual report)", variant="report")
    theirs = year_ending_march(theirs).assign(series=lambda f: f["area_name"],
                                              variant="official")
    both = pd.concat([theirs, ours], ignore_index=True)
    order = {"authority": 0, "region": 1, "england": 2}
    both["_order"] = both["role"].map(order).fillna(9) + (both["variant"] == "report") * 0.5
    both = both.sort_values(["_order", "period_start"], kind="stable")
    return both.drop(columns="_order").reset_index(drop=True)


def register(page: str, chart_id: str, name: str, report: tuple[str, str],
             official: tuple[str, str]) -> None:
    """Add the combined chart of ``report`` (dataset, measure) and ``official`` to ``page``."""

    @chart(chart_id, page, name, official=True)
    def build(state: dict) -> ChartResult:
        me = store.profile()
        rows = combined(report, official)
        info = store.measure(official[1])
        fig = figures.trend(rows, series="series")
        notes = []
        first_official = rows[rows["variant"] == "official"]
        has_report = (rows["variant"] == "report").any()
        if has_report and not first_official.empty:
            start = first_official["period_start"].min()
            label = rows.loc[rows["period_start"] == start, "period"].iloc[0]
            fig.add_vline(x=label, line={"color": "#595959", "dash": "dot", "width": 1})
            fig.add_annotation(x=label, y=1, yref="paper", text="DfE statistics from here",
                               showarrow=False, xanchor="left", yanchor="bottom",
                               font={"size": 12, "color": "#595959"})
        notes.append(REPORT_NOTE if has_report else OFFICIAL_NOTE)
        mine = rows[(rows["role"] == "authority") & (rows["variant"] == "official")]
        if mine.empty:
            mine = rows[rows["role"] == "authority"]
        title = summaries.trend(mine, f"{info['label']} in {me.name}")
        sources = [store.release_source(official[0], info["unit"])]
        if has_report:
            sources.insert(0, source_of(rows[rows["variant"] == "report"]))
        return ChartResult(fig, rows.drop(columns=["series", "variant"]), title,
                           f"{info['label']} ({fmt.unit_label(info['unit'])}), "
                           f"{periods_of(rows)}", "; ".join(sources), notes)
