"""Write a build as a new version, so that a failed or killed run leaves the previous one.

The steps (the layout is in ``etl.io.versions``):

1. write every file into ``versions/.staging-<pid>-<random>/`` and fsync each;
2. rename that folder to ``versions/<name>`` (one rename: the version appears whole);
3. replace ``current`` with a link to it (one ``os.replace``: the switch);
4. give each of its files its path from before versions, ``<name>`` → ``current/<name>``
   (a link that replaces the old file, or the old link, in one step), remove the links
   and files that the new build no longer has, and prune old versions.

A kill before step 3 leaves ``current`` on the previous build (the next run removes the
half-written folder); a kill after it leaves the new build current. Steps 2 to 4 hold the
folder's lock, so two runs never prune each other's versions.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from etl.io import versions
from etl.io.versions import CURRENT, LINK, PRUNING, STAGING, VERSIONS

logger = logging.getLogger(__name__)

# What the layout before versions kept directly in the output folder.
FLAT_FILES = ("build.json", "validation_report.md")
FLAT_SUFFIXES = (".parquet",)
KEPT = {CURRENT, VERSIONS, "README.md"}  # never a build's file's link


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def remove_flat(out_dir: Path) -> None:
    """Remove the output files of the layout before versions (``<name>.parquet``,
    ``geo/…``, build.json, the report), now that ``current`` holds a whole build."""
    for folder in (out_dir, out_dir / "geo"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for old in folder.iterdir():
            if old.is_file() and not old.is_symlink() and (
                    old.suffix in FLAT_SUFFIXES or old.name in FLAT_FILES):
                old.unlink()
    if (out_dir / "geo").is_dir() and not any((out_dir / "geo").iterdir()):
        (out_dir / "geo").rmdir()


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
    for entry in out_dir.iterdir():
        if entry.is_symlink() and entry.name not in names and \
                os.readlink(entry).startswith(f"{CURRENT}/"):
            entry.unlink()


def write_all(out_dir: Path, writers: dict[str, Callable[[Path], None]], name: str,
              keep: int) -> Path:
    """Write every file (relative name → writer) as a new version of ``out_dir``, make it
    the current one and keep ``keep`` older versions; return the new version's folder.

    Nothing readers see changes unless every writer succeeded: an error, or a kill, before
    the switch leaves ``current`` where it was."""
    (out_dir / VERSIONS).mkdir(parents=True, exist_ok=True)
    versions.remove_stale(out_dir)
    staging = versions.temporary(out_dir / VERSIONS, STAGING)
    staging.mkdir()  # with the umask's permissions, as the files (mkdtemp's are private)
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
        with versions.locked(out_dir):
            version = out_dir / VERSIONS / versions.unique_name(name)
            os.rename(staging, version)
            versions.fsync_dir(out_dir / VERSIONS)
            versions.switch(out_dir, version)
            link_files(out_dir, version)
            remove_flat(out_dir)
            versions.prune(out_dir, keep)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # already renamed unless a step failed
    return version
