"""Benchmark: the full ETL as a user runs it (new interpreter each time).

Prints wall-clock seconds and peak memory over several runs. Targets: under
3 s wall including interpreter start-up, under 300 MB peak memory. Then the cost of
checking a full build's frames against etl/schema.py before they are written (in a new
interpreter: the first check, which loads pandera's checks, and the next ones).

Then the incremental ETL (etl/fingerprint.py), side by side with a reference run on the
same machine at the same moment (``python -c "import pandas"``, a new interpreter that
only imports pandas), so that a busy machine shows in both: a run with nothing changed
(target < 1 s), a run after one report table changed (the reports stage alone), and a
full build from scratch with the releases (target < 4 s), each the median of several
runs, with its ratio to the reference.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
ROOT = Path(__file__).resolve().parents[2]


def one_run(out: Path, external: Path | None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    env = dict(os.environ)
    if external is None:
        env["SAFEGUARDING_EXTERNAL_DIR"] = str(out.parent / "no-external")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "etl", "--quiet", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"ETL failed:\n{proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024  # ru_maxrss is in KiB on Linux


def measure(label: str, external: Path | None) -> None:
    """Each run is a new Python process; peak memory is the largest of any run."""
    with tempfile.TemporaryDirectory() as tmp:
        one_run(Path(tmp) / "warmup", external)
        results = [one_run(Path(tmp) / f"run{i}", external) for i in range(RUNS)]
    walls = [w for w, _ in results]
    peak = max(m for _, m in results)
    print(f"{label}, {RUNS} runs after one warm-up (new Python process each run):")
    print(f"  wall s: min {min(walls):.2f}  median {statistics.median(walls):.2f}  "
          f"max {max(walls):.2f}   (target < 3.00 for the report tables)")
    print(f"  peak memory: {peak:.0f} MB   (target < 300)")


SCHEMA_CHECK = """
import statistics, sys, time
from pathlib import Path
from etl import config, pipeline
from etl.outputs import check_outputs, frames_of
settings = config.settings()
frames = frames_of(pipeline.build(settings.raw_dir, external=settings.external_dir))
times = []
for _ in range(6):
    start = time.perf_counter()
    check_outputs(frames, Path("unused"))
    times.append(time.perf_counter() - start)
print(len(frames), sum(len(f) for f in frames.values()), times[0], statistics.median(times[1:]))
"""


def measure_schema() -> None:
    proc = subprocess.run([sys.executable, "-c", SCHEMA_CHECK], cwd=ROOT, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        sys.exit(f"schema check failed:\n{proc.stderr}")
    files, rows, first, then = proc.stdout.split()
    print(f"Schema check of a full build before writing ({files} files, {int(rows):,} rows):")
    print(f"  first {float(first) * 1000:.0f} ms (loads pandera's checks), "
          f"then {float(then) * 1000:.0f} ms (median of 5)")


def _wall(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{proc.stderr}")
    return wall


def measure_incremental(external: Path | None) -> None:
    """No-op, one-table and from-scratch runs, each beside a reference run."""
    import shutil

    reference = [sys.executable, "-c", "import pandas"]
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        shutil.copytree(ROOT / "data" / "raw", raw)
        env = dict(os.environ, SAFEGUARDING_LOCAL_DIR=str(Path(tmp) / "no-extracts"))
        etl = [sys.executable, "-m", "etl", "--quiet", "--raw", str(raw)]
        if external is not None:
            etl += ["--external", str(external)]
        out = Path(tmp) / "out"
        _wall([*etl, "--out", str(out)], env)  # the build the next runs compare with
        table = next((raw / "reports").rglob("*.csv"))
        cases = {
            "nothing changed": (lambda i: [*etl, "--out", str(out)], 1.0),
            "one report table changed": (lambda i: [*etl, "--out", str(out)], None),
            "full build from scratch": (lambda i: [*etl, "--full", "--out",
                                                   str(Path(tmp) / f"scratch{i}")], 4.0),
        }
        print(f"Incremental ETL{' with the releases' if external else ''}, {RUNS} runs "
              "each, beside a reference run (python -c 'import pandas') each time:")
        for label, (command, target) in cases.items():
            walls, refs = [], []
            for i in range(RUNS):
                if label == "one report table changed":
                    with open(table, "a", encoding="utf-8") as handle:
                        handle.write("\n")  # a blank line: a new fingerprint, same data
                refs.append(_wall(reference))
                walls.append(_wall(command(i), env))
            median, ref = statistics.median(walls), statistics.median(refs)
            goal = f"   (target < {target:.2f})" if target else ""
            print(f"  {label:26s} median {median:5.2f} s  min {min(walls):5.2f}  "
                  f"reference {ref:4.2f} s  ratio {median / ref:5.1f}x{goal}")


def main() -> None:
    measure("Report tables only", None)
    external = os.environ.get("SAFEGUARDING_EXTERNAL_DIR")
    with_releases = external and (Path(external) / "dfe").is_dir()
    if with_releases:
        measure(f"Report tables and official releases from {external}", Path(external))
    measure_schema()
    measure_incremental(Path(external) if with_releases else None)


if __name__ == "__main__":
    main()
