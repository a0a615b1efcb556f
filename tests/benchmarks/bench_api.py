"""Benchmark: the data API under gunicorn. ``python tests/benchmarks/bench_api.py``

Serves the app as in production (gunicorn, two workers) on the processed data and times,
request by request from one client, the health check (the reference: a small JSON answer
from the same server) and the API's answers: the measures with their metadata, one page of
1,000 figures as JSON, every local authority's figures for a measure as CSV, and the same
CSV asked again with its ETag (304). Prints the median of each in milliseconds and as a
ratio to the reference, measured side by side so that a busy machine slows both alike.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DASHBOARD_API_LIMIT", "100000 per minute")  # not the limit's test

from etl import config  # noqa: E402
from tests.dashboard.browser import live_server  # noqa: E402

log = logging.getLogger(__name__)
ROUNDS = 15
MEASURE = "dfe_cp_plans_at_31_march_rate_per_10000"


def _get(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as reply:
            return reply.status, reply.read(), dict(reply.headers)
    except HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def _timed(url: str, headers: dict | None = None) -> tuple[float, int, int]:
    start = time.perf_counter()
    status, body, _ = _get(url, headers)
    return time.perf_counter() - start, status, len(body)


def main() -> None:
    processed = config.settings().processed_dir
    if not (processed / "build.json").exists():
        sys.exit("No processed data: run `make etl` first.")
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "-c",
                str(ROOT / "dashboard" / "server" / "gunicorn_conf.py"), "-b", "127.0.0.1:{port}",
                "--access-logfile", "/dev/null"]
    with live_server(processed, gunicorn) as origin:
        api = f"{origin}/api/v1"
        csv = f"{api}/figures.csv?measure={MEASURE}&level=local_authority&limit=10000"
        tag = _get(csv)[2]["ETag"]
        cases = {
            "health check (reference)": (f"{origin}/healthz", None),
            "measures (JSON)": (f"{api}/measures", None),
            "1,000 figures (JSON)": (f"{api}/figures?measure={MEASURE}&limit=1000", None),
            "every authority's figures (CSV)": (csv, None),
            "the same CSV with its ETag (304)": (csv, {"If-None-Match": tag}),
        }
        for url, headers in cases.values():  # both workers read the data once
            for _ in range(4):
                _get(url, headers)
        times: dict[str, list[float]] = {name: [] for name in cases}
        sizes: dict[str, int] = {}
        for _ in range(ROUNDS):  # side by side: each round asks for every case once
            for name, (url, headers) in cases.items():
                seconds, status, size = _timed(url, headers)
                assert status in (200, 304), (name, status)
                times[name].append(seconds)
                sizes[name] = size
    reference = statistics.median(times["health check (reference)"])
    print(f"Data API under gunicorn, median of {ROUNDS} requests each:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:36s} {median * 1000:8.1f} ms  {median / reference:6.1f}x the "
              f"reference  ({sizes[name]:,} bytes)")


if __name__ == "__main__":
    main()
