"""Shared fixtures: the real ETL run once on the repository's data/raw."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from etl import config
from etl.pipeline import run

DUDLEY, WEST_MIDLANDS, ENGLAND = "E08000027", "E12000005", "E92000001"


@dataclass
class Processed:
    """Read access to one ETL output folder, for asserting published figures."""

    path: Path

    def frame(self, dataset: str) -> pd.DataFrame:
        return pd.read_parquet(self.path / f"{dataset}.parquet")

    def rows(self, dataset: str, measure: str, period: str | None = None,
             area: str = DUDLEY, breakdown_value: str = "Total") -> pd.DataFrame:
        df = self.frame(dataset)
        mask = (df["measure"] == measure) & (df["area_code"] == area)
        if breakdown_value is not None:
            mask &= df["breakdown_value"] == breakdown_value
        if period is not None:
            mask &= df["period"] == period
        return df[mask]

    def value(self, dataset: str, measure: str, period: str, area: str = DUDLEY,
              breakdown_value: str = "Total") -> float:
        """The one published value for these keys (fails if there is not exactly one)."""
        rows = self.rows(dataset, measure, period, area, breakdown_value)
        assert len(rows) == 1, (
            f"expected one {measure} row for {area}, {period}, {breakdown_value}; "
            f"found {len(rows)}")
        return float(rows["value"].iloc[0])

    def status(self, dataset: str, measure: str, period: str, area: str = DUDLEY,
               breakdown_value: str = "Total") -> str | None:
        rows = self.rows(dataset, measure, period, area, breakdown_value)
        assert len(rows) == 1
        status = rows["status"].iloc[0]
        return None if pd.isna(status) else str(status)

    def flags(self) -> pd.DataFrame:
        return pd.read_parquet(self.path / "validation.parquet")


@pytest.fixture(scope="session")
def processed(tmp_path_factory) -> Processed:
    """The ETL's output for the repository's own raw data, built once per test session.

    The official releases are imported too when ``SAFEGUARDING_EXTERNAL_DIR``
    (CI: ``../shared/public``) has a ``dfe/`` folder.
    """
    out = tmp_path_factory.mktemp("processed")
    # No extracts: the small-area maps use the synthetic sample, whatever data/local holds.
    os.environ["SAFEGUARDING_LOCAL_DIR"] = str(tmp_path_factory.mktemp("no-extracts"))
    run(config.settings().raw_dir, out, external=config.settings().external_dir)
    return Processed(out)


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A private copy of data/raw that a test may edit freely."""
    target = tmp_path / "raw"
    shutil.copytree(config.settings().raw_dir, target)
    return target
