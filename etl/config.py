"""Every path the project uses, anchored to this file and overridable by environment."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser().resolve() if value else default


def raw_dir() -> Path:
    """Hand-edited input: the reports' tables, manifests and registries."""
    return _path("SAFEGUARDING_RAW_DIR", ROOT / "data" / "raw")


def processed_dir() -> Path:
    """ETL output, rebuilt on every run and never edited by hand."""
    return _path("SAFEGUARDING_PROCESSED_DIR", ROOT / "data" / "processed")


def local_dir() -> Path:
    """Small-area extracts from the case management system: personal data, never committed."""
    return _path("SAFEGUARDING_LOCAL_DIR", ROOT / "data" / "local")


def external_dir() -> Path:
    """Official releases (DfE, ONS, IoD, boundaries) that are never committed."""
    return _path("SAFEGUARDING_EXTERNAL_DIR", ROOT / "data" / "external")


DEFAULT_AUTHORITY = "E08000027"  # Dudley


def authority() -> str:
    """ONS code of the local authority the dashboard is about (Dudley unless overridden).

    Its old three-digit DfE number (Dudley's is 332) is looked up in the DfE
    releases themselves.
    """
    return os.environ.get("SAFEGUARDING_AUTHORITY", "").strip().upper() or DEFAULT_AUTHORITY


# Processed-data contract: column order of every dataset file.
CONTRACT_COLUMNS = [
    "measure",
    "breakdown",
    "breakdown_value",
    "period",
    "period_type",
    "period_start",
    "period_end",
    "area_code",
    "area_name",
    "geographic_level",
    "value",
    "unit",
    "status",
    "source",
    "source_id",
    "source_table",
]

TOTAL = "Total"

# Official-statistics datasets (dfe_*) carry these columns after the contract's:
# the DfE's old three-digit LA number, the region, the count and denominator a
# rate or percentage was computed from, its 95% and 99.8% confidence limits,
# the comparison with England and the rank and quartile among local authorities.
OFFICIAL_EXTRA_COLUMNS = [
    "old_la_code",
    "region_code",
    "numerator",
    "denominator",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "compared_with_england",
    "rank",
    "rank_of",
    "quartile",
]
