"""The data catalogue's ids and what its tables hold: the releases and report datasets
that match a search, each as rows of text, and where each indicator is explored.

Pure functions of the store's lists (``dashboard.store.releases``): no chart here, so
nothing is registered.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from urllib.parse import urlencode

from dashboard.ids import Page
from dashboard.words import format as fmt

log = logging.getLogger(__name__)

PAGE = Page.DATA
EXPLORE = "/explore"  # the any-indicator explorer: ?measure=<id>
MAX_QUERY = 100  # characters of a search kept
LEVEL_WORDS = {"national": "England", "regional": "regions", "local_authority":
               "local authorities", "ward": "wards", "lsoa": "small areas (LSOAs)"}


class Ids(StrEnum):
    SEARCH = PAGE.id("search")
    QUERY = PAGE.id("q")
    FOUND = PAGE.id("found")
    RELEASES = PAGE.id("releases")
    REPORTS = PAGE.id("reports")


def clean(query: str | None) -> str:
    """The search as typed, on one line and at most ``MAX_QUERY`` characters."""
    return " ".join(str(query or "").split())[:MAX_QUERY]


def _words(query: str) -> list[str]:
    return clean(query).casefold().split()


def _hit(words: list[str], *texts) -> bool:
    """Whether every word of the search is in one of ``texts``."""
    haystack = " ".join(str(t) for t in texts if t is not None).casefold()
    return all(w in haystack for w in words)


def _indicator_texts(ind: dict) -> tuple:
    return ind["label"], ind["measure"], ind["unit"], fmt.unit_label(ind["unit"] or "")


def search(entries: list[dict], query: str, own: tuple[str, ...]) -> list[dict]:
    """The entries (releases or report datasets) that match ``query``: an entry whose own
    texts (the keys ``own``) match keeps every indicator, another keeps the indicators
    that match, and one with none is left out. No query: every entry."""
    words = _words(query)
    if not words:
        return entries
    out = []
    for entry in entries:
        texts = [" ".join(map(str, v)) if isinstance(v, list) else v
                 for v in (entry.get(key) for key in own)]
        if _hit(words, *texts):
            out.append(entry)
            continue
        kept = [i for i in entry["indicators"] if _hit(words, *_indicator_texts(i))]
        if kept:
            out.append({**entry, "indicators": kept})
    return out


RELEASE_KEYS = ("title", "file", "dataset", "years", "levels")
REPORT_KEYS = ("dataset", "sources", "years")


def explore_href(measure: str) -> str:
    return f"{EXPLORE}?{urlencode({'measure': measure})}"


def levels_words(levels: list[str]) -> str:
    return ", ".join(LEVEL_WORDS.get(lv, lv.replace("_", " ")) for lv in levels) or "—"


def when(iso: str | None) -> str:
    """``2026-12-02T00:15:58+00:00`` as ``2026-12-02 00:15 UTC``."""
    return f"{iso.replace('T', ' ')[:16]} UTC" if iso else "—"


def release_row(entry: dict) -> list:
    return [entry["title"], entry["file"], entry["years"] or "—", levels_words(entry["levels"]),
            fmt.number(entry["rows"]) if entry["rows"] is not None else "—",
            when(entry["imported_at"]), str(len(entry["indicators"]))]


def report_row(entry: dict) -> list:
    return ["; ".join(entry["sources"]), entry["dataset"], str(entry["tables"]),
            entry["years"] or "—", fmt.number(entry["rows"]), str(len(entry["indicators"]))]


def indicator_row(ind: dict) -> list:
    """Indicator (a link to the explorer), its id, unit and how many authorities have it."""
    return [(ind["label"], explore_href(ind["measure"])), ind["measure"],
            fmt.unit_label(ind["unit"] or "") or "—", fmt.number(ind["authorities"])]


RELEASE_COLUMNS = ["Release", "File", "Years", "Geographic levels", "Rows", "Imported at",
                   "Indicators"]
REPORT_COLUMNS = ["Annual report(s)", "Dataset", "Tables", "Years", "Rows", "Indicators"]
INDICATOR_COLUMNS = ["Indicator", "Measure id", "Unit", "Authorities with a figure"]


def found_words(releases: list[dict], reports: list[dict], query: str) -> str:
    """What the search found, in words."""
    count = sum(len(e["indicators"]) for e in [*releases, *reports])
    entries = len(releases) + len(reports)
    what = (f"{entries} release{'s' if entries != 1 else ''} or report dataset"
            f"{'s' if entries != 1 else ''} and {count} indicator{'s' if count != 1 else ''}")
    return f"{what} match \u201c{clean(query)}\u201d." if clean(query) else f"{what} in all."
