"""The explorer's charts on real processed data: measures of several releases, one with a
breakdown (child protection plans by length, imported as the generic importer writes it),
suppressed figures, intervals worked out from a numerator and denominator, a measure
published for England and the regions only, and states the data does not have."""

from __future__ import annotations

import csv
import io

import docx
import numpy as np
import pandas as pd
import pytest

from dashboard.charts.explore import Ids, resolve
from dashboard.exports.packs import decode_items, encode_items, make_item
from dashboard.exports.packs.document import prepare
from dashboard.exports.packs.word import to_docx
from dashboard.store import releases as released
from dashboard.ui.components import chart_card
from dashboard.words import format as fmt
from etl.official import statistics as stats

from . import explore_data as data
from .helpers import DUDLEY, ENGLAND, assert_drawn, authority, texts_of

LONG = "2_years_or_more"
SHARE_STATE = {"measure": data.SHARE, "breakdown": data.BREAKDOWN, "value": LONG}


@pytest.fixture(scope="module")
def explored(registry, processed, tmp_path_factory):
    """The session's processed data with the d5 release imported by breakdown, read by
    the app for this module's tests."""
    out = data.add_release(processed.path, processed.external,
                           tmp_path_factory.mktemp("explore") / "processed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAFEGUARDING_PROCESSED_DIR", str(out))
        yield out


def _frame(explored, name: str) -> pd.DataFrame:
    return pd.read_parquet(explored / f"{name}.parquet")


@pytest.mark.parametrize(("measure", "dataset"), [
    ("dfe_rereferrals_pct", "dfe_referrals"),
    ("dfe_cla_rate_per_10000", "dfe_children_looked_after"),
    ("dfe_s47_enquiries", "dfe_s47_icpcs"),
    ("dfe_cp_plans_2_years_or_more_pct", "dfe_cp_plans"),
])
def test_measures_of_several_releases_draw_the_authority_against_england(
        registry, explored, measure, dataset):
    trend = assert_drawn(registry.get(Ids.TREND), {"measure": measure})
    assert set(trend.data["measure"]) == {measure}
    names = {t.name for t in trend.figure.data}
    assert {"Dudley", "England", "West Midlands"} <= names
    parquet = _frame(explored, dataset)
    mine = parquet[(parquet["measure"] == measure) & (parquet["area_code"] == DUDLEY)
                   & (parquet["breakdown_value"] == "Total")].sort_values("period_start")
    last = mine.dropna(subset=["value"]).iloc[-1]
    if mine.iloc[-1]["period"] == last["period"]:
        assert fmt.value(last["value"], last["unit"]) in trend.title
    label = _frame(explored, "measures").set_index("measure").at[measure, "label"]
    assert trend.title.startswith(f"{label}: ")
    ranked = assert_drawn(registry.get(Ids.RANKED), {"measure": measure, "scope": "england"})
    las = parquet[(parquet["measure"] == measure) & (parquet["breakdown_value"] == "Total")
                  & (parquet["geographic_level"] == "local_authority")]
    published = las[las["period_start"] == las["period_start"].max()]["value"].notna().sum()
    assert len(ranked.data) == published and "Dudley" in ranked.title
    shown = assert_drawn(registry.get(Ids.MAP), {"measure": measure, "scope": "region"})
    assert set(shown.data["geographic_level"]) == {"local_authority"}


def test_a_breakdown_value_draws_its_own_rows_with_intervals_from_its_counts(
        registry, explored):
    result = assert_drawn(registry.get(Ids.TREND), SHARE_STATE)
    assert set(result.data["breakdown_value"]) == {LONG}
    assert "2 years or more" in result.title and "Dudley" in result.title
    # The import gave numerator and denominator but no interval: Wilson's, worked out here.
    mine = result.data[result.data["role"] == "authority"].dropna(subset=["value"])
    parquet = _frame(explored, data.DATASET)
    rows = parquet[(parquet["measure"] == data.SHARE) & (parquet["area_code"] == DUDLEY)
                   & (parquet["breakdown_value"] == LONG)].dropna(subset=["value"])
    assert "lower_95" not in parquet.columns
    lo, _ = stats.wilson(rows["numerator"], rows["denominator"])
    expected = dict(zip(rows["period"], np.asarray(lo) * 100, strict=True))
    assert dict(zip(mine["period"], mine["lower_95"], strict=True)) == pytest.approx(expected)
    assert (mine["upper_95"] > mine["value"]).all()
    assert result.figure.data[0].name == "Dudley: 95% confidence interval"
    assert any("confidence interval" in n for n in result.notes)
    assert set(mine["compared_with_england"].dropna()) <= {"higher", "lower", "similar"}


def test_suppressed_figures_are_gaps_and_words_never_numbers(registry, explored):
    state = {**SHARE_STATE, "value": "1_year_less_than_2_years"}
    result = registry.get(Ids.TREND).render(state)
    suppressed = result.data[(result.data["role"] == "authority")
                             & result.data["status"].eq("c")]
    assert len(suppressed) >= 3, "Dudley's 1 to 2 year share is 'c' in several years"
    line = next(t for t in result.figure.data if t.name == "Dudley")
    assert not set(suppressed["period"]) & set(line.x)
    table = result.table()
    cells = table[table["Period"].isin(suppressed["period"]) & (table["Area"] == "Dudley")]
    assert set(cells["Status"]) == {fmt.STATUS_WORDS["c"]} and cells["Value"].isna().all()
    exported = result.export_table()
    assert set(exported.loc[cells.index, "Status"]) == {"c"}
    assert any("not published" in n for n in result.notes)


