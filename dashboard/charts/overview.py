"""The overview: today's position on each theme, the system on one page, and the annual
reports' own headline figures, each with the year it covers (the page only lays them out).

What the overview shows is data, in ``overview.toml`` beside this module, read once at
import: the themes of today's position and their measures
(``dashboard.charts.overview_today``), the steps of the chart of the system and the
levels of need (``dashboard.charts.overview_flow``, registered here as ``Ids.SYSTEM``),
and the reports' tiles (below).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, store
from dashboard.charts import overview_flow
from dashboard.charts.overview_flow import Continuum, Level, Step
from dashboard.charts.overview_today import Theme, listed, positions, source_title, when
from dashboard.ids import Page
from dashboard.store.series import year_ending_march
from dashboard.words import format as fmt
from dashboard.words.headlines import Headline, headline

PAGE = Page.OVERVIEW
SPEC_FILE = Path(__file__).with_name("overview.toml")


class Ids(StrEnum):
    """The heading of each tile, the page's sections and its chart."""

    # today's position: one tile per theme
    CHILDREN_IN_NEED = "overview-children-in-need"
    REFERRALS = "overview-referrals"
    SECTION_47 = "overview-section-47"
    CHILD_PROTECTION_PLANS = "overview-child-protection-plans"
    CHILDREN_IN_CARE = "overview-children-in-care"
    RACIST_INCIDENTS = "overview-racist-incidents"
    TRAINING = "overview-training"
    SECTION_11 = "overview-section-11"
    # the annual reports' own figures
    REPORT_CONTACTS = "overview-report-contacts"
    REPORT_REFERRAL_RATE = "overview-report-referral-rate"
    REPORT_SECTION_47 = "overview-report-section-47-enquiries"
    REPORT_CONFERENCES = "overview-report-initial-conferences"
    REPORT_CHILD_PROTECTION_PLANS = "overview-report-child-protection-plans"
    REPORT_CHILDREN_IN_CARE = "overview-report-children-in-care"
    # sections and the chart
    TODAY = "overview-today"
    REPORTS = "overview-reports"
    LEVELS = "overview-levels"
    SYSTEM = "overview-system"


@dataclass(frozen=True)
class Tile:
    """One tile of the reports' figures: a headline measure, the page that says more, and
    (optionally) the measure compared with England."""

    id: Ids
    dataset: str
    measure: str
    page: Page
    comparator: str | None = None


def _pair(value: list[str] | None) -> tuple[str, str] | None:
    return (value[0], value[1]) if value else None


def load(path: Path = SPEC_FILE) -> tuple[tuple[Theme, ...], tuple[Tile, ...],
                                         tuple[Step, ...], Continuum]:
    """The overview's themes, report tiles, steps and levels of need from its data file;
    a tile id that is not one of ``Ids`` or a page that does not exist stops the import."""
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    themes = tuple(Theme(str(Ids(t["tile"])), t["name"], Page(t["page"]), t.get("query", ""),
                         _pair(t.get("official")), _pair(t.get("report")))
                   for t in spec["theme"])
    tiles = tuple(Tile(Ids(t["tile"]), t["dataset"], t["measure"], Page(t["page"]),
                       t.get("comparator")) for t in spec["report_tile"])
    steps = tuple(Step(s["name"], s["dataset"], s["rate"], s["count"]) for s in spec["step"])
    levels = spec["levels"]
    nfa = spec["no_further_action"]
    continuum = Continuum(tuple(Level(lv["number"], lv["name"], lv["words"])
                                for lv in spec["level"]), levels["statutory"],
                          levels["before"], levels["domestic_abuse"],
                          (nfa["dataset"], nfa["measure"]))
    return themes, tiles, steps, continuum


THEMES, TILES, STEPS, CONTINUUM = load()

overview_flow.register(PAGE, Ids.SYSTEM, "The system on one page", STEPS, CONTINUUM)


def today():
    """Today's position: the tiles to draw and a notice naming the themes left out (see
    ``overview_today.positions``)."""
    return positions(THEMES)


