"""Benchmark: importing the official releases, as a user runs it (new interpreter each time).

Reads the releases from ``$SAFEGUARDING_EXTERNAL_DIR/dfe`` (here ``../shared/public``),
with the files of its ``dfe_more/`` linked in beside them when it has one (as a user who
had moved them into ``dfe/`` would have them). Prints, over several runs:

- the import of every release (recognise, read, tidy, rates, confidence intervals,
  ranks, neighbours), timed inside a fresh process; the same for ``dfe/`` alone (the
  reference: the ratio says what the further releases cost), and with every file read
  generically (no curated definition);
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
releases = () if sys.argv[2:] == ["generic"] else None
result = import_releases(Path(sys.argv[1]), registry, config.settings().raw_dir / "measures.csv",
                         releases=releases)
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


def _linked(external: Path, tmp: Path, more: bool) -> Path:
    """A folder of links to ``external``, whose dfe/ also holds dfe_more/'s files."""
    folder = tmp / ("with_more" if more else "dfe_only")
    (folder / "dfe").mkdir(parents=True)
    for entry in external.iterdir():
        if entry.name not in ("dfe", "dfe_more"):
            (folder / entry.name).symlink_to(entry.resolve())
    sources = [external / "dfe", *([external / "dfe_more"] if more else [])]
    for source in sources:
        for path in sorted(source.glob("*.csv")):
            if not (folder / "dfe" / path.name).exists():
                (folder / "dfe" / path.name).symlink_to(path.resolve())
    return folder


def _import(folder: Path, *extra: str) -> tuple[float, float, dict]:
    wall, out = _wall([sys.executable, "-c", IMPORT_ONLY, str(folder), *extra])
    info = json.loads(out)
    return info["seconds"], wall, info


def main() -> None:
    external = Path(os.environ.get("SAFEGUARDING_EXTERNAL_DIR", ROOT / "data" / "external"))
    if not (external / "dfe").is_dir():
        print(f"Official releases: none in {external / 'dfe'}, nothing to time (set "
              "SAFEGUARDING_EXTERNAL_DIR, e.g. to ../shared/public).")
        return
    inner, process, reference, generic, full, bare = [], [], [], [], [], []
    info, ref_info = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        more = (external / "dfe_more").is_dir()
        every = _linked(external, Path(tmp), more) if more else external
        only = _linked(external, Path(tmp), False) if more else external
        _import(every)  # warm-up
        for i in range(RUNS):
            seconds, wall, info = _import(every)
            inner.append(seconds)
            process.append(wall)
            seconds, _, ref_info = _import(only)  # side by side: the reference
            reference.append(seconds)
            generic.append(_import(every, "generic")[0])
            full.append(_wall([sys.executable, "-m", "etl", "--quiet", "--external",
                               str(every), "--out", f"{tmp}/with{i}"])[0])
            bare.append(_wall([sys.executable, "-m", "etl", "--quiet", "--external",
                               f"{tmp}/none", "--out", f"{tmp}/without{i}"])[0])
    print(f"Official releases: {info['files']} files, {info['rows']:,} rows written "
          f"(dfe/ alone: {ref_info['files']} files, {ref_info['rows']:,} rows); "
          f"{RUNS} runs after one warm-up, wall seconds:")
    print(_line("import of every release (in process)", inner))
    print(_line("same, dfe/ alone (reference)", reference))
    print(_line("same, every file read generically", generic))
    print(_line("same, whole process", process, 5.0))
    print(_line("full ETL with the releases", full))
    print(_line("full ETL without them", bare))
    ratios = [a / b for a, b in zip(inner, reference, strict=True)]
    per_row = statistics.median(inner) / info["rows"] / (
        statistics.median(reference) / ref_info["rows"])
    print(f"  every release ÷ dfe/ alone, run by run: median {statistics.median(ratios):.2f} "
          f"(rows {info['rows'] / ref_info['rows']:.2f}×; time per row {per_row:.2f}× the "
          "reference's)")
    print(f"  generic ÷ curated: median "
          f"{statistics.median([g / c for g, c in zip(generic, inner, strict=True)]):.2f}")


if __name__ == "__main__":
    main()
