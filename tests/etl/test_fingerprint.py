"""Fingerprints (etl/fingerprint.py): which stages a change of input or of code rebuilds.

Planned against a recorded version, without building: a private copy of data/raw, of the
etl package (so that its code can be changed) and an external folder of links.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from etl import fingerprint
from etl.fingerprint import STAGES, Where

from .folders import linked_copy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def setup(tmp_path, external, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    package = tmp_path / "etl"
    shutil.copytree(ROOT / "etl", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "PACKAGE", package)
    ext = tmp_path / "external"
    linked_copy(external, ext)
    local = tmp_path / "local"
    local.mkdir()
    where = Where(raw, ext, local, raw, "E08000027")
    version = tmp_path / "version"
    (version / fingerprint.STAGE_FOLDER).mkdir(parents=True)
    first = fingerprint.plan(where, None)
    record = first.record({"reports": ["cp_plans.parquet"]}, ["measures.parquet"])
    (version / fingerprint.FILE).write_text(json.dumps(record), encoding="utf-8")
    for name in ("cp_plans.parquet", "measures.parquet",
                 *(f"{fingerprint.STAGE_FOLDER}/{s}.pickle" for s in STAGES)):
        (version / name).write_bytes(b"kept")
    return where, version, package


def _edit(path: Path, text: str = "\n# changed\n") -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_the_first_plan_rebuilds_everything_and_the_same_inputs_nothing(setup):
    where, version, _ = setup
    assert set(fingerprint.plan(where, None).rebuild) == set(STAGES)
    again = fingerprint.plan(where, version)
    assert again.nothing_changed and again.reuse == list(STAGES)
    assert set(fingerprint.plan(where, version, full=True).rebuild) == set(STAGES)


def test_a_file_touched_but_not_changed_is_no_change(setup):
    where, version, package = setup
    for path in (where.raw / "measures.csv", package / "pipeline.py"):
        os.utime(path, (1, 1))
    assert fingerprint.plan(where, version).nothing_changed


def test_a_report_table_is_an_input_of_the_reports_alone(setup):
    where, version, _ = setup
    table = next((where.raw / "reports").rglob("cp_table1.csv"))
    _edit(table, "")  # the same bytes: nothing
    table.write_text(table.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    plan = fingerprint.plan(where, version)
    assert list(plan.rebuild) == ["reports"]
    assert "raw:reports/" in plan.rebuild["reports"] and "cp_table1.csv changed" in \
        plan.rebuild["reports"]


def test_a_stage_module_changed_rebuilds_its_stage_and_those_after_it(setup):
    where, version, package = setup
    _edit(package / "official" / "importer.py")
    plan = fingerprint.plan(where, version)
    assert set(plan.rebuild) == {"releases", "smallareas"}
    assert plan.rebuild["releases"] == "etl:official/importer.py changed"
    assert "stage releases is rebuilt" in plan.rebuild["smallareas"]


def test_a_module_imported_inside_a_function_is_an_input_too(setup):
    where, version, package = setup
    # etl/smallareas/build.py imports the disclosure module inside a function
    assert package / "smallareas" / "disclosure.py" in \
        fingerprint.code_files(fingerprint.ROOTS["smallareas"])
    _edit(package / "smallareas" / "disclosure.py")
    assert list(fingerprint.plan(where, version).rebuild) == ["smallareas"]


def test_the_pipeline_changed_rebuilds_every_stage(setup):
    where, version, package = setup
    _edit(package / "pipeline.py")
    assert set(fingerprint.plan(where, version).rebuild) == set(STAGES)


def test_the_authority_and_the_extracts_are_inputs_of_the_small_areas(setup):
    where, version, _ = setup
    other = Where(where.raw, where.external, where.local, where.settings_raw, "E10000034")
    plan = fingerprint.plan(other, version)
    assert list(plan.rebuild) == ["smallareas"]
    assert "setting:authority changed" in plan.rebuild["smallareas"]
    (where.local / "E08000027").mkdir()
    (where.local / "E08000027" / "extract.csv").write_text("lsoa_code\n", encoding="utf-8")
    assert list(fingerprint.plan(where, version).rebuild) == ["smallareas"]


def test_a_missing_output_or_kept_result_rebuilds_its_stage(setup):
    where, version, _ = setup
    (version / "cp_plans.parquet").unlink()
    plan = fingerprint.plan(where, version)
    assert plan.rebuild == {"reports": "cp_plans.parquet is missing from version version"}
    (version / "cp_plans.parquet").write_bytes(b"kept")
    (version / fingerprint.STAGE_FOLDER / "boundaries.pickle").unlink()
    assert list(fingerprint.plan(where, version).rebuild) == ["boundaries"]


def test_a_missing_joined_output_is_rewritten_from_the_kept_stages(setup):
    where, version, _ = setup
    (version / "measures.parquet").unlink()
    plan = fingerprint.plan(where, version)
    assert not plan.rebuild and plan.missing_outputs == ["measures.parquet"]
    assert not plan.nothing_changed


def test_fingerprints_of_another_format_are_no_previous_build(setup):
    where, version, _ = setup
    recorded = json.loads((version / fingerprint.FILE).read_text())
    recorded["format"] = fingerprint.FORMAT + 1
    (version / fingerprint.FILE).write_text(json.dumps(recorded))
    plan = fingerprint.plan(where, version)
    assert plan.previous is None and set(plan.rebuild) == set(STAGES)
