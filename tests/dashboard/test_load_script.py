"""tests/benchmarks/load.py still works: a short run against a real gunicorn.

The benchmark itself (50 users for a minute) is not a test; these keep it from rotting:
the script's gunicorn starts, the script finds the pages, choices and callbacks, sends
real callback payloads, and reports no errors and sensible figures; and it does count a
wrong answer as an error.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from argparse import Namespace
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "benchmarks" / "load.py"
PAGES = "/contacts,/child-protection-plans"


def _load_module():
    spec = importlib.util.spec_from_file_location("load_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gunicorn(processed_for_app, tmp_path_factory):
    load = _load_module()
    log = tmp_path_factory.mktemp("load") / "gunicorn.log"
    proc, origin = load.start_gunicorn(processed_for_app.path, log)
    try:
        yield load, origin
    finally:
        load.stop_gunicorn(proc)


@pytest.fixture(scope="module")
def site(gunicorn):
    """The pages, choices and callback payloads the script finds (found once: it takes
    half a minute)."""
    load, origin = gunicorn
    return load.discover(load.Client(origin, 30), PAGES.split(","))


def test_three_users_for_forty_five_requests(gunicorn):
    # Bounded by requests, not by time: on a busy machine a five-second run once ended
    # before any user had pressed a choice. With seed 1 the second user presses one in
    # its first visit (nine requests), so forty-five requests shared by three users
    # always include every kind of request, however slow the server is.
    _, origin = gunicorn
    page = PAGES.split(",")[-1]
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--url", origin, "--users", "3", "--seconds", "300",
         "--think", "0", "--max-requests", "45", "--seed", "1", "--pages", page,
         "--export-share", "0", "--pack-share", "0", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    summary = report["summary"]
    assert report["users"] == 3
    assert 0 < report["seconds"] < 300  # ended by the number of requests
    assert summary["all"]["errors"] == 0, proc.stdout
    assert set(summary) == {"all", "page", "route", "select", "basket"}, proc.stdout
    assert summary["all"]["requests"] == 45
    assert summary["all"]["requests"] == sum(s["requests"] for k, s in summary.items()
                                             if k != "all")
    for kind, s in summary.items():
        assert s["requests"] > 0, kind
        assert s["rps"] == pytest.approx(s["requests"] / report["seconds"])
        assert 0 < s["p50_ms"] <= s["p95_ms"] <= s["p99_ms"] <= s["max_ms"] < 30_000, kind
    # the table a person reads names the same figures
    assert f"{'all':<10}{summary['all']['requests']:>9}{0:>8}{0:>8}" in proc.stdout, \
        proc.stdout
    assert "load average" in proc.stdout


def test_every_payload_draws_real_charts(site):
    assert [p.path for p in site.pages] == PAGES.split(",")
    for page in site.pages:
        assert page.route.status == 200 and page.route.figures > 0, page.path
        assert page.selects, f"{page.path} has no choices"
        for select in page.selects:
            assert select.status == 200 and select.figures > 0
            assert select.search.startswith("?"), select.search  # the new address


def test_a_wrong_answer_counts_as_an_error(gunicorn, site):
    load, origin = gunicorn
    first = site.pages[0]
    # expect one chart more than the app draws from the router: its answers are then wrong
    wrong = load.Site(
        [replace(first, route=replace(first.route, figures=first.route.figures + 1))],
        site.shell,
        {key: (replace(route, figures=route.figures + 1), basket)
         for key, (route, basket) in site.routes.items() if key[0] == first.path})
    args = Namespace(users=1, seconds=2.0, think=0.1, timeout=30.0, max_requests=50, seed=1,
                     export_share=0.0, pack_share=0.0)
    runner = load.Load(origin, wrong, args)
    seconds = runner.run()
    summary = load.summarise(runner.results, seconds)
    assert summary["route"]["errors"] == summary["route"]["requests"] > 0
    assert summary["all"]["errors"] == summary["route"]["errors"]
    assert all("charts with data" in r.error for r in runner.results if r.error)
