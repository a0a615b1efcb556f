"""Benchmark: the dashboard as board members use it, in headless Chromium on localhost.

Serves the app with gunicorn and its production settings (two workers) on the processed data,
then prints, per page, the time from navigation until every chart is drawn, the
p50/p95 latency of the page's choices (the browser's resource timing of the callback
request, from sending it to its last byte), and the time of
the first and later PNG exports. Targets: charts drawn within 1.5 s; callbacks p95
under 200 ms; first export under 3 s, later ones under 0.5 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("DASHBOARD_WARM_UP", "1")  # served as in production: warmed up
sys.path.insert(0, str(ROOT))

from etl import config  # noqa: E402
from tests.dashboard.browser import (  # noqa: E402
    ALL_CHARTS_DRAWN,
    CHROMIUM,
    FLAGS,
    TILES_DRAWN,
    live_server,
)

PAGES = ["/", "/contacts", "/children-in-need", "/section-47", "/child-protection-plans",
         "/children-in-care", "/racist-incidents", "/training", "/section-11", "/benchmarking",
         "/about"]
CALLBACK_MS = """() => {
  const e = performance.getEntriesByType('resource')
    .filter(r => r.name.includes('_dash-update-component'));
  return e.length ? e[e.length - 1].responseEnd - e[e.length - 1].startTime : NaN;
}"""
LOADS = 5
CLICKS = 20


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    processed = config.settings().processed_dir
    if not (processed / "build.json").exists():
        sys.exit("No processed data: run `make etl` first.")
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "-c",
                str(ROOT / "dashboard" / "server" / "gunicorn_conf.py"), "-b", "127.0.0.1:{port}",
                "--access-logfile", "/dev/null"]
    with live_server(processed, gunicorn) as origin, sync_playwright() as p:
        # first and later image exports, on a server that has not drawn an image yet
        export = origin + "/export/child-protection-plans-trend.png"
        times = []
        for _ in range(8):
            start = time.perf_counter()
            with urllib.request.urlopen(export, timeout=60) as response:
                body = response.read()
            times.append(time.perf_counter() - start)
            assert body[:4] == b"\x89PNG"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        print(f"{'page':<26}{'drawn median s':>16}{'max s':>8}{'choices':>9}"
              f"{'p50 ms':>8}{'p95 ms':>8}")
        worst_draw, all_clicks = 0.0, []
        for path in PAGES:
            ready = TILES_DRAWN if path == "/" else (
                "() => document.querySelector('h1') !== null" if path == "/about"
                else ALL_CHARTS_DRAWN)
            draws = []
            for _ in range(LOADS):
                start = time.perf_counter()
                page.goto(origin + path, wait_until="commit")
                page.wait_for_function(ready, polling="raf", timeout=30000)
                draws.append(time.perf_counter() - start)
            buttons = page.locator("button.choice[aria-pressed='false']")
            clicks = []
            for i in range(CLICKS if buttons.count() else 0):
                button = page.locator("button.choice[aria-pressed='false']").nth(
                    i % page.locator("button.choice[aria-pressed='false']").count())
                page.evaluate("performance.clearResourceTimings()")
                with page.expect_response(lambda r: "_dash-update-component" in r.url) as info:
                    button.click()
                info.value.finished()
                page.wait_for_function(ALL_CHARTS_DRAWN, polling="raf")
                # the browser's own timing of the callback request: send to last byte
                clicks.append(page.evaluate(CALLBACK_MS))
            all_clicks += clicks
            worst_draw = max(worst_draw, statistics.median(draws))
            p50 = f"{pct(clicks, .5):8.0f}" if clicks else f"{'-':>8}"
            p95 = f"{pct(clicks, .95):8.0f}" if clicks else f"{'-':>8}"
            print(f"{path:<26}{statistics.median(draws):16.2f}{max(draws):8.2f}"
                  f"{len(clicks):9d}{p50}{p95}")
        browser.close()
    print(f"\nSlowest page (median): {worst_draw:.2f} s   (target < 1.5 s)")
    print(f"All choices: p50 {pct(all_clicks, .5):.0f} ms, p95 {pct(all_clicks, .95):.0f} ms "
          f"over {len(all_clicks)} clicks   (target p95 < 200 ms)")
    print(f"PNG export: first {times[0]:.2f} s (target < 3 s); later median "
          f"{statistics.median(times[1:]):.2f} s, max {max(times[1:]):.2f} s "
          "(target < 0.5 s)")


if __name__ == "__main__":
    main()
