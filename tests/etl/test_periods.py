from datetime import date

import pytest

from etl.reports.periods import PeriodError, parse_period


@pytest.mark.parametrize("header", ["2011-12", "2011/12", "11-12", "11 - 12", "2011-2012"])
def test_financial_year_spellings_agree(header):
    p = parse_period(header, "financial_year")
    assert (p.label, p.start, p.end) == ("2011-12", date(2011, 4, 1), date(2012, 3, 31))


def test_two_digit_years_before_2000():
    assert parse_period("98-99", "financial_year").start == date(1998, 4, 1)


def test_academic_year_runs_september_to_august():
    p = parse_period("2010/11", "academic_year")
    assert (p.start, p.end) == (date(2010, 9, 1), date(2011, 8, 31))


def test_calendar_year():
    p = parse_period("2019", "calendar_year")
    assert (p.label, p.start, p.end) == ("2019", date(2019, 1, 1), date(2019, 12, 31))


@pytest.mark.parametrize("header", ["2012", "31/03/12", "31/03/2012", "2012-03-31"])
def test_snapshot_spellings_agree(header):
    p = parse_period(header, "snapshot")
    assert (p.label, p.start, p.end) == ("2012-03-31", date(2012, 3, 31), date(2012, 3, 31))


def test_month():
    p = parse_period("November 2011", "month")
    assert (p.label, p.start, p.end) == ("2011-11", date(2011, 11, 1), date(2011, 11, 30))
    assert parse_period("Dec 2011", "month").end == date(2011, 12, 31)


def test_average_over_a_span():
    p = parse_period("2007-08 to 2011-12 average", "financial_year")
    assert p.label == "2007-08 to 2011-12 average"
    assert p.period_type == "financial_year_average" and p.is_average
    assert (p.start, p.end) == (date(2007, 4, 1), date(2012, 3, 31))


def test_span_without_average():
    p = parse_period("2007-08 to 2010-11", "financial_year")
    assert p.period_type == "financial_year_span" and not p.is_average


@pytest.mark.parametrize(
    ("header", "period_type", "words"),
    [
        ("2011-13", "financial_year", "consecutive"),
        ("Total", "financial_year", "not a year"),
        ("2011-12", "calendar_year", "not a calendar year"),
        ("March", "month", "not a month"),
        ("2011-12 to 2009-10", "financial_year", "ends before it starts"),
        ("2011-12 average", "financial_year", "needs a span"),
        ("2011", "weekly", "unknown period type"),
        ("32/13/11", "snapshot", "not a real date"),
        ("Feb 20x1", "month", "not a month"),
    ],
)
def test_bad_headers_say_why(header, period_type, words):
    with pytest.raises(PeriodError, match=words):
        parse_period(header, period_type)
