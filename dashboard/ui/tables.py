"""The table view of a chart: its numbers as one HTML table.

Dash draws every ``html.Td`` as a component of its own, and in Chromium a 201-row table
of small areas took 27 s to appear that way (a second or so for a 60-row one). So the
table is written as escaped HTML and handed over as one ``dcc.Markdown`` component,
which draws the same 201 rows in under a second. Every text is escaped here; nothing
the table shows is HTML.
"""

from __future__ import annotations

import logging
from html import escape

import pandas as pd
from dash import dcc, html

from dashboard.charts import ChartResult
from dashboard.words import format as fmt

log = logging.getLogger(__name__)


def _text(value) -> str:
    """A cell's text, escaped, on one line (a blank line would end the HTML block)."""
    return escape(" ".join(str(value).split()))


def _value(value, places: int | None) -> str:
    if fmt.is_missing(value):
        return ""
    if isinstance(value, str):  # "c" for a suppressed count, say
        return value
    if places is None:
        return fmt.number(value, None if float(value).is_integer() else 2)
    return fmt.figure(value, places)


def markup(table: pd.DataFrame, caption: str, places: list[int] | None = None) -> str:
    """``table`` as the HTML of a ``data-table`` with ``caption``: a header cell per
    column, numbers right-aligned in the ``Value`` column, each shown to its row's
    ``places`` (the measure registry's) when given."""
    head = "".join(f'<th scope="col">{_text(c)}</th>' for c in table.columns)
    rows = []
    for i, values in enumerate(table.itertuples(index=False, name=None)):
        cells = []
        for column, value in zip(table.columns, values, strict=True):
            if column == "Value":
                shown = _value(value, None if places is None else int(places[i]))
                cells.append(f'<td class="num">{_text(shown)}</td>')
            else:
                cells.append(f"<td>{'' if fmt.is_missing(value) else _text(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="data-table"><caption>{_text(caption)}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def scroll_box(table, caption: str) -> html.Div:
    """``table`` in a box of its own that scrolls sideways (and down, for a long one)
    on a narrow screen, so that the page itself never does; the keyboard reaches it."""
    return html.Div(table, className="table-holder", tabIndex="0", role="region",
                    **{"aria-label": caption})


def data_table(result: ChartResult, caption: str) -> html.Div:
    """The chart's numbers as an HTML table (its text alternative), without the
    ``Source`` column the card already names, in its scroll box."""
    shown = result.table().drop(columns=["Source"])
    places = result.places().tolist()
    return scroll_box(dcc.Markdown(markup(shown, caption, places), dangerously_allow_html=True,
                                   dedent=False, className="table-markup"), caption)
