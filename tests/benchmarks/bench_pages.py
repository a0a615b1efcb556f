"""Benchmark: every page of the app against a static page drawing the same figures with the
full plotly.js bundle. ``python tests/benchmarks/bench_pages.py [--loads 11] [--max-ratio 1.0]
[--against PATH_OR_REV]``

Serves the app with gunicorn and its production settings, warmed up, and waits until the
warm-up is over (the server's processes have used no CPU for a while). For every page the
navigation lists, it opens the page in Chromium, takes the figures plotly drew there (data,
layout, config and size of each graph) and writes a static page that draws them with
``Plotly.newPlot`` and the full bundle (``static_pages.py``). Then, in one browser, the app's
page and the static page are loaded in turn, ``--loads`` times each, each a fresh navigation
with the browser's cache warm; both are timed by the same in-page watch, from navigation start
to the first frame with every graph drawn and nothing pending. Prints per page the medians,
the median of the rounds' ratios app / static with its 95% interval and the JavaScript
each page loads, then the worst ratio. Each round loads every side once, each side first in
turn, so that no side always follows another; a page is 'slower' only when the
whole interval is above 1. With ``--against`` another checkout (a folder, or a git revision
checked out into a temporary worktree with its own ETL run) is served too and loaded in the
same rounds, and the ratio app / other is printed as well. Exits 0 unless ``--max-ratio`` is
given and the worst ratio is above it.

Cold start: before the rounds, each page is opened ``COLD`` times in a new browser context
(an empty cache, as a new browser has) on the warm server; the median of those first
visits is set against the page's warm median (target: within 1.5 times).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from scipy.stats import binom

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_pages import (  # noqa: E402
    DRAWN_AT,
    FIGURES,
    SCRIPT_BYTES,
    WATCH,
    StaticServer,
    write_page,
)

from etl import config  # noqa: E402
from etl import log as logs  # noqa: E402
from tests.dashboard.browser import CHROMIUM, FLAGS, live_server  # noqa: E402

log = logging.getLogger(__name__)
LOADS = 11  # 11 paired rounds: the median ratio's 95% interval runs 2nd to 10th
COLD = 3  # first visits of each page in a new browser context
COLD_TARGET = 1.5  # a first visit within this many times a warm load
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 60_000
QUIET_S = 3.0  # the server counts as warmed up after this long using under QUIET_CPU
QUIET_CPU = 0.05  # of one core
WARM_UP_LIMIT_S = 1800
NAV_LINKS = "() => Array.from(document.querySelectorAll('header nav a'), a => a.pathname)"
CONFIGS = ("dashboard/server/gunicorn_conf.py", "dashboard/gunicorn_conf.py")


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by process ``pid`` and all its descendants (Linux ``/proc``)."""
    total, stack, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
    return total


def wait_until_quiet(pid_file: Path, name: str) -> float:
    """Wait until the server whose master wrote ``pid_file`` has used under QUIET_CPU of a
    core for QUIET_S seconds (its warm-up has finished); return the seconds waited."""
    start = time.monotonic()
    while not pid_file.exists() or not pid_file.read_text().strip():
        if time.monotonic() - start > 60:
            raise RuntimeError(f"{name}: gunicorn wrote no pid file at {pid_file}")
        time.sleep(0.1)  # waiting for gunicorn to write its pid file
    pid = int(pid_file.read_text())
    window: list[tuple[float, float]] = []
    while True:
        now = time.monotonic()
        window = [*[w for w in window if now - w[0] <= QUIET_S], (now, _cpu_seconds(pid))]
        span = window[-1][0] - window[0][0]
        if span >= QUIET_S * 0.9 and window[-1][1] - window[0][1] < QUIET_CPU * span:
            return now - start
        if now - start > WARM_UP_LIMIT_S:
            raise RuntimeError(f"{name}: still busy after {WARM_UP_LIMIT_S} s of warm-up")
        time.sleep(0.25)  # sampling the server's CPU time