def test_an_authority_whose_latest_figure_is_suppressed_is_told_so(registry, explored):
    parquet = _frame(explored, data.DATASET)
    share = parquet[(parquet["measure"] == data.SHARE) & (parquet["breakdown_value"] == LONG)
                    & (parquet["geographic_level"] == "local_authority")]
    latest = share[share["period_start"] == share["period_start"].max()]
    code, name = latest.loc[latest["status"].eq("c"), ["area_code", "area_name"]].iloc[0]
    with authority(code):
        result = registry.get(Ids.TREND).render(SHARE_STATE)
    year = latest["period_start"].iloc[0].year
    assert result.title == ("Share of child protection plans by length: length of plan 2 "
                            f"years or more: {name}'s figure at 31 March {year} was not "
                            f"published: {fmt.STATUS_WORDS['c']}")


def test_a_measure_for_england_and_regions_only_says_so(registry, explored):
    state = {**SHARE_STATE, "measure": data.REGIONS_ONLY}
    trend = registry.get(Ids.TREND).render(state)
    assert set(trend.data["role"]) == {"region", "england"}
    assert "no figure for Dudley" in trend.title and "England" in trend.title
    assert any("England and the regions only" in n for n in trend.notes)
    for chart_id in (Ids.RANKED, Ids.MAP):
        card = texts_of(chart_card(registry.get(chart_id), state))
        assert "published for England and the regions only" in card, chart_id


def test_states_the_data_lacks_fall_back_with_a_note(registry, explored):
    chart = registry.get(Ids.TREND)
    assert chart.state({"measure": "no_such_measure"})["measure"] == \
        chart.options["measure"][0]
    assert_drawn(chart, {"measure": "no_such_measure'><script>"})
    # a breakdown value of another measure: the totals, and a note saying so
    result = chart.render({"measure": "dfe_rereferrals_pct", "breakdown": data.BREAKDOWN,
                           "value": LONG})
    assert set(result.data["breakdown_value"]) == {"Total"}
    assert any("has no figures for" in n for n in result.notes)
    # a measure with no totals: its first breakdown value
    _, breakdown, value, note = resolve({"measure": data.SHARE})
    assert (breakdown, value) == (data.BREAKDOWN, sorted(data.LENGTHS)[0]) and note
    assert resolve({**SHARE_STATE, "value": "Total"})[2] != "Total"
    assert resolve(SHARE_STATE) == (data.SHARE, data.BREAKDOWN, LONG, None)


def test_releases_list_their_measures_and_breakdowns(explored):
    found = {r.file: r for r in released.releases()}
    d5 = next(r for f, r in found.items() if f.startswith("d5_"))
    d3 = next(r for f, r in found.items() if f.startswith("d3_"))
    # today's build.json names no measures: they are those whose rows cite the file
    assert "dfe_cp_plans_2_years_or_more_pct" in d5.measures
    assert "dfe_cp_plans_subsequent_pct" in d3.measures
    assert not set(d5.measures) & set(d3.measures)
    test = next(r for f, r in found.items() if f.startswith("copy_of_"))
    assert set(test.measures) == {data.COUNT, data.SHARE, data.REGIONS_ONLY}
    assert released.breakdowns(data.SHARE) == {data.BREAKDOWN: tuple(sorted(data.LENGTHS))}
    assert released.breakdowns("dfe_rereferrals_pct") == {}
    assert not released.has_total(data.SHARE) and released.has_total(data.COUNT)
    england = released.rows(data.SHARE, data.BREAKDOWN, LONG)
    assert ENGLAND in set(england["area_code"])


def test_downloads_and_packs_keep_the_state(registry, explored, app):
    from dashboard.app import set_up

    set_up(app)
    client = app.server.test_client()
    reply = client.get(f"/export/{Ids.TREND}.csv?measure={data.SHARE}&breakdown="
                       f"{data.BREAKDOWN}&value={LONG}")
    assert reply.status_code == 200
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows and {r["Breakdown"] for r in rows} == {LONG}
    suppressed = [r for r in rows if r["Status"] == "c"]
    assert all(r["Value"] == "" for r in suppressed)
    assert client.get(f"/export/{Ids.TREND}.csv?measure=nonsense").status_code == 200
    assert client.get(f"/export/{Ids.RANKED}.csv?measure={data.REGIONS_ONLY}&breakdown="
                      f"{data.BREAKDOWN}&value={LONG}").status_code == 503
    item = make_item(Ids.MAP, {**SHARE_STATE, "scope": "england"})
    again = decode_items(encode_items([item]))[0]
    drawn = again.chart.render(again.state_dict())
    assert set(drawn.data["breakdown_value"]) == {LONG}
    assert len(drawn.data) >= 140
    # In a pack (a Word document, opened again), the chart is drawn with its choices.
    pack = prepare([again], images=False)
    assert [c.finding for c in pack.charts] == [drawn.title] and not pack.missing
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(to_docx(pack))).paragraphs)
    assert drawn.title in text and "2 years or more" in text
