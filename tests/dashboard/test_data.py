"""The data-access module: reads once, notices a rebuilt file, fails plainly."""

import os
import shutil

import pandas as pd
import pytest

from dashboard import store as data


@pytest.fixture
def private_processed(processed, tmp_path, monkeypatch):
    target = tmp_path / "processed"
    shutil.copytree(processed.path, target)
    monkeypatch.setenv("SAFEGUARDING_PROCESSED_DIR", str(target))
    return target


def test_frames_are_cached_until_the_file_changes(private_processed):
    first = data.dataset("cp_plans")
    assert data.dataset("cp_plans") is first, "a second read should come from the cache"
    frame = pd.read_parquet(private_processed / "cp_plans.parquet")
    frame.loc[frame.index[0], "value"] = 999.0
    frame.to_parquet(private_processed / "cp_plans.parquet")
    stat = os.stat(private_processed / "cp_plans.parquet")
    os.utime(private_processed / "cp_plans.parquet", ns=(stat.st_atime_ns,
                                                         stat.st_mtime_ns + 10**9))
    again = data.dataset("cp_plans")
    assert again is not first and again["value"].iloc[0] == 999.0


def test_a_missing_file_is_reported_plainly(private_processed):
    (private_processed / "training.parquet").unlink()
    with pytest.raises(data.DataUnavailable, match=r"training\.parquet has not been built"):
        data.dataset("training")
    assert not data.dataset("cp_plans").empty, "other datasets keep working"


def test_a_corrupt_file_is_reported_plainly(private_processed):
    (private_processed / "s47.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(data.DataUnavailable, match=r"s47\.parquet could not be read"):
        data.dataset("s47")


def test_select_filters_breakdowns_and_periods(private_processed):
    totals = data.select("s47", "strategy_discussions")
    assert set(totals["breakdown_value"]) == {"Total"}
    assert not totals["period_type"].str.endswith("_average").any()
    assert len(data.select("s47", "strategy_discussions", periods="all")) == len(totals) + 1
    cats = data.select("cp_plans", "cp_plans_at_31_march", breakdown="category_of_harm")
    assert set(cats["breakdown_value"]) == {"Neglect", "Physical", "Sexual", "Emotional",
                                            "Multiple"}
    assert data.measure("cp_plans_at_31_march")["polarity"] == "neutral"


def test_missing_official_statistics_are_explained(private_processed):
    (private_processed / "dfe_cp_plans.parquet").unlink()
    with pytest.raises(data.DataUnavailable, match="official statistics have not been "
                                                   "imported"):
        data.dataset("dfe_cp_plans")
