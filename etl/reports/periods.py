"""Parse period headers as the reports print them into labels and dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_TYPES = ("financial_year", "academic_year", "calendar_year", "snapshot", "month")

# Year-long periods start on this (month, day).
_YEAR_START = {"financial_year": (4, 1), "academic_year": (9, 1), "calendar_year": (1, 1)}

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


@dataclass(frozen=True)
class Period:
    """A reporting period: canonical label, type and inclusive start/end dates."""

    label: str
    period_type: str
    start: date
    end: date

    @property
    def is_average(self) -> bool:
        return self.period_type.endswith("_average")


class PeriodError(ValueError):
    """A header that is not a period of the expected type."""


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 50 else 1900
    return year


def _split_year(text: str) -> int:
    """Start year of a two-part year such as 2011-12, 2011/12, 11-12 or 06 - 07."""
    m = re.fullmatch(r"(\d{2}|\d{4})\s*[-/–]\s*(\d{2}|\d{4})", text)
    if not m:
        raise PeriodError(f"'{text}' is not a year such as 2011-12")
    first, second = _full_year(m.group(1)), _full_year(m.group(2))
    if second != first + 1:
        raise PeriodError(f"'{text}' does not span two consecutive years")
    return first


def _year_period(text: str, period_type: str) -> Period:
    month, day = _YEAR_START[period_type]
    if period_type == "calendar_year":
        if not re.fullmatch(r"\d{4}", text):
            raise PeriodError(f"'{text}' is not a calendar year such as 2019")
        first = int(text)
        label = text
    else:
        first = _split_year(text)
        label = f"{first}-{(first + 1) % 100:02d}"
    start = date(first, month, day)
    end = date(start.year + 1, month, day) - timedelta(days=1)
    return Period(label, period_type, start, end)


def _snapshot(text: str) -> Period:
    try:
        day = _snapshot_day(text)
    except ValueError as err:
        if isinstance(err, PeriodError):
            raise
        raise PeriodError(f"'{text}' is not a real date ({err})") from None
    return Period(day.isoformat(), "snapshot", day, day)


def _snapshot_day(text: str) -> date:
    if re.fullmatch(r"\d{4}", text):
        day = date(int(text), 3, 31)
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", text):
        day = date(_full_year(m.group(3)), int(m.group(2)), int(m.group(1)))
    elif m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    else:
        raise PeriodError(f"'{text}' is not a date such as 2012, 31/03/11 or 2012-03-31")
    return day


def _month(text: str) -> Period:
    m = re.fullmatch(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{4})", text)
    if not m or m.group(1).lower() not in _MONTHS:
        raise PeriodError(f"'{text}' is not a month such as May 2011")
    start = date(int(m.group(2)), _MONTHS[m.group(1).lower()], 1)
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return Period(start.strftime("%Y-%m"), "month", start, nxt - timedelta(days=1))


def _single(text: str, period_type: str) -> Period:
    if period_type in _YEAR_START:
        return _year_period(text, period_type)
    if period_type == "snapshot":
        return _snapshot(text)
    if period_type == "month":
        return _month(text)
    raise PeriodError(f"unknown period type '{period_type}'; use one of {', '.join(PERIOD_TYPES)}")


def parse_period(header: str, period_type: str) -> Period:
    """Parse one column header, e.g. ``06 - 07``, ``2012`` or ``2007-08 to 2011-12 average``."""
    try:
        return _parse(header, period_type)
    except PeriodError:
        raise
    except (ValueError, OverflowError) as err:
        raise PeriodError(f"'{header}' is not a real date ({err})") from None


def _parse(header: str, period_type: str) -> Period:
    text = " ".join(str(header).split())
    if not text:
        raise PeriodError("empty column header")
    average = text.lower().endswith(" average")
    if average:
        text = text[: -len(" average")].strip()
    if " to " in text:
        first_text, last_text = (part.strip() for part in text.split(" to ", 1))
        first, last = _single(first_text, period_type), _single(last_text, period_type)
        if last.start <= first.start:
            raise PeriodError(f"'{header}' ends before it starts")
        kind = f"{period_type}_{'average' if average else 'span'}"
        label = f"{first.label} to {last.label}" + (" average" if average else "")
        return Period(label, kind, first.start, last.end)
    if average:
        raise PeriodError(f"'{header}': an average needs a span such as 2007-08 to 2011-12")
    return _single(text, period_type)
