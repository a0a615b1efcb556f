"""Helpers for browser tests: a live app server and Debian's Chromium under Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("SAFEGUARDING_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(processed_dir: Path, command: list[str] | None = None):
    """Run the dashboard on a free localhost port until the block ends; yield its origin."""
    port = free_port()
    # Test servers do not warm up (draw every chart and start the image renderer at
    # start, as in production): in every server a test starts, that would only make the
    # tests compete with the warm-up for the two cores. The benchmarks turn it back on.
    # Each server keeps its packs in a folder of its own. A test downloads far faster
    # than anyone reading the charts, so the download and pack limits are lifted (their
    # own tests set them: test_exports, test_packs).
    env = {"DASHBOARD_WARM_UP": "0", "DASHBOARD_WARM_VIEWS": "0",
           "DASHBOARD_EXPORT_LIMIT": "100000 per minute",
           "DASHBOARD_PACK_LIMIT": "100000 per minute",
           "DASHBOARD_JOBS_DIR": tempfile.mkdtemp(prefix="dashboard-jobs-"), **os.environ,
           "SAFEGUARDING_PROCESSED_DIR": str(processed_dir)}
    cmd = command or [sys.executable, "-m", "dashboard", "--port", str(port)]
    cmd = [part.replace("{port}", str(port)) for part in cmd]
    log = open(Path(tempfile.gettempdir()) / f"dashboard-server-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(origin + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the dashboard did not start; see " + log.name) from None
                time.sleep(0.2)
        yield origin
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


ALL_CHARTS_DRAWN = """() => {
  const cards = Array.from(document.querySelectorAll('.chart-card'));
  // a card that says why its chart cannot be shown (no figures for a small authority,
  // say) has no graph to wait for
  const drawable = cards.filter(c => !c.querySelector(':scope > .message'));
  const graphs = Array.from(document.querySelectorAll('.chart-card .js-plotly-plot'));
  if (!cards.length || graphs.length < drawable.length) return false;
  return graphs.every(g => g._fullData && g._fullData.length > 0 &&
    g._fullData.some(t => (t.x && t.x.length) || (t.y && t.y.length) || (t.z && t.z.length)) &&
    g.querySelector('.main-svg'));
}"""

TILES_DRAWN = "() => document.querySelectorAll('.tile').length > 0"

# Records every Content-Security-Policy violation the page reports (``window.__csp``).
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  [e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(' ')));"""


def open_drawn(page, origin: str, path: str, timeout: int, settle: bool = False) -> None:
    """Go to ``path`` and wait until it is drawn. Why each wait: the heading is there once
    the page's layout has arrived; the charts' SVGs once plotly has drawn every figure;
    the overview's tiles once it has its figures; with ``settle``, no request still
    running."""
    page.goto(origin + path)
    page.wait_for_function("() => document.querySelector('main h1') !== null",
                           timeout=timeout)
    if page.locator(".tile").count():
        page.wait_for_function(TILES_DRAWN, timeout=timeout)
    if page.locator(".chart-card").count():
        page.wait_for_function(ALL_CHARTS_DRAWN, timeout=timeout)
    if settle:
        page.wait_for_load_state("networkidle")


def serious_problems(page) -> list:
    """axe-core's serious and critical findings on the page: (rule, impact, first node)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in violations
            if v["impact"] in ("serious", "critical")]
