"""One raw table (measures as rows, periods as columns) to tidy records."""

from __future__ import annotations

import pandas as pd

from etl.config import TOTAL
from etl.errors import ETLError, Problem
from etl.io.strict_csv import read_table
from etl.reports.periods import PERIOD_TYPES, PeriodError, parse_period
from etl.reports.registry import Registry, TableSpec
from etl.reports.units import UNITS, parse_cell

RESERVED = ("measure", "label", "breakdown", "breakdown_value", "area", "unit",
            "period_type", "note")


def tidy_table(spec: TableSpec, registry: Registry) -> pd.DataFrame:
    """Read and check one table; return its tidy rows or raise ``ETLError``."""
    table = read_table(spec.path, ("measure",))
    path = spec.path
    problems: list[Problem] = []
    period_columns = [h for h in table.header if h not in RESERVED]
    if not period_columns:
        raise ETLError([Problem(path, "no period columns (such as 2011-12) in the header", 1)])

    source = registry.sources[spec.source_id]
    records = []
    seen: dict[tuple, tuple[int, str]] = {}
    parsed_headers: dict[tuple[str, str], object] = {}
    for row, cells in table.rows:
        measure_id = cells["measure"]
        measure = registry.measures.get(measure_id)
        if measure is None:
            problems.append(Problem(path, f"unknown measure '{measure_id}'; add it to "
                                    "measures.csv", row, "measure"))
            continue
        unit = cells.get("unit") or measure.unit
        if unit not in UNITS:
            problems.append(Problem(path, f"unknown unit '{unit}'; use one of "
                                    f"{', '.join(UNITS)}", row, "unit"))
            continue
        if unit != measure.unit:
            problems.append(Problem(path, f"unit '{unit}' differs from '{measure.unit}', the "
                                    f"unit of {measure_id} in measures.csv", row, "unit"))
            continue
        if spec.unit and not cells.get("unit") and spec.unit != measure.unit:
            problems.append(Problem(path, f"the manifest gives unit '{spec.unit}' but "
                                    f"{measure_id} is in '{measure.unit}'; give the row a "
                                    "unit or fix the manifest", row, "measure"))
            continue
        period_type = cells.get("period_type") or spec.period_type
        if period_type not in PERIOD_TYPES:
            problems.append(Problem(path, f"unknown period type '{period_type}'", row,
                                    "period_type"))
            continue
        area_code = cells.get("area") or spec.area
        area = registry.areas.get(area_code)
        if area is None:
            problems.append(Problem(path, f"unknown area '{area_code}'; add it to areas.csv",
                                    row, "area"))
            continue
        breakdown = cells.get("breakdown", "")
        breakdown_value = cells.get("breakdown_value", "")
        if bool(breakdown) != bool(breakdown_value) and breakdown_value != TOTAL:
            column = "breakdown_value" if breakdown else "breakdown"
            problems.append(Problem(path, "breakdown and breakdown_value go together", row,
                                    column))
            continue
        for header in period_columns:
            text = cells[header]
            if not text:
                continue
            key = (header, period_type)
            if key not in parsed_headers:
                try:
                    parsed_headers[key] = parse_period(header, period_type)
                except PeriodError as err:
                    parsed_headers[key] = err
            period = parsed_headers[key]
            if isinstance(period, PeriodError):
                problems.append(Problem(path, f"not a {period_type} period: {period}", row,
                                        header))
                continue
            try:
                value, status, decimals = parse_cell(text, unit)
            except ValueError as err:
                problems.append(Problem(path, str(err), row, header))
                continue
            if decimals > measure.decimals:
                problems.append(Problem(path, f"'{text}' has {decimals} decimal places but "
                                        f"{measure_id} declares {measure.decimals}, and every "
                                        "output rounds to those: give it more in the "
                                        "decimals column of measures.csv", row, header))
                continue
            ident = (measure_id, breakdown or TOTAL, breakdown_value or TOTAL, area_code,
                     period.label)
            if ident in seen:
                first_row, first_col = seen[ident]
                problems.append(Problem(path, f"{measure_id} for {area.area_name}, "
                                        f"{period.label} is given twice (first at row "
                                        f"{first_row}, column '{first_col}')", row, header))
                continue
            seen[ident] = (row, header)
            records.append({
                "measure": measure_id,
                "breakdown": breakdown or TOTAL,
                "breakdown_value": breakdown_value or TOTAL,
                "period": period.label,
                "period_type": period.period_type,
                "period_start": period.start,
                "period_end": period.end,
                "area_code": area_code,
                "area_name": area.area_name,
                "geographic_level": area.geographic_level,
                "value": value,
                "unit": unit,
                "status": status,
                "source": f"{source.title}, {spec.source_table}",
                "source_id": spec.source_id,
                "source_table": spec.source_table,
                "dataset": spec.dataset,
                "decimals": decimals,
                "published": source.published,
                "file": spec.path.name,
                "row": row,
            })
    if problems:
        raise ETLError(problems)
    return pd.DataFrame.from_records(records)
