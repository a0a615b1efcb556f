"""Overview page: today's position (the newest figure on each theme, its year, source,
change and comparison with England, all from the processed data), the system on one page
(the official rates of each step for the authority and England), and the annual reports'
own figures labelled with their years; for an authority without report tables
(Worcestershire), its own official figures, one notice and none of another authority's."""

import datetime as dt
import json

import pandas as pd
import plotly
import pytest

from dashboard.charts import overview, overview_flow, overview_today
from dashboard.charts.benchmarking import VERDICT_WORDS
from dashboard.charts.overview import STEPS, THEMES, TILES, Ids
from dashboard.charts.overview_today import Theme, change_words
from dashboard.ids import App, Page
from dashboard.words import format as fmt

from .helpers import DUDLEY, ENGLAND, WORCESTERSHIRE, authority, drawn_values, ids_in, walk

PAGE = Page.OVERVIEW
END = dt.date(2024, 3, 31)  # the last year of the releases in ../shared/public
OFFICIAL = [t for t in THEMES if t.official]


def _page(app):
    import dash

    return next(p for p in dash.page_registry.values() if p["path"] == PAGE.path)


def _text(component) -> str:
    """Everything in a layout, figures included, as one string."""
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)


def _tiles(tree) -> list:
    return [c for c in walk(tree) if "tile" in str(getattr(c, "className", "")).split()]


def _row(processed, dataset: str, measure: str, code: str, end=END) -> pd.Series:
    """The one headline row of a measure for an area and the year ending ``end``."""
    rows = processed.frame(dataset)
    rows = rows[(rows["measure"] == measure) & (rows["area_code"] == code)
                & (rows["breakdown_value"] == "Total") & (rows["period_end"] == end)]
    assert len(rows) == 1, (dataset, measure, code, end)
    return rows.iloc[0]


def _year_before(processed, dataset, measure, code) -> pd.Series:
    return _row(processed, dataset, measure, code, END.replace(year=END.year - 1))


def _source_title(processed, dataset: str) -> str:
    tables = processed.frame("tables")
    return tables.loc[tables["dataset"] == dataset, "source_title"].iloc[0]


def _polarity(processed, measure: str) -> str:
    table = processed.frame("measures")
    return table.loc[table["measure"] == measure, "polarity"].iloc[0]


# --- today's position -----------------------------------------------------------------------


def _check_official_tile(pos, processed, code):
    dataset, measure = pos.theme.official
    latest = _row(processed, dataset, measure, code)
    before = _year_before(processed, dataset, measure, code)
    assert pos.kind == "official", pos.theme.name
    # the figure, and where and when it is from
    assert pos.latest["value"] == latest["value"]
    assert pos.number == fmt.short(latest["value"], latest["unit"])
    assert pos.unit == "per 10,000 children"
    year = "On 31 March 2024" if latest["period_type"] == "snapshot" else \
        "Year to 31 March 2024"
    assert pos.when == year
    assert pos.source == _source_title(processed, dataset)
    # the change on the year before, judged by the measure's polarity
    moved = "Down" if latest["value"] < before["value"] else "Up"
    assert pos.change.startswith(f"{moved} "), pos.change
    assert pos.direction == moved.lower()
    polarity = _polarity(processed, measure)
    assert polarity == "neutral"  # every official tile's measure is neither good nor bad
    assert pos.change.endswith(f"a {'fall' if moved == 'Down' else 'rise'} is neither good "
                               "nor bad in itself")
    assert pos.judgement == "neutral"
    assert "2023" in pos.change and ("the year before" in pos.change
                                     or "a year earlier" in pos.change)
    # England: the ETL's significance verdict, and England's figure that year
    verdict = latest["compared_with_england"]
    england = _row(processed, dataset, measure, ENGLAND)
    assert pos.verdict == verdict
    assert pos.england == (f"{VERDICT_WORDS[verdict][0].upper()}{VERDICT_WORDS[verdict][1:]} "
                           f"({fmt.value(england['value'], england['unit'])} in England)")


