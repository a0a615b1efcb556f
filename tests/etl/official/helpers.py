"""What the official-release tests share: a private external folder and one import run."""

from __future__ import annotations

from pathlib import Path

from etl import config
from etl.official.importer import Official, import_releases
from etl.reports.registry import load_registry


def external(tmp_path: Path, files: dict[str, str | Path]) -> Path:
    """A private external folder whose dfe/ holds these files (text, or a copy)."""
    folder = tmp_path / "external" / "dfe"
    folder.mkdir(parents=True)
    for name, content in files.items():
        if isinstance(content, Path):
            (folder / name).write_bytes(content.read_bytes())
        else:
            (folder / name).write_text(content, encoding="utf-8", newline="")
    return folder.parent


def run(folder: Path, releases=None) -> Official:
    raw = config.settings().raw_dir
    return import_releases(folder, load_registry(raw), raw / "measures.csv",
                           releases=releases)
