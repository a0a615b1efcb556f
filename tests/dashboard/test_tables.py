"""dashboard/ui/tables.py: a chart's table view as one component of escaped HTML."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
from dash import dcc

from dashboard.ui import tables


class _Cells(HTMLParser):
    """The table's structure as parsed: tag names in order, and each cell's text."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[tuple[str, str | None, str]] = []  # (tag, class, text)
        self._open = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("th", "td", "caption"):
            self._open = [tag, dict(attrs).get("class"), ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open[0]:
            self.cells.append(tuple(self._open))
            self._open = None


def _parse(markup: str) -> _Cells:
    parser = _Cells()
    parser.feed(markup)
    parser.close()
    return parser


def test_every_text_is_escaped_and_numbers_are_formatted():
    table = pd.DataFrame({"Area": ["<script>alert(1)</script>", "Dudley & Stourbridge"],
                          "Year": ["2023-24", None], "Value": [1234.0, 12.3456]})
    markup = tables.markup(table, 'Referrals "per" 10,000\n\nchildren')
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "\n" not in markup  # one HTML block: a blank line would end it
    parsed = _parse(markup)
    assert parsed.tags.count("tr") == 3 and parsed.tags.count("caption") == 1
    assert parsed.cells[0] == ("caption", None, 'Referrals "per" 10,000 children')
    assert [c[2] for c in parsed.cells if c[0] == "th"] == ["Area", "Year", "Value"]
    rows = [c for c in parsed.cells if c[0] == "td"]
    assert rows[0] == ("td", None, "<script>alert(1)</script>")  # shown as text
    assert rows[2] == ("td", "num", "1,234")
    assert rows[4] == ("td", None, "")  # a missing year is an empty cell
    assert rows[5] == ("td", "num", "12.35")


def test_a_long_table_is_one_component():
    """Dash draws each html component on its own: 201 rows of html.Td took 27 s in
    Chromium. The table view is one dcc.Markdown however many rows it has."""
    class Result:
        def table(self):
            return pd.DataFrame({"Area": [f"LSOA {i}" for i in range(201)],
                                 "Value": range(201), "Source": "a release"})

        def places(self):
            return pd.Series([0] * 201)

    box = tables.data_table(Result(), "Small areas")
    assert box.className == "table-holder" and box.tabIndex == "0"  # scrolls on its own
    component = box.children
    assert isinstance(component, dcc.Markdown) and component.dangerously_allow_html
    parsed = _parse(component.children)
    assert parsed.tags.count("tr") == 202
    assert "Source" not in [c[2] for c in parsed.cells if c[0] == "th"]


def test_values_show_their_declared_places():
    """Each row to the places its measure declares: a whole count without decimals and
    with separators, a rate to one place even when it is whole."""
    table = pd.DataFrame({"Measure": ["Contacts", "Rate", "Rate"],
                          "Value": [14248, 316.0, 326.0573572768695]})
    cells = [c[2] for c in _parse(tables.markup(table, "t", [0, 1, 1])).cells
             if c[1] == "num"]
    assert cells == ["14,248", "316.0", "326.1"]
