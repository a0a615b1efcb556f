"""The real ETL killed midway (SIGKILL: no clean-up runs) leaves readers with one whole build.

Each kill starts ``python -m etl`` as a separate process writing to a copy of a folder
whose current version is a good build of *other* figures (one dataset differs), kills it
at some moment, and checks what a reader sees: the version ``current`` gives, and every
file's path from before versions (``<folder>/<name>``). Before the switch that is the
previous build byte for byte; after it, the whole new build. The next run then succeeds,
removes what the killed runs left and writes what a clean run writes.

Moments: just after the first progress line; a seeded random moment up to a second after
the last progress line; while the new version's folder is being written; and, through a
small wrapper that kills the process from inside ``os.replace``, just before and just after
``current`` is switched. Every single step of the writing and switching is killed in
``tests/etl/test_versions.py``, with small files; this file shows the real ETL behind it.

The official releases (``dfe/``) are read in place through a symlink; the boundary and
small-area files are left out, so that each run takes a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from etl import config, fingerprint
from etl.io import versions
from etl.io.atomic import write_all
from etl.io.versions import current

ROOT = Path(__file__).resolve().parents[2]
CHANGED = "racist_incidents.parquet"  # the dataset whose figures differ between the builds
STAMPED = {"build.json", "validation_report.md"}  # carry the time of the build
KEPT = "stages/"  # each stage's kept result (a pickle: it holds its import time too)

# Runs the ETL, killing itself (SIGKILL) inside the os.replace that switches ``current``:
# before it ("before") or just after it ("after").
KILL_AT_SWITCH = """
import os, runpy, signal, sys
when = sys.argv.pop(1)
real_replace = os.replace
def replace(src, dst, *args, **kwargs):
    switching = os.path.basename(dst) == "current"
    if switching and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst, *args, **kwargs)
    if switching and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
