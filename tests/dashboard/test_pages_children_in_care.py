"""Children in care page: every chart built through the registry, checked against the
processed Parquet and against the figures printed in the LSCB annual report 2011-12; the
page for another authority; its ids."""


import pandas as pd
import pytest

from dashboard.charts import TABLE_COLUMNS
from dashboard.charts.children_in_care import Ids
from dashboard.ids import App
from dashboard.ui.pagekit import report_charts

from .helpers import (
    DUDLEY,
    ENGLAND,
    WORCESTERSHIRE,
    assert_official_only_for_worcestershire,
    authority,
    drawn_values,
    ids_in,
    layout_of,
    states,
    walk,
)

PAGE = "children-in-care"
CHARTS = {Ids.NUMBERS, Ids.GROWTH, Ids.AGE, Ids.LEGAL, Ids.SEX, Ids.CARE_ORDERS,
          Ids.AVERAGE_AGE}
LEAD = [Ids.LATEST, Ids.OFFICIAL]  # the official series (test_lead.py): any authority


def test_page_is_registered(app):
    import dash

    page = next(p for p in dash.page_registry.values()
                if p["module"].endswith("children_in_care"))
    assert (page["path"], page["name"], page["order"]) == ("/children-in-care",
                                                           "Children in care", 5)


def test_all_charts_render_with_data_for_every_option(registry):
    charts = registry.on_page(PAGE)
    assert {c.id for c in charts} == {*CHARTS, *LEAD}
    for c in charts:
        for state in states(c):
            result = c.render(state)
            assert result.figure.data, f"{c.id} {state} drew nothing"
            assert drawn_values(result.figure), f"{c.id} {state} drew no values"
            assert not result.data.empty
            assert result.title and result.subtitle and result.source
            assert list(result.table().columns) == list(TABLE_COLUMNS.values())


def test_titles_match_the_report(registry):
    # Report: "Numbers have increased by approx 33% ... from 512 as at March 2007 to 682
    # as at March 2012. Nationally ... increased by 9.3% from 59970 in 2007 to 65520 in 2011."
    assert registry.get(Ids.NUMBERS).render({}).title == (
        "Children in care in Dudley rose 33% from 512 in March 2007 to 682 in March 2012")
    assert registry.get(Ids.GROWTH).render({}).title == (
        "Children in care rose 33% in Dudley (March 2007 to March 2012) and 9.3% in England "
        "(March 2007 to March 2011)")
    # "Dudley CIC population consists of more boys (53%) than girls (47%) ... 56% of CIC
    # are boys, and 44% Girls."
    assert registry.get(Ids.SEX).render({}).title == (
        "Compared with England, more of Dudley's children in care were girls (47% against "
        "44%) and fewer were boys (53% against 56%)")
    # Full care orders "from 294 as at March 2008 to 385 as at March 2012": (385-294)/294 = 31%.
    assert registry.get(Ids.CARE_ORDERS).render({}).title == (
        "Children on full care orders rose 31% from 294 in March 2008 to 385 in March 2012")
    assert registry.get(Ids.AVERAGE_AGE).render({}).title == (
        "The average age of children in care fell from 10.4 years in March 2008 to 9 years "
        "in March 2012")
    # Ages: 1 to 4 is 24% in Dudley against 18% nationally (largest gap up: +6 points);
    # 16 and over 12% against 21% (largest gap down: -9 points).
    assert registry.get(Ids.AGE).render({}).title == (
        "Compared with England, more of Dudley's children in care were aged 1 to 4 (24% "
        "against 18%) and fewer were aged 16 and over (12% against 21%)")


def test_subtitles_and_notes_name_the_authority(registry):
    numbers = registry.get(Ids.NUMBERS).render({})
    assert numbers.subtitle == ("Number of children in care on 31 March, Dudley, March 2007 "
                                "to March 2012")
    age = registry.get(Ids.AGE).render({})
    assert age.subtitle.endswith("by age, Dudley (March 2012) and England (March 2011)")
    assert any("grew the most in Dudley: 88 more children" in n for n in age.notes)
    alone = registry.get(Ids.AGE).render({"compare": "none"})
    assert alone.title == ("In March 2012 the largest group of Dudley's children in care "
                           "were aged 10 to 15 (38%)")


