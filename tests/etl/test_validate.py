"""The consistency checks, on small hand-made frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from etl.reports.checks import Check, Selector, load_checks, parse_selector, run_check, validate


def _row(measure, value, period="2011-12", *, breakdown="Total", breakdown_value="Total",
         area="E08000027", unit="count", decimals=0, period_type="financial_year",
         published="2012", dataset="d", start=None, end=None):
    first = int(period[:4])
    return {
        "measure": measure, "breakdown": breakdown, "breakdown_value": breakdown_value,
        "period": period, "period_type": period_type,
        "period_start": start or date(first, 4, 1), "period_end": end or date(first + 1, 3, 31),
        "area_code": area, "area_name": area, "geographic_level": "local_authority",
        "value": value, "unit": unit, "status": None, "source": f"src {published}",
        "source_id": "s", "source_table": "t", "dataset": dataset, "decimals": decimals,
        "published": published, "file": "f.csv", "row": 2,
    }


def _frame(*rows):
    return pd.DataFrame.from_records(list(rows))


def test_selector_syntax():
    assert parse_selector("cp") == Selector("cp")
    assert parse_selector("cp[category_of_harm]") == Selector("cp", "category_of_harm")
    assert parse_selector("cp[category_of_harm=Neglect; area=E12000005]") == Selector(
        "cp", "category_of_harm", "Neglect", "E12000005")
    assert parse_selector("100").constant == 100.0
    with pytest.raises(ValueError, match="two breakdowns"):
        parse_selector("cp[a=1;b=2]")


def test_a_breakdown_that_does_not_add_up_is_flagged_and_kept():
    data = _frame(_row("cp", 134), _row("cp", 66, breakdown="harm", breakdown_value="Neglect"),
                  _row("cp", 60, breakdown="harm", breakdown_value="Other"))
    kept, flags = validate(data, [])
    assert len(flags) == 1
    flag = flags.iloc[0]
    assert (flag["published"], flag["expected"], flag["difference"]) == (134, 126, 8)
    assert "published 134, but sum of parts is 126" in flag["message"]
    assert kept.loc[kept["breakdown_value"] == "Total", "value"].item() == 134


def test_a_breakdown_that_adds_up_is_not_flagged():
    data = _frame(_row("cp", 126), _row("cp", 66, breakdown="harm", breakdown_value="Neglect"),
                  _row("cp", 60, breakdown="harm", breakdown_value="Other"))
    assert validate(data, [])[1].empty


def test_ratio_allows_for_rounding_to_one_decimal_place():
    check = Check("r", "d", "ratio", Selector("pct"), (Selector("num"), Selector("den")),
                  ("period", "area"), None, "")
    good = _frame(_row("num", 797), _row("den", 809),
                  _row("pct", 98.5, unit="percent", decimals=1))
    assert run_check(check, good) == []
    bad = _frame(_row("num", 797), _row("den", 809),
                 _row("pct", 98.7, unit="percent", decimals=1))
    [flag] = run_check(check, bad)
    assert "797 / 809 = 98.52%" in flag["message"]


def test_between_catches_a_total_outside_its_parts():
    parts = (Selector("f", "grade", "High"), Selector("f", "grade", "Low"))
    check = Check("b", "d", "between", Selector("f", "grade", "All"), parts,
                  ("period", "area"), None, "")
    data = _frame(_row("f", 52.5, breakdown="grade", breakdown_value="High", unit="percent",
                       decimals=1),
                  _row("f", 68.7, breakdown="grade", breakdown_value="Low", unit="percent",
                       decimals=1),
                  _row("f", 80.47, breakdown="grade", breakdown_value="All", unit="percent",
                       decimals=2))
    [flag] = run_check(check, data)
    assert "lies outside 52.5–68.7" in flag["message"]


def test_mean_and_max_across_areas():
    scores = [_row("score", v, area=a, breakdown="standard", breakdown_value="1",
                   unit="score_percent") for a, v in (("A", 90), ("B", 70), ("C", 80))]
    highest = _row("highest", 90, area="Z", breakdown="standard", breakdown_value="1",
                   unit="score_percent")
    average = _row("average", 82, area="Z", breakdown="standard", breakdown_value="1",
                   unit="score_percent")
    data = _frame(*scores, highest, average)
    by = ("period", "breakdown_value")
    assert run_check(Check("m", "d", "max", Selector("highest", "standard"),
                           (Selector("score", "standard"),), by, None, ""), data) == []
    [flag] = run_check(Check("a", "d", "mean", Selector("average", "standard"),
                             (Selector("score", "standard"),), by, None, ""), data)
    assert flag["expected"] == 80 and flag["published"] == 82


def test_constant_target_checks_shares_add_to_100():
    check = Check("c", "d", "sum", Selector("", constant=100.0),
                  (Selector("share", "sex"),), ("period", "area"), None, "")
    ok = _frame(_row("share", 48, breakdown="sex", breakdown_value="F", unit="percent"),
                _row("share", 52, breakdown="sex", breakdown_value="M", unit="percent"))
    assert run_check(check, ok) == []
    bad = _frame(_row("share", 48, breakdown="sex", breakdown_value="F", unit="percent"),
                 _row("share", 50, breakdown="sex", breakdown_value="M", unit="percent"))
    [flag] = run_check(check, bad)
    assert "should be 100, but sum of parts is 98" in flag["message"]


def test_an_average_column_is_checked_against_its_years():
    years = [_row("n", v, f"{y}-{(y + 1) % 100:02d}") for y, v in
             zip(range(2007, 2012), (456, 604, 705, 812, 809), strict=True)]
    avg = _row("n", 677, "2007-08 to 2011-12 average", period_type="financial_year_average",
               start=date(2007, 4, 1), end=date(2012, 3, 31))
    assert validate(_frame(*years, avg), [])[1].empty  # 677.2 rounds to 677
    wrong = {**avg, "value": 680}
    flags = validate(_frame(*years, wrong), [])[1]
    assert len(flags) == 1 and "mean of the 5 years is 677.2" in flags.iloc[0]["message"]


def test_two_sources_disagreeing_keeps_the_later_and_flags():
    data = _frame(_row("rate", 36, published="2012", unit="rate_per_10000"),
                  _row("rate", 38, published="2020", unit="rate_per_10000"))
    kept, flags = validate(data, [])
    assert kept["value"].tolist() == [38]
    assert len(flags) == 1 and flags.iloc[0]["check_id"] == "conflict"


def test_two_sources_agreeing_keep_one_row_silently():
    data = _frame(_row("rate", 36, published="2012"), _row("rate", 36, published="2020"))
    kept, flags = validate(data, [])
    assert len(kept) == 1 and flags.empty


def test_checks_file_errors_name_row_and_column(tmp_path):
    path = tmp_path / "checks.csv"
    path.write_text("check_id,dataset,kind,target,parts,by,tolerance,description\n"
                    "a,d,median,x,y,,,\n"
                    "b,d,ratio,x,y,,,\n"
                    "c,d,sum,x,y,colour,,\n"
                    "d,d,sum,x,y,,lots,\n", encoding="utf-8")
    from etl.errors import ETLError
    with pytest.raises(ETLError) as caught:
        load_checks(path)
    text = str(caught.value)
    assert "row 2, column 'kind': unknown kind 'median'" in text
    assert "row 3, column 'parts': a ratio needs" in text
    assert "row 4, column 'by'" in text
    assert "row 5, column 'tolerance'" in text


def test_max_pools_values_from_every_part():
    data = _frame(_row("completed", 862), _row("booked", 595), _row("places", 700))
    check = Check("m", "d", "max", Selector("places"),
                  (Selector("completed"), Selector("booked")), ("period", "area"), None, "")
    [flag] = run_check(check, data)
    assert flag["expected"] == 862


def test_change_compares_a_stated_percentage_change_with_two_years():
    data = _frame(_row("caf", 901, "2010-11"), _row("caf", 465, "2011-12"),
                  _row("caf_change", -39.5, "2010-11 to 2011-12", unit="percent_change",
                       decimals=1, period_type="financial_year_span",
                       start=date(2010, 4, 1), end=date(2012, 3, 31)))
    check = Check("c", "d", "change", Selector("caf_change"),
                  (Selector("caf", period="2011-12"), Selector("caf", period="2010-11")),
                  ("area",), None, "")
    [flag] = run_check(check, data)
    assert "901 to 465 is a change of -48.4%" in flag["message"]
    assert parse_selector("caf[period=2011-12]") == Selector("caf", period="2011-12")


def test_an_average_of_snapshots_counts_both_ends():
    snaps = [_row("cic", v, f"{y}-03-31", period_type="snapshot", start=date(y, 3, 31),
                  end=date(y, 3, 31)) for y, v in zip(range(2008, 2013),
                                                       (300, 310, 320, 330, 340), strict=True)]
    avg = _row("cic", 400, "2008-03-31 to 2012-03-31 average", period_type="snapshot_average",
               start=date(2008, 3, 31), end=date(2012, 3, 31))
    flags = validate(_frame(*snaps, avg), [])[1]
    assert len(flags) == 1 and "mean of the 5 years is 320" in flags.iloc[0]["message"]
