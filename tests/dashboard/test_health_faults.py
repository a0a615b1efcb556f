"""/healthz, and processed files deleted or damaged while the app runs: the page that
needs the file says so, every other page keeps working, and the health check names it
to this computer (these tests ask from it) while telling the public only "error"."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from .browser import ALL_CHARTS_DRAWN, TILES_DRAWN, live_server
from .webclient import Client


@pytest.fixture(scope="module")
def folder(processed_for_app, tmp_path_factory):
    """A private copy of the processed data that these tests damage and repair."""
    target = tmp_path_factory.mktemp("faults") / "processed"
    shutil.copytree(processed_for_app.path, target)
    return target


@pytest.fixture(scope="module")
def live(folder):
    with live_server(folder) as origin:
        yield origin


@pytest.fixture
def page(browser):
    """A browser tab that records console errors (no second server, unlike conftest's)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error"
           else None)
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def repaired(folder, processed_for_app):
    """Every test starts and ends with the data intact."""
    yield
    for name in ("s47.parquet", "cp_plans.parquet", "build.json"):
        shutil.copy2(processed_for_app.path / name, folder / name)


OUTSIDE = {"X-Forwarded-For": "203.0.113.7"}  # as a proxy passes on a visitor's request


def health(origin: str, headers: dict | None = None):
    reply = Client(origin).get("/healthz", headers)
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Cache-Control"] == "no-store"
    return reply.status, reply.json()


def test_healthz_reports_build_time_flags_and_every_dataset(live, folder):
    status, body = health(live)
    built = json.loads((folder / "build.json").read_text())
    assert status == 200 and body["status"] == "ok"
    assert body["built_at"] == built["built_at"]
    assert body["validation_flags"] == built["validation_flags"] == len(
        pd.read_parquet(folder / "validation.parquet"))
    expected = {**built["datasets"], **built["lookups"]}
    for name, rows in expected.items():
        assert body["datasets"][name] == {"status": "ok", "rows": rows}, name
    assert {"measures", "tables", "validation"} <= set(body["datasets"])


def _open(page, origin, path):
    page.goto(origin + path)
    page.wait_for_selector("main h1", timeout=30000)
    page.wait_for_load_state("networkidle")


def test_a_file_deleted_while_running(live, folder, page, processed_for_app):
    _open(page, live, "/section-47")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    (folder / "s47.parquet").unlink()

    status, body = health(live)
    assert status == 503 and body["status"] == "error"
    assert body["datasets"]["s47"]["status"] == "error"
    assert "s47.parquet" in body["datasets"]["s47"]["error"]
    broken = [n for n, d in body["datasets"].items() if d["status"] != "ok"]
    assert broken == ["s47"]

    _open(page, live, "/section-47")
    cards = page.locator(".chart-card")
    assert cards.count() >= 3
    # The official series (from the DfE's files) are still drawn; the reports' charts
    # each say why they are not.
    assert page.locator(".chart-card .js-plotly-plot").count() == 2
    assert "cannot be shown right now: s47.parquet" in page.locator(
        "#section-47-funnel-slot").inner_text()
    assert Client(live).get("/export/section-47-funnel.csv").status == 503

    _open(page, live, "/child-protection-plans")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    _open(page, live, "/")
    page.wait_for_function(TILES_DRAWN)
    messages = page.locator(".tile .message")
    assert messages.count() == 2, "the two Section 47 tiles say why; the others are drawn"
    assert page.locator(".tile .big").count() == page.locator(".tile").count() - 2
    assert page.console_errors == []

    shutil.copy2(processed_for_app.path / "s47.parquet", folder / "s47.parquet")
    assert health(live)[0] == 200
    _open(page, live, "/section-47")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)


def test_a_file_damaged_while_running(live, folder, page):
    _open(page, live, "/child-protection-plans")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    good = (folder / "cp_plans.parquet").read_bytes()
    (folder / "cp_plans.parquet").write_bytes(good[: len(good) // 2])  # cut short

    status, body = health(live)
    assert status == 503
    assert body["datasets"]["cp_plans"] == {"status": "error",
                                            "error": "cp_plans.parquet could not be read"}

    _open(page, live, "/child-protection-plans")
    assert page.locator(".chart-card .js-plotly-plot").count() == 2  # the official series
    assert "cp_plans.parquet could not be read" in page.locator(
        "#child-protection-plans-trend-slot").inner_text()
    reply = Client(live).get("/export/child-protection-plans-trend.csv")
    assert reply.status == 503 and "not available right now" in reply.text

    _open(page, live, "/section-47")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    assert page.console_errors == []


def test_build_json_missing_is_unhealthy(live, folder):
    (folder / "build.json").unlink()
    status, body = health(live)
    assert status == 503 and "build.json" in body["error"]
    assert health(live, OUTSIDE) == (503, {"status": "error"})


def test_the_public_hear_only_up_or_down(live, folder):
    assert health(live, OUTSIDE) == (200, {"status": "ok"})
    (folder / "s47.parquet").unlink()
    status, body = health(live, OUTSIDE)
    assert (status, body) == (503, {"status": "error"}), "no dataset, count or error named"
    assert health(live)[1]["datasets"]["s47"]["status"] == "error"
