"""What the ETL tests share: folders made for one test."""

from __future__ import annotations

import os
from pathlib import Path


def linked_copy(source: Path, target: Path) -> Path:
    """``target``: the folders of ``source`` made again, each file a link to the original
    (so a test may add, remove or replace files without touching the shared folder)."""
    for here, _dirs, files in os.walk(source, followlinks=True):
        folder = target / Path(here).relative_to(source)
        folder.mkdir(parents=True, exist_ok=True)
        for name in files:
            (folder / name).symlink_to((Path(here) / name).resolve())
    return target
