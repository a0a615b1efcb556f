"""Kept callback answers: identical for the same request and data, never stale after the
ETL rewrites a file, and bounded in size."""

from __future__ import annotations

import shutil

import pandas as pd

from dashboard.server.callback_cache import Store

from .browser import ALL_CHARTS_DRAWN
from .webclient import Client, serving


def test_the_store_forgets_the_least_recently_used_beyond_its_size():
    store = Store(max_bytes=100)
    store.put(("a",), b"x" * 20, "application/json")
    store.put(("b",), b"y" * 20, "application/json")
    assert store.get(("a",)) == (b"x" * 20, "application/json")  # a is now the most recent
    for i in range(4):
        store.put((f"c{i}",), b"z" * 20, "application/json")
    assert store.get(("b",)) is None and store.get(("a",)) is not None
    assert store.size <= 100
    store.put(("big",), b"w" * 26, "application/json")  # over a quarter: never kept
    assert store.get(("big",)) is None


def test_a_kept_answer_is_replaced_when_the_data_changes(browser, processed, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(processed.path, folder)
    with serving(folder) as origin:
        page = browser.new_page()
        bodies = []
        page.on("request", lambda r: bodies.append(r.post_data) if r.method == "POST"
                and "_dash-update-component" in r.url and "_pages_content" in (
                    r.post_data or "") else None)
        # a full load brings its page with the layout: the router answers navigation
        page.goto(origin + "/about")
        page.wait_for_function("() => document.querySelector('main h1') !== null",
                               timeout=30000)
        page.locator("nav a[href='/contacts']").click()
        page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
        page.close()
        assert bodies
        client = Client(origin)
        headers = {"Content-Type": "application/json"}
        first = client.request("/_dash-update-component", bodies[0].encode(), headers)
        again = client.request("/_dash-update-component", bodies[0].encode(), headers)
        assert first.status == again.status == 200 and first.body == again.body
        # the ETL rewrites contacts.parquet: the next answer is worked out afresh
        table = pd.read_parquet(folder / "contacts.parquet")
        changed = table["value"].max()
        table.loc[table["value"] == changed, "value"] = 987654.0
        table.to_parquet(folder / "contacts.parquet", index=False)
        after = client.request("/_dash-update-component", bodies[0].encode(), headers)
        assert after.status == 200 and after.body != first.body
        assert b"987654" in after.body or b"987,654" in after.body
