"""Decimal places: how many every output rounds a figure to, from the measure registry.

``measures.csv`` declares them per measure (blank there = the unit's default in
``etl/reports/units.py``), and the ETL writes them to ``measures.parquet``. Pages' tables,
hover labels, CSV, Excel and packs all ask here, so a figure reads the same everywhere.
"""

from __future__ import annotations

import logging

import pandas as pd

from dashboard.store.files import DataUnavailable, measures
from etl.reports.units import UNITS

log = logging.getLogger(__name__)
FALLBACK = 1  # a unit the registry does not know (never in the project's own charts)


def unit_places(unit: str) -> int:
    """The default places of a unit."""
    spec = UNITS.get(str(unit))
    if spec is None:
        log.warning("unit %r is not in etl/reports/units.py; rounding to %d place(s)", unit,
                    FALLBACK)
        return FALLBACK
    return spec.decimals


def _declared() -> pd.DataFrame:
    """Measure → unit and declared places (the unit's default where an older build of the
    processed data has no ``decimals`` column)."""
    try:
        table = measures()
    except DataUnavailable:
        return pd.DataFrame({"unit": pd.Series(dtype=str), "decimals": pd.Series(dtype=int)})
    if "decimals" in table:
        return table[["unit", "decimals"]]
    return table[["unit"]].assign(decimals=table["unit"].map(unit_places))


def places(rows: pd.DataFrame) -> pd.Series:
    """The places for each row (by its ``measure`` and ``unit``): the measure's declared
    places when the row is in the measure's own unit, otherwise its unit's default (a
    share the page works out from a count, say)."""
    if rows.empty:
        return pd.Series([], index=rows.index, dtype=int)
    declared = _declared()
    unit = rows["measure"].map(declared["unit"])
    own = rows["measure"].map(declared["decimals"])
    defaults = rows["unit"].map(lambda u: unit_places(u) if isinstance(u, str) else FALLBACK)
    return own.where(unit == rows["unit"], defaults).astype(int)


def measure_places(measure: str, unit: str | None = None) -> int:
    """The places of one measure (in ``unit``, its own unit by default)."""
    declared = _declared()
    if measure in declared.index and (unit is None or declared.at[measure, "unit"] == unit):
        return int(declared.at[measure, "decimals"])
    return unit_places(unit) if unit else FALLBACK