@contextlib.contextmanager
def serve(checkout: Path, processed: Path, name: str, warm_views: int):
    """Serve ``checkout``'s app with gunicorn (its own settings file) on ``processed``;
    yield its origin once it has warmed up."""
    pid_file = Path(tempfile.mkdtemp(prefix="bench-pages-")) / "gunicorn.pid"
    conf = next((checkout / c for c in CONFIGS if (checkout / c).exists()), None)
    command = [str(Path(sys.executable).parent / "gunicorn"),
               *(["-c", str(conf)] if conf else ["-w", "2", "-k", "gthread", "--threads", "4"]),
               "--chdir", str(checkout), "-b", "127.0.0.1:{port}", "--pid", str(pid_file),
               "--access-logfile", "/dev/null", "dashboard.wsgi:server"]
    # served as in production, warmed up (live_server passes this process's environment)
    extra = {"PYTHONPATH": str(checkout), "DASHBOARD_WARM_UP": "1",
             "DASHBOARD_WARM_VIEWS": str(warm_views)}
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        server = live_server(processed, command)
        origin = server.__enter__()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        waited = wait_until_quiet(pid_file, name)
        print(f"{name}: {checkout} at {origin}, warmed up in {waited:.0f} s", flush=True)
        yield origin
    finally:
        server.__exit__(None, None, None)
        shutil.rmtree(pid_file.parent, ignore_errors=True)


@contextlib.contextmanager
def other_checkout(spec: str):
    """``spec`` as a checkout with built data: a folder as it is, or a git revision checked
    out into a temporary worktree and its ETL run there; yield (folder, processed dir)."""
    folder = Path(spec).expanduser()
    if folder.is_dir():
        processed = folder / "data" / "processed"
        if not (processed / "build.json").exists():
            sys.exit(f"--against {spec}: no processed data in {processed}; run its ETL first")
        yield folder.resolve(), processed
        return
    work = Path(tempfile.mkdtemp(prefix="bench-against-")) / "checkout"
    added = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(work),
                            spec], capture_output=True, text=True)
    if added.returncode:
        sys.exit(f"--against {spec}: neither a folder nor a revision git can check out: "
                 f"{added.stderr.strip()}")
    try:
        print(f"--against {spec}: building its processed data with its own ETL", flush=True)
        etl = subprocess.run([sys.executable, "-m", "etl"], cwd=work, capture_output=True,
                             text=True, env={**os.environ, "PYTHONPATH": str(work),
                             "SAFEGUARDING_PROCESSED_DIR": str(work / "data" / "processed")})
        if etl.returncode:
            sys.exit(f"--against {spec}: its ETL failed:\n{etl.stderr[-2000:]}")
        yield work, work / "data" / "processed"
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work)],
                       check=False, capture_output=True)
        shutil.rmtree(work.parent, ignore_errors=True)


SETTLED = """() => {
  const cards = Array.from(document.querySelectorAll('.chart-card'))
    .filter(c => !c.querySelector(':scope > .message'));
  const d = window.__draws, r = d && d[d.length - 1];
  return !!r && r[1] === r[2] && !r[3] && r[2] >= cards.length;
}"""


def settle(page, url: str) -> int:
    """Open ``url`` and wait until it has nothing left to fetch, every graph on it is drawn,
    nothing is pending and every chart card that has a chart has its graph; return the
    number of graphs."""
    page.goto(url, wait_until="networkidle", timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    return page.evaluate("() => document.querySelectorAll('.js-plotly-plot').length")


def cold_load(browser, url: str, expected: int) -> tuple[float, list]:
    """A first visit to ``url`` in a new browser context (an empty cache): seconds from
    navigation start until ``expected`` graphs are drawn and nothing is pending (the
    in-page watch's time), and the scripts it loaded: [bytes sent, bytes once decoded,
    files]. (A warm load's revalidated files report no size.)"""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(WATCH)
        page = context.new_page()
        page.goto(url, wait_until="networkidle", timeout=TIMEOUT_MS)
        drawn_at = page.wait_for_function(DRAWN_AT, arg=expected,
                                          timeout=TIMEOUT_MS).json_value()
        return drawn_at / 1000, page.evaluate(SCRIPT_BYTES)
    finally:
        context.close()


def timed_load(page, url: str, expected: int) -> tuple[float, int]:
    """One fresh navigation to ``url``: seconds from navigation start until ``expected``
    graphs are drawn and nothing is pending (the in-page watch's time, so the polling
    here does not count), and the bytes of script sent (the cache is warm)."""
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    drawn_at = page.wait_for_function(DRAWN_AT, arg=expected, polling=50,
                                      timeout=TIMEOUT_MS).json_value()
    return drawn_at / 1000, page.evaluate(SCRIPT_BYTES)[0]


def kb(n: float) -> str:
    return f"{n / 1024:,.0f}"


def main(argv: list[str] | None = None) -> int:
    from dashboard.server import warmup

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=LOADS, help="timed loads of each page")
    parser.add_argument("--max-ratio", type=float, help="exit 1 if the worst ratio is above")
    parser.add_argument("--against", help="another checkout (folder or git revision)")
    parser.add_argument("--warm-views", type=int, default=warmup.WARM_VIEWS_PER_CHART,
                        help="views of each chart drawn at start-up (production: %(default)s)")
    parser.add_argument("--pages", nargs="*", help="only these addresses (default: all)")
    args = parser.parse_args(argv)
    logs.configure()  # progress, a line a page, on standard error
    # stopped (by a time limit, say): still stop the servers and remove the worktree
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    processed = config.settings().processed_dir
    if not (processed / "build.json").exists():
        sys.exit("No processed data: run `make etl` first.")
    with sync_playwright() as p, contextlib.ExitStack() as stack:
        origins = {"app": stack.enter_context(serve(ROOT, processed, "app", args.warm_views))}
        if args.against:
            folder, other_data = stack.enter_context(other_checkout(args.against))
            origins["other"] = stack.enter_context(
                serve(folder, other_data, "other", args.warm_views))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-static-")))
        origins["static"] = stack.enter_context(StaticServer(folder))
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        stack.callback(browser.close)
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(WATCH)
        page = context.new_page()
        page.goto(origins["app"] + "/", wait_until="networkidle", timeout=TIMEOUT_MS)
        paths = args.pages or list(dict.fromkeys(page.evaluate(NAV_LINKS)))
        rows = [measure(page, origins, path, folder, args.loads) for path in paths]
    return report(rows, "other" in origins, args.loads, args.max_ratio)


