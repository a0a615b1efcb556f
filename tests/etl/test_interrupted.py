"""The ETL killed midway (SIGKILL: no clean-up runs) leaves the previous build as it was.

Each test starts ``python -m etl`` as a separate process writing to a folder that
holds a good build of *other* figures (one raw figure differs), kills it at some
moment, and checks that:

- the previous build is byte-for-byte intact (staging folders aside) and readable;
- the next run succeeds, removes the staging folders that killed runs left behind,
  and writes exactly what a clean run writes.

Moments: just after the first progress line; seeded random moments up to a second
after the last progress line (the checks take longer than that); while the staging
folder is being written; and, through a small wrapper that kills the process from
inside ``os.replace``, just before the first file is moved into place and halfway
through the moves. Moving files into place is one rename per file, so a kill in the
middle of those renames leaves some new files beside old ones: each file is whole
(never torn), and the next run puts everything right. That window lasts about a
millisecond; the last test shows what it can leave.

The official releases (``dfe/``) are read in place through a symlink; the boundary
and small-area files are left out, so that each run takes a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from etl import config

ROOT = Path(__file__).resolve().parents[2]
TABLE = Path("reports/dudley_cs_equality_2010_11/racist_incidents_table2.csv")
STAMPED = {"build.json", "validation_report.md"}  # carry the time of the build

# Runs the ETL, killing itself (SIGKILL) just before the n-th file (from 0) is moved
# out of the staging folder into place.
KILL_IN_COMMIT = """
import os, runpy, signal, sys
left = int(sys.argv.pop(1))
real_replace = os.replace
def replace(src, dst, *args, **kwargs):
    global left
    if ".staging-" in str(src):
        if left == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        left -= 1
    return real_replace(src, dst, *args, **kwargs)
