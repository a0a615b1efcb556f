"""Make the notebooks in notebooks/ ready to commit.

    .venv/bin/python tests/notebooks/clean_notebooks.py

Each .ipynb is brought in line with its plain-text twin (``jupytext --sync``: the
file edited last wins, and a .py without an .ipynb gets one), then loses its
outputs, execution counts and run-time metadata. Cell ids are kept, so a clean
notebook's diff shows only what was edited. ``tests/notebooks`` checks the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from jupytext.cli import jupytext as jupytext_cli

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
RUN_TIME_METADATA = ("language_info", "widgets", "varInspector", "toc")
CELL_RUN_TIME_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def strip(notebook: nbformat.NotebookNode) -> bool:
    """Remove outputs and run-time metadata in place; say whether anything changed."""
    changed = False
    for key in RUN_TIME_METADATA:
        changed |= notebook.metadata.pop(key, None) is not None
    for cell in notebook.cells:
        for key in CELL_RUN_TIME_METADATA:
            changed |= cell.metadata.pop(key, None) is not None
        if cell.cell_type == "code":
            changed |= bool(cell.outputs) or cell.execution_count is not None
            cell.outputs = []
            cell.execution_count = None
    return changed


def main() -> int:
    stems = sorted({p.with_suffix("") for p in NOTEBOOKS.glob("*.ipynb")}
                   | {p.with_suffix("") for p in NOTEBOOKS.glob("*.py")})
    for stem in stems:
        ipynb = stem.with_suffix(".ipynb")
        jupytext_cli(["--sync", str(ipynb if ipynb.exists() else stem.with_suffix(".py"))])
        notebook = nbformat.read(ipynb, as_version=4)
        if strip(notebook):
            nbformat.write(notebook, ipynb)
            print(f"stripped outputs from {ipynb.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
