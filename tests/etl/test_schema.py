"""The processed-data contract (etl/schema.py): the real output passes, broken frames do not.

Every schema must accept what the ETL really writes, both the frames it is about to write
(one full build, with the official releases) and the files it wrote (the session's
``processed`` folder). A frame that breaks the contract must be refused with a problem
naming the file, the column and the row, and the run must stop before anything in the
output folder changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl import config, pipeline, schema
from etl.cli import main
from etl.errors import ContractError, ETLError
from etl.outputs import MAX_ROWS, ContractCheck, check_outputs, frames_of, problems
from etl.pipeline import Reports

OUT = Path("/out")
SCHEMAS = {name: getattr(schema, name) for name in (
    "REPORT", "OFFICIAL", "SMALLAREA", "MEASURES", "TABLES", "FLAGS", "NEIGHBOURS",
    "LTLA_UTLA", "AUTHORITIES", "GEO_LAD", "LSOA_GEO", "WARD_GEO")}


@pytest.fixture(scope="module")
def frames(processed) -> dict[str, pd.DataFrame]:
    """Every frame one full build is about to write, by file name (after ``processed``,
    which points SAFEGUARDING_LOCAL_DIR at an empty folder)."""
    settings = config.settings()
    return frames_of(pipeline.build(settings.raw_dir, external=settings.external_dir))


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused(file: str, frame: pd.DataFrame) -> list[str]:
    with pytest.raises(ContractError) as caught:
        check_outputs({file: frame}, OUT)
    assert isinstance(caught.value, ETLError)
    return [str(p) for p in caught.value.problems]


# ---------------------------------------------------------------- the real output passes


def test_every_schema_accepts_the_frames_a_build_writes(frames):
    used = {schema.schema_for(file).name for file in frames}
    assert used == {s.name for s in SCHEMAS.values()}, "a schema the build never uses"
    check_outputs(frames, OUT)  # raises on any problem


def test_every_schema_accepts_the_files_the_build_wrote(processed):
    files = sorted(p for p in processed.path.rglob("*.parquet"))
    assert len(files) > 30
    for path in files:
        name = path.relative_to(processed.path).as_posix()
        frame = pd.read_parquet(path)
        assert problems(path, frame, schema.schema_for(name)) == [], name


def test_each_schema_gives_the_columns_in_the_files(processed):
    def columns(name: str) -> list[str]:
        return list(pd.read_parquet(processed.path / name).columns)
    assert columns("cp_plans.parquet") == schema.CONTRACT_COLUMNS
    assert columns("dfe_cp_plans.parquet") == (schema.CONTRACT_COLUMNS
                                               + schema.OFFICIAL_EXTRA_COLUMNS)
    assert columns("smallarea.parquet") == (schema.CONTRACT_COLUMNS
                                            + schema.SMALLAREA_EXTRA_COLUMNS)
    for file, listed in (("validation.parquet", schema.FLAG_COLUMNS),
                         ("measures.parquet", schema.MEASURE_COLUMNS),
                         ("tables.parquet", schema.TABLE_COLUMNS),
                         ("dfe_neighbours.parquet", schema.NEIGHBOUR_COLUMNS),
                         ("dfe_ltla_utla.parquet", schema.LTLA_UTLA_COLUMNS),
                         ("authorities.parquet", schema.AUTHORITY_COLUMNS),
                         ("geo_lad.parquet", schema.GEO_COLUMNS)):
        assert columns(file) == listed, file


def test_which_schema_each_file_gets():
    assert schema.schema_for("cp_plans.parquet") is schema.REPORT
    assert schema.schema_for("dfe_cp_plans.parquet") is schema.OFFICIAL
    assert schema.schema_for("smallarea.parquet") is schema.SMALLAREA
    assert schema.schema_for("validation.parquet") is schema.FLAGS
    assert schema.schema_for("dfe_neighbours.parquet") is schema.NEIGHBOURS
    assert schema.schema_for("geo/lsoa_E08000027.parquet") is schema.LSOA_GEO
    assert schema.schema_for("geo/ward_E08000027.parquet") is schema.WARD_GEO


def test_the_schemas_are_made_when_first_asked_for_and_once():
    """The ETL's main process needs only the column lists: pandera (a third of a second
    to import) is imported by whoever first asks for a schema, and each is made once."""
    probe = ("import sys; import etl.pipeline, etl.cli, etl.schema as s; "
             "before = 'pandera' in sys.modules; "
             "cols = s.CONTRACT_COLUMNS + s.FLAG_COLUMNS + s.AUTHORITY_COLUMNS; "
             "made = s.schema_for('cp_plans.parquet'); "
             "print(before, 'pandera' in sys.modules, made is s.REPORT, "
             "list(made.columns) == s.CONTRACT_COLUMNS)")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True).stdout.split()
    assert found == ["False", "True", "True", "True"]
    assert [list(SCHEMAS[n].columns) for n in ("MEASURES", "AUTHORITIES")] == [
        schema.MEASURE_COLUMNS, schema.AUTHORITY_COLUMNS]
    with pytest.raises(AttributeError, match="NO_SUCH_SCHEMA"):
        schema.NO_SUCH_SCHEMA  # noqa: B018


# ---------------------------------------------------------------- broken frames are refused


def _set(column: str, row: int, value):
    def breaks(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        if column in ("period_start", "period_end"):
            frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
        return frame
    return breaks


# file, how it is broken, what the problem must say (the file, row and column are checked)
BROKEN = {
    "unknown unit": ("cp_plans.parquet", _set("unit", 3, "furlongs"), 3, "unit",
                     "'furlongs' is not a unit in etl/reports/units.py"),
    "bad status symbol": ("cp_plans.parquet", _set("status", 5, "q"), 5, "status",
                          "'q' is not a GSS symbol (c, k, low, u, x, z)"),
    "start after end": ("cp_plans.parquet", _set("period_start", 2, dt.date(2099, 4, 1)), 2,
                        "period_start", "the period starts after it ends (period_start "
                        "2099-04-01"),
    "no breakdown": ("s47.parquet", _set("breakdown", 4, None), 4, "breakdown",
                     "no value (null)"),
    "Total with a value": ("contacts.parquet", _set("breakdown_value", 0, "neglect"), 0,
                           "breakdown_value", "a figure with no breakdown (Total) must have "
                           "breakdown_value Total (breakdown_value 'neglect', breakdown "
                           "'Total')"),
    "timestamp for a date": ("s47.parquet", _set("period_end", 1, pd.Timestamp("2012-03-31")),
                             1, "period_end", "must be a date (datetime.date)"),
    "quartile 5": ("dfe_cp_plans.parquet", _set("quartile", 7, 5), 7, "quartile",
                   "5 must be 1, 2, 3 or 4"),
    "rank 0": ("dfe_referrals.parquet", _set("rank", 8, 0), 8, "rank", "0 must be 1 or more"),
    "lower above upper": ("dfe_cp_plans.parquet", _set("lower_95", 9, 1e6), 9, "lower_95",
                          "the lower 95% limit is above the upper (lower_95 1000000.0"),
    "unknown comparison": ("dfe_referrals.parquet", _set("compared_with_england", 10, "meh"),
                           10, "compared_with_england", "'meh' is not a comparison"),
    "suppressed with a value": ("smallarea.parquet",
                                lambda f: f.assign(value=f["value"].fillna(1.0)), None,
                                "value", "a figure with status c (confidential) must have "
                                "no value"),
    "neighbour 11": ("dfe_neighbours.parquet", _set("neighbour_rank", 0, 11), 0,
                     "neighbour_rank", "11 must be 1 to 10"),
    "measure twice": ("measures.parquet",
                      lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
                      None, "measure", "is listed twice"),
    "flag with no message": ("validation.parquet", _set("message", 0, None), 0, "message",
                             "no value (null)"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_frame_is_refused_naming_file_row_and_column(frames, case):
    file, breaks, row, column, words = BROKEN[case]
    problems = _refused(file, breaks(frames[file]))
    where = f"{OUT / file}, row {row}, column '{column}': " if row is not None else None
    found = [p for p in problems if words in p]
    assert found, problems
    if where:
        assert found[0].startswith(where), found[0]
    else:  # the first of several rows
        assert found[0].startswith(f"{OUT / file}, row ") and f"column '{column}'" in found[0]


def test_a_column_out_of_order_missing_or_extra_is_named(frames):
    good = frames["cp_plans.parquet"]
    swapped = good[["breakdown", "measure", *good.columns[2:]]]
    problems = _refused("cp_plans.parquet", swapped)
    assert any(p.startswith(f"{OUT / 'cp_plans.parquet'}, column 'measure': column 'measure' "
                            "is out of order") for p in problems), problems
    assert "measure, breakdown, breakdown_value, period" in problems[0]
    problems = _refused("cp_plans.parquet", good.drop(columns="unit").assign(colour="red"))
    assert any("column 'unit' is missing" in p for p in problems), problems
    assert any("column 'colour' is not one of them" in p for p in problems), problems


def test_a_text_column_of_numbers_is_refused(frames):
    frame = frames["cp_plans.parquet"].assign(area_code=1.0)
    problems = _refused("cp_plans.parquet", frame)
    assert problems == [f"{OUT / 'cp_plans.parquet'}, column 'area_code': must be text "
                        "(the column's dtype is float64)"]


def test_many_bad_rows_are_counted_not_all_listed(frames):
    frame = frames["dfe_cp_plans.parquet"].assign(unit="furlongs")
    problems = _refused("dfe_cp_plans.parquet", frame)
    assert len(problems) == MAX_ROWS + 1
    assert problems[-1].endswith(f"and {len(frame) - MAX_ROWS} more rows like these")


def test_only_the_broken_frame_of_a_batch_is_named(frames):
    """Frames of one shape are checked together; a problem still names its own file."""
    reports = {f: frames[f] for f in ("cp_plans.parquet", "s47.parquet", "contacts.parquet")}
    reports["s47.parquet"] = _set("unit", 2, "furlongs")(reports["s47.parquet"])
    with pytest.raises(ContractError) as caught:
        check_outputs(reports, OUT)
    assert [(Path(p.path).name, p.row, p.column) for p in caught.value.problems] == [
        ("s47.parquet", 2, "unit")]


# ---------------------------------------------------------------- at write time


def _no_releases(tmp_path: Path) -> list[str]:
    return ["--raw", str(config.settings().raw_dir), "--external", str(tmp_path / "none"),
            "--quiet"]


def test_a_broken_frame_stops_the_run_and_leaves_the_output_as_it_was(tmp_path, monkeypatch,
                                                                      capsys):
    out = tmp_path / "out"
    assert main([*_no_releases(tmp_path), "--out", str(out)]) == 0
    before = _files(out)
    real = pipeline.build

    def broken(*args, **kwargs):
        result = real(*args, **kwargs)
        frame = result.datasets["racist_incidents"].copy()
        frame.loc[3, "unit"] = "furlongs"
        frame.loc[4, "status"] = "?"
        result.datasets["racist_incidents"] = frame
        return result

    monkeypatch.setattr(pipeline, "build", broken)
    capsys.readouterr()
    assert main([*_no_releases(tmp_path), "--out", str(out), "--full"]) == 1
    err = [line for line in capsys.readouterr().err.splitlines()
           if not line.startswith("Rebuilding ")]  # what --full rebuilds, and why
    assert err[0] == (f"ETL stopped: 2 problem(s) in what it was about to write "
                      f"(etl/schema.py); nothing in {out} was changed.")
    target = out / "racist_incidents.parquet"
    assert err[1].startswith(f"  - {target}, row 3, column 'unit': 'furlongs' is not a unit")
    assert err[2] == f"  - {target}, row 4, column 'status': '?' is not a GSS symbol " \
                     "(c, k, low, u, x, z)"
    assert _files(out) == before  # byte for byte, and no staging folder left behind


@pytest.mark.parametrize("processes", [1, 2])  # checked before writing, or meanwhile
def test_run_raises_the_contract_error_with_the_problem_located(tmp_path, monkeypatch,
                                                                 processes):
    monkeypatch.setenv("SAFEGUARDING_ETL_PROCESSES", str(processes))
    real = pipeline.build

    def broken(*args, **kwargs):
        result = real(*args, **kwargs)
        result.measures = result.measures.assign(figures=0)
        return result

    monkeypatch.setattr(pipeline, "build", broken)
    with pytest.raises(ETLError) as caught:
        pipeline.run(config.settings().raw_dir, tmp_path / "out")
    first = caught.value.problems[0]
    assert (Path(first.path).name, first.row, first.column) == ("measures.parquet", 0,
                                                               "figures")
    assert first.message == "0 must be 1 or more"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("processes", [1, 2])  # checked at the end, or begun at once
def test_a_check_begun_early_checks_each_file_as_last_given(frames, monkeypatch, processes):
    monkeypatch.setenv("SAFEGUARDING_ETL_PROCESSES", str(processes))
    good = {f: frames[f] for f in ("cp_plans.parquet", "s47.parquet", "authorities.parquet")}
    broken = _set("unit", 2, "furlongs")(frames["s47.parquet"])
    with ContractCheck(OUT) as check:
        assert check.forking is (processes == 2)
        check.add({**good, "s47.parquet": broken})
        check.add({"s47.parquet": good["s47.parquet"],  # mended: its problem is gone
                   "measures.parquet": frames["measures.parquet"].assign(figures=0)})
        with pytest.raises(ContractError) as caught:
            check.result()
        with pytest.raises(ContractError):  # asked again, the same answer
            check.result()
    named = {(Path(p.path).name, p.column) for p in caught.value.problems}
    assert named == {("measures.parquet", "figures")}, caught.value.problems
    with ContractCheck(OUT) as check:
        check.add(good)
        check.result()  # nothing to say


def test_the_stages_frames_reach_the_check_before_they_are_joined(monkeypatch):
    seen, joined = {}, []
    real = pipeline._join

    def join(*args, **kwargs):
        joined.append(set(seen))  # what the check had when the join began
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_join", join)
    result = pipeline.build(config.settings().raw_dir, started=seen.update)
    files = frames_of(result)
    assert joined == [set(seen)]
    assert set(seen) == set(files) - {"measures.parquet", "tables.parquet",
                                      "validation.parquet"}
    assert all(files[f] is frame for f, frame in seen.items())  # the very frames written


@pytest.mark.parametrize("processes", [1, 2])
def test_a_stage_frame_that_breaks_the_contract_stops_the_run(tmp_path, monkeypatch,
                                                               processes):
    """Side by side, the stages' frames are checked while they are joined: a problem found
    then still stops the run, and nothing is written."""
    monkeypatch.setenv("SAFEGUARDING_ETL_PROCESSES", str(processes))
    real = pipeline.build_reports

    def broken(*args, **kwargs) -> Reports:
        reports = real(*args, **kwargs)
        reports.datasets["s47"] = _set("status", 1, "?")(reports.datasets["s47"])
        return reports

    monkeypatch.setattr(pipeline, "build_reports", broken)
    with pytest.raises(ContractError) as caught:
        pipeline.run(config.settings().raw_dir, tmp_path / "out")
    assert [(Path(p.path).name, p.row, p.column) for p in caught.value.problems] == [
        ("s47.parquet", 1, "status")]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_flags_put_together_from_an_empty_frame_pass():
    """No report flag, one release flag: concat gives object columns of numbers."""
    empty = pd.DataFrame.from_records([], columns=schema.FLAG_COLUMNS)
    one = pd.DataFrame.from_records([{
        "check_id": "lait_polarity:m", "kind": "polarity", "dataset": "dfe_referrals",
        "measure": "m", "area_code": None, "area_name": None, "period": None,
        "breakdown_value": None, "published": float("nan"), "expected": float("nan"),
        "difference": float("nan"), "tolerance": float("nan"), "message": "differs",
        "files": "measures.csv"}], columns=schema.FLAG_COLUMNS)
    for flags in (empty, pd.concat([empty, one], ignore_index=True)):
        assert problems(OUT / "validation.parquet", flags, schema.FLAGS) == []
