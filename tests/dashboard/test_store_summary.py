"""What a dataset's rows hold of each measure (dashboard/store/summary.py), on a small
frame in the processed data's shape."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.store.summary import summarise


def _row(measure, period, kind, start, end, level, area, breakdown="Total", value="Total",
         table="t1"):
    return {"measure": measure, "period": period, "period_type": kind,
            "period_start": dt.date.fromisoformat(start), "period_end": dt.date.fromisoformat(end),
            "geographic_level": level, "area_code": area, "breakdown": breakdown,
            "breakdown_value": value, "source_table": table}


def test_each_measure_gets_its_periods_levels_breakdowns_and_authorities():
    rows = pd.DataFrame([
        _row("b", "2023-24", "financial_year", "2023-04-01", "2024-03-31", "local_authority", "E1"),
        _row("a", "2020 to 2024", "financial_year_span", "2020-04-01", "2025-03-31", "national",
             "E9"),
        _row("a", "2022-23", "financial_year", "2022-04-01", "2023-03-31", "local_authority", "E1"),
        _row("a", "2021-22", "financial_year", "2021-04-01", "2022-03-31", "local_authority", "E2",
             "harm", "neglect", "derived"),
        _row("a", "2021-22", "financial_year", "2021-04-01", "2022-03-31", "local_authority", "E2",
             "harm", "emotional"),
    ]).astype({"measure": "string", "period": "string"})
    found = {s["measure"]: s for s in summarise("d", rows)}
    assert list(found) == ["b", "a"]  # in the order the measures first appear
    a = found["a"]
    assert a["periods"] == ["2020 to 2024", "2021-22", "2022-23"]  # by when they start
    assert a["first"] == ("2021-04-01", "2021-22") and a["last"] == ("2023-03-31", "2022-23")
    assert a["levels"] == ["local_authority", "national"] and a["authorities"] == 2
    assert a["breakdowns"] == {"harm": ["emotional", "neglect"]}
    assert a["tables"] == ["derived", "t1"] and a["rows"] == 4 and a["dataset"] == "d"
    assert found["b"]["breakdowns"] == {} and found["b"]["authorities"] == 1
