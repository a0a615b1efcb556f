"""The incremental ETL (etl/cli.py, etl/pipeline.py, etl/fingerprint.py), end to end.

Each test builds into its own output folder from a private copy of data/raw and of the
external folder (links to the shared releases; a file a test changes is a real copy),
changes one input, runs the command again and compares what it wrote with a build from
scratch of the same inputs: every Parquet file read back and compared frame by frame.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from etl import config
from etl.cli import main
from etl.io.versions import all_versions, current

from .folders import linked_copy

REPORT_TABLE = Path("reports/dudley_cs_equality_2010_11/racist_incidents_table2.csv")
AUTHORITY = "E08000027"


def _folders(root: Path) -> dict[str, Path]:
    return {"raw": root / "raw", "external": root / "external", "local": root / "local"}


@pytest.fixture(scope="module")
def first_build(tmp_path_factory, external) -> Path:
    """One first build for the module's tests, in ``work/``: private raw, external and local
    folders (the external one's files are links) and its output in ``out``; kept as it is
    in ``first/``. The folders' paths are inputs too, so each test works in ``work/``."""
    base = tmp_path_factory.mktemp("incremental")
    work = base / "work"
    folders = _folders(work)
    shutil.copytree(config.settings().raw_dir, folders["raw"])
    linked_copy(external, folders["external"])
    folders["local"].mkdir()
    heard = _Heard()
    logging.getLogger().addHandler(heard)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SAFEGUARDING_LOCAL_DIR", str(folders["local"]))
            patch.setenv("SAFEGUARDING_AUTHORITY", AUTHORITY)
            assert _etl(folders, work / "out") == 0
    finally:
        logging.getLogger().removeHandler(heard)
    assert "Rebuilding" not in "\n".join(heard.said)  # a first build says nothing of it
    assert (current(work / "out") / "fingerprints.json").is_file()
    shutil.copytree(work, base / "first", symlinks=True)
    return base


class _Heard(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.said: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())


@pytest.fixture
def inputs(first_build, monkeypatch) -> dict[str, Path]:
    """The first build's folders as they were, in ``work/`` (links stay links), which this
    test may change."""
    root = first_build / "work"
    shutil.rmtree(root)
    shutil.copytree(first_build / "first", root, symlinks=True)
    folders = _folders(root)
    monkeypatch.setenv("SAFEGUARDING_LOCAL_DIR", str(folders["local"]))
    monkeypatch.setenv("SAFEGUARDING_AUTHORITY", AUTHORITY)
    return folders


def _etl(inputs: dict[str, Path], out: Path, *extra: str) -> int:
    return main(["--raw", str(inputs["raw"]), "--external", str(inputs["external"]),
                 "--out", str(out), "--quiet", *extra])


def _messages(caplog) -> str:
    text = "\n".join(r.getMessage() for r in caplog.records)
    caplog.clear()
    return text


def _own_copy(path: Path) -> Path:
    """Replace a link to a shared file by a copy of it that a test may change."""
    real = path.resolve()
    path.unlink()
    shutil.copyfile(real, path)
    return path


def _files(version: Path) -> list[str]:
    return sorted(p.relative_to(version).as_posix() for p in version.rglob("*.parquet"))


def assert_same_build(incremental: Path, scratch: Path) -> None:
    """Every output file of the two current versions holds the same frame, and their
    summaries and fingerprints agree (but for the times of the build and imports)."""
    a, b = current(incremental), current(scratch)
    assert _files(a) == _files(b)
    for name in _files(a):
        assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name),
                           obj=name)
    summary_a, summary_b = (json.loads((v / "build.json").read_text()) for v in (a, b))
    for summary in (summary_a, summary_b):  # the times of the build and of each import
        summary.pop("built_at")
        for entry in summary.get("releases", {}).values():
            entry.pop("imported_at", None)
    assert summary_a == summary_b
    assert (a / "validation_report.md").read_text().split("\n", 3)[3] == \
        (b / "validation_report.md").read_text().split("\n", 3)[3]
    prints = [{s: v["fingerprint"] for s, v in json.loads((x / "fingerprints.json")
                                                         .read_text())["stages"].items()}
              for x in (a, b)]
    assert prints[0] == prints[1]


def _same_file(version_a: Path, version_b: Path, name: str) -> bool:
    return (version_a / name).stat().st_ino == (version_b / name).stat().st_ino


@pytest.fixture
def built(inputs, caplog) -> Path:
    """The output folder of the test's copy of the first build."""
    caplog.set_level(logging.INFO)
    return inputs["raw"].parent / "out"


def test_a_run_with_nothing_changed_writes_nothing_and_says_so(inputs, built, caplog,
                                                               capsys):
    before = current(built)
    capsys.readouterr()
    assert _etl(inputs, built) == 0
    said = capsys.readouterr().out
    assert "Nothing changed" in said and before.name in said
    assert "Rebuilding" not in _messages(caplog)
    assert current(built) == before and all_versions(built) == [before]
    # a link to a current file, deleted, is given back without a build
    (built / "cp_plans.parquet").unlink()
    assert _etl(inputs, built) == 0
    assert current(built) == before and (built / "cp_plans.parquet").is_file()
    # touching a file without changing it is no change either
    table = inputs["raw"] / REPORT_TABLE
    os.utime(table, (1, 1))
    assert _etl(inputs, built) == 0 and current(built) == before


