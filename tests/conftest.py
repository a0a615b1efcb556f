"""Shared fixtures: the real ETL run once on the repository's data/raw."""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from etl import config
from etl.pipeline import run

DUDLEY, WEST_MIDLANDS, ENGLAND = "E08000027", "E12000005", "E92000001"
SEED_VARIABLE = "SAFEGUARDING_TEST_SEED"


def pytest_configure(config) -> None:
    """Choose the seed of the randomly picked authorities once, before any xdist worker
    starts (the workers inherit it), so that every worker picks the same ones."""
    if not os.environ.get(SEED_VARIABLE):
        os.environ[SEED_VARIABLE] = str(random.SystemRandom().randrange(10**6))


def pytest_report_header(config) -> str:
    return (f"authorities picked with {SEED_VARIABLE}={os.environ[SEED_VARIABLE]} "
            "(set it to repeat a run)")


@dataclass
class Processed:
    """Read access to one ETL output folder, for asserting published figures."""

    root: Path  # the output folder: versions/ and the current link (etl.io.versions)
    external: Path | None = None  # the external folder the build read

    @property
    def path(self) -> Path:
        """The current version's files (``<root>/current``: nothing switches it here)."""
        return self.root / "current"

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
def external(tmp_path_factory) -> Path:
    """The external folder the session's ETL reads.

    ``SAFEGUARDING_EXTERNAL_DIR`` as it is, unless it has a ``dfe_more/`` folder (releases
    kept apart until the ETL reads them: see ``../shared/public/README.md``). Then a
    temporary folder of symlinks to everything in it (``boundaries/``, ``imd/``, ``lait/``
    …), whose ``dfe/`` holds every file of its ``dfe/`` and of ``dfe_more/``: as if they
    had been moved into ``dfe/``, which is where a user puts them (the ETL imports any
    file in the EES layout, curated or not).
    """
    source = config.settings().external_dir
    more = source / "dfe_more"
    if not more.is_dir() or not (source / "dfe").is_dir():
        return source
    folder = tmp_path_factory.mktemp("external")
    for entry in sorted(source.iterdir()):
        if entry.name not in ("dfe", "dfe_more"):
            (folder / entry.name).symlink_to(entry.resolve())
    dfe = folder / "dfe"
    dfe.mkdir()
    for path in sorted((source / "dfe").iterdir()):
        (dfe / path.name).symlink_to(path.resolve())
    for path in sorted(more.glob("*.csv")):
        if not (dfe / path.name).exists():
            (dfe / path.name).symlink_to(path.resolve())
    return folder


@pytest.fixture(scope="session")
def processed(tmp_path_factory, external) -> Processed:
    """The ETL's output for the repository's own raw data, built once per test session.

    The official releases are imported too when the external folder (``external``: CI's
    ``../shared/public``, with the releases of its ``dfe_more/`` that the ETL reads) has a
    ``dfe/`` folder.
    """
    out = tmp_path_factory.mktemp("processed")
    # No extracts: the small-area maps use the synthetic sample, whatever data/local holds.
    os.environ["SAFEGUARDING_LOCAL_DIR"] = str(tmp_path_factory.mktemp("no-extracts"))
    run(config.settings().raw_dir, out, external=external)
    return Processed(out, external)


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A private copy of data/raw that a test may edit freely."""
    target = tmp_path / "raw"
    shutil.copytree(config.settings().raw_dir, target)
    return target


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright, one per test session (per xdist worker),
    shared by every browser test: Playwright's sync API runs one at a time in a process.
    Each test has a context of its own (``tests/dashboard/conftest.page``)."""
    from playwright.sync_api import sync_playwright

    from tests.dashboard.browser import CHROMIUM, FLAGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()