# --- the annual reports' own figures ------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TileFigures:
    """What one report tile shows. ``error`` says why its figures cannot be read right now;
    ``headline`` is None when none are published."""

    tile: Tile
    label: str
    rows: pd.DataFrame
    headline: Headline | None = None
    comparison: str | None = None
    error: str | None = None
    when: str = ""  # "Year to 31 March 2012, <the report's title>"

    @property
    def href(self) -> str:
        return self.tile.page.path

    @property
    def link(self) -> str:
        return f"More on {self.label.lower()}"

    @property
    def change(self) -> str | None:
        """``down 0.3% on 2010-11: a fall is neither good nor bad in itself``."""
        head = self.headline
        return f"{head.change}: {head.judgement_words}" if head and head.change else None

    def sparkline(self) -> go.Figure | None:
        """The series as a tiny trend line, when there is more than one figure."""
        return figures.sparkline(self.rows) if len(self.rows) > 1 else None


def comparison(dataset: str, measure: str) -> str | None:
    """``Children on a plan per 10k, 2011-12: <authority> 44.5 per 10,000 children; England
    …``: the authority and England in the latest year both have."""
    me = store.profile()
    rows = year_ending_march(store.select(dataset, measure, areas=[me.code, me.england.code]))
    ours, england = rows[rows["role"] == "authority"], rows[rows["role"] == "england"]
    shared = sorted(set(ours["period"]) & set(england["period"]))
    if not shared:
        return None
    period = shared[-1]
    mine = ours[ours["period"] == period].iloc[0]
    theirs = england[england["period"] == period].iloc[0]
    label = store.measure(measure)["label"]
    return (f"{label}, {period}: {me.name} {fmt.value(mine['value'], mine['unit'])}; "
            f"{me.england.name} {fmt.value(theirs['value'], theirs['unit'])}")


def figures_of(tile: Tile) -> TileFigures:
    """The tile's figures, or (when they cannot be read) why not."""
    me = store.profile()
    info = store.measure(tile.measure)
    try:
        rows = year_ending_march(store.select(tile.dataset, tile.measure, areas=[me.code]))
        head = headline(rows, info["label"], info["polarity"])
        compared = comparison(tile.dataset, tile.comparator) if head and tile.comparator \
            else None
        published = rows.dropna(subset=["value"]).sort_values("period_start")
        said = f"{when(published.iloc[-1])}, {source_title(published.iloc[-1])}" \
            if head else ""
    except store.DataUnavailable as err:
        return TileFigures(tile, info["label"], pd.DataFrame(), error=str(err))
    return TileFigures(tile, info["label"], rows, head, compared, when=said)


def from_missing_reports(figs: TileFigures) -> bool:
    """A tile with no figures because the authority's annual reports are not in the data."""
    return figs.error is None and figs.rows.empty and not store.has_reports(figs.tile.dataset)


def reports() -> tuple[list[TileFigures], str | None]:
    """The report tiles to draw (none when the authority's reports are not in the data:
    today's position says so), and a line saying how old they are. Raises
    ``store.DataUnavailable`` when the measures themselves cannot be read."""
    shown = [f for f in (figures_of(tile) for tile in TILES) if not from_missing_reports(f)]
    published = [f.rows.dropna(subset=["value"]) for f in shown if f.headline]
    if not published:
        return shown, None
    latest = max((rows.sort_values("period_end").iloc[-1] for rows in published),
                 key=lambda row: row["period_end"])
    name = store.profile().name
    newest = fmt.year_words(latest["period"], latest["period_type"], latest["period_end"])
    return shown, (f"The figures {name}'s annual reports printed, each with the year it "
                   f"covers (the newest: {newest}). Where the official statistics cover the "
                   "same theme, today's position above shows whichever is newer.")


__all__ = ["CONTINUUM", "PAGE", "STEPS", "THEMES", "TILES", "Ids", "Theme", "Tile",
           "TileFigures", "listed", "reports", "today"]