def test_a_changed_report_table_rebuilds_the_reports_alone(inputs, built, tmp_path, caplog):
    before = current(built)
    table = inputs["raw"] / REPORT_TABLE
    table.write_text(table.read_text(encoding="utf-8").replace(",175", ",176", 1),
                     encoding="utf-8")
    assert _etl(inputs, built) == 0
    said = _messages(caplog)
    assert f"Rebuilding reports: raw:{REPORT_TABLE.as_posix()} changed" in said
    assert "Rebuilding releases" not in said and "Rebuilding smallareas" not in said
    assert "Reusing releases, boundaries, smallareas" in said
    after = current(built)
    assert after != before
    assert not _same_file(before, after, "racist_incidents.parquet")
    for name in ("dfe_cp_plans.parquet", "smallarea.parquet", "geo_lad.parquet",
                 f"geo/lsoa_{AUTHORITY}.parquet"):
        assert _same_file(before, after, name), name  # linked, not written again
    frame = pd.read_parquet(after / "racist_incidents.parquet")
    assert 176.0 in frame["value"].tolist()
    scratch = tmp_path / "scratch"
    assert _etl(inputs, scratch, "--full") == 0
    assert_same_build(built, scratch)


def test_a_changed_release_rebuilds_the_official_datasets(inputs, built, tmp_path, caplog):
    before = current(built)
    release = _own_copy(next((inputs["external"] / "dfe").glob("b1_children_in_need_*.csv")))
    lines = release.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    release.write_text("".join(lines[:-40]), encoding="utf-8")  # the last rows cut off
    assert _etl(inputs, built) == 0
    said = _messages(caplog)
    assert f"Rebuilding releases: external:dfe/{release.name} changed" in said
    assert "Rebuilding reports" not in said and "Rebuilding boundaries" not in said
    after = current(built)
    assert _same_file(before, after, "racist_incidents.parquet")
    assert not _same_file(before, after, "dfe_children_in_need.parquet")
    scratch = tmp_path / "scratch"
    assert _etl(inputs, scratch, "--full") == 0
    assert_same_build(built, scratch)


def test_a_small_area_extract_rebuilds_the_small_areas(inputs, built, tmp_path, caplog):
    before = current(built)
    lsoas = pd.read_parquet(before / "smallarea.parquet")
    codes = sorted(lsoas.loc[lsoas["geographic_level"] == "lsoa", "area_code"].unique())
    folder = inputs["local"] / AUTHORITY
    folder.mkdir()
    extract = folder / "counts.csv"
    rows = [f"{code},children_in_need,2023-24,{10 + i}" for i, code in enumerate(codes)]
    extract.write_text("lsoa_code,measure,period,count\n" + "\n".join(rows) + "\n",
                       encoding="utf-8")
    assert _etl(inputs, built) == 0
    said = _messages(caplog)
    assert f"Rebuilding smallareas: local:{AUTHORITY}/counts.csv is new" in said
    assert "Rebuilding reports" not in said and "Rebuilding releases" not in said
    after = current(built)
    assert not _same_file(before, after, "smallarea.parquet")
    assert _same_file(before, after, "dfe_cp_plans.parquet")
    frame = pd.read_parquet(after / "smallarea.parquet")
    assert not frame.loc[frame["authority_code"] == AUTHORITY, "synthetic"].any()
    scratch = tmp_path / "scratch"
    assert _etl(inputs, scratch, "--full") == 0
    assert_same_build(built, scratch)


def test_a_failed_run_keeps_the_previous_output_and_its_fingerprints(inputs, built, caplog):
    before = current(built)
    recorded = (before / "fingerprints.json").read_text()
    table = inputs["raw"] / REPORT_TABLE
    good = table.read_text(encoding="utf-8")
    table.write_text(good.replace(",175", ",many", 1), encoding="utf-8")
    assert _etl(inputs, built) == 1
    assert "ETL stopped" in _messages(caplog)
    assert current(built) == before and all_versions(built) == [before]
    assert (before / "fingerprints.json").read_text() == recorded
    # the next run still sees the change (and, fixed, builds it)
    table.write_text(good.replace(",175", ",177", 1), encoding="utf-8")
    assert _etl(inputs, built) == 0
    assert "Rebuilding reports: raw:" in _messages(caplog)
    frame = pd.read_parquet(current(built) / "racist_incidents.parquet")
    assert 177.0 in frame["value"].tolist()


def test_a_deleted_output_file_is_rebuilt(inputs, built, caplog):
    before = current(built)
    (before / "dfe_population.parquet").unlink()  # damage to the current version
    assert _etl(inputs, built) == 0
    said = _messages(caplog)
    assert "Rebuilding releases: dfe_population.parquet is missing" in said
    assert "Rebuilding reports" not in said
    assert (current(built) / "dfe_population.parquet").is_file()
    (current(built) / "measures.parquet").unlink()  # an output of no one stage
    assert _etl(inputs, built) == 0
    assert "measures.parquet is missing" in _messages(caplog)
    assert (current(built) / "measures.parquet").is_file()


def test_full_rebuilds_every_stage(inputs, built, caplog):
    assert _etl(inputs, built, "--full") == 0
    said = _messages(caplog)
    for stage in ("reports", "releases", "boundaries", "smallareas"):
        assert f"Rebuilding {stage}: a full build was asked for" in said
