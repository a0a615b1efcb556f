"""bench_pages.py's own arithmetic: the CPU time it watches to tell a warm-up is over, and
the ratios and exit status it reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pages

# A child that uses 0.3 s of CPU, says so, then waits for its input to close.
BUSY = ("import sys, time\nwhile time.process_time() < 0.3: pass\n"
        "print('done', flush=True)\nsys.stdin.read()")


def test_cpu_time_counts_the_children_of_a_process():
    shell = subprocess.Popen(["/bin/sh", "-c", f'"{sys.executable}" -c "$BUSY"'],
                             env={"BUSY": BUSY}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert shell.stdout.readline().strip() == "done"  # the grandchild has used its CPU
        assert bench_pages._cpu_seconds(shell.pid) >= 0.29
    finally:
        shell.stdin.close()
        shell.wait(timeout=30)


def row(path: str, app: float, static: float | None, graphs: int = 3) -> dict:
    median = {"app": app, **({"static": static} if static is not None else {})}
    return {"path": path, "graphs": graphs, "median": median, "sent": {"app": 300},
            "scripts": {"app": [2_000_000, 1_900_000, 12], "static": [4_900_000, 4_800_000, 1]}}


def test_the_report_names_the_worst_ratio_and_fails_only_above_max_ratio(capsys):
    rows = [row("/", 1.0, 2.0), row("/contacts", 1.5, 1.2), row("/about", 0.8, None, 0)]
    assert bench_pages.report(rows, False, 7, None) == 0
    out = capsys.readouterr().out
    assert "1.25 on /contacts" in out  # 1.5 / 1.2, not /'s 0.50
    assert "/about" in out.split("Summary")[0]  # listed, without a ratio
    assert "1,855 KB" in out  # the most JavaScript a first visit runs
    assert bench_pages.report(rows, False, 7, 1.25) == 0
    assert bench_pages.report(rows, False, 7, 1.2) == 1
