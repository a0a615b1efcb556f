"""The explorer page in Chromium, served from the session's processed data with the d5
release imported by breakdown (``explore_data``): a link draws its measure, the keyboard
changes release, indicator, breakdown and value and the address follows, the table view
and the CSV download give the figures, no serious axe-core finding; and a measure picked
at random (seed printed) from the imported releases draws."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.charts.explore import Ids
from dashboard.ui.components import card_id

from . import explore_data as data
from .browser import live_server, open_drawn, serious_problems
from .helpers import DUDLEY

DRAW_MS = 90000  # a first page on a busy two-core machine
LONG = "2_years_or_more"


@pytest.fixture(scope="module")
def explored(processed, tmp_path_factory):
    return data.add_release(processed.path, processed.external,
                            tmp_path_factory.mktemp("explore-pages") / "processed")


@pytest.fixture(scope="module")
def server(explored):
    """This module's dashboard, on the data with the extra release (``page`` uses it)."""
    with live_server(explored) as origin:
        yield origin


@pytest.fixture
def in_copy(explored, registry):
    """The chart registry reading the same data as the server, for expected results."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAFEGUARDING_PROCESSED_DIR", str(explored))
        yield registry


def _checked(page, control: str) -> str:
    """The value of the pressed button of a control."""
    pressed = page.locator(f"#{control} button[aria-pressed='true']")
    return json.loads(pressed.get_attribute("id"))["value"]


def _press_next(page, control: str, key: str = "Tab") -> None:
    """From the pressed button of a control, go to the next one (``Shift+Tab``: the one
    before) with the keyboard and press it with Enter."""
    page.locator(f"#{control} button[aria-pressed='true']").focus()
    page.keyboard.press(key)
    page.keyboard.press("Enter")


def _query(page) -> dict:
    from urllib.parse import parse_qs, urlsplit

    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_a_link_draws_the_measure_with_its_breakdown(page, server, in_copy):
    open_drawn(page, server, f"/explore?measure={data.SHARE}&breakdown={data.BREAKDOWN}"
                             f"&value={LONG}", DRAW_MS)
    assert page.locator(".chart-card .js-plotly-plot").count() == 3
    assert _checked(page, Ids.MEASURE) == data.SHARE
    assert _checked(page, Ids.BREAKDOWN) == data.BREAKDOWN
    assert _checked(page, Ids.VALUE) == LONG
    assert _checked(page, Ids.RELEASE).startswith("copy_of_d5")
    expected = in_copy.get(Ids.TREND).render({"measure": data.SHARE,
                                              "breakdown": data.BREAKDOWN, "value": LONG})
    expect(page.locator(f"#{card_id(Ids.TREND)} h2")).to_have_text(expected.title)
    assert page.console_errors == []
    assert serious_problems(page) == []


def test_the_keyboard_changes_release_indicator_breakdown_and_value(page, server):
    open_drawn(page, server, "/explore?measure=dfe_rereferrals_pct", DRAW_MS)
    title = page.locator(f"#{card_id(Ids.TREND)} h2")
    expect(title).to_contain_text("Re-referrals")
    # Release: the one before (by title) is the test import; its first indicator is
    # its count of plans, which has a total
    _press_next(page, Ids.RELEASE, "Shift+Tab")
    expect(page).to_have_url(re.compile(r"release=copy_of_d5"))
    expect(page).to_have_url(re.compile(rf"measure={data.COUNT}&breakdown=Total&value=Total"))
    expect(title).to_contain_text("Child protection plans by length")
    assert page.locator(f"#{Ids.VALUE}-set").is_hidden()
    # Breakdown: from the totals to the length of plan, its first value chosen
    _press_next(page, Ids.BREAKDOWN)
    first = sorted(data.LENGTHS)[0]
    expect(page).to_have_url(re.compile(rf"breakdown={data.BREAKDOWN}&value={first}"))
    expect(page.locator(f"#{Ids.VALUE}-set")).to_be_visible()
    expect(title).to_contain_text("1 year less than 2 years")
    # Value: the next length
    _press_next(page, Ids.VALUE)
    second = sorted(data.LENGTHS)[1]
    expect(page).to_have_url(re.compile(rf"value={second}"))
    expect(title).to_contain_text(second.replace("_", " "))
    # Indicator: the share, which has no total, keeps the length chosen
    _press_next(page, Ids.MEASURE)
    expect(page).to_have_url(re.compile(rf"measure={data.SHARE}&breakdown={data.BREAKDOWN}"
                                        rf"&value={second}"))
    expect(title).to_contain_text("Share of child protection plans by length")
    # The address reproduces the view
    query = _query(page)
    open_drawn(page, server, "/explore?" + "&".join(f"{k}={v}" for k, v in query.items()),
               DRAW_MS)
    assert _checked(page, Ids.MEASURE) == data.SHARE and _checked(page, Ids.VALUE) == second
    assert page.console_errors == []


def test_table_view_and_csv_download_give_the_figures(page, server, in_copy, explored):
    open_drawn(page, server, f"/explore?measure={data.SHARE}&breakdown={data.BREAKDOWN}"
                             f"&value={LONG}", DRAW_MS)
    expected = in_copy.get(Ids.TREND).render({"measure": data.SHARE,
                                              "breakdown": data.BREAKDOWN, "value": LONG})
    card = page.locator(f"#{card_id(Ids.TREND)}")
    card.get_by_text("View as table").click()
    rows = card.locator("table tbody tr")
    expect(rows).to_have_count(len(expected.data))
    with page.expect_download() as info:
        card.get_by_role("link", name=re.compile(r"as CSV$")).click()
    body = Path(info.value.path()).read_text(encoding="utf-8-sig")
    got = list(csv.DictReader(io.StringIO(body)))
    assert {r["Breakdown"] for r in got} == {LONG}
    parquet = pd.read_parquet(explored / f"{data.DATASET}.parquet")
    mine = parquet[(parquet["measure"] == data.SHARE) & (parquet["area_code"] == DUDLEY)
                   & (parquet["breakdown_value"] == LONG)]
    published = {p: v for p, v in zip(mine["period"], mine["value"], strict=True)
                 if pd.notna(v)}
    dudley = {r["Period"]: r for r in got if r["Area"] == "Dudley"}
    assert {p: float(dudley[p]["Value"]) for p in published} == pytest.approx(published)
    for period in set(mine["period"]) - set(published):
        assert dudley[period]["Value"] == "" and dudley[period]["Status"] == "c"


def test_a_measure_picked_at_random_draws(page, server, explored):
    seed = int(os.environ.get("SAFEGUARDING_TEST_SEED", "0"))
    build = json.loads((explored / "build.json").read_text(encoding="utf-8"))
    datasets = {r.get("dataset") for r in build["releases"].values()}
    measures = pd.read_parquet(explored / "measures.parquet")
    choices = sorted(measures.loc[measures["dataset"].isin(datasets), "measure"])
    measure = random.Random(seed).choice(choices)
    print(f"explorer: measure {measure} picked with SAFEGUARDING_TEST_SEED={seed}")
    open_drawn(page, server, f"/explore?measure={measure}", DRAW_MS)
    assert _checked(page, Ids.MEASURE) == measure
    trend = page.locator(f"#{card_id(Ids.TREND)}")
    expect(trend.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    assert page.locator(".chart-card").count() == 3
    assert page.console_errors == []


def test_the_address_is_checked_against_the_data(app, in_copy, explored):
    from dashboard.ids import Page

    from .helpers import layout_of, texts_of, walk

    def pressed(tree) -> dict:
        return {c.id["control"]: c.id["value"] for c in walk(tree)
                if isinstance(getattr(c, "id", None), dict) and
                getattr(c, "aria-pressed", None) == "true"}

    unknown = layout_of(Page.EXPLORE, measure="no_such_measure")
    assert "No imported release has the measure 'no_such_measure'" in texts_of(unknown)
    assert pressed(unknown)[Ids.MEASURE] == in_copy.get(Ids.TREND).state({})["measure"]
    build = json.loads((explored / "build.json").read_text(encoding="utf-8"))
    d3 = next(f for f in build["releases"] if f.startswith("d3_"))
    chosen = pressed(layout_of(Page.EXPLORE, release=d3))
    assert chosen[Ids.RELEASE] == d3 and chosen[Ids.MEASURE].startswith("dfe_cp_plans")
    no_total = layout_of(Page.EXPLORE, measure=data.SHARE)
    assert pressed(no_total)[Ids.VALUE] == sorted(data.LENGTHS)[0]
    assert "This measure has no figures for Total" in texts_of(no_total)
    kept = pressed(layout_of(Page.EXPLORE, measure=data.SHARE, breakdown=data.BREAKDOWN,
                             value=LONG, scope="england"))
    assert (kept[Ids.VALUE], kept[Ids.SCOPE]) == (LONG, "england")
