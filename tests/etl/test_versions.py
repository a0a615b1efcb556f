"""Versions of the processed folder: a kill at any step of writing and switching leaves
readers with one whole build, the next run cleans up, and pruning keeps the right ones.

The kills run ``etl.io.atomic.write_all`` in a separate (forked) process, with small text
files that each name the build they belong to, and SIGKILL it just before its n-th step
(every mkdir, half file written, fsync, rename, replace, link and unlink it makes), for
every n. After each
kill the test reads the folder as readers do: ``current`` resolved once, and every file's
path from before versions, and checks that all of it is the old build or all the new.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from etl import config
from etl.errors import ETLError
from etl.io import versions
from etl.io.atomic import write_all
from etl.io.versions import current
from etl.pipeline import run

OLD = ["a.parquet", "b.parquet", "gone.parquet", "geo/lsoa_x.parquet",
       "validation_report.md"]
NEW = ["a.parquet", "b.parquet", "added.parquet", "geo/lsoa_x.parquet",
       "validation_report.md"]

STEPS = ("mkdir", "rename", "replace", "symlink", "link", "fsync", "unlink", "rmdir")


def _counting(kill_at: int) -> list[int]:
    """Make every step write_all takes (a call of one of ``STEPS``, shutil.rmtree, or half
    a file written) count, and SIGKILL this process just before the step ``kill_at``."""
    steps = [0]

    def step() -> None:
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        steps[0] += 1

    def counted(module, attr):
        real = getattr(module, attr)

        def call(*args, **kwargs):
            step()
            return real(*args, **kwargs)
        setattr(module, attr, call)

    for attr in STEPS:
        counted(os, attr)
    counted(shutil, "rmtree")
    real_write = Path.write_text

    def write_text(path, text, *args, **kwargs):
        real_write(path, text[: len(text) // 2], *args, **kwargs)
        step()  # a kill here leaves half a file
        return real_write(path, text, *args, **kwargs)
    Path.write_text = write_text
    return steps


def body(name: str, build: str) -> str:
    return f"{name} of build {build}\n" * 20


def files_of(build: str, names: list[str]) -> dict[str, str]:
    out = {name: body(name, build) for name in names}
    out["build.json"] = json.dumps({"built_at": build, "files": sorted(names)})
    return out


def _writer(text: str):
    return lambda path: path.write_text(text, encoding="utf-8")


def writers(files: dict[str, str]) -> dict:
    return {name: _writer(text) for name, text in files.items()}


def flat(out: Path, files: dict[str, str]) -> None:
    """A folder as the ETL wrote it before versions: every file directly in it."""
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")


def seen(out: Path) -> str:
    """The build a reader sees, checked whole: the version ``current`` gives holds exactly
    that build's files, every one complete, and every path from before versions that
    opens gives the same build's file."""
    folder = current(out)
    build = json.loads((folder / "build.json").read_text(encoding="utf-8"))["built_at"]
    names = json.loads((folder / "build.json").read_text(encoding="utf-8"))["files"]
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    if folder != out:
        assert present == {*names, "build.json"}, f"{folder}: {sorted(present)}"
    for name in names:
        assert (folder / name).read_text(encoding="utf-8") == body(name, build), name
    for name in {*OLD, *NEW}:
        if (out / name).exists():
            assert (out / name).read_text(encoding="utf-8") == body(name, build), name
    return build


def temporaries(out: Path) -> list[Path]:
    return sorted(p for folder in (out, out / "versions") if folder.is_dir()
                  for p in folder.iterdir() if p.name.startswith(".") and p.name != ".lock")


def repaired(out: Path) -> None:
    """The next run succeeds, leaves nothing temporary, and links every file it wrote."""
    write_all(out, writers(files_of("next", NEW)), "next", keep=1)
    assert seen(out) == "next"
    assert temporaries(out) == []
    assert len(versions.all_versions(out)) <= 2
    for name in ["build.json", *NEW]:
        assert (out / name).is_file(), name
    assert not (out / "gone.parquet").is_symlink(), "the link of a dropped file stays"


def killed_at(out: Path, step: int) -> tuple[int, int]:
    """Write the build "new" into ``out`` in a forked process (its own memory: the
    counting touches nothing here) killed before step ``step`` (none: -1); its exit
    status (or minus the signal that ended it) and, when it finished, its steps."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            steps = _counting(step)
            write_all(out, writers(files_of("new", NEW)), "new", keep=1)
            os.write(write, str(steps[0]).encode())
            os._exit(0)
        finally:
            os._exit(1)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        told = pipe.read()
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return code, int(told or -1)


@pytest.fixture(autouse=True)
def no_waiting_for_the_disk(monkeypatch):
    """fsync only matters for a power cut, which these tests do not make: skip its wait."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.mark.parametrize("layout", ["versions", "before versions"])
