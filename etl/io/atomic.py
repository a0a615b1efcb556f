"""Write outputs so that a failed or interrupted run leaves the previous ones intact."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

STAGING = ".staging-"  # + the writing process's id + a random part


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process (or no such id)
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_staging(out_dir: Path) -> None:
    """Remove the staging folders of runs that were killed (their process is gone)."""
    for folder in out_dir.glob(STAGING + "*"):
        pid = folder.name[len(STAGING):].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def write_all(out_dir: Path, writers: dict[str, Callable[[Path], None]],
              managed_suffixes: tuple[str, ...] = (".parquet",)) -> None:
    """Write every file into a staging folder first, then move each into place.

    Nothing in ``out_dir`` changes unless every writer succeeded (a run killed before
    the moves leaves only its staging folder, which the next run removes). Files with a
    managed suffix that this run did not produce are removed afterwards, so a
    dataset dropped from the manifest does not linger.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=out_dir))
    try:
        for name, writer in writers.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            writer(target)
            with open(target, "rb") as handle:
                os.fsync(handle.fileno())
        for name in writers:
            (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, out_dir / name)
        made = {Path(name) for name in writers}
        folders = {out_dir} | {out_dir / name.parent for name in made if name.parent.parts}
        for folder in folders:
            for old in folder.iterdir():
                if old.is_file() and old.suffix in managed_suffixes and \
                        old.relative_to(out_dir) not in made:
                    old.unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
