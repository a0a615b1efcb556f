"""A chart's figures as a download: CSV and Excel, from the same table as "View as table"."""

from __future__ import annotations

import io

import pandas as pd

from dashboard.charts import ChartResult


def to_csv(result: ChartResult) -> bytes:
    table = result.table()
    return table.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(result: ChartResult) -> bytes:
    table = result.table()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="Data", index=False, startrow=3)
        sheet = writer.sheets["Data"]
        sheet["A1"] = result.title
        sheet["A2"] = result.subtitle
        sheet["A3"] = f"Source: {result.source}"
        for column, width in zip("ABCDEFGH", (14, 16, 40, 28, 12, 20, 18, 60), strict=True):
            sheet.column_dimensions[column].width = width
    return buffer.getvalue()