sys.argv[0] = "etl"
runpy.run_module("etl", run_name="__main__", alter_sys=True)
"""


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Builds:
    raw: Path
    external: Path
    old: Path  # a processed folder whose current version is a good build of other figures
    old_files: dict[str, str]
    new_files: dict[str, str]  # what a clean run of ``raw`` writes
    progress: list[float]  # seconds from start to each progress line of a clean run

    def command(self, out: Path, *prefix: str, full: bool = False) -> list[str]:
        return [sys.executable, *(prefix or ("-m", "etl")), "--raw", str(self.raw),
                "--out", str(out), "--external", str(self.external),
                *(["--full"] if full else [])]

    def start(self, out: Path, *prefix: str, full: bool = False) -> subprocess.Popen:
        return subprocess.Popen(self.command(out, *prefix, full=full), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def previous(self, tmp_path: Path) -> Path:
        out = tmp_path / "processed"
        shutil.copytree(self.old, out, symlinks=True)
        self.sees_old(out, "at the start")
        return out

    def sees_old(self, out: Path, when: str) -> None:
        assert _snapshot(current(out)) == self.old_files, f"killed {when}: the build changed"
        _readable(out)

    def sees_new(self, out: Path) -> None:
        files = _snapshot(current(out))
        assert files.keys() == self.new_files.keys()
        assert {k for k in files if files[k] != self.new_files[k]
                and not k.startswith(KEPT)} <= STAMPED
        _readable(out)


def _run(builds: Builds, out: Path, full: bool = False) -> list[float]:
    """A whole run to the end (``full``: every stage, changed or not); the seconds at which
    each progress line came."""
    started = time.monotonic()
    proc = builds.start(out, full=full)
    times, lines = [], []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("["):
            times.append(time.monotonic() - started)
    assert proc.wait(timeout=300) == 0, "".join(lines)
    return times


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


def _other_build(new: Path, old: Path) -> None:
    """A good build of other figures, as a version of ``old``: the new build's files, one
    dataset's figures changed and an earlier time in build.json. Not its fingerprints
    (etl/fingerprint.py) nor its stages' kept results: they would say that it was built
    from the same inputs, and the next run would reuse it."""
    files = {p.relative_to(new).as_posix(): p.read_bytes() for p in new.rglob("*")
             if p.is_file() and p.name != fingerprint.FILE
             and p.parent.name != fingerprint.STAGE_FOLDER}
    frame = pd.read_parquet(new / CHANGED)
    frame["value"] = frame["value"] + 1
    summary = json.loads(files["build.json"])
    summary["built_at"] = "2000-01-01T00:00:00+00:00"
    writers = {name: _bytes(data) for name, data in files.items()
               if name not in (CHANGED, "build.json")}
    writers[CHANGED] = lambda path: frame.to_parquet(path, index=False)
    writers["build.json"] = lambda path: path.write_text(json.dumps(summary, indent=2))
    write_all(old, writers, "2000-01-01T000000Z", keep=2)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    dfe = config.settings().external_dir / "dfe"
    assert dfe.is_dir(), (f"no official releases in {dfe}: set SAFEGUARDING_EXTERNAL_DIR "
                          "to the folder holding dfe/ (see the README)")
    root = tmp_path_factory.mktemp("interrupted")
    external = root / "external"
    external.mkdir()
    (external / "dfe").symlink_to(dfe, target_is_directory=True)
    raw = root / "raw"
    shutil.copytree(config.settings().raw_dir, raw)
    builds = Builds(raw, external, root / "old", {}, {}, [])
    builds.progress = _run(builds, root / "new")
    _other_build(current(root / "new"), builds.old)
    builds.old_files, builds.new_files = (_snapshot(current(builds.old)),
                                          _snapshot(current(root / "new")))
    changed = {k for k in builds.new_files if builds.new_files[k] != builds.old_files.get(k)}
    assert CHANGED in changed, "the two builds should differ"
    assert builds.progress, "a clean run printed no progress lines"
    return builds


def _readable(out: Path) -> None:
    """What a reader sees is one readable build: build.json's row counts match its files,
    and every file's path from before versions gives the current version's bytes."""
    folder = current(out)
    summary = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    for name, rows in summary["datasets"].items():
        assert pq.read_table(folder / f"{name}.parquet").num_rows == rows, name
    for path in folder.rglob("*.parquet"):
        pq.read_table(path)
    for path in folder.rglob("*"):
        stable = out / path.relative_to(folder)
        if path.is_file() and stable.exists():
            assert stable.read_bytes() == path.read_bytes(), stable


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def _staging(out: Path) -> list[Path]:
    return sorted((out / "versions").glob(".staging-*"))


def test_killed_while_working_writing_and_switching(builds, tmp_path):
    out = builds.previous(tmp_path)

    proc = builds.start(out)
    first = proc.stderr.readline()
    assert first.startswith("["), first
    _kill(proc)
    builds.sees_old(out, "after the first progress line")

    ms = random.Random(20261122).randrange(0, int(builds.progress[-1] * 1000) + 1000)
    proc = builds.start(out)
    try:
        proc.wait(timeout=ms / 1000)
    except subprocess.TimeoutExpired:
        _kill(proc)
        builds.sees_old(out, f"after {ms} ms")
    else:  # finished first: a much faster machine than the clean run's
        proc.stderr.close()
        assert proc.returncode == 0
        builds.sees_new(out)
        return

    proc = builds.start(out)
    deadline = time.monotonic() + 120
    while True:  # kill once a few files are staged, before build.json (the last)
        staged = [p for s in _staging(out) for p in s.rglob("*") if p.is_file()]
        if len(staged) >= 3 and not any(p.name == "build.json" for p in staged):
            break
        assert proc.poll() is None, "the run ended before it was caught writing"
        assert time.monotonic() < deadline, "no staged files within two minutes"
        time.sleep(0.002)
    _kill(proc)
    assert _staging(out), "no staging folder left: the kill came too late to test this"
    builds.sees_old(out, "while writing the new version")

    proc = builds.start(out, "-c", KILL_AT_SWITCH, "before")
    proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    builds.sees_old(out, "just before the switch")
    waiting = [v for v in versions.all_versions(out) if v != current(out)]
    assert any(_snapshot(v).keys() == builds.new_files.keys() for v in waiting), (
        "the new version should be whole in versions/, only not current")

    proc = builds.start(out, "-c", KILL_AT_SWITCH, "after")
    proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    builds.sees_new(out)

    _run(builds, out, full=True)  # a new version though nothing changed: the oldest goes
    builds.sees_new(out)
    assert not [p for p in (out / "versions").iterdir() if p.name.startswith(".")]
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != ".lock"]
    assert len(versions.all_versions(out)) == 1 + config.settings().keep_versions
    assert not any(v.name.startswith("2000-") for v in versions.all_versions(out)), (
        "the oldest version should have been pruned")
    for name in builds.new_files:
        assert (out / name).is_file(), f"{name} has no path of its own"