def test_dudley_tiles_lead_with_the_year_to_31_march_2024(registry, processed):
    shown, notice = overview.today()
    assert notice is None
    assert [p.theme.tile for p in shown] == [t.tile for t in THEMES]
    by_tile = {p.theme.tile: p for p in shown}
    for theme in OFFICIAL:
        _check_official_tile(by_tile[theme.tile], processed, DUDLEY)
    referrals = by_tile[Ids.REFERRALS]
    assert (referrals.number, referrals.when) == ("382.4", "Year to 31 March 2024")
    assert referrals.change == ("Down 16% on the year before (year to 31 March 2023): a fall "
                                "is neither good nor bad in itself")
    assert referrals.england == "Lower than England (515.7 per 10,000 children in England)"
    assert by_tile[Ids.CHILDREN_IN_CARE].england.startswith("Higher than England")
    assert referrals.provenance is None and referrals.sparkline() is not None
    assert referrals.theme.href == Page.CONTACTS.path
    assert by_tile[Ids.CHILDREN_IN_NEED].theme.href == "/benchmarking?indicator=cin"


def test_themes_only_the_reports_cover_show_the_reports_year_and_polarity(registry, processed):
    by_tile = {p.theme.tile: p for p in overview.today()[0]}
    training = by_tile[Ids.TRAINING]
    assert training.kind == "report"
    assert training.when == "Year to 31 March 2012"
    assert training.source == "Dudley Safeguarding Children Board Annual Report 2011-12"
    assert _polarity(processed, "training_multi_agency_people") == "up_good"
    # fewer people trained than the year before: worse, as a rise is good
    assert training.change == ("Down 3% on the year before (year to 31 March 2011): worse (a "
                               "rise is good)")
    assert training.judgement == "worse"
    assert training.provenance.startswith("Only the annual reports count this")
    incidents = by_tile[Ids.RACIST_INCIDENTS]
    assert (incidents.number, incidents.when) == ("139", "Year to 31 March 2011")


@pytest.mark.parametrize(("polarity", "values", "words"), [
    ("down_good", [14, 16], "Up 14% on the year before (year to 31 March 2023): worse (a fall "
                            "is good)"),
    ("down_good", [16, 14], "Down 12% on the year before (year to 31 March 2023): better (a "
                            "fall is good)"),
    ("up_good", [50.0, 52.5], "Up 5% on the year before (year to 31 March 2023): better (a "
                              "rise is good)"),
    ("neutral", [7, 7], "No change on the year before (year to 31 March 2023): no change"),
])
def test_the_change_on_the_year_before_says_what_it_means(polarity, values, words):
    rows = pd.DataFrame({"period": ["2022-23", "2023-24"], "period_type": "financial_year",
                         "period_end": [dt.date(2023, 3, 31), END], "value": values,
                         "unit": "count"})
    assert change_words(rows, polarity)[0] == words


def test_the_change_names_a_snapshot_a_year_earlier_and_a_gap_as_the_figure_before():
    snap = pd.DataFrame({"period": ["2023-03-31", "2024-03-31"], "period_type": "snapshot",
                         "period_end": [dt.date(2023, 3, 31), END], "value": [50.0, 40.0],
                         "unit": "percent"})
    assert change_words(snap, "neutral")[0] == (
        "Down 10 percentage points on a year earlier (31 March 2023): a fall is neither "
        "good nor bad in itself")
    gap = snap.assign(period_type="financial_year", period=["2019-20", "2023-24"],
                      period_end=[dt.date(2020, 3, 31), END])
    assert change_words(gap, "neutral")[0].startswith(
        "Down 10 percentage points on the figure before (year to 31 March 2020)")


def test_the_newest_source_leads_and_the_official_one_on_the_same_year(monkeypatch, registry):
    theme = Theme("overview-referrals", "Referrals", Page.CONTACTS,
                  official=("dfe_referrals", "dfe_referrals_rate_per_10000"),
                  report=("contacts", "referrals_rate_per_10000"))
    assert overview_today.newest(theme)[0] == "official"  # 2023-24 against 2018-19
    real = overview_today.series

    def official_until(end):
        def series(dataset, measure):
            rows = real(dataset, measure)
            return rows[rows["period_end"] <= end] if dataset.startswith("dfe_") else rows
        return series

    report_end = real("contacts", "referrals_rate_per_10000")["period_end"].max()
    monkeypatch.setattr(overview_today, "series", official_until(report_end))
    assert overview_today.newest(theme)[0] == "official"  # the same year: official
    monkeypatch.setattr(overview_today, "series",
                        official_until(report_end.replace(year=report_end.year - 1)))
    kind, _, rows = overview_today.newest(theme)
    pos = overview_today.position(theme)
    assert kind == "report" and pos.kind == "report"
    assert rows["period_end"].iloc[-1] == report_end
    assert pos.when == "Year to 31 March 2019" and "Annual Report" in pos.source
    assert pos.provenance == "Newer than the latest official statistics on this theme."


