"""Child protection plans page: every chart built through the registry, checked
against the processed Parquet."""

import pytest

from dashboard.charts import TABLE_COLUMNS


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page("child-protection-plans")
    assert {c.id for c in charts} == {f"child-protection-plans-{name}" for name in (
        "latest", "official", "trend", "category", "rates", "duration")}
    for c in charts:
        states = [{}] + [{key: value} for key, values in c.options.items() for value in values]
        for state in states:
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert any(len(t.x if t.x is not None else []) for t in result.figure.data)
            assert not result.data.empty
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())


def test_trend_title_is_computed_from_the_data(registry):
    result = registry.get("child-protection-plans-trend").render({})
    assert result.title == ("Children on a plan at 31 March rose 61% from 134 in 2007-08 to "
                            "216 in 2011-12")


def test_category_table_equals_parquet(registry, processed):
    result = registry.get("child-protection-plans-category").render({"show": "counts"})
    table = result.table()
    parquet = processed.frame("cp_plans")
    for _, row in table.iterrows():
        match = parquet[(parquet["measure"] == "cp_plans_at_31_march")
                        & (parquet["breakdown_value"] == row["Breakdown"])
                        & (parquet["period_type"] == "snapshot")
                        & (parquet["period_end"].astype(str).str[:4]
                           == "20" + row["Period"][-2:])]
        assert match["value"].tolist() == [row["Value"]]
    neglect_2012 = table[(table["Breakdown"] == "Neglect") & (table["Period"] == "2011-12")]
    assert neglect_2012["Value"].tolist() == [95]


def test_shares_add_to_100_each_year(registry):
    result = registry.get("child-protection-plans-category").render({"show": "shares"})
    sums = result.data.groupby("period")["value"].sum()
    assert sums.round(6).eq(100).all()


@pytest.mark.parametrize(("comparator", "areas"), [
    ("both", {"Dudley", "West Midlands", "England"}),
    ("region", {"Dudley", "West Midlands"}),
    ("england", {"Dudley", "England"}),
])
def test_rates_comparator_choice(registry, comparator, areas):
    result = registry.get("child-protection-plans-rates").render({"comparator": comparator,
                                                                 "rate": "new"})
    assert set(result.data["area_name"]) == areas
    assert {t.name for t in result.figure.data} == areas


def test_unknown_state_falls_back_to_defaults(registry):
    chart = registry.get("child-protection-plans-rates")
    assert chart.state({"rate": "../../etc", "comparator": "mars"}) == {
        "rate": "on-plans", "comparator": "both"}
