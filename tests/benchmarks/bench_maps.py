"""Benchmark: small-area maps. ``python tests/benchmarks/bench_maps.py``

Prints, for Dudley (201 LSOAs) and Worcestershire (364 LSOAs):

- the map payload sent to the browser: the bytes of the Dash responses that carry the
  small-area map's figure, as sent and gzipped (target under 200 KB gzipped for 364);
- the time to draw the map page in headless Chromium (the app under gunicorn, as
  ``bench_dashboard.py`` does), from navigation until every chart is drawn (target
  under 1.5 s), and to redraw after choosing the ward view;

and the ETL time with a 100,000-row record-level extract for Worcestershire: the
small-area step in-process, and a whole ``python -m etl`` run (target under 5 s).
Needs ``SAFEGUARDING_EXTERNAL_DIR`` (the boundaries and the Indices of Deprivation).
"""

from __future__ import annotations

import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("DASHBOARD_WARM_UP", "1")  # served as in production: warmed up
sys.path.insert(0, str(ROOT))

from etl import config  # noqa: E402
from etl.geo.authorities import load_authorities  # noqa: E402
from etl.geo.reference import for_authority, read_reference  # noqa: E402
from etl.smallareas.build import build_small_areas  # noqa: E402
from etl.smallareas.sample import synthetic_extract  # noqa: E402
from tests.dashboard.browser import ALL_CHARTS_DRAWN, CHROMIUM, FLAGS, live_server  # noqa: E402

LOADS = 5
WARDS_DRAWN = """(n) => {
  const g = document.querySelector('#maps-small-areas-graph .js-plotly-plot');
  const hover = g && g.data.find(t => t.name === 'Areas');
  return hover && new Set(hover.customdata).size === n;
}"""


def browser_figures(processed: Path, authority: str, wards: int) -> None:
    os.environ["SAFEGUARDING_AUTHORITY"] = authority
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "-c",
                str(ROOT / "dashboard" / "server" / "gunicorn_conf.py"), "-b", "127.0.0.1:{port}",
                "--access-logfile", "/dev/null"]
    with live_server(processed, gunicorn) as origin, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        bodies: list[bytes] = []

        def keep(response):
            if "_dash-update-component" in response.url and not bodies:
                try:
                    body = response.body()
                except Exception:  # the page moved on first
                    return
                if b"maps-small-areas-graph" in body:
                    bodies.append(body)
        page.on("response", keep)
        draws, toggles = [], []
        for run in range(LOADS + 1):  # the first load warms the browser's and server's caches
            start = time.perf_counter()
            page.goto(origin + "/maps", wait_until="commit")
            page.wait_for_function(ALL_CHARTS_DRAWN, polling="raf", timeout=60000)
            drawn = time.perf_counter() - start
            start = time.perf_counter()
            page.get_by_role("button", name="Wards", exact=True).click()
            page.wait_for_function(WARDS_DRAWN, arg=wards, polling="raf", timeout=60000)
            if run:
                draws.append(drawn)
                toggles.append(time.perf_counter() - start)
        browser.close()
    body = bodies[0]
    print(f"  map payload (page load): {len(body) / 1024:,.0f} KB as sent, "
          f"{len(gzip.compress(body)) / 1024:,.0f} KB gzipped (target < 200 KB gzipped)")
    print(f"  page drawn: median {statistics.median(draws):.2f} s, max {max(draws):.2f} s "
          f"over {LOADS} loads (target < 1.5 s)")
    print(f"  ward view redrawn: median {statistics.median(toggles):.2f} s")


def etl_figures(rows: int = 100_000) -> None:
    external = config.settings().external_dir
    raw = config.settings().raw_dir
    authority = load_authorities(raw)["E10000034"]
    lsoas = for_authority(read_reference(external), authority.districts)
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "local"
        (local / authority.code).mkdir(parents=True)
        extract = synthetic_extract(lsoas, authority.code, rows)
        extract.to_csv(local / authority.code / "extract.csv", index=False)
        steps, wholes = [], []
        for _ in range(3):
            start = time.perf_counter()
            build_small_areas(raw, external, local)
            steps.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "etl"], check=True, capture_output=True,
                           env={**os.environ, "SAFEGUARDING_LOCAL_DIR": str(local),
                                "SAFEGUARDING_PROCESSED_DIR": str(Path(tmp) / "out")})
            wholes.append(time.perf_counter() - start)
    print(f"ETL with a {len(extract):,}-row record-level extract (Worcestershire):")
    print(f"  small-area step (both authorities: boundaries, extract, suppression): median "
          f"{statistics.median(steps):.2f} s")
    print(f"  whole ETL run (reports, releases, boundaries, small areas; new process): "
          f"median {statistics.median(wholes):.2f} s (target < 5 s)")


def main() -> None:
    processed = config.settings().processed_dir
    for code, name, wards in (("E08000027", "Dudley", 24), ("E10000034", "Worcestershire",
                                                               123)):
        print(f"{name} ({code}):")
        browser_figures(processed, code, wards)
    etl_figures()


if __name__ == "__main__":
    main()
