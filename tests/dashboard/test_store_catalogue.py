"""The catalogue's data access (dashboard/store/catalogue.py, listing.py) on the session's
real build, without a server: every release with what the data says of it, the figures
query and its paging, what a viewer may not see, and the fields the ETL may record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path, PurePath

import pandas as pd
import pytest

from dashboard.store import catalogue, files, listing

from .helpers import DUDLEY, WORCESTERSHIRE, authority

LOCAL = "smallarea"


def _build(processed) -> dict:
    return json.loads((processed.path / "build.json").read_text(encoding="utf-8"))


def test_every_release_in_build_json_is_listed_with_what_its_rows_hold(processed_for_app):
    processed = processed_for_app
    built = _build(processed)["releases"]
    found = {r["file"]: r for r in listing.releases()}
    assert set(found) == set(built)
    checked = 0
    for file, info in built.items():
        entry = found[file]
        assert entry["title"] == info["release"] and entry["dataset"] == info["dataset"]
        if info["dataset"] in _build(processed)["lookups"]:
            assert entry["indicators"] == [] and entry["lookup"]
            continue
        table = processed.frame(info["dataset"])
        # the rows of the file's own table, and those worked out from them naming the file
        mine = table[(table["source_table"] == PurePath(file).stem)
                     | ((table["source_table"] == "derived")
                        & table["source"].str.contains(file, regex=False))]
        assert not mine.empty, file
        ids = {i["measure"] for i in entry["indicators"]}
        # the file's own measures, and rates worked out here from them
        assert ids >= set(mine["measure"]), file
        extra = table[table["measure"].isin(ids - set(mine["measure"]))]
        assert set(extra["source_table"]) <= {"derived"}, file
        theirs = table[table["measure"].isin(ids)]
        assert set(entry["levels"]) == set(theirs["geographic_level"])
        assert entry["rows"] == len(theirs)
        assert entry["imported_at"] == info.get("imported_at", _build(processed)["built_at"])
        for ind in entry["indicators"]:
            las = table[(table["measure"] == ind["measure"])
                        & (table["geographic_level"] == "local_authority")
                        & table["value"].notna()]  # with a figure, not only a symbol
            assert ind["authorities"] == las["area_code"].nunique() > 100
        checked += 1
    assert checked >= 5
    # two releases of one dataset (child protection plans d3 and d5) share no indicator
    by_dataset: dict = {}
    for entry in found.values():
        by_dataset.setdefault(entry["dataset"], []).append(entry)
    shared = [group for group in by_dataset.values() if len(group) > 1]
    assert shared
    for group in shared:
        ids = [{i["measure"] for i in e["indicators"]} for e in group]
        assert all(ids) and not set.intersection(*ids)


def test_report_datasets_are_the_partnerships_own(processed_for_app):
    mine = {r["dataset"] for r in listing.reports()}
    assert "racist_incidents" in mine and not any(d.startswith("dfe_") for d in mine)
    with authority(WORCESTERSHIRE):
        assert listing.reports() == []  # no report of Worcestershire is transcribed


@pytest.fixture
def recorded(processed_for_app, tmp_path, monkeypatch):
    """A copy of the build whose build.json and measures.parquet carry what the ETL may
    record of each release (levels, rows, measures, import time; release, authorities)."""
    copy = tmp_path / "processed"
    shutil.copytree(processed_for_app.path, copy / "current", symlinks=True)
    build = json.loads((copy / "current" / "build.json").read_text(encoding="utf-8"))
    file = next(f for f, i in build["releases"].items() if i["dataset"] == "dfe_cp_plans")
    measures = pd.read_parquet(copy / "current" / "measures.parquet")
    chosen = measures.loc[measures["dataset"] == "dfe_cp_plans", "measure"].iloc[0]
    build["releases"][file].update(levels=["national"], rows=42, measures=[chosen],
                                   imported_at="2030-01-02T03:04:05+00:00", curated=False,
                                   breakdowns={"duration": ["Under 3 months"]})
    (copy / "current" / "build.json").write_text(json.dumps(build), encoding="utf-8")
    measures["release"] = [file if m == chosen else None for m in measures["measure"]]
    measures["authorities"] = 7
    measures.to_parquet(copy / "current" / "measures.parquet")
    monkeypatch.setenv("SAFEGUARDING_PROCESSED_DIR", str(copy))
    return file, chosen


def test_what_build_json_records_of_a_release_is_used(recorded):
    file, chosen = recorded
    entry = next(r for r in listing.releases() if r["file"] == file)
    assert [i["measure"] for i in entry["indicators"]] == [chosen]
    assert entry["levels"] == ["national"] and entry["rows"] == 42
    assert entry["imported_at"] == "2030-01-02T03:04:05+00:00"
    assert entry["curated"] is False and entry["breakdowns"] == {"duration": ["Under 3 months"]}
    meta = catalogue.measure(chosen)
    assert meta["release"] == file and meta["authorities"] == 7


def _expected(processed, dataset: str, **where) -> pd.DataFrame:
    rows = processed.frame(dataset)
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows


def test_figures_are_filtered_and_paged_in_a_stable_order(processed_for_app):
    processed = processed_for_app
    measure = "dfe_cp_plans_at_31_march_rate_per_10000"
    query = catalogue.Query(measure=(measure,), level=("local_authority",))
    whole, total = catalogue.figures(query, 100000, 0)
    expected = _expected(processed, "dfe_cp_plans", measure=measure,
                         geographic_level="local_authority")
    assert total == len(whole) == len(expected) > 1000
    assert list(whole.columns) == catalogue.FIGURE_COLUMNS
    pages = [catalogue.figures(query, 700, offset)[0] for offset in range(0, total, 700)]
    assert pd.concat(pages, ignore_index=True).equals(whole)
    one = catalogue.figures(catalogue.Query(measure=(measure,), area=(DUDLEY,),
                                            period=("2024-03-31",)), 10, 0)[0]
    assert len(one) == 1
    assert one["value"].iloc[0] == processed.value("dfe_cp_plans", measure, "2024-03-31")


def test_suppressed_figures_keep_their_symbol_and_no_value(processed_for_app):
    measure = "dfe_cp_plans_2_years_or_more_pct"
    rows, _ = catalogue.figures(catalogue.Query(measure=(measure,)), 100000, 0)
    marked = rows[rows["status"] == "c"]
    assert len(marked) > 10 and marked["value"].isna().all()


def test_small_area_counts_from_1_to_5_never_leave_the_store(processed_for_app):
    counts = [m["measure"] for m in catalogue.measures()
              if m["dataset"] == LOCAL and m["unit"] == "count"]
    assert counts
    rows, total = catalogue.figures(catalogue.Query(measure=tuple(counts)), 10**6, 0)
    assert total > 1000 and set(rows["area_code"].str[:3]) >= {"E01"}
    assert not rows["value"].between(1, 5).any()
    assert (rows["status"] == "c").sum() > 100
    # only the configured authority's small areas
    local = pd.read_parquet(processed_for_app.path / f"{LOCAL}.parquet")
    assert len(rows) == int(((local["authority_code"] == DUDLEY)
                             & local["measure"].isin(counts)).sum())


def test_a_small_count_the_etl_let_through_is_served_as_c():
    table = pd.DataFrame({"unit": ["count", "count", "rate_per_10000"],
                          "value": [3.0, 9.0, 4.0], "status": [None, None, None]})
    out = catalogue._guarded(LOCAL, table)
    assert out["value"].isna().tolist() == [True, False, False]
    assert out["status"].tolist() == ["c", None, None]


def test_unknown_measures_and_datasets_are_named(processed_for_app):
    with pytest.raises(catalogue.NotFound) as err:
        catalogue.figures(catalogue.Query(measure=("no_such_measure",)), 10, 0)
    assert err.value.parameter == "measure"
    with pytest.raises(catalogue.NotFound) as err:
        catalogue.figures(catalogue.Query(dataset=("no_such",)), 10, 0)
    assert err.value.parameter == "dataset"
    with pytest.raises(catalogue.BadQuery):
        catalogue.figures(catalogue.Query(), 10, 0)


def test_another_partnerships_report_rows_are_never_served(processed_for_app):
    with authority(WORCESTERSHIRE):
        ids = {m["measure"] for m in catalogue.measures()}
        assert "racist_incidents" not in ids
        with pytest.raises(catalogue.NotFound):
            catalogue.figures(catalogue.Query(measure=("racist_incidents",)), 10, 0)
        rows, _ = catalogue.figures(catalogue.Query(dataset=(LOCAL,)), 10**6, 0)
        assert not rows.empty and not rows["area_name"].str.contains("Dudley").any()


@pytest.fixture
def restricted_build(processed_for_app, tmp_path, monkeypatch) -> Path:
    """A copy of the build with racist incidents restricted (as restricted.csv makes it)."""
    copy = tmp_path / "processed"
    shutil.copytree(processed_for_app.path, copy / "current", symlinks=True)
    path = copy / "current" / "build.json"
    build = json.loads(path.read_text(encoding="utf-8"))
    build["restricted"] = ["racist_incidents"]
    path.write_text(json.dumps(build), encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_PROCESSED_DIR", str(copy))
    return copy


def test_a_restricted_dataset_is_hidden_from_a_signed_out_viewer(restricted_build, app):
    from flask import g

    with app.server.test_request_context("/api/v1/measures"):
        g.user = None
        assert "racist_incidents" in files.hidden()
        assert "racist_incidents" not in {m["dataset"] for m in catalogue.measures()}
        assert "racist_incidents" not in {d["dataset"] for d in catalogue.datasets()}
        assert "racist_incidents" not in {r["dataset"] for r in listing.reports()}
        with pytest.raises(files.Restricted):
            catalogue.figures(catalogue.Query(measure=("racist_incidents",)), 10, 0)
        with pytest.raises(files.Restricted):
            catalogue.figures(catalogue.Query(dataset=("racist_incidents",)), 10, 0)
    with app.server.test_request_context("/api/v1/measures"):
        g.user = "someone"
        rows, total = catalogue.figures(catalogue.Query(measure=("racist_incidents",)), 10, 0)
        assert len(rows) == min(total, 10)
        assert total > 0 and "racist_incidents" in {d["dataset"] for d in catalogue.datasets()}
