"""A chart's figures as a download for analysts: CSV and Excel.

Both come from ``ChartResult.export_table()``: the rows of "View as table", each value a
number rounded to the places its measure declares (counts whole), and the status as its
GSS symbol in a column of its own, so that a suppressed figure is an empty value with
``c`` beside it, never text in the value column. Excel cells are numbers, formatted to
those places, and a Notes sheet says where the figures come from and what the symbols and
the suppression rule are.
"""

from __future__ import annotations

import io
import logging

import pandas as pd
from openpyxl.utils import get_column_letter

from dashboard.charts import ChartResult
from dashboard.words import format as fmt
from dashboard.words import notes as words

log = logging.getLogger(__name__)
DATA_SHEET, NOTES_SHEET = "Data", "Notes"
WIDTHS = {"Period": 14, "Area": 30, "Measure": 40, "Breakdown": 24, "Value": 12,
          "Unit": 20, "Status": 8, "Source": 60}


def _value_texts(table: pd.DataFrame, places: pd.Series) -> list[str]:
    """The Value column as CSV text: exactly the declared places, no thousands separator."""
    return ["" if fmt.is_missing(v) else f"{v:.{p}f}"
            for v, p in zip(table["Value"], places, strict=True)]


def to_csv(result: ChartResult) -> bytes:
    table = result.export_table()
    table["Value"] = _value_texts(table, result.places())
    return table.to_csv(index=False).encode("utf-8-sig")


def number_format(places: int) -> str:
    """Excel's format for a figure with ``places`` decimal places: ``#,##0.0``."""
    return "#,##0" + (f".{'0' * places}" if places else "")


def notes_rows(result: ChartResult, table: pd.DataFrame) -> list[tuple[str, str]]:
    """What the Notes sheet says, as (heading, text) rows."""
    rows = [("Title", result.title), ("Subtitle", result.subtitle), ("Source", result.source)]
    sources = list(dict.fromkeys(s for s in table["Source"] if not fmt.is_missing(s)))
    if len(sources) > 1:
        rows += [("Source of some rows", s) for s in sources]
    rows += [("Note", note) for note in result.notes]
    rows += [("Licence", words.LICENCE), ("Rounding", words.ROUNDING),
             ("Status column", words.STATUS_COLUMN)]
    used = [s for s in dict.fromkeys(table["Status"]) if s]
    rows += [(f"Symbol {s}", words.SYMBOLS.get(s, fmt.STATUS_WORDS.get(s, s))) for s in used]
    rows.append(("Suppression", words.SUPPRESSION_RULE))
    return rows


def to_xlsx(result: ChartResult) -> bytes:
    table = result.export_table()
    places = result.places()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=DATA_SHEET, index=False)
        sheet = writer.sheets[DATA_SHEET]
        value_column = table.columns.get_loc("Value") + 1
        for row, p in enumerate(places, start=2):
            sheet.cell(row=row, column=value_column).number_format = number_format(int(p))
        for i, name in enumerate(table.columns, start=1):
            if name != "Value" and pd.api.types.is_integer_dtype(table[name].dtype):
                for row in range(2, len(table) + 2):
                    sheet.cell(row=row, column=i).number_format = number_format(0)
            sheet.column_dimensions[get_column_letter(i)].width = WIDTHS.get(name, 16)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        pd.DataFrame(notes_rows(result, table), columns=["Heading", "Text"]).to_excel(
            writer, sheet_name=NOTES_SHEET, index=False)
        notes = writer.sheets[NOTES_SHEET]
        notes.column_dimensions["A"].width = 22
        notes.column_dimensions["B"].width = 110
    return buffer.getvalue()
