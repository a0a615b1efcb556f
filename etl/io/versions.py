"""The processed folder's layout: one whole folder per build, one pointer to the current one.

::

    <processed>/versions/<id>/   every file of one build; never changed once written
    <processed>/current          a symbolic link to versions/<id>: the build readers see

The ETL (``etl.io.atomic.write_all``) writes a new version under a hidden name, renames it
into ``versions/`` and then replaces ``current`` with one ``os.replace``, which is atomic
on POSIX: a reader, or a kill at any moment, sees either the whole old build or the whole
new one. Names in ``versions/`` that start with a dot are runs in progress (or killed, or
versions being pruned), never versions. POSIX only (Linux, macOS): Windows is not a target.

Each file of the current build also keeps the path it had before versions, as a link
``<processed>/<name>`` → ``current/<name>`` (``build.json``, ``cp_plans.parquet``, ``geo``
…). Each such path, like ``current/<name>``, gives whatever build is current when it is
opened. Readers that need several files of one build resolve the pointer once
(``current``) and read them all from the folder it gives, so a switch in the middle never
mixes builds. A folder without ``current`` (a copy of one version, or one written before
versions) is read as it is.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

CURRENT = "current"
VERSIONS = "versions"
LOCK = ".lock"
STAGING = ".staging-"  # + the writing process's id + a random part: a version being written
POINTER = ".current-"  # + id + random: the new link, just before it replaces ``current``
PRUNING = ".pruning-"  # + id + random: a version renamed away, about to be deleted
LINK = ".link-"  # + id + random: a new per-file link, just before it takes its place
_TEMPORARY = (STAGING, POINTER, PRUNING, LINK)


def current(out: Path) -> Path:
    """The folder of the build readers should see: where ``out/current`` points, resolved
    now, so that files read from it later all come from that one version even if the
    pointer moves meanwhile; ``out`` itself when it has no ``current``."""
    link = out / CURRENT
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        return out
    except OSError:  # a real folder named current (a copy made without links): read it
        return link
    return Path(os.path.normpath(out / target))


def holder(out: Path) -> Path | None:
    """The processed folder that ``out`` is a version of (``<it>/current``, or
    ``<it>/versions/<id>``), which the ETL must never write into; None for any other."""
    resolved = out.resolve()
    above = resolved.parent.parent
    if resolved.parent.name == VERSIONS and (above / CURRENT).is_symlink():
        return above
    return None


def all_versions(out: Path) -> list[Path]:
    """Every whole version under ``out/versions``, oldest name first (names start with the
    build's time)."""
    try:
        entries = list((out / VERSIONS).iterdir())
    except FileNotFoundError:
        return []
    return sorted(p for p in entries if p.is_dir() and not p.name.startswith("."))


def unique_name(stem: str) -> str:
    """A version's name: ``stem`` (the build's time, say) and a random part."""
    return f"{stem}-{secrets.token_hex(3)}"


def temporary(out_dir: Path, prefix: str) -> Path:
    """A fresh name for a temporary entry of this process (``prefix`` + pid + random)."""
    return out_dir / f"{prefix}{os.getpid()}-{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process (or no such id)
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def remove_stale(out: Path) -> None:
    """Remove what killed runs left (their process is gone): half-written versions, new
    links that never replaced ``current``, versions half pruned, and the staging folders
    of the layout before versions. Another run's work in progress is left alone."""
    for folder in (out, out / VERSIONS):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            prefix = next((p for p in _TEMPORARY if entry.name.startswith(p)), None)
            if prefix is None:
                continue
            pid = entry.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                logger.debug("removing %s, left by a run that was stopped", entry)
                _remove(entry)


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``out/.lock`` (an advisory lock): one run at a time switches and prunes."""
    with open(out / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (renames, new files) durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch(out: Path, version: Path) -> None:
    """Point ``out/current`` at ``version`` in one atomic step (a new relative link
    replaces the old one with ``os.replace``)."""
    link = out / CURRENT
    if link.is_dir() and not link.is_symlink():  # a copied folder in the link's place
        os.rename(link, temporary(out / VERSIONS, PRUNING))
    pointer = temporary(out, POINTER)
    os.symlink(os.path.relpath(version, out), pointer)
    os.replace(pointer, link)
    fsync_dir(out)
    logger.debug("%s now points at %s", link, version.name)


def prune(out: Path, keep: int) -> list[Path]:
    """Delete all but the current version and the ``keep`` newest others; return the
    deleted. Each is first renamed away (so a folder under its name is always whole) and
    the version ``current`` points at is never touched."""
    now = current(out)
    others = [v for v in all_versions(out) if v != now]
    gone = others[:max(0, len(others) - keep)]
    for old in gone:
        away = temporary(out / VERSIONS, PRUNING)
        os.rename(old, away)
        shutil.rmtree(away, ignore_errors=True)
        logger.debug("pruned version %s", old.name)
    return gone
