"""Data access: the one place the app reads processed files.

Charts and pages use this package's names: ``store.select(...)``, ``store.profile()``,
``store.measure(...)``, ``store.DataUnavailable`` …
"""

from dashboard.store.areas import comparator_choices, comparators, compared_codes
from dashboard.store.files import (
    DataUnavailable,
    Restricted,
    build_info,
    check,
    dataset,
    flags,
    frame,
    hidden,
    measure,
    measures,
    restricted,
    tables,
    version,
)
from dashboard.store.official import neighbour_codes, release_source
from dashboard.store.places import measure_places, places, unit_places
from dashboard.store.profile import authorities, profile
from dashboard.store.series import (
    has_reports,
    own_reports,
    select,
    table_notes,
    with_roles,
    year_ending_march,
)

__all__ = [
    "DataUnavailable",
    "Restricted",
    "authorities",
    "build_info",
    "check",
    "comparator_choices",
    "comparators",
    "compared_codes",
    "dataset",
    "flags",
    "frame",
    "has_reports",
    "hidden",
    "measure",
    "measure_places",
    "measures",
    "neighbour_codes",
    "own_reports",
    "places",
    "profile",
    "release_source",
    "restricted",
    "select",
    "table_notes",
    "tables",
    "unit_places",
    "version",
    "with_roles",
    "year_ending_march",
]
