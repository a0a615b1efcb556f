"""Property-based: malformed small-area extracts end in counts or a clear error, never a
traceback, and never a count of 1 to 5 in what is published."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import config
from etl.errors import ETLError
from etl.geo.authorities import load_authorities
from etl.geo.reference import for_authority, read_reference
from etl.smallareas.build import tabulate
from etl.smallareas.extract import read_extracts

COLUMNS = ["child_id", "lsoa_code", "soa", "measure", "start_date", "end_date", "period",
           "count", "ethnicity", "Date of Birth", "postcode", "", "LSOA_CODE", "child id"]
CELLS = st.one_of(
    st.sampled_from(["E01009889", "E01009804", "889", "804", "1", "E01032122", "E01099999",
                     "", " ", "cp_plan_started", "children_in_need", "became_looked_after",
                     "Plan", "2022-05-01", "2023-03-31", "31/03/2024", "2022-13-45",
                     "2021-22", "2023-24", "2022-24", "-3", "0", "7", "2.5", "nan", "inf",
                     "1e308", "c", "A", "B", "SECRET"]),
    st.text(max_size=12))
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def dudley():
    ref = read_reference(config.settings().external_dir)
    authority = load_authorities(config.settings().raw_dir)["E08000027"]
    return for_authority(ref, authority.districts), set(ref.lsoas["lsoa_code"]), authority


@st.composite
def extracts(draw):
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6, unique=True))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header) + 1),
                         max_size=8))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # truncated
    return text


@SETTINGS
@given(text=extracts(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_any_extract_ends_in_counts_or_a_clear_error(tmp_path_factory, dudley, text,
                                                     encoding):
    lsoas, england, authority = dudley
    path = Path(tmp_path_factory.mktemp("extract")) / "extract.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    try:
        result = read_extracts([path], lsoas, england)
    except ETLError as err:
        assert err.problems and all(str(path) in str(p) for p in err.problems)
        return
    assert set(result.counts.columns) >= {"lsoa_code", "measure", "period", "count"}
    assert (result.counts["count"] >= 0).all()
    if len(result.counts):
        rows = tabulate(result.counts, lsoas, lsoas.set_index("lsoa_code")["children"],
                        authority, "test", False)
        counts = rows[rows["unit"] == "count"]
        assert not counts["value"].between(1, 5).any()
        assert rows.loc[rows["status"] == "c", "value"].isna().all()


@SETTINGS
@given(values=st.lists(st.integers(0, 40), min_size=201, max_size=201))
def test_any_counts_publish_no_small_number(dudley, values):
    lsoas, _, authority = dudley
    counts = pd.DataFrame({"lsoa_code": lsoas["lsoa_code"], "measure": "sa_cp_plans_started",
                           "period": "2022-23", "count": values})
    rows = tabulate(counts, lsoas, lsoas.set_index("lsoa_code")["children"], authority,
                    "test", False)
    published = rows[rows["unit"] == "count"]
    assert not published["value"].between(1, 5).any()
    assert (published["status"] == "c").sum() == (
        rows[rows["unit"] == "rate_per_10000"]["status"] == "c").sum()
