"""Write a build as a new version, so that a failed or killed run leaves the previous one.

The steps (the layout is in ``etl.io.versions``):

1. write every file into ``versions/.staging-<pid>-<random>/`` and fsync each;
2. rename that folder to ``versions/<name>`` (one rename: the version appears whole);
3. replace ``current`` with a link to it (one ``os.replace``: the switch);
4. give each of its files its path from before versions, ``<name>`` → ``current/<name>``
   (a link that replaces the old link in one step), remove the links that the new build no
   longer has, and prune old versions.

A kill before step 3 leaves ``current`` on the previous build (the next run removes the
half-written folder); a kill after it leaves the new build current. Steps 2 to 4 hold the
folder's lock, so two runs never prune each other's versions. A folder in the layout
before versions (every file directly in it) is first adopted as a version of its own, its
files hard-linked, so that each path keeps giving the same build until the switch.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from etl.io import versions
from etl.io.versions import CURRENT, LINK, PRUNING, STAGING, VERSIONS, current

logger = logging.getLogger(__name__)

# What the layout before versions kept directly in the output folder.
FLAT_FILES = ("build.json", "validation_report.md")
FLAT_SUFFIXES = (".parquet",)
KEPT = {CURRENT, VERSIONS, "README.md"}  # never a build's file's link


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _staging(out_dir: Path) -> Path:
    (out_dir / VERSIONS).mkdir(parents=True, exist_ok=True)
    staging = versions.temporary(out_dir / VERSIONS, STAGING)
    staging.mkdir()  # with the umask's permissions, as the files (mkdtemp's are private)
    return staging


def _commit(out_dir: Path, staging: Path, name: str) -> Path:
    """Rename a whole staged version into ``versions/``, switch to it, link its files."""
    version = out_dir / VERSIONS / versions.unique_name(name)
    os.rename(staging, version)
    versions.fsync_dir(out_dir / VERSIONS)
    versions.switch(out_dir, version)
    link_files(out_dir, version)
    return version


def _flat_files(out_dir: Path) -> list[Path]:
    """The output files of the layout before versions, relative to ``out_dir``."""
    found = []
    for folder in (out_dir, out_dir / "geo"):
        if folder.is_dir() and not folder.is_symlink():
            found += [p.relative_to(out_dir) for p in folder.iterdir()
                      if p.is_file() and not p.is_symlink()
                      and (p.suffix in FLAT_SUFFIXES or p.name in FLAT_FILES)]
    return sorted(found)


def adopt_flat(out_dir: Path) -> Path | None:
    """Make a folder in the layout before versions the first version (its files hard-linked,
    or copied where links cannot be made), each file's path then a link to the same bytes;
    None when there is nothing to adopt."""
    files = _flat_files(out_dir)
    if (out_dir / CURRENT).exists() or Path("build.json") not in files:
        return None
    try:
        built = json.loads((out_dir / "build.json").read_text(encoding="utf-8"))["built_at"]
        stem = str(built).replace(":", "").replace("+0000", "Z")[:18]
    except (OSError, ValueError, KeyError, TypeError):
        stem = "before-versions"
    staging = _staging(out_dir)
    try:
        for relative in files:
            (staging / relative).parent.mkdir(exist_ok=True)
            try:
                os.link(out_dir / relative, staging / relative)
            except OSError:
                shutil.copy2(out_dir / relative, staging / relative)
        version = _commit(out_dir, staging, stem)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # renamed unless a step failed
    logger.debug("adopted the files of %s as version %s", out_dir, version.name)
    return version


def link_files(out_dir: Path, version: Path) -> None:
    """Give every top-level file (or folder) of the ``version`` that ``current`` points at
    the stable path ``out_dir/<name>``, a link to ``current/<name>``; remove such links
    whose file that version does not have."""
    names = {p.name for p in version.iterdir()} - KEPT
    for name in sorted(names):
        link, target = out_dir / name, f"{CURRENT}/{name}"
        if link.is_symlink() and os.readlink(link) == target:
            continue
        old = None
        if link.is_dir() and not link.is_symlink():  # geo/ as the layout before versions had it
            old = versions.temporary(out_dir, PRUNING)
            os.rename(link, old)
        new = versions.temporary(out_dir, LINK)
        os.symlink(target, new)
        os.replace(new, link)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    flat = {p.parts[0] for p in _flat_files(out_dir)}
    for entry in sorted(out_dir.iterdir()):
        if entry.name in names or entry.name in KEPT:
            continue
        if (entry.is_symlink() and os.readlink(entry).startswith(f"{CURRENT}/")) or \
                (entry.name in flat and entry.is_file()):
            entry.unlink()
        elif entry.name in flat:  # geo/, from before versions
            old = versions.temporary(out_dir, PRUNING)
            os.rename(entry, old)
            shutil.rmtree(old, ignore_errors=True)


def write_all(out_dir: Path, writers: dict[str, Callable[[Path], None]], name: str,
              keep: int, before_switch: Callable[[], None] | None = None) -> Path:
    """Write every file (relative name → writer) as a new version of ``out_dir``, make it
    the current one and keep ``keep`` older versions; return the new version's folder.

    Nothing readers see changes unless every writer succeeded, and ``before_switch``
    (called once every file is written) returned: an error, or a kill, before the switch
    leaves ``current`` where it was."""
    if versions.holder(out_dir) is not None:
        raise ValueError(f"{out_dir} is a version of {versions.holder(out_dir)}: write there")
    made = [folder for folder in (out_dir, out_dir / VERSIONS) if not folder.exists()]
    (out_dir / VERSIONS).mkdir(parents=True, exist_ok=True)
    versions.remove_stale(out_dir)
    staging = _staging(out_dir)
    switched = False
    try:
        folders = {staging}
        for relative, writer in writers.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
            writer(target)
            _fsync(target)
        for folder in folders:
            versions.fsync_dir(folder)
        if before_switch is not None:
            before_switch()
        with versions.locked(out_dir):
            if adopt_flat(out_dir) is None and current(out_dir).is_dir():
                link_files(out_dir, current(out_dir))  # what a killed run left undone
            version = _commit(out_dir, staging, name)
            switched = True
            versions.prune(out_dir, keep)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # already renamed unless a step failed
        for folder in reversed(made if not switched else []):  # a failed first build
            with contextlib.suppress(OSError):  # leaves no folder it made (if still empty)
                folder.rmdir()
    return version