def measure(page, origins: dict, path: str, folder: Path, loads: int) -> dict:
    """Figures of the app's ``path``, its static copy, the scripts each loads on a first
    visit, then ``loads`` interleaved rounds (the static page only if it has graphs)."""
    expected = settle(page, origins["app"] + path)
    figures = page.evaluate(FIGURES)
    name = write_page(folder, (path.strip("/") or "overview") + ".html", figures,
                      title=f"{path}: {len(figures)} figures, full plotly.js")
    urls = {"app": origins["app"] + path, "static": f"{origins['static']}/{name}"}
    if "other" in origins:
        urls["other"] = origins["other"] + path
    # the app's first visit is timed COLD times; the others' once, for their scripts
    first = {side: [cold_load(page.context.browser, url, expected)
                    for _ in range(COLD if side == "app" else 1)]
             for side, url in urls.items()}
    scripts = {side: visits[0][1] for side, visits in first.items()}
    cold = statistics.median(seconds for seconds, _ in first["app"])
    if not expected:
        del urls["static"]
    for url in urls.values():  # each one's scripts in the browser's cache
        settle(page, url)
    sides = list(urls)
    times: dict[str, list[float]] = {side: [] for side in sides}
    sent: dict[str, int] = {}
    for round_ in range(loads):
        # each side goes first, second, … equally often: a load's place in the round (the
        # one after a heavier page, the first after the pause) is no side's handicap
        for side in sides[round_ % len(sides):] + sides[:round_ % len(sides)]:
            seconds, sent[side] = timed_load(page, urls[side], expected)
            times[side].append(seconds)
    log.info("%s: %d graphs, seconds %s", path, expected,
             "; ".join(f"{side} {' '.join(f'{t:.2f}' for t in ts)}" for side, ts in times.items()))
    paired = {other: [a / b for a, b in zip(times["app"], times[other], strict=True)]
              for other in sides if other != "app"}
    return {"path": path, "graphs": expected, "scripts": scripts, "sent": sent, "cold": cold,
            "median": {side: statistics.median(t) for side, t in times.items()},
            "ratios": {other: median_interval(r) for other, r in paired.items()}}


