"""The official series each theme page leads with (dashboard.charts.lead): the latest
figures against the neighbours, region and England with the rank, and the trend of each
indicator, checked against the processed Parquet, for Dudley and another authority."""

import pandas as pd
import pytest

from dashboard.charts import indicators, lead
from dashboard.ids import Page
from dashboard.ui.pagekit import OFFICIAL_HEADING, REPORTS_HEADING
from dashboard.words import format as fmt

from .helpers import DUDLEY, WORCESTERSHIRE, authority, layout_of, walk, words

THEMES = [Page.CONTACTS, Page.SECTION_47, Page.CHILD_PROTECTION_PLANS, Page.CHILDREN_IN_CARE]
NEIGHBOURS = "Statistical neighbours"


def _official(processed, indicator, code=DUDLEY):
    rows = processed.frame(indicator.dataset)
    return rows[(rows["measure"] == indicator.measure) & (rows["area_code"] == code)
                & (rows["breakdown_value"] == "Total")].dropna(subset=["value"]) \
        .sort_values("period_start")


@pytest.mark.parametrize("page", THEMES)
def test_the_official_charts_lead_every_theme_page(registry, page):
    charts = registry.on_page(page)
    assert [c.id for c in charts[:2]] == [lead.latest_id(page), lead.trend_id(page)]
    assert all(c.official for c in charts[:2])
    assert not any(c.official for c in charts[2:])
    assert charts[1].options["indicator"] == tuple(indicators.for_page(page))


@pytest.mark.parametrize("page", THEMES)
def test_latest_figures_equal_the_parquet(registry, processed, page):
    result = registry.get(lead.latest_id(page)).render({})
    grid = result.figure.data[0]
    rows, columns = list(grid.y), list(grid.x)
    assert columns[0] == "Dudley" and columns[-1] == "Rank among authorities"
    assert {NEIGHBOURS, "West Midlands", "England"} <= set(columns)
    latest_end = []
    for indicator in indicators.for_page(page).values():
        mine = _official(processed, indicator)
        if mine.empty:
            continue
        last = mine.iloc[-1]
        latest_end.append(last["period_end"])
        label = [r for r in rows if r == f"{label_of(indicator.measure)} ({last['period']})"]
        assert len(label) == 1, indicator.slug
        text = grid.text[rows.index(label[0])]
        assert text[0].startswith(fmt.short(last["value"], last["unit"])), indicator.slug
        if last["unit"] == "count":
            assert text[-1] == "not ranked"
            assert text[1:-1] == [""] * (len(columns) - 2)
            continue
        assert text[0].endswith(f"· {last['compared_with_england']}")
        place = f"{int(last['rank'])}" if last["rank"] > 1 else "1st"
        assert text[-1].startswith(place) and f"of {int(last['rank_of'])}" in text[-1]
        assert text[-1].endswith(f"Q{int(last['quartile'])}")
    assert f"to {fmt.date_words(max(latest_end))}" in result.title


def label_of(measure: str) -> str:
    from dashboard import store
    return store.measure(measure)["label"]


def test_the_neighbours_are_pooled_from_their_counts(registry, processed):
    from dashboard import store

    result = registry.get(lead.latest_id(Page.SECTION_47)).render({})
    pooled = result.data[result.data["role"] == "neighbours"]
    rate = pooled[pooled["measure"] == "dfe_s47_rate_per_10000"].iloc[0]
    rows = processed.frame("dfe_s47_icpcs")
    theirs = rows[(rows["measure"] == "dfe_s47_rate_per_10000")
                  & rows["area_code"].isin(store.neighbour_codes())
                  & (rows["period"] == rate["period"])]
    assert len(theirs) == 10
    expected = theirs["numerator"].sum() / theirs["denominator"].sum() * 10_000
    assert rate["value"] == pytest.approx(expected)
    assert rate["lower_95"] < rate["value"] < rate["upper_95"]


