"""Assessments completed, by duration (c2), from ``dfe_more/`` of the shared folder, read
by the session's build as if it were in ``dfe/`` (see tests/conftest.py).

Figures are checked against the file itself, read here with the ``csv`` module: Dudley
2024 completed 3,185 assessments, 2,233 of them within 45 working days (70.1%); in 2014
it recorded none (the year assessments changed form), so there is no share that year.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from etl import config
from etl.official.catalogue import RELEASES

# The day bands of the within-45-days share, as the releases file defines it.
_WITHIN = next(i for r in RELEASES for i in r.items
               if i.measure == "dfe_assessments_within_45_days_pct")
WITHIN_45_DAYS = _WITHIN.columns
OVER_45_DAYS = tuple(c for c in _WITHIN.denominator if c not in WITHIN_45_DAYS)

DUDLEY, ENGLAND = "E08000027", "E92000001"
FILE = "c2_children_in_need_assessments_duration_2014_to_2024.csv"
PATH = config.settings().external_dir / "dfe_more" / FILE
DATASET = "dfe_assessments"


@pytest.fixture(scope="module")
def published() -> dict[tuple[str, str], dict[str, str]]:
    """The file's rows by (year, area code): England's and each authority's."""
    assert PATH.is_file(), f"no {FILE} in {PATH.parent}: set SAFEGUARDING_EXTERNAL_DIR"
    with open(PATH, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return {(r["time_period"], r["new_la_code"] or r["country_code"]): r for r in rows
            if r["geographic_level"] in ("National", "Local authority")}


def _one(processed, measure: str, end: str, area: str = DUDLEY) -> pd.Series:
    rows = processed.rows(DATASET, measure, area=area)
    rows = rows[rows["period_end"].astype(str).str.startswith(end)]
    assert len(rows) == 1, (measure, end, area, len(rows))
    return rows.iloc[0]


@pytest.mark.parametrize("area", [DUDLEY, ENGLAND])
def test_2024_counts_and_the_45_day_share_equal_the_file(processed, published, area):
    row = published[("2024", area)]
    count = int(row["Assessments_completed"])
    within = sum(int(row[c]) for c in WITHIN_45_DAYS)
    every = within + sum(int(row[c]) for c in OVER_45_DAYS)
    assert _one(processed, "dfe_assessments", "2024-03-31", area)["value"] == count
    share = _one(processed, "dfe_assessments_within_45_days_pct", "2024-03-31", area)
    assert (share["numerator"], share["denominator"]) == (within, every)
    assert share["value"] == pytest.approx(round(100 * within / every, 1))
    rate = _one(processed, "dfe_assessments_rate_per_10000", "2024-03-31", area)
    assert rate["numerator"] == count and rate["unit"] == "rate_per_10000"
    # the ONS estimate behind every rate here: within 1% of the file's own rate
    assert rate["value"] == pytest.approx(float(row["Assessments_completed_rate"]), rel=0.01)


def test_dudley_2024_is_worse_than_england_and_a_year_with_none_has_no_share(processed):
    dudley = _one(processed, "dfe_assessments_within_45_days_pct", "2024-03-31")
    assert dudley["value"] == 70.1 and dudley["compared_with_england"] == "worse"
    none = _one(processed, "dfe_assessments_within_45_days_pct", "2014-03-31")
    assert _one(processed, "dfe_assessments", "2014-03-31")["value"] == 0
    assert pd.isna(none["value"]) and none["status"] == "z"
    measures = pd.read_parquet(processed.path / "measures.parquet").set_index("measure")
    assert measures.loc["dfe_assessments_within_45_days_pct", "polarity"] == "up_good"


def test_the_release_is_recorded_and_raises_no_flag(processed):
    summary = json.loads((processed.path / "build.json").read_text())
    entry = summary["releases"][FILE]
    assert {k: entry[k] for k in ("release", "dataset", "years", "curated")} == {
        "release": "Assessments completed, by duration (c2)", "dataset": DATASET,
        "years": "2013-14 to 2023-24", "curated": True}
    assert entry["measures"] == ["dfe_assessments", "dfe_assessments_rate_per_10000",
                                 "dfe_assessments_within_45_days_pct"]
    assert not processed.flags()["dataset"].eq(DATASET).any()
