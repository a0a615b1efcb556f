"""The write step: every output of a build checked against the contract, then written.

``write_build`` validates each frame against its schema in ``etl/schema.py``
(``check_outputs``, through a ``ContractCheck`` that may have begun on the stages' frames
while they were joined), and writes every file through ``etl.io.atomic.write_all`` as a
new version of the output folder (``versions/<built_at>-<random>/``), switching its
``current`` link to it only once the check has passed, so that a frame that breaks the
contract, or a run that fails or is killed half-way, leaves readers with the previous
build. A broken frame gives a
``ContractError`` whose problems name the file, the row (its position in the frame, from 0)
and the column.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl import config, fingerprint, schema
from etl.column_kinds import PAIRED
from etl.errors import ContractError, Problem
from etl.geo.lsoa import geoparquet
from etl.io import forked, stages
from etl.io.atomic import write_all
from etl.reports.validation_report import render_report
from etl.schema import FLAG_COLUMNS

if TYPE_CHECKING:  # pandera is imported where frames are checked (etl.schema)
    from pandera.pandas import DataFrameSchema

MAX_ROWS = 5  # rows named per column and rule; the rest are counted
_LAYOUT = {"column_in_dataframe": "missing", "column_in_schema": "not one of them",
           "column_ordered": "out of order"}


@dataclass
class Build:
    """Everything one run produces, held in memory until it is all known to be good."""

    datasets: dict[str, pd.DataFrame]
    measures: pd.DataFrame
    tables: pd.DataFrame
    flags: pd.DataFrame
    lookups: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    releases: dict[str, dict] = field(default_factory=dict)
    boundaries: dict = field(default_factory=dict)
    geo: dict = field(default_factory=dict)  # geo/<file>.parquet → GeoDataFrame
    small_areas: dict = field(default_factory=dict)  # authority code → summary
    restricted: list[str] = field(default_factory=list)  # shown only to signed-in users
    skipped: list[dict] = field(default_factory=list)  # files in dfe/ not read, and why
    revisions: int = 0  # figures a newer release changed (listed in the validation report)
    stages: dict[str, object] = field(default_factory=dict)  # each stage's result, for reuse


def _parquet(frame: pd.DataFrame) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
        pq.write_table(table, path, compression="zstd")
    return write


def files_of(datasets: dict[str, pd.DataFrame], lookups: dict[str, pd.DataFrame],
             geo: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The datasets, lookups and geometry frames by their file names in a version."""
    frames = {f"{name}.parquet": frame for name, frame in datasets.items()}
    frames.update({f"{name}.parquet": frame for name, frame in lookups.items()})
    frames.update(geo)
    return frames


def frames_of(result: Build) -> dict[str, pd.DataFrame]:
    """Every frame a build writes, by its file name in the output folder."""
    frames = files_of(result.datasets, result.lookups, result.geo)
    frames["measures.parquet"] = result.measures
    frames["tables.parquet"] = result.tables
    frames["validation.parquet"] = result.flags.reindex(columns=FLAG_COLUMNS)
    return frames


def stage_files(name: str, result) -> list[str]:
    """The output files (names in a version) that one stage's result makes (a
    ``Reports``, ``Official``, ``Boundaries`` or ``SmallAreas``)."""
    if name == "reports":
        return [f"{d}.parquet" for d in result.datasets]
    if name == "releases":
        return [f"{d}.parquet" for d in (*result.datasets, *result.lookups)]
    if name == "boundaries":
        return [f"{d}.parquet" for d in result.lookups]
    return (["smallarea.parquet"] if result.frames else []) + list(result.geo)


def _link(source: Path) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        try:
            os.link(source, path)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copy2(source, path)
    return write


