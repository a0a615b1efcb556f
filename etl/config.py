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


def external_dir() -> Path:
    """Official releases (DfE, ONS, IoD, boundaries) that are never committed."""
    return _path("SAFEGUARDING_EXTERNAL_DIR", ROOT / "data" / "external")


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
