"""Chart downloads an analyst can compute with: every registered chart's CSV and Excel,
read back with pandas and openpyxl.

Values are numbers rounded to the places the measure registry declares (counts whole),
a suppressed figure is an empty value with its GSS symbol in the Status column, small-area
counts of 1 to 5 never appear, and every row cites its own source.
"""

from __future__ import annotations

import csv
import io
import itertools
import re

import openpyxl
import pandas as pd
import pytest
from pandas.api.types import is_integer_dtype, is_numeric_dtype

from dashboard.exports.tables import number_format, to_csv, to_xlsx
from dashboard.words import format as fmt
from dashboard.words import notes
from etl import config
from etl.reports.units import UNITS

from .webclient import Client

SMALL_AREA_COUNTS = ("Children counted",)  # the maps' count columns besides Value


@pytest.fixture(scope="module")
def declared(processed_for_app) -> pd.DataFrame:
    """The measure registry as the ETL wrote it (measure → unit, decimals)."""
    return processed_for_app.frame("measures").set_index("measure")[["unit", "decimals"]]


def _expected_places(data: pd.DataFrame, declared: pd.DataFrame) -> list[int]:
    """Each row's places, worked out here from measures.parquet and the units: the
    measure's own when the row is in its unit, else the unit's default."""
    out = []
    for measure, unit in zip(data["measure"], data["unit"], strict=True):
        if measure in declared.index and declared.at[measure, "unit"] == unit:
            out.append(int(declared.at[measure, "decimals"]))
        else:
            assert unit in UNITS, f"{measure}: unit {unit!r} has no declared places"
            out.append(UNITS[unit].decimals)
    return out


def _small_area_states(chart) -> list[dict]:
    """Every combination of a map's choices (a few dozen renders at most)."""
    options = chart.options
    return [dict(zip(options, combo, strict=True))
            for combo in itertools.product(*options.values())]


@pytest.fixture(scope="module")
def exported(registry, declared):
    """Every registered chart in its default state (and every small-area chart in every
    state): its result, its CSV and Excel bytes, and each row's expected places."""
    out = []
    for chart_id, chart in registry.REGISTRY.items():
        small = chart.page == "maps"
        for state in (_small_area_states(chart) if small else [{}]):
            result = chart.render(state)
            out.append((f"{chart_id} {state}", result, to_csv(result), to_xlsx(result),
                        _expected_places(result.data, declared), small))
    assert len(out) >= len(registry.REGISTRY)
    return out


def _csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_registry_declares_places_by_unit_with_overrides(declared):
    # measures.csv may give a measure places of its own (a count of full-time equivalent
    # staff, an average caseload: to one place); the rest keep their unit's
    raw = pd.read_csv(config.settings().raw_dir / "measures.csv").set_index("measure")
    own = raw["decimals"].dropna()
    own = own[own.index.isin(declared.index)]
    assert len(own), "some measure declares places of its own"
    assert (declared.loc[own.index, "decimals"] == own.astype(int)).all()
    rest = declared[~declared.index.isin(own.index)]
    assert (rest.loc[rest["unit"] == "count", "decimals"] == 0).all()
    assert (declared.loc[declared["unit"] == "rate_per_10000", "decimals"] == 1).all()
    assert declared.at["workforce_bme_pct", "decimals"] == 2  # printed to two places


def test_csv_values_are_numbers_with_exactly_their_declared_places(exported):
    for name, result, body, _, places, _ in exported:
        rows = _csv_rows(body)
        assert len(rows) == len(result.data), name
        for row, p, value in zip(rows, places, result.data["value"], strict=True):
            text = row["Value"]
            if fmt.is_missing(value):
                assert text == "", f"{name}: {row}"
                continue
            pattern = r"-?\d+" + (rf"\.\d{{{p}}}" if p else "")
            assert re.fullmatch(pattern, text), f"{name}: {text!r} is not to {p} places"
            assert float(text) == pytest.approx(round(float(value), p), abs=10 ** -p / 2), name
        table = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig",
                            dtype_backend="numpy_nullable")
        if len(table) and table["Value"].notna().any():
            assert is_numeric_dtype(table["Value"]), f"{name}: {table['Value'].dtype}"
            if all(p == 0 for p in places):
                assert is_integer_dtype(table["Value"]), f"{name}: counts as {table['Value'].dtype}"


def test_xlsx_cells_are_numbers_formatted_to_their_places_with_a_notes_sheet(exported):
    for name, result, _, body, places, _ in exported:
        book = openpyxl.load_workbook(io.BytesIO(body))
        assert book.sheetnames == ["Data", "Notes"], name
        sheet = book["Data"]
        header = [c.value for c in sheet[1]]
        value_at = header.index("Value")
        status_at = header.index("Status")
        cells = list(sheet.iter_rows(min_row=2))
        assert len(cells) == len(result.data), name
        for row, p in zip(cells, places, strict=True):
            cell = row[value_at]
            if cell.value is None:
                assert row[status_at].value, f"{name}: a blank value without a status"
                continue
            assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), \
                f"{name}: {cell.value!r} stored as {type(cell.value).__name__}"
            if p == 0:
                assert float(cell.value).is_integer(), f"{name}: count {cell.value!r}"
            assert round(cell.value, p) == cell.value, f"{name}: {cell.value!r} beyond {p}"
            assert cell.number_format == number_format(p), name
        for column in SMALL_AREA_COUNTS:
            if column in header:
                at = header.index(column)
                assert all(r[at].value is None or type(r[at].value) is int for r in cells), name
        written = dict(r for r in book["Notes"].iter_rows(min_row=2, values_only=True))
        assert written["Licence"] == notes.LICENCE and written["Source"] == result.source
        assert written["Suppression"] == notes.SUPPRESSION_RULE, name
        for symbol in {r[status_at].value for r in cells} - {None, ""}:
            assert f"Symbol {symbol}" in written, f"{name}: {symbol} not explained"