def write_build(result: Build, out: Path, keep: int | None = None,
                plan: fingerprint.Plan | None = None,
                reused: dict[str, Path] | None = None,
                check: ContractCheck | None = None) -> dict:
    """Check every output against ``etl/schema.py``, then write them all as a new version
    of ``out`` and make it current, keeping ``keep`` older versions (default: the
    settings'); return the build summary written to build.json. A frame that breaks the
    contract raises ``ContractError`` and nothing in ``out`` changes.

    With ``plan``, each stage's result is kept (``stages/<name>.pickle``) with the
    fingerprints of its inputs (``fingerprints.json``); the files of the stages in
    ``reused`` (stage → the version they come from) are linked from there, not written
    again (they were checked when they were written). ``check``, a ``ContractCheck``
    already given some of the frames (the stages' results, while they were joined), is
    given the rest."""
    now = datetime.now(UTC)
    summary = {
        "built_at": now.isoformat(timespec="seconds"),
        "datasets": {name: len(frame) for name, frame in sorted(result.datasets.items())},
        "figures": int(sum(len(f) for f in result.datasets.values())),
        "measures": len(result.measures),
        "tables": len(result.tables),
        "validation_flags": len(result.flags),
        "lookups": {name: len(frame) for name, frame in sorted(result.lookups.items())},
        "releases": result.releases,
        "skipped": result.skipped,
        "revisions": result.revisions,
        "boundaries": result.boundaries,
        "notes": result.notes,
        "restricted": result.restricted,
        "small_areas": result.small_areas,
    }
    frames = frames_of(result)
    reused = reused or {}
    linked = {name: version / name for stage, version in reused.items()
              for name in stage_files(stage, result.stages[stage])}
    # a violation changes nothing: checked before anything is written, or, side by side
    # with the joining and the writing (etl.io.forked), before the new version is switched to
    with nullcontext(check) if check is not None else ContractCheck(out) as check:
        check.add({n: f for n, f in frames.items()
                   if n not in linked and check.given.get(n) is not f})
        if not check.forking:
            check.result()
        _write(result, out, frames, linked, plan, reused, summary, now, keep,
               check.result if check.forking else None)
    return summary


def _write(result: Build, out: Path, frames: dict, linked: dict, plan, reused: dict,
           summary: dict, now: datetime, keep: int | None,
           checked: Callable[[], None] | None) -> None:
    """Write the build as a new version (``write_all``); ``checked``, when the contract is
    being checked meanwhile, is taken before the switch, and explains a failed write."""
    writers = {name: _link(linked[name]) if name in linked else
               geoparquet(frame) if name in result.geo else _parquet(frame)
               for name, frame in frames.items()}
    if plan is not None:
        files = {stage: stage_files(stage, value) for stage, value in result.stages.items()}
        for stage, value in result.stages.items():
            name = f"{fingerprint.STAGE_FOLDER}/{stage}.pickle"
            writers[name] = (_link(reused[stage] / name) if stage in reused
                             else partial(stages.save, value))
        outputs = sorted(set(frames) - {n for names in files.values() for n in names}
                         | {"build.json", "validation_report.md"})
        record = plan.record(files, outputs)
        writers[fingerprint.FILE] = lambda p: p.write_text(json.dumps(record, indent=1) + "\n",
                                                           encoding="utf-8")
    report = render_report(result.flags, summary)
    writers["validation_report.md"] = lambda p: p.write_text(report, encoding="utf-8")
    writers["build.json"] = lambda p: p.write_text(json.dumps(summary, indent=2) + "\n",
                                                   encoding="utf-8")
    try:
        write_all(out, writers, now.strftime("%Y-%m-%dT%H%M%SZ"),
                  config.settings().keep_versions if keep is None else keep, checked)
    except ContractError:
        raise
    except Exception:
        if checked is not None:
            checked()  # a frame that breaks the contract is the better explanation
        raise


