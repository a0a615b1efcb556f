"""Children in care page: every chart built through the registry, checked against the
processed Parquet and against the figures printed in the LSCB annual report 2011-12."""


import pandas as pd
import pytest

from dashboard.charts import TABLE_COLUMNS

from .helpers import drawn_values

DUDLEY, ENGLAND = "E08000027", "E92000001"
CHARTS = {"children-in-care-numbers", "children-in-care-growth", "children-in-care-age", "children-in-care-legal", "children-in-care-sex", "children-in-care-care-orders",
          "children-in-care-average-age"}


def test_page_is_registered(app):
    import dash

    page = next(p for p in dash.page_registry.values()
                if p["module"].endswith("children_in_care"))
    assert (page["path"], page["name"], page["order"]) == ("/children-in-care",
                                                           "Children in care", 4)


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page("children-in-care")
    assert {c.id for c in charts} == CHARTS
    for c in charts:
        states = [{}] + [{key: value} for key, values in c.options.items() for value in values]
        for state in states:
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert drawn_values(result.figure), f"{c.id} {state} drew no values"
            assert not result.data.empty
            assert result.title and result.subtitle and result.source
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())


def test_titles_match_the_report(registry):
    # Report: "Numbers have increased by approx 33% ... from 512 as at March 2007 to 682
    # as at March 2012. Nationally ... increased by 9.3% from 59970 in 2007 to 65520 in 2011."
    assert registry.get("children-in-care-numbers").render({}).title == (
        "Children in care in Dudley rose 33% from 512 in March 2007 to 682 in March 2012")
    assert registry.get("children-in-care-growth").render({}).title == (
        "Children in care rose 33% in Dudley (March 2007 to March 2012) and 9.3% in England "
        "(March 2007 to March 2011)")
    # "Dudley CIC population consists of more boys (53%) than girls (47%) ... 56% of CIC
    # are boys, and 44% Girls."
    assert registry.get("children-in-care-sex").render({}).title == (
        "Compared with England, more of Dudley's children in care were girls (47% against "
        "44%) and fewer were boys (53% against 56%)")
    # Full care orders "from 294 as at March 2008 to 385 as at March 2012": (385-294)/294 = 31%.
    assert registry.get("children-in-care-care-orders").render({}).title == (
        "Children on full care orders rose 31% from 294 in March 2008 to 385 in March 2012")
    assert registry.get("children-in-care-average-age").render({}).title == (
        "The average age of children in care fell from 10.4 years in March 2008 to 9 years "
        "in March 2012")
    # Ages: 1 to 4 is 24% in Dudley against 18% nationally (largest gap up: +6 points);
    # 16 and over 12% against 21% (largest gap down: -9 points).
    assert registry.get("children-in-care-age").render({}).title == (
        "Compared with England, more of Dudley's children in care were aged 1 to 4 (24% "
        "against 18%) and fewer were aged 16 and over (12% against 21%)")


@pytest.mark.parametrize("chart_id", ["children-in-care-age", "children-in-care-legal", "children-in-care-sex", "children-in-care-numbers",
                                      "children-in-care-growth"])
def test_table_equals_parquet(registry, processed, chart_id):
    result = registry.get(chart_id).render({})
    parquet = processed.frame("children_in_care")
    table = result.table()
    assert len(table) == len(result.data)
    for (_, row), (_, raw) in zip(table.iterrows(), result.data.iterrows(), strict=True):
        match = parquet[(parquet["measure"] == raw["measure"])
                        & (parquet["area_code"] == raw["area_code"])
                        & (parquet["breakdown_value"] == row["Breakdown"])
                        & (parquet["period_start"] == raw["period_start"])
                        & (parquet["period_end"] == raw["period_end"])]
        assert match["value"].tolist() == [row["Value"]], (chart_id, row.to_dict())
    if chart_id == "children-in-care-legal":
        dudley = table[(table["Area"] == "Dudley") & (table["Breakdown"] == "Voluntary agreement")]
        assert dudley["Value"].tolist() == [15]


@pytest.mark.parametrize("chart_id", ["children-in-care-growth", "children-in-care-age", "children-in-care-legal", "children-in-care-sex"])
def test_compare_option_changes_what_is_drawn(registry, chart_id):
    chart = registry.get(chart_id)
    both = chart.render({"compare": "england"})
    alone = chart.render({"compare": "none"})
    assert set(both.data["area_code"]) == {DUDLEY, ENGLAND}
    assert set(alone.data["area_code"]) == {DUDLEY}
    assert len(drawn_values(alone.figure)) < len(drawn_values(both.figure))
    assert "England" not in alone.title


def test_unpublished_years_are_gaps_not_zero(registry):
    fig = registry.get("children-in-care-numbers").render({}).figure
    (trace,) = fig.data
    values = dict(zip(trace.x, trace.y, strict=True))
    assert list(values) == [f"March {y}" for y in range(2007, 2013)]
    assert values["March 2007"] == 512 and values["March 2012"] == 682
    for year in range(2008, 2012):
        assert pd.isna(values[f"March {year}"]), "a missing year must not be drawn as zero"


def test_legal_status_puts_dudley_first_in_legend(registry):
    fig = registry.get("children-in-care-legal").render({}).figure
    assert [t.name for t in fig.data] == ["England", "Dudley"]
    assert fig.layout.legend.traceorder == "reversed"


def test_summary_is_computed(registry):
    from dashboard.pages import children_in_care

    summary = children_in_care._summary()
    assert summary[0] == "682 children were in care on 31 March 2012, 11% more than a year before."
    assert any("69% of children in care knew" in line for line in summary)


def _pressed(component, control_id):
    """The value of the pressed choice button of one control in a layout tree."""
    found = []

    def walk(node):
        cid = getattr(node, "id", None)
        if isinstance(cid, dict) and cid.get("control") == control_id and getattr(
                node, "aria-pressed", None) == "true":
            found.append(cid["value"])
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                walk(child)

    walk(component)
    return found


def test_layout_reads_state_from_url(registry):
    from dashboard.pages import children_in_care

    assert _pressed(children_in_care.layout(compare="none"), "children-in-care-compare") == ["none"]
    assert _pressed(children_in_care.layout(compare="mars"), "children-in-care-compare") == ["england"]