@pytest.mark.parametrize("page", THEMES)
def test_each_indicator_trend_draws_every_published_year(registry, processed, page):
    chart = registry.get(lead.trend_id(page))
    for slug, indicator in indicators.for_page(page).items():
        result = chart.render({"indicator": slug})
        mine = _official(processed, indicator)
        drawn = result.data[(result.data["role"] == "authority")
                            & (result.data["measure"] == indicator.measure)].dropna(
            subset=["value"])
        assert drawn["value"].tolist() == mine["value"].tolist(), slug
        names = {t.name for t in result.figure.data}
        last = mine.iloc[-1]
        assert fmt.value(last["value"], last["unit"]) in result.title, slug
        if last["unit"] == "count":
            assert names & {NEIGHBOURS, "England"} == set(), slug
            assert " on " in result.title  # the change on the year before
            continue
        assert {"Dudley", NEIGHBOURS, "West Midlands", "England",
                "Dudley: 95% confidence interval"} <= names, slug
        verdict = {"higher": "higher than", "lower": "lower than", "similar": "similar to",
                   "better": "better than", "worse": "worse than"}
        assert f"{verdict[last['compared_with_england']]} England" in result.title
        assert f"of {int(last['rank_of'])} authorities, quartile {int(last['quartile'])}" \
            in result.subtitle, slug


def test_report_figures_continue_the_official_line(registry):
    result = registry.get(lead.trend_id(Page.SECTION_47)).render({"indicator": "s47-to-icpc"})
    assert set(result.data["measure"]) == {"dfe_s47_to_icpc_pct", "icpc_required_pct"}
    assert "Dudley (annual report)" in {t.name for t in result.figure.data}
    assert "Dotted lines with crosses" in result.notes[0]


def test_the_page_heads_its_two_parts_and_lists_the_reports_newest_first(app, registry):
    tree = layout_of(Page.CONTACTS)
    order = []
    for node in walk(tree):
        if getattr(node, "className", None) == "section-heading":
            order.append(node.children)
        node_id = getattr(node, "id", None)
        if isinstance(node_id, str) and node_id.endswith("-card"):
            order.append(node_id.removesuffix("-card"))
    assert order[:3] == [OFFICIAL_HEADING, "contacts-latest", "contacts-official"]
    assert order[3] == REPORTS_HEADING
    reports = order[4:]
    # The 2019-20 report's tables come before those of the 2011-12 report.
    assert reports.index("contacts-referral-sources") < reports.index("contacts-trend")
    # The choice of official indicator is on the page.
    assert "Official figure over time" in str(tree)


def test_another_authority_gets_its_own_official_figures(app, registry, processed):
    with authority(WORCESTERSHIRE):
        for page in THEMES:
            for chart_id in (lead.latest_id(page), lead.trend_id(page)):
                result = registry.get(chart_id).render({})
                assert "Worcestershire" in result.title, chart_id
                assert "Dudley" not in words(result), chart_id
                assert "South West" not in words(result)
                mine = result.data[result.data["role"] == "authority"]
                assert set(mine["area_code"]) == {WORCESTERSHIRE}, chart_id


def test_indicator_definitions_are_checked():
    with pytest.raises(ValueError, match=r"\[x\] needs dataset and measure"):
        indicators.load('[x]\nmeasure = "m"\n')
    with pytest.raises(ValueError, match="takes only"):
        indicators.load('[x]\ndataset = "d"\nmeasure = "m"\ncolour = "red"\n')
    with pytest.raises(ValueError, match=r"report must be \[dataset, measure\]"):
        indicators.load('[x]\ndataset = "d"\nmeasure = "m"\nreport = ["d"]\n')


def test_every_indicator_names_a_known_measure_and_page(processed):
    measures = set(processed.frame("measures")["measure"])
    pages = {str(p) for p in Page}
    for indicator in indicators.INDICATORS.values():
        assert indicator.measure in measures, indicator.slug
        assert set(indicator.pages) <= pages, indicator.slug
        if indicator.report:
            assert indicator.report[1] in measures, indicator.slug


def test_a_page_without_indicators_gets_no_lead_charts(registry):
    assert not [c for c in registry.on_page(Page.TRAINING) if c.id.endswith("-latest")]
    assert pd.Series([c.id for c in registry.on_page(Page.BENCHMARKING)]).str.startswith(
        "benchmarking-").all()