def _show(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "null"
    if type(value) is date:
        return str(value)
    return repr(value.item() if isinstance(value, np.generic) else value)


def _failures(frame: pd.DataFrame, contract: DataFrameSchema) -> pd.DataFrame | None:
    """pandera's failure cases (column, check, failure_case, index), or None if it passes."""
    from pandera.errors import SchemaErrors
    try:
        contract.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as err:
        return err.failure_cases
    return None


def problems(path: Path, frame: pd.DataFrame, contract: DataFrameSchema) -> list[Problem]:
    """Everything about ``frame`` that ``contract`` refuses, as problems naming ``path``."""
    cases = _failures(frame, contract)
    if cases is None:
        return []
    expected = ", ".join(contract.columns)
    out: list[Problem] = []
    layout = cases["check"].isin(list(_LAYOUT))
    for case in cases[layout].itertuples(index=False):
        name = str(case.failure_case)
        out.append(Problem(path, f"column '{name}' is {_LAYOUT[case.check]}: the "
                           f"{contract.name}'s columns are, in this order, {expected} "
                           "(etl/schema.py)", None, name))
    cases = cases[~layout]
    paired = cases["check"].isin(list(PAIRED))
    # a check on several columns reports every column of a failing row: name the row once
    rows = cases[paired].drop_duplicates(["check", "index"])
    rows = pd.concat([cases[~paired],
                      rows.assign(column=rows["check"].map(lambda k: PAIRED[k][0]))])
    for (column, check), group in rows.groupby(["column", "check"], sort=False):
        for case in group.head(MAX_ROWS).itertuples(index=False):
            row = None if pd.isna(case.index) else int(case.index)
            out.append(Problem(path, _message(frame, str(column), str(check),
                                              case.failure_case, row), row, str(column)))
        if len(group) > MAX_ROWS:
            out.append(Problem(path, f"and {len(group) - MAX_ROWS} more rows like these",
                               None, str(column)))
    return out


def _message(frame: pd.DataFrame, column: str, check: str, value: object,
             row: int | None) -> str:
    if check in PAIRED:
        low, high = PAIRED[check]
        if row is None or low not in frame or high not in frame:
            return check
        return (f"{check} ({low} {_show(frame.at[row, low])}, "
                f"{high} {_show(frame.at[row, high])})")
    if check == "not_nullable":
        return "no value (null); every row needs one"
    if check.startswith("dtype("):
        return f"has dtype {value}; the contract says {check[7:-2]}"
    if row is None:  # the column as a whole
        dtype = frame[column].dtype if column in frame else "?"
        return f"{check} (the column's dtype is {dtype})"
    return f"{_show(value)} {check}"


def _problems_of(frames: dict[str, pd.DataFrame], out: Path) -> dict[str, list[Problem]]:
    """Each frame's problems by its file name (files without any left out).

    Frames with the same schema, columns and dtypes (the report datasets, say) are
    checked together, in one pass; only when that pass finds something is each of them
    checked alone, so that every problem names its own file and row."""
    batches: dict[tuple, list[str]] = {}
    for file, frame in frames.items():
        key = (schema.schema_for(file).name, tuple(frame.columns),
               tuple(map(str, frame.dtypes)))
        batches.setdefault(key, []).append(file)
    found: dict[str, list[Problem]] = {}
    for files in batches.values():
        contract = schema.schema_for(files[0])
        if len(files) > 1 and _failures(pd.concat([frames[f] for f in files],
                                                  ignore_index=True), contract) is None:
            continue
        for file in files:
            if listed := problems(out / file, frames[file], contract):
                found[file] = listed
    return found


def _raise_found(found: dict[str, list[Problem]], files) -> None:
    """``ContractError`` with every problem in ``found``, file by file in ``files``' order."""
    if found:
        raise ContractError([p for file in files for p in found.get(file, [])])


def check_outputs(frames: dict[str, pd.DataFrame], out: Path) -> None:
    """Validate every frame about to be written to ``out`` (file name → frame) against
    ``etl.schema.schema_for`` its name; raise ``ContractError`` listing every problem."""
    _raise_found(_problems_of(frames, out), frames)


class ContractCheck:
    """The contract check of a build's frames (``check_outputs``), begun with the first
    frames known, while the rest are still being made.

    ``add(frames)`` gives it frames (file name → frame; a file given again is checked
    again, as given last); ``result()`` raises ``ContractError`` listing the problems of
    every file as last given, or returns once all are checked. Side by side
    (``etl.io.forked``), the first ``add`` forks a process that checks those frames at once,
    as they are at that moment (so they must not change after), and later ones are sent to
    it through a queue (by a thread of this process's, so ``add`` does not wait for the
    check); in one process, ``result()`` checks them all."""

    def __init__(self, out: Path):
        self.out = out
        self.given: dict[str, pd.DataFrame] = {}
        self._side = forked.Side(config.settings().etl_processes
                                 or forked.default_processes())
        self.forking = self._side.forking
        self._queue, self._sent = None, False
        self._take: Callable[[], object] | None = None

    def __enter__(self) -> ContractCheck:
        self._side.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._side.__exit__(*exc)  # a check not taken (the build failed first) is stopped
        if self._queue is not None:
            self._queue.close()
            self._queue.cancel_join_thread()

    def add(self, frames: dict[str, pd.DataFrame]) -> None:
        if not frames:
            return
        self.given.update(frames)
        if not self.forking:
            return
        if self._queue is not None:
            self._queue.put(frames)
            return
        self._queue = queue = multiprocessing.get_context("fork").Queue()
        first, out = dict(frames), self.out

        def check(_progress) -> None:
            found, order = _problems_of(first, out), dict.fromkeys(first)
            while (more := queue.get()) is not None:
                found = {f: p for f, p in found.items() if f not in more}
                found.update(_problems_of(more, out))
                order.update(dict.fromkeys(more))
            _raise_found(found, order)

        self._take = self._side.run("contract check", check, None)

    def result(self) -> None:
        if not self.forking:
            check_outputs(self.given, self.out)
            return
        if self._take is None:  # nothing given
            return
        if self._queue is not None and not self._sent:
            self._queue.put(None)  # all given
            self._sent = True
        self._take()