def median_interval(values: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """The median of ``values`` and a distribution-free interval for it (the order statistics
    whose binomial coverage is at least ``level``; the whole range when too few values)."""
    ordered, n = sorted(values), len(values)
    # the k-th smallest and k-th largest (k from 1) hold the median with chance
    # 1 - 2·P(Binomial(n, ½) < k): the largest k that keeps it at ``level`` (0: none does)
    k = max(j for j in range(n // 2 + 1) if 2 * binom.cdf(j - 1, n, 0.5) <= 1 - level)
    low, high = ordered[max(k - 1, 0)], ordered[n - max(k, 1)]
    return statistics.median(ordered), low, high


def verdict(interval: tuple[float, float, float]) -> str:
    """'slower' when the whole 95% interval of the ratio is above 1, 'faster' when below."""
    _, low, high = interval
    return "slower" if low > 1 else "faster" if high < 1 else "same"


def cell(interval: tuple[float, float, float]) -> str:
    ratio, low, high = interval
    return f"{ratio:.2f} [{low:.2f}-{high:.2f}] {verdict(interval)}"


def report(rows: list[dict], other: bool, loads: int, max_ratio: float | None) -> int:
    """Print the table and the summary; 1 if the worst ratio is above ``max_ratio``."""
    print(f"\nEvery chart drawn: median s from navigation start over {loads} rounds, each "
          "side first in turn, cache warm. Ratio: the median of the rounds' ratios, its 95% "
          "interval, and 'slower'/'faster' when the whole interval is above/below 1. JS: KB "
          "of script a first visit runs (decoded) and is sent, and KB sent on a later visit")
    print(f"{'page':<26}{'graphs':>6}{'app s':>7}{'static s':>9}  {'app / static':<25}"
          + (f"{'other s':>8}  {'app / other':<25}" if other else "")
          + f"{'app JS':>8}{'sent':>6}{'later':>6}{'static JS':>10}{'cold s':>8}"
          + f"{'cold/warm':>10}")
    ratios, versus = {}, {}
    for row in rows:
        med, js = row["median"], row["scripts"]
        line = f"{row['path']:<26}{row['graphs']:>6}{med['app']:>7.2f}"
        if "static" in med:
            ratios[row["path"]] = row["ratios"]["static"]
            line += f"{med['static']:>9.2f}  {cell(ratios[row['path']]):<25}"
        else:
            line += f"{'-':>9}  {'-':<25}"
        if other:
            versus[row["path"]] = row["ratios"]["other"]
            line += f"{med['other']:>8.2f}  {cell(versus[row['path']]):<25}"
        line += (f"{kb(js['app'][1]):>8}{kb(js['app'][0]):>6}{kb(row['sent']['app']):>6}"
                 f"{kb(js['static'][1]):>10}{row['cold']:>8.2f}"
                 f"{row['cold'] / med['app']:>10.2f}")
        print(line)
    print("\nSummary (bench_pages)")
    worst = max(ratios, key=lambda path: ratios[path][0]) if ratios else None
    if worst:
        slower = [path for path, r in ratios.items() if verdict(r) == "slower"]
        print(f"  worst ratio app / static page with the full plotly.js: "
              f"{cell(ratios[worst])} on {worst}   (target <= 1.0); "
              f"{len(slower)} of {len(ratios)} pages slower beyond doubt"
              + (f" ({', '.join(slower)})" if slower else ""))
    biggest = max(rows, key=lambda r: r["scripts"]["app"][1])
    print(f"  JavaScript a first visit runs: at most {kb(biggest['scripts']['app'][1])} KB "
          f"({biggest['path']}), {kb(biggest['scripts']['app'][0])} KB sent; a static page "
          f"with the full bundle {kb(rows[0]['scripts']['static'][1])} KB")
    coldest = max(rows, key=lambda r: r["cold"] / r["median"]["app"])
    over = [r["path"] for r in rows if r["cold"] / r["median"]["app"] > COLD_TARGET]
    print(f"  first visit in a new browser (empty cache), warm server: at most "
          f"{coldest['cold'] / coldest['median']['app']:.2f} times a warm load "
          f"({coldest['path']}: {coldest['cold']:.2f} s against {coldest['median']['app']:.2f} "
          f"s; target <= {COLD_TARGET:g}); {len(over)} of {len(rows)} pages above"
          + (f" ({', '.join(over)})" if over else ""))
    if versus:
        slowest = max(versus, key=lambda path: versus[path][0])
        slower = [path for path, r in versus.items() if verdict(r) == "slower"]
        print(f"  worst ratio app / other checkout: {cell(versus[slowest])} on {slowest}; "
              f"{len(slower)} of {len(versus)} pages slower than in the other beyond doubt"
              + (f" ({', '.join(slower)})" if slower else ""))
    if max_ratio is not None and worst and ratios[worst][0] > max_ratio:
        print(f"  worst ratio {ratios[worst][0]:.2f} is above --max-ratio {max_ratio:g}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
