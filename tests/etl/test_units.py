import pytest

from etl.reports.units import parse_cell


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [
        ("433", "count", (433.0, None, 0)),
        ("1,234", "count", (1234.0, None, 0)),
        ("98.5%", "percent", (98.5, None, 1)),
        ("4.1 %", "percent", (4.1, None, 1)),
        ("£380,150", "gbp", (380150.0, None, 0)),
        ("-46.1", "percent_change", (-46.1, None, 1)),
        ("x", "count", (None, "x", 0)),
        ("C", "percent", (None, "c", 0)),
        ("Good", "ofsted_grade", (2.0, None, 0)),
        ("Satisfactory", "lscb_self_assessment", (2.0, None, 0)),
        ("Y", "yes_no", (1.0, None, 0)),
        ("n", "yes_no", (0.0, None, 0)),
    ],
)
def test_cells_as_printed(cell, unit, expected):
    assert parse_cell(cell, unit) == expected


@pytest.mark.parametrize(
    ("cell", "unit", "words"),
    [
        ("12%", "count", "% sign"),
        ("£5", "count", "£ sign"),
        ("abc", "count", "not a number"),
        ("Excellent", "ofsted_grade", "outstanding, good, adequate, inadequate"),
        ("101", "percent", "above 100"),
        ("-1", "rate_per_10000", "below 0"),
        ("nan", "count", "finite"),
        ("inf", "count", "finite"),
    ],
)
def test_bad_cells_say_why(cell, unit, words):
    with pytest.raises(ValueError, match=words):
        parse_cell(cell, unit)
