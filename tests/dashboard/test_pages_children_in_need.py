"""Children in need page: the factors identified at the end of assessment (DfE's c3
release), checked against the processed Parquet and the release's own counts; the page's
choices, its ids, another authority, and the page drawn in Chromium.

Dudley 2023-24: 2,517 episodes with assessment factors; domestic abuse (parent) 797, so
31.7%, as England's 160,600 of 506,370; in 2017-18 533 of 2,966 (18.0%).
"""

import json

import plotly
import pytest

from dashboard.charts import children_in_need as cin
from dashboard.charts.children_in_need import Ids
from dashboard.ids import App, Page

from .browser import ALL_CHARTS_DRAWN, serious_problems
from .helpers import (
    DUDLEY,
    ENGLAND,
    WORCESTERSHIRE,
    assert_drawn,
    authority,
    drawn_values,
    ids_in,
    layout_of,
    registered,
    states,
    walk,
    words,
)

PAGE = Page.CHILDREN_IN_NEED
WEST_MIDLANDS = "E12000005"
CHARTS = {Ids.FACTORS, Ids.FACTOR_TREND}
KEYS = ["measure", "area_code", "breakdown_value", "period_start", "period_end"]


def _lines(figure) -> list[float]:
    """The values the lines draw (not the confidence band's edges)."""
    return [v for t in figure.data if t.fill != "toself" for v in t.y if v is not None]


def _shares(processed, area=DUDLEY, period="2023-24"):
    df = processed.frame("dfe_assessment_factors")
    return df[(df["measure"] == "dfe_assessment_factor_pct") & (df["area_code"] == area)
              & (df["period"] == period)].set_index("breakdown_value")


def test_page_is_registered_after_contacts(app):
    page = registered(PAGE)
    assert (page["path"], page["name"]) == ("/children-in-need", "Children in need")
    assert page["order"] == Page.CONTACTS.order + 1 == 2


def test_charts_are_official_and_render_with_data_for_every_option(registry):
    charts = {c.id: c for c in registry.on_page(PAGE)}
    assert set(charts) >= CHARTS
    for chart_id in CHARTS:
        c = charts[chart_id]
        assert c.official, chart_id
        for state in states(c):
            result = assert_drawn(c, state)
            assert result.source.startswith("Characteristics of children in need (DfE), c3_")
            assert result.data["unit"].eq("percent").all()


def test_every_bar_equals_the_parquet(registry, processed):
    parquet = processed.frame("dfe_assessment_factors")
    chart = registry.get(Ids.FACTORS)
    for state in states(chart):
        result = chart.render(state)
        rows = result.data
        merged = rows[[*KEYS, "value"]].merge(parquet[[*KEYS, "value"]], on=KEYS, how="left",
                                              suffixes=("", "_parquet"))
        assert len(merged) == len(rows)
        assert merged["value"].equals(merged["value_parquet"]), state
        assert sorted(drawn_values(result.figure)) == sorted(rows["value"].dropna()), state
        assert set(rows["area_code"]) == {DUDLEY, WEST_MIDLANDS, ENGLAND}
        assert set(rows["period"]) == {"2023-24"}


def test_the_biggest_factors_come_first_with_the_finding_in_words(registry, processed):
    result = registry.get(Ids.FACTORS).render({})
    assert result.title == (
        "Domestic abuse: parent was the factor most often identified at the end of "
        "assessment in Dudley in 2023-24 (31.7% of episodes), similar to England (31.7%)")
    dudley = _shares(processed)
    assert dudley.loc["Domestic abuse: parent", "value"] == round(797 / 2517 * 100, 1)
    assert _shares(processed, ENGLAND).loc["Domestic abuse: parent", "value"] == round(
        160600 / 506370 * 100, 1)
    expected = dudley["value"].dropna().sort_values(ascending=False, kind="stable")
    order = list(result.figure.layout.yaxis.categoryarray)[::-1]  # from the top down
    assert order == expected.index[:cin.TOP].tolist() and len(order) == 12
    assert [t.name for t in result.figure.data][::-1] == ["Dudley", "West Midlands", "England"]
    assert "the 12 most frequent in Dudley, 2023-24" in result.subtitle
    text = words(result)
    assert "Dudley 2,517" in text and "England 506,370" in text
    assert "female genital mutilation and physical abuse (by whom not recorded), fewer " \
           "than 6 (suppressed)" in text  # Dudley's two "c" cells in 2023-24


@pytest.mark.parametrize(("who", "check", "top"), [
    ("parent", lambda b: b.endswith(": parent"), "Domestic abuse: parent"),
    ("person", lambda b: b.endswith(": other person"), "Domestic abuse: other person"),
    ("child", lambda b: not b.endswith((": parent", ": other person", "Other factors")),
     "Emotional abuse"),
])
def test_the_who_choice_keeps_the_factors_about_that_person(registry, processed, who, check,
                                                            top):
    result = registry.get(Ids.FACTORS).render({"who": who})
    factors = set(result.data["breakdown_value"])
    assert factors and all(check(b) for b in factors), factors
    assert result.title.startswith(f"{top} was the factor about ")
    value = _shares(processed).loc[top, "value"]
    assert f"({value:g}% of episodes)" in result.title


