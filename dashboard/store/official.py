"""Official statistics: where a release's figures come from, and the authority's neighbours."""

from __future__ import annotations

import pandas as pd

from dashboard.store import files
from dashboard.store.profile import profile

RATE_NOTE = ("rates worked out per 10,000 children aged 0 to 17 from ONS mid-year "
             "population estimates for the year before")


def release_source(dataset: str, unit: str) -> str:
    """One short source line for a release: its title and file, and how rates were made."""
    tables = files.tables()
    rows = tables[tables["dataset"] == dataset]
    if rows.empty:
        return "Department for Education official statistics"
    text = "; ".join(f"{row['source_title']}, {row['file'].split('/')[-1]}"
                     for _, row in rows.iterrows())
    if unit == "rate_per_10000":
        text += f"; {RATE_NOTE}"
    return text


def neighbour_codes() -> list[str]:
    """The authority's statistical neighbours, nearest first (none when DfE's groupings
    predate it)."""
    return [area.code for area in profile().neighbours]


def series(dataset: str, measure: str) -> pd.DataFrame:
    """Every area's rows of one official measure (headline rows only)."""
    rows = files.dataset(dataset)
    return rows[(rows["measure"] == measure) & (rows["breakdown_value"] == "Total")]
