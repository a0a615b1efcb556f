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


def row(path: str, app: float, static: float | None, graphs: int = 3,
        cold: float | None = None) -> dict:
    median = {"app": app, **({"static": static} if static is not None else {})}
    ratios = {"static": (app / static, app / static - 0.1, app / static + 0.1)} if static else {}
    return {"path": path, "graphs": graphs, "median": median, "sent": {"app": 300},
            "cold": app * 1.2 if cold is None else cold,
            "ratios": ratios,
            "scripts": {"app": [2_000_000, 1_900_000, 12], "static": [4_900_000, 4_800_000, 1]}}


def test_the_report_names_the_worst_ratio_and_fails_only_above_max_ratio(capsys):
    rows = [row("/", 1.0, 2.0), row("/contacts", 1.5, 1.2), row("/about", 0.8, None, 0)]
    assert bench_pages.report(rows, False, 7, None) == 0
    out = capsys.readouterr().out
    assert "1.25 [1.15-1.35] slower on /contacts" in out  # 1.5 / 1.2, not /'s 0.50
    assert "1 of 2 pages slower beyond doubt (/contacts)" in out
    assert "0.50 [0.40-0.60] faster" in out  # / on its line
    assert "/about" in out.split("Summary")[0]  # listed, without a ratio
    assert "1,855 KB" in out  # the most JavaScript a first visit runs
    assert bench_pages.report(rows, False, 7, 1.25) == 0
    assert bench_pages.report(rows, False, 7, 1.2) == 1


def test_a_ratio_within_its_interval_of_one_is_the_same_not_slower(capsys):
    rows = [{**row("/", 1.0, 1.0), "median": {"app": 1.0, "static": 1.0, "other": 0.9},
             "ratios": {"static": (1.0, 0.9, 1.1), "other": (1.11, 0.98, 1.3)}}]
    assert bench_pages.report(rows, True, 11, None) == 0
    out = capsys.readouterr().out
    assert "app / other checkout: 1.11 [0.98-1.30] same on /" in out
    assert "0 of 1 pages slower than in the other" in out


def test_the_median_interval_holds_the_median_with_95_percent_coverage():
    # distribution-free: the 2nd and 10th of 11, the 2nd and 8th of 9, the 4th and 12th of 15
    assert bench_pages.median_interval(list(range(11, 0, -1))) == (6, 2, 10)
    assert bench_pages.median_interval([float(v) for v in range(1, 10)]) == (5, 2, 8)
    assert bench_pages.median_interval(list(range(1, 16))) == (8, 4, 12)
    # too few rounds for 95%: the whole range, never a narrower interval than is earned
    assert bench_pages.median_interval([3, 1, 2, 5, 4]) == (3, 1, 5)


def test_the_report_sets_each_first_visit_against_its_warm_load(capsys):
    rows = [row("/", 0.4, 0.3, cold=0.5), row("/contacts", 0.8, 0.6, cold=1.6),
            row("/about", 0.3, None, 0, cold=0.33)]
    assert bench_pages.report(rows, False, 11, None) == 0
    out = capsys.readouterr().out
    assert "at most 2.00 times a warm load (/contacts: 1.60 s against 0.80 s" in out
    assert "1 of 3 pages above (/contacts)" in out
    assert "    0.50      1.25" in out  # /'s cold seconds and cold / warm on its line