def test_the_trend_follows_the_chosen_factor_for_dudley_and_england(registry, processed):
    result = registry.get(Ids.FACTOR_TREND).render({})
    rows = result.data
    assert set(rows["breakdown_value"]) == {"Domestic abuse: parent"}
    assert set(rows["area_code"]) == {DUDLEY, ENGLAND} and rows["period"].nunique() == 7
    assert sorted(_lines(result.figure)) == sorted(rows["value"].dropna())
    assert any(t.fill == "toself" for t in result.figure.data)  # the 95% interval
    first = _shares(processed, period="2017-18").loc["Domestic abuse: parent", "value"]
    assert first == round(533 / 2966 * 100, 1) == 18.0
    assert result.title == ("Domestic abuse: parent in Dudley rose 13.7 percentage points "
                            "from 18% in 2017-18 to 31.7% in 2023-24, similar to England "
                            "(31.7%)")
    neglect = registry.get(Ids.FACTOR_TREND).render({"factor": "neglect"})
    assert set(neglect.data["breakdown_value"]) == {"Neglect"}
    later = registry.get(Ids.FACTOR_TREND).render({"factor": "physical-abuse-by-an-adult"})
    assert "This factor is published from 2020-21" in words(later)
    assert later.data.loc[later.data["period"] == "2019-20", "status"].eq("x").all()


def test_every_headline_factor_is_in_the_data(processed):
    labels = set(processed.frame("dfe_assessment_factors")["breakdown_value"])
    assert set(cin.FACTORS.values()) <= labels
    assert cin.FACTORS["domestic-abuse-parent"] == "Domestic abuse: parent"


# Layout, ids and another authority ----------------------------------------------------------


def _pressed(tree, control) -> list[str]:
    return [c.id["value"] for c in walk(tree)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control
            and c.to_plotly_json()["props"].get("aria-pressed") == "true"]


def test_the_address_sets_the_choices(app):
    tree = layout_of(PAGE, who="parent", factor="neglect", junk="x")
    assert _pressed(tree, Ids.WHO) == ["parent"] and _pressed(tree, Ids.FACTOR) == ["neglect"]
    assert _pressed(layout_of(PAGE, who="mars"), Ids.WHO) == ["all"]
    text = str(tree)
    assert "Domestic abuse: parent was the factor about a parent or carer" in text
    assert "What social workers in Dudley found" in text and "West Midlands and England" in text
    assert "In brief" in text and "emotional abuse, in 19.1% of episodes" in text


@pytest.mark.parametrize("code", [DUDLEY, WORCESTERSHIRE])
def test_every_id_on_the_page_starts_with_its_name(app, code):
    with authority(code):
        tree = layout_of(PAGE)
    ids = [i["control"] if isinstance(i, dict) else i for i in ids_in(tree)
           if not isinstance(i, dict) or "control" in i]
    assert ids
    assert [i for i in ids if not str(i).startswith(f"{PAGE}-") and i not in set(App)] == []


def test_worcestershire_sees_its_own_factors(app, registry):
    with authority(WORCESTERSHIRE):
        text = json.dumps(layout_of(PAGE).to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)
        assert "No tables from" not in text  # the page is official statistics only
        for chart_id in CHARTS:
            assert f'"{chart_id}-card"' in text
            result = registry.get(chart_id).render({})
            assert "Worcestershire" in result.title and "Dudley" not in words(result)
            assert WORCESTERSHIRE in set(result.data["area_code"])
            assert DUDLEY not in set(result.data["area_code"])


# In the browser -------------------------------------------------------------------------------


def test_the_page_draws_its_charts_in_chromium(page, server):
    page.goto(server + PAGE.path)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=60000)
    bars = page.evaluate("() => document.querySelector('#children-in-need-factors-graph "
                         ".js-plotly-plot')._fullData.map(t => [t.name, t.y.length])")
    assert sorted(bars) == [["Dudley", 12], ["England", 12], ["West Midlands", 12]]
    assert page.locator("#children-in-need-factor-trend-card h2").inner_text().startswith(
        "Domestic abuse: parent in Dudley")
    page.get_by_role("button", name="About a parent or carer", exact=True).click()
    page.wait_for_function("() => window.location.search.includes('who=parent')",
                           timeout=30000)
    page.wait_for_function("() => document.querySelector('#children-in-need-factors-graph "
                           ".js-plotly-plot')._fullData[0].y.length === 6", timeout=30000)
    assert page.console_errors == []
    assert serious_problems(page) == []
