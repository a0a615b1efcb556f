"""Stages side by side (etl/io/forked.py): a forked stage's value, error and progress come
back as if it had run here, and the build they make is the one a single process makes."""

from __future__ import annotations

import os
import pickle
import threading
import time

import pandas as pd
import pytest

from etl import config, pipeline
from etl.errors import ETLError, Problem
from etl.io import forked
from etl.outputs import frames_of

RUN = forked.Side.run  # as defined, whatever a test wraps it in


def test_an_etl_error_keeps_its_problems_when_pickled():
    err = ETLError([Problem("data/raw/x.csv", "not a number", 3, "value")])
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ETLError and back.problems == err.problems
    assert str(back) == "data/raw/x.csv, row 3, column 'value': not a number"


def test_a_forked_stage_runs_in_another_process_and_its_progress_is_replayed_in_order():
    seen = []
    with forked.Side(2) as side:
        def make(progress):
            progress(1, 2, "first")
            progress(2, 2, "second")
            return os.getpid()
        take = side.run("demo", make, lambda *call: seen.append(call))
        assert seen == []  # kept until the result is taken
        assert take() != os.getpid()
    assert seen == [(1, 2, "first"), (2, 2, "second")]


def test_a_forked_stages_etl_error_is_raised_here_with_its_problems():
    problem = Problem("data/raw/reports/t.csv", "'x' is not a number", 4, "2011-12")
    seen = []
    with forked.Side(2) as side:
        def make(progress):
            progress(1, 1, "t.csv  FAILED (1 problem(s))")
            raise ETLError([problem])
        take = side.run("reports", make, lambda *call: seen.append(call))
        with pytest.raises(ETLError) as raised:
            take()
    assert raised.value.problems == [problem]
    assert seen == [(1, 1, "t.csv  FAILED (1 problem(s))")]  # its progress still shown


def test_a_stage_whose_process_dies_is_named_with_its_exit_code():
    with forked.Side(2) as side:
        take = side.run("smallareas", lambda progress: os._exit(7), None)
        with pytest.raises(forked.StageProcessError, match=r"smallareas.*exit code 7"):
            take()


def test_a_result_that_cannot_be_sent_back_is_an_error_not_a_hang():
    with forked.Side(2) as side:
        take = side.run("boundaries", lambda progress: threading.Lock(), None)
        with pytest.raises(forked.StageProcessError, match="could not be sent back"):
            take()


def test_a_stage_not_taken_is_stopped_when_the_build_leaves():
    with forked.Side(2) as side:
        side.run("reports", lambda progress: time.sleep(600), None)
        process = side.running["reports"]
        assert process.is_alive()
    assert not process.is_alive() and not side.running


def test_one_process_runs_every_stage_here_in_turn():
    with forked.Side(1) as side:
        assert not side.forking
        assert side.run("reports", lambda progress: os.getpid(), None)() == os.getpid()


def _build(monkeypatch, raw, external, processes: int) -> tuple[object, list[str]]:
    monkeypatch.setenv("SAFEGUARDING_ETL_PROCESSES", str(processes))
    forks = []

    def counted(self, name, make, progress):
        if self.forking:
            forks.append(name)
        return RUN(self, name, make, progress)
    monkeypatch.setattr(forked.Side, "run", counted)
    lines = []
    result = pipeline.build(raw, lambda i, n, text: lines.append((i, n, text)),
                            external=external)
    assert sorted(i for i, _, _ in lines) == list(range(1, lines[0][1] + 1))  # each step once
    return result, forks


def test_side_by_side_the_build_is_the_same_as_in_one_process(monkeypatch, external,
                                                               tmp_path):
    if not (external / "dfe").is_dir():
        pytest.fail(f"the official releases are needed: no dfe/ in {external}")
    monkeypatch.setenv("SAFEGUARDING_LOCAL_DIR", str(tmp_path))  # the synthetic sample
    raw = config.settings().raw_dir
    alone, none = _build(monkeypatch, raw, external, 1)
    side_by_side, forks = _build(monkeypatch, raw, external, 2)
    assert none == [] and sorted(forks) == ["boundaries", "reports", "smallareas"]
    one, two = frames_of(alone), frames_of(side_by_side)
    assert sorted(one) == sorted(two)
    for name, frame in one.items():
        pd.testing.assert_frame_equal(pd.DataFrame(frame), pd.DataFrame(two[name]),
                                      obj=name)
    assert alone.notes == side_by_side.notes and alone.small_areas == side_by_side.small_areas


def test_a_bad_report_table_fails_side_by_side_as_in_one_process(monkeypatch, external,
                                                                  raw_copy, tmp_path):
    if not (external / "dfe").is_dir():
        pytest.fail(f"the official releases are needed: no dfe/ in {external}")
    table = next((raw_copy / "reports").rglob("racist_incidents_table2.csv"))
    lines = table.read_text().splitlines()
    cells = lines[1].split(",")
    cells[-1] = "lots"
    table.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    monkeypatch.setenv("SAFEGUARDING_LOCAL_DIR", str(tmp_path))
    errors = {}
    for processes in (1, 2):
        monkeypatch.setenv("SAFEGUARDING_ETL_PROCESSES", str(processes))
        with pytest.raises(ETLError) as raised:
            pipeline.build(raw_copy, external=external)
        errors[processes] = raised.value.problems
    assert errors[1] == errors[2]
    assert any(str(p.path).endswith("racist_incidents_table2.csv") and p.row == 2
               for p in errors[2]), errors[2]
