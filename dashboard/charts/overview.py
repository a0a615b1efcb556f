"""Overview tiles: which tiles there are, and each one's headline figure, change and
comparison, worked out from the data (the page only lays them out).

The tiles are not registry charts: each is the latest figure of one headline measure for
the authority, with its change on the year before, a sparkline and, for some, England's
figure for the same year.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, store
from dashboard.ids import Page
from dashboard.store.series import year_ending_march
from dashboard.words import format as fmt
from dashboard.words.headlines import Headline, headline

PAGE = Page.OVERVIEW


class Ids(StrEnum):
    """The heading of each tile."""

    CONTACTS = "overview-contacts"
    REFERRAL_RATE = "overview-referral-rate"
    SECTION_47 = "overview-section-47-enquiries"
    CONFERENCES = "overview-initial-conferences"
    CHILD_PROTECTION_PLANS = "overview-child-protection-plans"
    CHILDREN_IN_CARE = "overview-children-in-care"
    RACIST_INCIDENTS = "overview-racist-incidents"
    TRAINING = "overview-training"
    SECTION_11 = "overview-section-11"


@dataclass(frozen=True)
class Tile:
    """One tile: a headline measure, the page that says more, and (optionally) the measure
    compared with England."""

    id: Ids
    dataset: str
    measure: str
    page: Page
    comparator: str | None = None


TILES = (
    Tile(Ids.CONTACTS, "contacts", "contacts", Page.CONTACTS),
    Tile(Ids.REFERRAL_RATE, "contacts", "referrals_rate_per_10000", Page.CONTACTS,
         "referrals_rate_per_10000"),
    Tile(Ids.SECTION_47, "s47", "s47_enquiries", Page.SECTION_47),
    Tile(Ids.CONFERENCES, "s47", "icpcs", Page.SECTION_47),
    Tile(Ids.CHILD_PROTECTION_PLANS, "cp_plans", "cp_plans_at_31_march",
         Page.CHILD_PROTECTION_PLANS, "cp_plans_rate_per_10000"),
    Tile(Ids.CHILDREN_IN_CARE, "children_in_care", "children_in_care", Page.CHILDREN_IN_CARE),
    Tile(Ids.RACIST_INCIDENTS, "racist_incidents", "racist_incidents", Page.RACIST_INCIDENTS),
    Tile(Ids.TRAINING, "training", "training_multi_agency_people", Page.TRAINING),
    Tile(Ids.SECTION_11, "section11", "section11_overall_average", Page.SECTION_11),
)


@dataclass(frozen=True, eq=False)
class TileFigures:
    """What one tile shows. ``error`` says why its figures cannot be read right now;
    ``headline`` is None when none are published."""

    tile: Tile
    label: str
    rows: pd.DataFrame
    headline: Headline | None = None
    comparison: str | None = None
    error: str | None = None

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
    except store.DataUnavailable as err:
        return TileFigures(tile, info["label"], pd.DataFrame(), error=str(err))
    return TileFigures(tile, info["label"], rows, head, compared)


def from_missing_reports(figs: TileFigures) -> bool:
    """A tile with no figures because the authority's annual reports are not in the data."""
    return figs.error is None and figs.rows.empty and not store.has_reports(figs.tile.dataset)


NO_REPORTS = ("No tables from {name}'s annual reports are in the data yet, so the overview "
              "cannot show these figures, which come from the reports: {what}. The theme "
              "pages show the official statistics where there are any, and About the data "
              "says how to add a report's tables.")


def _listed(labels: list[str]) -> str:
    words = [label[0].lower() + label[1:] for label in labels]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def tiles() -> tuple[list[TileFigures], str | None]:
    """The tiles to draw, and a notice naming the tiles that cannot be drawn because the
    authority's annual reports are not in the data (None when every tile is drawn).
    Raises ``store.DataUnavailable`` when the measures themselves cannot be read."""
    every = [figures_of(tile) for tile in TILES]
    gone = [from_missing_reports(f) for f in every]
    missing = [f for f, out in zip(every, gone, strict=True) if out]
    shown = [f for f, out in zip(every, gone, strict=True) if not out]
    if not missing:
        return shown, None
    me = store.profile()
    return shown, NO_REPORTS.format(name=me.name, what=_listed([f.label for f in missing]))