def test_notes_follow_the_data(registry):
    # The published years leave gaps; the growth spans differ; the legal statuses given
    # cover 89% of Dudley's children and 91% of England's.
    assert registry.get(Ids.NUMBERS).render({}).notes[0].startswith("Only the years shown")
    assert any("different spans of years" in n
               for n in registry.get(Ids.GROWTH).render({"compare": "none"}).notes)
    legal = registry.get(Ids.LEGAL).render({})
    assert legal.notes[0] == ("Interim care orders are part of the care order figure. The "
                              "report does not give every legal status, so the bars do not "
                              "add up to 100%.")
    assert legal.notes[1] == ("England's figures are for March 2011, the latest published "
                              "when the report was written.")


@pytest.mark.parametrize("chart_id", [Ids.AGE, Ids.LEGAL, Ids.SEX, Ids.NUMBERS, Ids.GROWTH])
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
    if chart_id == Ids.LEGAL:
        dudley = table[(table["Area"] == "Dudley") & (table["Breakdown"] == "Voluntary agreement")]
        assert dudley["Value"].tolist() == [15]


@pytest.mark.parametrize("chart_id", [Ids.GROWTH, Ids.AGE, Ids.LEGAL, Ids.SEX])
def test_compare_option_changes_what_is_drawn(registry, chart_id):
    chart = registry.get(chart_id)
    both = chart.render({"compare": "england"})
    alone = chart.render({"compare": "none"})
    assert set(both.data["area_code"]) == {DUDLEY, ENGLAND}
    assert set(alone.data["area_code"]) == {DUDLEY}
    assert len(drawn_values(alone.figure)) < len(drawn_values(both.figure))
    assert "England" not in alone.title


def test_unpublished_years_are_gaps_not_zero(registry):
    fig = registry.get(Ids.NUMBERS).render({}).figure
    (trace,) = fig.data
    values = dict(zip(trace.x, trace.y, strict=True))
    assert list(values) == [f"March {y}" for y in range(2007, 2013)]
    assert values["March 2007"] == 512 and values["March 2012"] == 682
    for year in range(2008, 2012):
        assert pd.isna(values[f"March {year}"]), "a missing year must not be drawn as zero"


def test_legal_status_puts_dudley_first_in_legend(registry):
    fig = registry.get(Ids.LEGAL).render({}).figure
    assert [t.name for t in fig.data] == ["England", "Dudley"]
    assert fig.layout.legend.traceorder == "reversed"


def test_summary_is_computed(registry):
    from dashboard.charts.children_in_care import summary

    lines = summary()
    assert lines[0] == "682 children were in care on 31 March 2012, 11% more than a year before."
    assert any("69% of children in care knew" in line for line in lines)
    assert ("Compared with England, more of Dudley's children in care were on a full or "
            "interim care order (74% against 60%).") in lines


def _pressed(tree, control: str) -> list[str]:
    """The value of the pressed choice button of one control in a layout."""
    return [c.id["value"] for c in walk(tree)
            if isinstance(getattr(c, "id", None), dict) and c.id.get("control") == control
            and getattr(c, "aria-pressed", None) == "true"]


def test_layout_reads_state_from_url(app):
    assert _pressed(layout_of(PAGE, compare="none"), Ids.COMPARE) == ["none"]
    assert _pressed(layout_of(PAGE, compare="mars"), Ids.COMPARE) == ["england"]


# Another authority, and the page's ids ----------------------------------------------------


def test_worcestershire_sees_the_notice_not_dudleys_figures(app, registry):
    with authority(WORCESTERSHIRE):
        assert_official_only_for_worcestershire(PAGE, LEAD, Ids.INDICATOR, registry)


def test_unreadable_data_shows_every_card_to_say_why(app, monkeypatch):
    from dashboard import store
    from dashboard.store import files

    def missing(name):
        raise store.DataUnavailable(f"{name}.parquet is missing")

    monkeypatch.setattr(files, "dataset", missing)
    monkeypatch.setattr(store, "dataset", missing)
    shown, notice = report_charts(PAGE)
    assert notice is None and {c.id for c in shown} == {*CHARTS, *LEAD}


@pytest.mark.parametrize("code", [DUDLEY, WORCESTERSHIRE])
def test_every_id_starts_with_the_page_name(app, code):
    with authority(code):
        ids = ids_in(layout_of(PAGE, compare="none"))
    plain = [i for i in ids if isinstance(i, str)]
    controls = [i["control"] for i in ids if isinstance(i, dict) and "control" in i]
    assert plain
    wrong = [i for i in plain + controls if not i.startswith(f"{PAGE}-") and i not in set(App)]
    assert wrong == []