def test_a_kill_at_every_step_leaves_one_whole_build(tmp_path, layout):
    start = tmp_path / "start"
    if layout == "versions":
        write_all(start, writers(files_of("old", OLD)), "old", keep=1)
    else:
        start.mkdir()
        flat(start, files_of("old", OLD))
    assert seen(start) == "old"
    code, total = killed_at(shutil.copytree(start, tmp_path / "whole", symlinks=True), -1)
    assert code == 0
    assert total > 20 and seen(tmp_path / "whole") == "new"
    builds = []
    for step in range(total):
        out = shutil.copytree(start, tmp_path / f"killed-{step}", symlinks=True)
        assert killed_at(out, step) == (-signal.SIGKILL, -1), step
        builds.append(seen(out))
        repaired(out)
        shutil.rmtree(out)
    switched = builds.index("new")
    assert builds == ["old"] * switched + ["new"] * (total - switched), builds
    assert 0 < switched < total - 1


def test_pruning_keeps_the_current_version_and_the_newest_others(tmp_path):
    out = tmp_path / "processed"
    made = [write_all(out, writers(files_of(f"b{i}", NEW)), f"2026-01-0{i}T000000Z", keep=2)
            for i in range(1, 6)]
    assert versions.all_versions(out) == made[-3:]
    assert seen(out) == "b5"
    os.replace(out / "current", out / "old-link")  # point back at the oldest kept, by hand
    os.symlink(os.path.relpath(made[2], out), out / "current")
    assert versions.prune(out, keep=0) == made[3:]
    assert versions.all_versions(out) == [made[2]] and seen(out) == "b3"
    write_all(out, writers(files_of("b6", NEW)), "2026-01-06T000000Z", keep=0)
    assert [v.name[:10] for v in versions.all_versions(out)] == ["2026-01-06"]


def test_a_version_being_written_by_a_live_run_is_left_alone(tmp_path):
    out = tmp_path / "processed"
    write_all(out, writers(files_of("one", NEW)), "one", keep=2)
    mine = out / "versions" / f".staging-{os.getpid()}-inprogress"
    mine.mkdir()
    dead = out / "versions" / ".staging-999999999-leftover"  # no such process
    dead.mkdir()
    legacy = out / ".staging-999999998-before-versions"
    legacy.mkdir()
    write_all(out, writers(files_of("two", NEW)), "two", keep=2)
    assert mine.is_dir() and not dead.exists() and not legacy.exists()
    assert len(versions.all_versions(out)) == 2, "a folder in progress is not a version"
    mine.rmdir()


def test_a_folder_without_current_is_read_as_it_is(tmp_path):
    flat(tmp_path, files_of("copy", OLD))
    assert current(tmp_path) == tmp_path and seen(tmp_path) == "copy"
    (tmp_path / "inner").mkdir()
    shutil.copytree(tmp_path / "geo", tmp_path / "inner" / "current" / "geo")
    assert current(tmp_path / "inner") == tmp_path / "inner" / "current", "a copied folder"


def test_the_number_of_versions_kept_is_a_setting(monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_KEEP_VERSIONS", "5")
    assert config.settings().keep_versions == 5
    monkeypatch.delenv("SAFEGUARDING_KEEP_VERSIONS")
    assert config.settings().keep_versions == config.KEEP_VERSIONS == 2
    for wrong in ("-1", "two"):
        monkeypatch.setenv("SAFEGUARDING_KEEP_VERSIONS", wrong)
        with pytest.raises(config.ConfigError, match="SAFEGUARDING_KEEP_VERSIONS"):
            config.settings()


def test_the_etl_never_writes_into_a_version(tmp_path):
    out = tmp_path / "processed"
    write_all(out, writers(files_of("one", NEW)), "one", keep=1)
    for inside in (out / "current", current(out)):
        with pytest.raises(ETLError, match="never changes once written"):
            run(config.settings().raw_dir, inside)
        with pytest.raises(ValueError, match="is a version of"):
            write_all(inside, writers(files_of("two", NEW)), "two", keep=1)
    assert seen(out) == "one" and len(versions.all_versions(out)) == 1
