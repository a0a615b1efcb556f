"""Every kind of bad input: one clear message naming file, row and column; output untouched."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from etl.cli import main

TABLE = Path("reports/dudley_cs_equality_2010_11/racist_incidents_table2.csv")


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _run(raw: Path, out: Path) -> int:
    """The ETL on the report tables alone (an empty external folder): the official
    releases have bad-input tests of their own (test_releases.py, test_properties.py)."""
    external = out.parent / "no-releases"
    external.mkdir(exist_ok=True)
    return main(["--raw", str(raw), "--out", str(out), "--external", str(external), "--quiet"])


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    """One good build of the repository's raw tables, which each test copies."""
    from etl import config

    out = tmp_path_factory.mktemp("good") / "out"
    assert _run(config.settings().raw_dir, out) == 0
    return out


@pytest.fixture
def built(raw_copy, tmp_path, good_build):
    """A good build in ``out`` and its checksums, before a test breaks the input."""
    out = tmp_path / "out"
    shutil.copytree(good_build, out)
    before = _snapshot(out)
    assert "racist_incidents.parquet" in before
    return raw_copy, out, before


def _fails_cleanly(raw: Path, out: Path, before: dict, capsys, *expected: str) -> str:
    capsys.readouterr()
    code = _run(raw, out)
    err = capsys.readouterr().err
    assert code == 1
    assert "nothing in" in err and "was changed" in err
    for text in expected:
        assert text in err, f"{text!r} not in:\n{err}"
    assert "Traceback" not in err
    assert _snapshot(out) == before, "a failed run changed the previous output"
    return err


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_text_in_a_numeric_cell(built, capsys):
    raw, out, before = built
    _edit(raw / TABLE, "Total number of incidents,,,258", "Total number of incidents,,,25B")
    _fails_cleanly(raw, out, before, capsys, str(raw / TABLE), "row 4", "column '06 - 07'",
                   "'25B' is not a number")


def test_a_missing_column(built, capsys):
    raw, out, before = built
    path = raw / TABLE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line.split(",", 1)[1] for line in lines]  # drop the measure column
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _fails_cleanly(raw, out, before, capsys, str(path), "row 1", "column 'measure'",
                   "missing column 'measure'")


def test_a_duplicated_year(built, capsys):
    raw, out, before = built
    _edit(raw / TABLE, "09-10,10-11", "09-10,09-10")
    _fails_cleanly(raw, out, before, capsys, str(raw / TABLE), "row 1", "column '09-10'",
                   "appears twice")


def test_the_same_year_spelled_two_ways(built, capsys):
    raw, out, before = built
    _edit(raw / TABLE, "09-10,10-11", "09-10,2009/10")
    _fails_cleanly(raw, out, before, capsys, str(raw / TABLE), "column '2009/10'",
                   "given twice")


def test_an_unknown_unit(built, capsys):
    raw, out, before = built
    manifest = raw / TABLE.parent / "manifest.csv"
    _edit(manifest, "Table 2 (racist incidents reported by schools),count,",
          "Table 2 (racist incidents reported by schools),pupils,")
    _fails_cleanly(raw, out, before, capsys, str(manifest), "row 2", "column 'unit'",
                   "unknown unit 'pupils'")