def test_small_area_exports_never_give_a_suppressed_figure(exported):
    """Counts of 1 to 5 from local records are c with no number, in CSV and Excel, for
    every map in every state; a suppressed row has no value at all."""
    suppressed = 0
    for name, _result, body_csv, body_xlsx, _, small in exported:
        if not small:
            continue
        sheet = openpyxl.load_workbook(io.BytesIO(body_xlsx))["Data"]
        header = [c.value for c in sheet[1]]
        xlsx = [dict(zip(header, r, strict=True))
                for r in sheet.iter_rows(min_row=2, values_only=True)]
        for csv_row, xlsx_row in zip(_csv_rows(body_csv), xlsx, strict=True):
            counts = [c for c in SMALL_AREA_COUNTS if c in header]
            if csv_row["Status"] == "c":
                suppressed += 1
                assert xlsx_row["Status"] == "c", name
                for column in ["Value", *counts]:
                    assert csv_row[column] == "" and xlsx_row[column] is None, \
                        f"{name}: suppressed {column} has {csv_row[column]!r}"
            for column in counts:
                for value in (csv_row[column], xlsx_row[column]):
                    if value not in ("", None):
                        assert not 1 <= float(value) <= 5, f"{name}: {column} {value}"
            if "count" in csv_row["Unit"].lower() and csv_row["Value"]:
                assert not 1 <= float(csv_row["Value"]) <= 5, name
    assert suppressed, "the synthetic sample should have suppressed areas"


POPULATION_YEAR = re.compile(r"ONS mid-(\d{4})")


def test_every_row_cites_the_population_year_of_its_own_period(exported):
    """A rate for the year to 31 March Y is worked out with the ONS mid-(Y-1) estimate
    (etl/official), so a row naming a population estimate must name that year; the
    neighbours' pooled rows once all cited the first year's. And the table's Source is
    the row's own."""
    checked = 0
    for name, result, body, _, _, _ in exported:
        rows = _csv_rows(body)
        for row, (_, data) in zip(rows, result.data.iterrows(), strict=True):
            assert row["Source"] == str(data["source"]), name
            years = set(POPULATION_YEAR.findall(row["Source"]))
            if not years:
                continue
            checked += 1
            end = pd.Timestamp(data["period_end"])
            assert years == {str(end.year - 1)}, (
                f"{name}: {row['Area']} {row['Period']} cites mid-{years}")
    assert checked > 100


def test_hover_labels_print_the_declared_places(exported):
    """Hover labels and data labels print a figure with ``fmt.number`` (whole numbers
    without decimals, others to one place), so every figure a chart draws must declare 0
    or 1 places; declaring more for a drawn measure needs its places passed to them."""
    for name, _, _, _, places, _ in exported:
        assert set(places) <= {0, 1}, name


def test_rounding_halves_go_away_from_zero_and_counts_are_ints():
    assert fmt.rounded(2.675, 2) == 2.68 and fmt.rounded(-2.5, 0) == -3
    assert fmt.rounded(14248.0, 0) == 14248 and type(fmt.rounded(14248.0, 0)) is int
    assert fmt.rounded(326.0573572768695, 1) == 326.1 and fmt.rounded(None, 1) is None
    assert fmt.figure(14248.0, 0) == "14,248" and fmt.figure(316, 1) == "316.0"


def test_the_download_route_serves_the_analysts_csv_and_xlsx(server):
    """Over HTTP, as a browser downloads them: the ward ranking's counts are whole
    numbers, the status a symbol, the Excel cells numbers."""
    client = Client(server)
    reply = client.get("/export/maps-wards.csv")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    table = pd.read_csv(io.BytesIO(reply.body), encoding="utf-8-sig",
                        dtype_backend="numpy_nullable")
    assert is_integer_dtype(table["Children counted"]) and is_integer_dtype(table["Rank"])
    assert set(table["Status"].dropna()) <= {"c"}
    assert table.loc[table["Status"] == "c", ["Value", "Children counted"]].isna().all().all()
    reply = client.get("/export/maps-wards.xlsx")
    assert reply.status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(reply.body))["Data"]
    header = [c.value for c in sheet[1]]
    counted = [r[header.index("Children counted")] for r in
               sheet.iter_rows(min_row=2, values_only=True)]
    assert all(v is None or type(v) is int for v in counted) and any(counted)


def test_downloads_are_limited_for_each_address(app, monkeypatch):
    """``DASHBOARD_EXPORT_LIMIT`` counts a client's chart downloads by its address; over it
    the answer is 429 with ``Retry-After`` and no file (the test servers lift it, since a
    test downloads far faster than anyone reading the charts)."""
    monkeypatch.setenv("DASHBOARD_EXPORT_LIMIT", "2 per minute")
    client = app.server.test_client()
    one, other = {"REMOTE_ADDR": "203.0.113.17"}, {"REMOTE_ADDR": "203.0.113.18"}
    url = "/export/maps-wards.csv"
    assert [client.get(url, environ_base=one).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url, environ_base=one)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert b"Children counted" not in refused.data
    assert client.get(url, environ_base=other).status_code == 200  # another address
