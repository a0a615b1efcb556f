"""The committee pack page's names and the figures its words need (it draws no chart of its
own: a pack is made of the other pages' charts, see ``dashboard.exports.packs``)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from dashboard import store
from dashboard.ids import Page

PAGE = Page.PACK


class Ids(StrEnum):
    CHARTS_HEADING = "pack-charts-heading"
    ANNOUNCE = "pack-announce"
    CONTENTS = "pack-contents"
    COVER_HEADING = "pack-cover-heading"
    TITLE = "pack-title"
    PERIOD = "pack-period"
    DOWNLOAD_HEADING = "pack-download-heading"
    DOWNLOADS = "pack-downloads"
    PRESETS_HEADING = "pack-presets-heading"
    FOCUS = "pack-focus"
    FOCUS_DONE = "pack-focus-done"
    ITEM = "pack-item"  # each chart's heading in the list: pack-item-<position>
    DOWNLOAD = "pack-download"  # the finished pack's download link
    JOB = "pack-job"  # the pack being made: {"id": job id, "ext": format}
    POLL = "pack-poll"  # asks how far it has got, every second while it is being made
    PROGRESS = "pack-progress"  # how far it has got, and the file when it is ready
    # The ``type`` of pattern-matching ids: the Move up / Move down / Remove buttons, and
    # the "Add to pack" button and its status on every chart card (dashboard.ui.components)
    ACTION = "pack-action"
    MAKE = "pack-make"  # a "Make" button: {"type": MAKE, "ext": format}
    ADD = "pack-add"
    STATUS = "pack-status"


@lru_cache(maxsize=8)
def _latest_year(_version: tuple) -> str | None:
    latest = None
    try:
        names = store.own_reports(store.tables())["dataset"].unique()
    except store.DataUnavailable:
        return None
    for name in names:
        try:
            rows = store.own_reports(store.dataset(name))
        except store.DataUnavailable:
            continue
        if not {"period", "period_type", "period_end"} <= set(rows.columns):
            continue
        years = rows[rows["period_type"] == "financial_year"]
        if years.empty:
            continue
        last = years.sort_values("period_end").iloc[-1]
        if latest is None or str(last["period_end"]) > latest[0]:
            latest = (str(last["period_end"]), str(last["period"]))
    return latest[1] if latest else None


def latest_year() -> str | None:
    """The latest financial year in the partnership's figures (its own reports and the
    official statistics), or None when there are none."""
    return _latest_year(store.version())