def test_an_unknown_unit_in_a_row(built, capsys):
    raw, out, before = built
    path = raw / TABLE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",unit"] + [line + ("," if i != 3 else ",widgets")
                                    for i, line in enumerate(lines[1:], start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _fails_cleanly(raw, out, before, capsys, str(path), "row 4", "column 'unit'",
                   "unknown unit 'widgets'")


def test_a_manifest_entry_pointing_at_a_missing_file(built, capsys):
    raw, out, before = built
    (raw / TABLE).unlink()
    _fails_cleanly(raw, out, before, capsys, str(raw / TABLE.parent / "manifest.csv"),
                   "row 2", "column 'file'", "racist_incidents_table2.csv' not found")


def test_an_empty_file(built, capsys):
    raw, out, before = built
    (raw / TABLE).write_bytes(b"")
    _fails_cleanly(raw, out, before, capsys, str(raw / TABLE), "row 1", "the file is empty")


def test_a_header_without_rows(built, capsys):
    raw, out, before = built
    path = raw / TABLE
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    _fails_cleanly(raw, out, before, capsys, str(path), "row 2", "no data rows")


def test_a_file_in_the_wrong_encoding(built, capsys):
    raw, out, before = built
    path = raw / TABLE
    text = path.read_text(encoding="utf-8").replace(
        "Schools reporting no incidents", "Schools reporting no incidents – none")
    path.write_bytes(text.encode("cp1252"))
    _fails_cleanly(raw, out, before, capsys, str(path), "row 3", "column 'label'",
                   "not UTF-8", "byte 0x96")


def test_an_unknown_measure(built, capsys):
    raw, out, before = built
    _edit(raw / TABLE, "racist_incidents,Total number", "racist_incidentz,Total number")
    _fails_cleanly(raw, out, before, capsys, str(raw / TABLE), "row 4", "column 'measure'",
                   "unknown measure 'racist_incidentz'")


def test_a_percentage_over_100(built, capsys):
    raw, out, before = built
    path = raw / "reports/dudley_cs_equality_2010_11/schools_stated.csv"
    _edit(path, "Male pupils,sex,Male,,,52", "Male pupils,sex,Male,,,152")
    _fails_cleanly(raw, out, before, capsys, str(path), "column '2011'", "above 100")


def test_a_negative_count(built, capsys):
    raw, out, before = built
    _edit(raw / TABLE, "Total number of incidents,,,258", "Total number of incidents,,,-258")
    _fails_cleanly(raw, out, before, capsys, "row 4", "below 0")


def test_a_row_with_too_many_cells(built, capsys):
    raw, out, before = built
    _edit(raw / TABLE, "Total number of incidents,,,258,175,192,185,139",
          "Total number of incidents,,,258,175,192,185,139,12")
    _fails_cleanly(raw, out, before, capsys, str(raw / TABLE), "row 4", "extra: 12")


def test_an_unknown_area(built, capsys):
    raw, out, before = built
    manifest = raw / TABLE.parent / "manifest.csv"
    _edit(manifest, "count,financial_year,E08000027", "count,financial_year,E08000099")
    _fails_cleanly(raw, out, before, capsys, str(manifest), "row 2", "column 'area'",
                   "unknown area", "E08000099")


def test_an_unknown_period_type(built, capsys):
    raw, out, before = built
    manifest = raw / TABLE.parent / "manifest.csv"
    _edit(manifest, "count,financial_year,E08000027", "count,fiscal_year,E08000027")
    _fails_cleanly(raw, out, before, capsys, "column 'period_type'", "fiscal_year")


def test_a_broken_measure_registry(built, capsys):
    raw, out, before = built
    _edit(raw / "measures.csv", ",count,neutral,racist_incidents",
          ",count,sideways,racist_incidents")
    _fails_cleanly(raw, out, before, capsys, str(raw / "measures.csv"), "column 'polarity'",
                   "unknown polarity 'sideways'")


def test_a_figure_printed_with_more_places_than_its_measure_declares(built, capsys):
    """Every output rounds to the measure's declared places, so a published figure with
    more places must not be rounded away: the registry must declare enough."""
    raw, out, before = built
    _edit(raw / TABLE, "Total number of incidents,,,258", "Total number of incidents,,,258.5")
    _fails_cleanly(raw, out, before, capsys, str(raw / TABLE), "row 4", "'258.5' has 1 decimal",
                   "racist_incidents declares 0")


def test_declared_decimal_places_must_be_a_small_whole_number(built, capsys):
    raw, out, before = built
    _edit(raw / "measures.csv", ",count,neutral,racist_incidents,",
          ",count,neutral,racist_incidents,1.5")
    _fails_cleanly(raw, out, before, capsys, str(raw / "measures.csv"), "column 'decimals'",
                   "decimals '1.5' must be a whole number from 0 to 6")


def test_a_measure_may_declare_more_places_than_its_unit(built, capsys):
    """Blank ``decimals`` is the unit's default (0 for a count); a figure may then be
    published to the places the measure declares."""
    raw, out, _before = built
    _edit(raw / "measures.csv", "in the year.\",count,neutral,racist_incidents,",
          "in the year.\",count,neutral,racist_incidents,1")
    _edit(raw / TABLE, "Total number of incidents,,,258", "Total number of incidents,,,258.5")
    assert _run(raw, out) == 0
    import pandas as pd

    measures = pd.read_parquet(out / "measures.parquet").set_index("measure")["decimals"]
    assert measures["racist_incidents"] == 1
    assert measures["schools"] == 0 and measures["school_pupils_bme_pct"] == 1
    assert measures["workforce_bme_pct"] == 2


def test_every_problem_is_listed_not_just_the_first(built, capsys):
    raw, out, before = built
    _edit(raw / TABLE, "Total number of incidents,,,258", "Total number of incidents,,,abc")
    _edit(raw / TABLE, "Senior Staff Involvement,support,Senior staff involvement,174",
          "Senior Staff Involvement,support,Senior staff involvement,??")
    err = _fails_cleanly(raw, out, before, capsys, "row 4", "row 6")
    assert "2 problem(s)" in err


def test_a_manifest_file_must_be_a_name_not_a_path(built, capsys):
    raw, out, before = built
    manifest = raw / TABLE.parent / "manifest.csv"
    _edit(manifest, "racist_incidents_table2.csv", "../../measures.csv")
    _fails_cleanly(raw, out, before, capsys, str(manifest), "row 2", "column 'file'",
                   "'../../measures.csv' must be a file name")


def test_a_source_listed_twice(built, capsys):
    raw, out, before = built
    path = raw / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    _fails_cleanly(raw, out, before, capsys, str(path), f"row {len(lines) + 1}",
                   "column 'source_id'", "is listed twice")


def test_a_check_tolerance_that_is_not_a_number(built, capsys):
    raw, out, before = built
    path = raw / "checks.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = next(csv.reader([lines[1]]))
    cells[header.index("tolerance")] = "nan"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    lines[1] = buffer.getvalue().rstrip("\n")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _fails_cleanly(raw, out, before, capsys, str(path), "row 2", "column 'tolerance'",
                   "'nan' is not a number of zero or more")