os.replace = replace
sys.argv[0] = "etl"
runpy.run_module("etl", run_name="__main__", alter_sys=True)
"""


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but the staging folders: its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).parts[0].startswith(".staging-")}


def _staging(folder: Path) -> list[Path]:
    return sorted(folder.glob(".staging-*"))


@dataclass
class Builds:
    raw: Path  # the raw data the killed runs read
    external: Path
    old: Path  # a good build of slightly different raw data: what must survive
    old_files: dict[str, str]
    new_files: dict[str, str]  # what a clean run of ``raw`` writes
    progress: list[float]  # seconds from start to each progress line of a clean run

    def command(self, out: Path, *prefix: str) -> list[str]:
        return [sys.executable, *prefix, "--raw", str(self.raw), "--out", str(out),
                "--external", str(self.external)]

    def start(self, out: Path, *prefix: str) -> subprocess.Popen:
        return subprocess.Popen(self.command(out, *(prefix or ("-m", "etl"))), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def previous(self, tmp_path: Path) -> Path:
        out = tmp_path / "processed"
        shutil.copytree(self.old, out)
        assert _snapshot(out) == self.old_files
        return out


def _run(builds: Builds, raw: Path, out: Path) -> list[float]:
    """A whole run to the end; the seconds at which each progress line came."""
    command = builds.command(out, "-m", "etl")
    command[command.index("--raw") + 1] = str(raw)
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    times, lines = [], []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("["):
            times.append(time.monotonic() - started)
    assert proc.wait(timeout=300) == 0, "".join(lines)
    return times


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    dfe = config.settings().external_dir / "dfe"
    assert dfe.is_dir(), (f"no official releases in {dfe}: set SAFEGUARDING_EXTERNAL_DIR "
                          "to the folder holding dfe/ (see the README)")
    root = tmp_path_factory.mktemp("interrupted")
    external = root / "external"
    external.mkdir()
    (external / "dfe").symlink_to(dfe, target_is_directory=True)
    raw, other = root / "raw", root / "raw_other"
    shutil.copytree(config.settings().raw_dir, raw)
    shutil.copytree(config.settings().raw_dir, other)
    text = (other / TABLE).read_text(encoding="utf-8")
    assert "Total number of incidents,,,258," in text
    (other / TABLE).write_text(text.replace("Total number of incidents,,,258,",
                                            "Total number of incidents,,,259,"),
                               encoding="utf-8")
    builds = Builds(raw, external, root / "old", {}, {}, [])
    _run(builds, other, builds.old)
    builds.progress = _run(builds, raw, root / "new")
    builds.old_files, builds.new_files = _snapshot(builds.old), _snapshot(root / "new")
    changed = {k for k in builds.new_files if builds.new_files[k] != builds.old_files.get(k)}
    assert "racist_incidents.parquet" in changed, "the two builds should differ"
    assert builds.progress, "a clean run printed no progress lines"
    return builds


def _readable(out: Path) -> None:
    summary = json.loads((out / "build.json").read_text(encoding="utf-8"))
    for name, rows in summary["datasets"].items():
        assert pq.read_table(out / f"{name}.parquet").num_rows == rows, name
    for path in out.rglob("*.parquet"):
        if not path.relative_to(out).parts[0].startswith(".staging-"):
            pq.read_table(path)


def _intact(builds: Builds, out: Path, when: str) -> None:
    assert _snapshot(out) == builds.old_files, (
        f"killed {when}: the previous build changed")
    _readable(out)


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def _next_run_repairs(builds: Builds, out: Path) -> None:
    """The next run succeeds, clears the staging folders and writes a clean build."""
    _run(builds, builds.raw, out)
    assert not _staging(out), f"staging folders left: {_staging(out)}"
    files = _snapshot(out)
    assert files.keys() == builds.new_files.keys()
    assert {k for k in files if files[k] != builds.new_files[k]} <= STAMPED
    _readable(out)


def test_killed_after_the_first_progress_line(builds, tmp_path):
    out = builds.previous(tmp_path)
    proc = builds.start(out)
    first = proc.stderr.readline()
    assert first.startswith("["), first
    _kill(proc)
    _intact(builds, out, "after the first progress line")
    _next_run_repairs(builds, out)


def test_killed_at_random_moments(builds, tmp_path):
    """Three moments from the start to a second after the last progress line (the
    checks and the writing come after it and take longer)."""
    out = builds.previous(tmp_path)
    moments = random.Random(20261122).sample(range(0, int(builds.progress[-1] * 1000)
                                                   + 1000), 3)
    for ms in sorted(moments):
        proc = builds.start(out)
        try:
            proc.wait(timeout=ms / 1000)
        except subprocess.TimeoutExpired:
            _kill(proc)
        else:  # finished first: a much faster machine than the clean run's
            proc.stderr.close()
            assert proc.returncode == 0
            _readable(out)
            return
        _intact(builds, out, f"after {ms} ms")
    _next_run_repairs(builds, out)


def test_killed_while_the_staging_folder_is_written(builds, tmp_path):
    out = builds.previous(tmp_path)
    proc = builds.start(out)
    deadline = time.monotonic() + 120
    while True:  # kill once a few files are in staging, before build.json (the last)
        found = _staging(out)
        files = [p for p in found[0].rglob("*") if p.is_file()] if found else []
        if len(files) >= 3 and not any(p.name == "build.json" for p in files):
            break
        assert proc.poll() is None, "the run ended before it was caught writing"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    _kill(proc)
    assert _staging(out), "no staging folder left: the kill came too late to test this"
    _intact(builds, out, "while writing the staging folder")
    _next_run_repairs(builds, out)


def test_killed_just_before_the_first_file_is_moved_into_place(builds, tmp_path):
    out = builds.previous(tmp_path)
    proc = builds.start(out, "-c", KILL_IN_COMMIT, "0")
    proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    staged = [p for p in _staging(out)[0].rglob("*") if p.is_file()]
    assert {str(p.relative_to(_staging(out)[0])) for p in staged} == builds.new_files.keys()
    _intact(builds, out, "before the first rename")
    _next_run_repairs(builds, out)


def test_killed_halfway_through_moving_files_into_place(builds, tmp_path):
    """The one window without a byte-for-byte guarantee: every file is whole, either
    the previous build's or the new one's, and the next run repairs the rest."""
    out = builds.previous(tmp_path)
    half = len(builds.new_files) // 2
    proc = builds.start(out, "-c", KILL_IN_COMMIT, str(half))
    proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    files = _snapshot(out)
    new = {k for k in files if files[k] == builds.new_files.get(k) != builds.old_files.get(k)}
    old = {k for k in files if files[k] == builds.old_files.get(k)}
    assert new | old == files.keys(), "a file is neither the old nor the new version"
    assert files.keys() == builds.old_files.keys()
    assert "build.json" in old, "build.json is moved last, so it still names the old build"
    _readable(out)
    _next_run_repairs(builds, out)


def test_staging_folders_of_runs_still_going_are_left_alone(builds, tmp_path):
    """A folder whose process is alive (this one) is another run's work in progress."""
    out = builds.previous(tmp_path)
    mine = out / f".staging-{os.getpid()}-inprogress"
    mine.mkdir()
    (mine / "half.parquet").write_bytes(b"PAR1")
    dead = out / ".staging-999999999-leftover"  # no such process
    dead.mkdir()
    _run(builds, builds.raw, out)
    assert mine.is_dir() and (mine / "half.parquet").read_bytes() == b"PAR1"
    assert not dead.exists()
    shutil.rmtree(mine)
