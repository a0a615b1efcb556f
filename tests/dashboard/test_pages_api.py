"""The data API's page (/api): in Chromium it is accessible and offline, every address it
lists answers, the pandas example runs as written against the live server, and the R and
Power Query examples read addresses that answer."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode, urlsplit

import pandas as pd

from dashboard.ids import Page

from .browser import serious_problems
from .helpers import DUDLEY
from .webclient import Client


def _open(page, server):
    page.goto(server + Page.API.path)
    # Why: the layout has arrived once the heading and the last example are drawn.
    page.wait_for_selector(f"main h1 >> text={Page.API.title}")
    page.wait_for_selector("code.language-powerquery")


def _examples(page) -> dict[str, str]:
    return {lang: page.locator(f"code.language-{lang}").inner_text()
            for lang in ("python", "r", "powerquery")}


def test_the_page_is_accessible_offline_and_every_address_it_lists_answers(page, server):
    _open(page, server)
    assert page.locator("h1").count() == 1
    hrefs = page.locator("main table a").evaluate_all("as => as.map(a => a.href)")
    assert len(hrefs) == 6
    client = Client(server)
    for href in hrefs:
        assert href.startswith(server + "/api/v1/"), href
        parts = urlsplit(href)
        reply = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert reply.status == 200 and len(reply.body) > 100, href
    page.wait_for_load_state("networkidle")
    assert {urlsplit(u).netloc for u in page.requests if u.startswith("http")} == {
        urlsplit(server).netloc}
    assert page.console_errors == [] and page.evaluate("window.__csp") == []
    assert serious_problems(page) == []


def test_the_pandas_example_runs_as_written(page, server, processed):
    _open(page, server)
    code = _examples(page)["python"]
    assert f'base = "{server}/api/v1"' in code and DUDLEY in code
    names: dict = {}
    exec(compile(code, "pandas-example", "exec"), names)  # the page's own example, as written
    figures, measures, one_area = names["figures"], names["measures"], names["one_area"]
    measure = figures["measure"].iloc[0]
    table = processed.frame(figures["dataset"].iloc[0])
    expected = table[(table["measure"] == measure)
                     & (table["geographic_level"] == "local_authority")]
    assert len(figures) == len(expected) and figures["area_code"].nunique() > 140
    assert measure in set(measures["measure"])
    assert set(one_area["area_code"]) == {DUDLEY} and len(one_area) == len(
        expected[expected["area_code"] == DUDLEY])


def test_the_r_and_power_query_examples_read_addresses_that_answer(page, server):
    _open(page, server)
    examples = _examples(page)
    base = re.search(r'base <- "([^"]+)"', examples["r"]).group(1)
    assert base == f"{server}/api/v1"
    calls = re.findall(r'paste0\(base,\s*((?:"[^"]*"\s*,?\s*)+)\)', examples["r"])
    assert len(calls) == 3
    client = Client(server)
    for call in calls:
        path = "".join(re.findall(r'"([^"]*)"', call))
        reply = client.get(urlsplit(base).path + path)
        assert reply.status == 200, path
    power = examples["powerquery"]
    address = re.search(r'Web\.Contents\(\s*"([^"]+)"', power).group(1)
    query = dict(re.findall(r'(\w+) = "([^"]*)"', re.search(r"Query = \[([^\]]*)\]",
                                                             power).group(1)))
    assert address == f"{server}/api/v1/figures.csv" and set(query) == {"measure", "level",
                                                                       "limit"}
    reply = client.get(f"{urlsplit(address).path}?{urlencode(query)}")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    frame = pd.read_csv(io.BytesIO(reply.body))
    assert {"value", "status"} <= set(frame.columns) and len(frame) > 100
