"""Benchmark: importing the official releases, as a user runs it (new interpreter each time).

Reads the releases from ``$SAFEGUARDING_EXTERNAL_DIR/dfe`` (here ``../shared/public``).
Prints, over several runs:

- the import of every release alone (recognise, read, tidy, rates, confidence
  intervals, ranks, neighbours), timed inside a fresh process;
- the whole process for that import, interpreter start-up and imports included;
- the full ETL with the releases (``python -m etl``), and without them, so the
  difference the releases make is plain.

Target: under 5 s for the releases, whole process included.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
ROOT = Path(__file__).resolve().parents[2]
IMPORT_ONLY = """
import json, sys, time
from pathlib import Path
from etl import config
from etl.reports.registry import load_registry
from etl.official.importer import import_releases
start = time.perf_counter()
registry = load_registry(config.settings().raw_dir)
result = import_releases(Path(sys.argv[1]), registry, config.settings().raw_dir / "measures.csv")
seconds = time.perf_counter() - start
rows = sum(len(f) for f in result.datasets.values())
print(json.dumps({"seconds": seconds, "files": len(result.releases), "rows": rows}))
"""


def _wall(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{proc.stderr}")
    return wall, proc.stdout


def _line(name: str, values: list[float], target: float | None = None) -> str:
    text = (f"  {name:<38} min {min(values):.2f}  median {statistics.median(values):.2f}  "
            f"max {max(values):.2f}")
    return text + (f"   (target < {target:.2f})" if target else "")


def main() -> None:
    external = Path(os.environ.get("SAFEGUARDING_EXTERNAL_DIR", ROOT / "data" / "external"))
    if not (external / "dfe").is_dir():
        print(f"Official releases: none in {external / 'dfe'}, nothing to time (set "
              "SAFEGUARDING_EXTERNAL_DIR, e.g. to ../shared/public).")
        return
    inner, process, full, bare = [], [], [], []
    info = {}
    with tempfile.TemporaryDirectory() as tmp:
        _wall([sys.executable, "-c", IMPORT_ONLY, str(external)])  # warm-up
        for i in range(RUNS):
            wall, out = _wall([sys.executable, "-c", IMPORT_ONLY, str(external)])
            info = json.loads(out)
            inner.append(info["seconds"])
            process.append(wall)
            full.append(_wall([sys.executable, "-m", "etl", "--quiet", "--external",
                               str(external), "--out", f"{tmp}/with{i}"])[0])
            bare.append(_wall([sys.executable, "-m", "etl", "--quiet", "--external",
                               f"{tmp}/none", "--out", f"{tmp}/without{i}"])[0])
    print(f"Official releases: {info['files']} files, {info['rows']:,} rows written; "
          f"{RUNS} runs after one warm-up, wall seconds:")
    print(_line("import of every release (in process)", inner))
    print(_line("same, whole process", process, 5.0))
    print(_line("full ETL with the releases", full))
    print(_line("full ETL without them", bare))


if __name__ == "__main__":
    main()