def test_a_tile_that_cannot_be_read_says_why(monkeypatch, registry):
    broken = Theme("overview-training", "Training", Page.TRAINING,
                   report=("no_such_dataset", "training_multi_agency_people"))
    monkeypatch.setattr(overview, "THEMES", (broken,))
    shown, notice = overview.today()
    assert notice is None
    assert len(shown) == 1 and shown[0].error and shown[0].kind is None


def test_a_tile_id_that_is_not_one_of_the_pages_ids_stops_the_import(tmp_path):
    text = overview.SPEC_FILE.read_text(encoding="utf-8").replace(
        'tile = "overview-children-in-need"', 'tile = "children-in-need"')
    (tmp_path / "overview.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="children-in-need"):
        overview.load(tmp_path / "overview.toml")
    assert overview.load()[0] == THEMES


# --- the system on one page -----------------------------------------------------------------


def _check_system(result, processed, code, name):
    rows = result.data
    assert list(rows["area_code"].drop_duplicates()) == [code, ENGLAND]
    assert set(rows["period_end"]) == {END}
    expected = []
    for step in STEPS:
        for area in (code, ENGLAND):
            for measure in (step.rate, step.count):
                expected.append((step.name, area, measure,
                                 _row(processed, step.dataset, measure, area)["value"]))
    assert list(zip(rows["step"], rows["area_code"], rows["measure"], rows["value"],
                    strict=True)) == expected
    # the bars are the rates, the authority's first
    traces = {t.name: list(t.x) for t in result.figure.data}
    assert list(traces) == ["England", name]  # added last first: see figures/flow.py
    assert traces[name] == [e[3] for e in expected if e[1] == code and e[2].endswith("10000")]
    assert sorted(drawn_values(result.figure)) == sorted(
        e[3] for e in expected if e[2].endswith("10000"))
    assert result.title.startswith(f"{name}, year to 31 March 2024: ")
    assert name in result.subtitle and "per 10,000" in result.subtitle
    table = result.table()
    assert len(table) == 4 * len(STEPS) and set(table["Area"]) == {name, "England"}


def test_the_system_chart_has_dudleys_and_englands_rates_for_the_latest_year(registry,
                                                                             processed):
    chart = registry.get(Ids.SYSTEM)
    assert chart.official and chart.page == PAGE
    result = chart.render({})
    _check_system(result, processed, DUDLEY, "Dudley")
    # every one of Dudley's rates is below England's that year
    for step in STEPS:
        assert _row(processed, step.dataset, step.rate, DUDLEY)["value"] < \
            _row(processed, step.dataset, step.rate, ENGLAND)["value"]
    assert result.title == "Dudley, year to 31 March 2024: below England's rate at every step"
    words = " ".join(result.notes)
    assert "Every step is level 4 of the four levels of need" in words
    assert "Assessments completed" in [s.name for s in STEPS]  # from c2, in this build
    assert "Not shown" not in words
    nfa = _row(processed, "dfe_referrals", "dfe_referrals_nfa_pct", DUDLEY)["value"]
    assert f"{fmt.number(nfa)}% in Dudley" in words
    assert "Characteristics of children in need (DfE)" in result.source


def test_a_step_whose_release_was_never_imported_is_left_out_and_named(registry,
                                                                       monkeypatch):
    """A folder of releases without c2 (assessments) still draws the other steps."""
    from dashboard import store

    info = store.build_info()
    without = {**info, "datasets": {k: v for k, v in info["datasets"].items()
                                    if k != "dfe_assessments"}}
    monkeypatch.setattr(store, "build_info", lambda: without)
    result = registry.get(Ids.SYSTEM).render({})
    assert "Assessments completed" not in set(result.data["step"])
    assert set(result.data["step"]) == {s.name for s in STEPS} - {"Assessments completed"}
    assert len(result.figure.data[0].x) == len(STEPS) - 1
    words = " ".join(result.notes)
    assert ("Not shown, because no release that counts them has been imported: "
            "assessments completed.") in words
    assert "Referrals closed with no further action that year" in words


def test_the_system_chart_is_drawn_for_worcestershire_with_its_own_figures(registry,
                                                                           processed):
    with authority(WORCESTERSHIRE):
        result = registry.get(Ids.SYSTEM).render({})
    _check_system(result, processed, WORCESTERSHIRE, "Worcestershire")
    assert "Dudley" not in " ".join([result.title, result.subtitle, *result.notes])
    assert result.title == ("Worcestershire, year to 31 March 2024: below England's rate at "
                            "four of the seven steps and above it at three")


def test_a_step_without_a_figure_is_named_with_why(registry):
    frame = pd.DataFrame({"step": [STEPS[0].name, STEPS[1].name], "role": "authority",
                          "value": [382.4, None], "status": [None, "c"]})
    assert overview_flow.gaps_note(frame, STEPS[:3]) == (
        "No figure for Dudley that year: assessments completed (fewer than 6 "
        "(suppressed)); children in need on 31 March (not published).")
    assert overview_flow.gaps_note(frame, STEPS[:1]) is None


# --- the page -------------------------------------------------------------------------------


def test_dudley_page_leads_with_todays_position_then_the_system_then_the_reports(app):
    tree = _page(app)["layout"]()
    assert tree.children[0].children == "How well are children being protected in Dudley?"
    headings = [c.children for c in walk(tree) if type(c).__name__ == "H2"]
    assert headings[0] == "Today's position"
    assert headings[1].startswith("Dudley, year to 31 March 2024")  # the chart's finding
    assert headings[2:] == ["Levels of need", "From the annual reports"]
    tiles = _tiles(tree)
    assert [t.children[0].id for t in tiles] == [t.tile for t in THEMES] + [t.id for t in TILES]
    text = _text(tree)
    assert "Year to 31 March 2024, Characteristics of children in need (DfE)" in text
    assert "message-info" not in text
    # the reports' own figures each say the year they cover and their report
    for tile in tiles[len(THEMES):]:
        period = next(c for c in walk(tile) if getattr(c, "className", None) == "period")
        assert period.children.startswith(("Year to 31 March", "On 31 March")), \
            period.children
        assert "Annual Report" in period.children
    assert "Referral rate, 2010-11: Dudley 555 per 10,000 children" in text
    assert any(getattr(c, "id", None) == "overview-system-card" for c in walk(tree))


@pytest.mark.parametrize("code", [DUDLEY, WORCESTERSHIRE])
def test_every_id_on_the_page_starts_with_its_name(app, code):
    with authority(code):
        tree = _page(app)["layout"]()
    ids = [i["control"] if isinstance(i, dict) else i for i in ids_in(tree)
           if not isinstance(i, dict) or "control" in i]
    assert [i for i in ids if not str(i).startswith(f"{PAGE}-") and i not in set(App)] == []


def test_worcestershire_tiles_name_it_and_show_its_own_figures(app, processed):
    with authority(DUDLEY):
        dudley = [p.number for p in overview.today()[0]]
    with authority(WORCESTERSHIRE):
        tree = _page(app)["layout"]()
        shown, notice = overview.today()
        earlier, _ = overview.reports()
    assert [p.theme.tile for p in shown] == [t.tile for t in OFFICIAL]
    for pos in shown:
        _check_official_tile(pos, processed, WORCESTERSHIRE)
    text = _text(tree)
    assert tree.children[0].children == ("How well are children being protected in "
                                         "Worcestershire?")
    assert "Dudley" not in text
    messages = [c for c in walk(tree) if "message" in str(getattr(c, "className", ""))]
    assert len(messages) == 1 and messages[0].children == notice
    assert notice.startswith("No tables from Worcestershire's annual reports are in the data")
    assert "racist incidents in schools, multi-agency training and section 11 audit" in notice
    # no report tiles at all, and none of Dudley's report figures
    assert earlier == [] and len(_tiles(tree)) == len(OFFICIAL)
    assert [p.number for p in shown] != dudley[:len(OFFICIAL)]
    for figure in dudley[len(OFFICIAL):]:
        assert f'"{figure}"' not in text
