"""Small areas: boundaries as GeoParquet, extracts counted, suppression that holds."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.optimize import linprog

from etl import config
from etl.errors import ETLError
from etl.geo.authorities import load_authorities
from etl.geo.lsoa import download, read_lsoas
from etl.geo.reference import for_authority, read_reference
from etl.pipeline import run
from etl.smallareas.disclosure import suppress
from etl.smallareas.extract import read_extracts
from etl.smallareas.sample import synthetic_extract

DUDLEY, WORCS = "E08000027", "E10000034"
EXTERNAL = config.settings().external_dir


@pytest.fixture(scope="module")
def ref():
    return read_reference(EXTERNAL)


@pytest.fixture(scope="module")
def dudley(ref):
    return for_authority(ref, (DUDLEY,))


def test_both_authorities_are_built_from_configuration(processed):
    info = json.loads((processed.path / "build.json").read_text())["small_areas"]
    assert info[DUDLEY]["lsoas"] == 201 and info[DUDLEY]["wards"] == 24
    assert info[WORCS]["lsoas"] == 364
    assert info[WORCS]["boundaries"] == [f"lsoa11_E0700023{i}.geojson" for i in range(4, 10)]
    assert info[DUDLEY]["synthetic"] is True


def test_geoparquet_is_a_simplified_valid_coverage(processed):
    import geopandas as gpd

    for code, n in ((DUDLEY, 201), (WORCS, 364)):
        lsoas = gpd.read_parquet(processed.path / "geo" / f"lsoa_{code}.parquet")
        wards = gpd.read_parquet(processed.path / "geo" / f"ward_{code}.parquet")
        assert len(lsoas) == n and lsoas.crs.to_epsg() == 4326
        assert lsoas["lsoa_code"].is_unique and lsoas["ward_code"].notna().all()
        geoms = lsoas.to_crs(27700).geometry.values
        assert shapely.is_valid(geoms).all()
        assert shapely.coverage_is_valid(geoms, gap_width=0)
        # wards are the union of their LSOAs: the same land, to within rounding
        assert abs(wards.to_crs(27700).area.sum() / lsoas.to_crs(27700).area.sum() - 1) < 1e-3
        assert wards["lsoas"].sum() == n
        raw = sum(shapely.get_num_coordinates(g.geometry.values).sum()
                  for g in [gpd.read_file(p) for p in
                            sorted((EXTERNAL / "boundaries").glob("lsoa11_E0*.geojson"))
                            if any(d in p.name for d in load_authorities(
                                config.settings().raw_dir)[code].districts)])
        assert shapely.get_num_coordinates(lsoas.geometry.values).sum() < 0.95 * raw


def _published(table: pd.DataFrame, lsoas: pd.DataFrame):
    """What a reader sees of one measure and year: numbers or None per cell."""
    lsoa = table[table["geographic_level"] == "lsoa"].set_index("area_code")["value"]
    lsoa = lsoa.reindex(lsoas["lsoa_code"])
    ward = table[table["geographic_level"] == "ward"].set_index("area_code")["value"]
    total = table[table["geographic_level"] == "local_authority"]["value"].iloc[0]
    return lsoa, ward, total


def _recoverable(lsoa: pd.Series, ward_of: pd.Series, ward: pd.Series, total) -> list[str]:
    """Suppressed cells whose value a reader can pin down with linear programming from
    the published numbers alone (each cell at least zero)."""
    hidden = [code for code, v in lsoa.items() if pd.isna(v)]
    if not hidden:
        return []
    pos = {code: i for i, code in enumerate(hidden)}
    a_eq, b_eq = [], []
    for w, members in ward_of.groupby(ward_of).groups.items():
        if pd.isna(ward.get(w)):
            continue
        row = np.zeros(len(hidden))
        known = 0.0
        for code in ward_of.loc[members].index:
            if code in pos:
                row[pos[code]] = 1
            else:
                known += lsoa[code]
        a_eq.append(row)
        b_eq.append(ward[w] - known)
    if not pd.isna(total):
        a_eq.append(np.ones(len(hidden)))
        b_eq.append(total - lsoa.dropna().sum())
    targets = [(f"lsoa {c}", np.eye(len(hidden))[i]) for c, i in pos.items()]
    for w in ward.index[ward.isna()]:
        targets.append((f"ward {w}", np.array([1.0 if ward_of[c] == w else 0 for c in hidden])))
    found = []
    for name, c in targets:
        kw = dict(A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None,
                  bounds=[(0, None)] * len(hidden), method="highs")
        lo, hi = linprog(c, **kw), linprog(-c, **kw)
        assert lo.status == 0
        high = -hi.fun if hi.status == 0 else np.inf
        if np.floor(high + 1e-7) <= np.ceil(lo.fun - 1e-7):
            found.append(name)
    return found


def test_no_suppressed_count_can_be_recovered_from_what_is_published(processed):
    table = processed.frame("smallarea")
    counts = table[table["unit"] == "count"]
    assert counts["value"].between(1, 5).sum() == 0  # no count of 1 to 5 is ever written
    assert counts.loc[counts["status"] == "c", "value"].isna().all()
    rates = table[table["unit"] == "rate_per_10000"]
    for unit_rows in (counts, rates):  # a rate is hidden exactly when its count is
        assert unit_rows.loc[unit_rows["status"] == "c", "value"].isna().all()
    assert (counts["status"] == "c").sum() == (rates["status"] == "c").sum()
    checked = 0
    for code in (DUDLEY, WORCS):
        geo = pd.read_parquet(processed.path / "geo" / f"lsoa_{code}.parquet",
                              columns=["lsoa_code", "ward_code"])
        ward_of = geo.set_index("lsoa_code")["ward_code"]
        mine = counts[counts["authority_code"] == code]
        for (_, _), group in mine.groupby(["measure", "period"]):
            lsoa, ward, total = _published(group, geo)
            assert _recoverable(lsoa, ward_of, ward, total) == []
            checked += 1
    assert checked == 18


@pytest.mark.parametrize("seed", range(60))
def test_suppression_survives_an_independent_audit_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    n, n_wards = int(rng.integers(2, 60)), int(rng.integers(1, 10))
    ward_of = pd.Series(np.unique(rng.integers(0, n_wards, n), return_inverse=True)[1],
                        index=[f"L{i}" for i in range(n)])
    values = pd.Series(rng.poisson(rng.choice([0.4, 1.5, 4, 9]), n).astype(float),
                       index=ward_of.index)
    hidden, ward_hidden, total_hidden = suppress(values.reset_index(drop=True),
                                                 ward_of.reset_index(drop=True))
    hidden.index = values.index
    assert hidden[values.between(1, 5)].all()  # every primary cell is hidden
    lsoa = values.where(~hidden)
    wards = values.groupby(ward_of).sum()
    ward = wards.where(~ward_hidden.reindex(wards.index).to_numpy())
    total = np.nan if total_hidden else values.sum()
    assert ward[wards.between(1, 5)].isna().all()
    assert _recoverable(lsoa, ward_of, ward, total) == []


def _extract(tmp_path: Path, text: str, name: str = "extract.csv") -> Path:
    folder = tmp_path / "local" / DUDLEY
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(err: ETLError) -> list[str]:
    return [str(p) for p in err.problems]


def test_record_level_counts_each_child_once_a_year_in_their_latest_area(tmp_path, ref,
                                                                        dudley):
    path = _extract(tmp_path, "\n".join([
        "child_id,lsoa_code,measure,start_date,end_date",
        "A,E01009889,cp_plan_started,2022-04-01,2022-06-01",
        "A,E01009804,cp_plan_started,2022-09-01,",       # same year: counted once, here
        "B,889,cp_plan_started,2023-03-31,",              # SOA number; still 2022-23
        "C,E01009889,cp_plan_started,2023-04-01,",        # 2023-24
        "D,E01009889,became_looked_after,2022-05-05,",
        "E,E01009889,children_in_need,31/03/2024,",       # UK date; closes 2023-24
    ]) + "\n")
    counts = read_extracts([path], dudley, set(ref.lsoas["lsoa_code"])).counts
    got = {(r.lsoa_code, r.measure, r.period): r.count for r in counts.itertuples()}
    assert got == {
        ("E01009804", "sa_cp_plans_started", "2022-23"): 1,
        ("E01009889", "sa_cp_plans_started", "2022-23"): 1,
        ("E01009889", "sa_cp_plans_started", "2023-24"): 1,
        ("E01009889", "sa_became_looked_after", "2022-23"): 1,
        ("E01009889", "sa_children_in_need", "2023-24"): 1,
    }


def test_an_unfinished_last_year_is_left_out_and_said(tmp_path, ref, dudley):
    path = _extract(tmp_path, "child_id,lsoa_code,measure,start_date\n"
                    "A,E01009889,cp_plan_started,2022-05-01\n"
                    "B,E01009889,cp_plan_started,2023-10-03\n")
    result = read_extracts([path], dudley, set(ref.lsoas["lsoa_code"]))
    assert set(result.counts["period"]) == {"2022-23"}
    assert any("2023-24 is left out" in n and "03 October 2023" in n for n in result.notes)


@pytest.mark.parametrize("header,row,needle,column", [
    ("child_id,lsoa_code,measure,start_date", "A,E01099999,cp_plan_started,2022-05-01",
     "'E01099999' is not an LSOA code in England", "lsoa_code"),
    ("child_id,lsoa_code,measure,start_date", "A,999,cp_plan_started,2022-05-01",
     "no LSOA of this authority ends in '999'", "lsoa_code"),
    ("child_id,lsoa_code,measure,start_date", "A,E01009889,plan,2022-05-01",
     "unknown measure 'plan'", "measure"),
    ("child_id,lsoa_code,measure,start_date", "A,E01009889,cp_plan_started,2022-13-45",
     "'2022-13-45' is not a date", "start_date"),
    ("child_id,lsoa_code,measure,start_date,end_date",
     "A,E01009889,cp_plan_started,2022-05-01,2022-04-01", "ends (2022-04-01) before it "
     "starts", "end_date"),
    ("lsoa_code,measure,period,count", "E01009889,cp_plan_started,2022-23,-3",
     "a count cannot be negative (-3)", "count"),
    ("lsoa_code,measure,period,count", "E01009889,cp_plan_started,2022-24,3",
     "'2022-24' is not a year like 2023-24", "period"),
    ("lsoa_code,measure,period,count", "E01009889,cp_plan_started,2022-23,2.5",
     "a count must be a whole number (2.5)", "count"),
])
def test_bad_rows_are_named_by_file_row_and_column(tmp_path, ref, dudley, header, row,
                                                   needle, column):
    path = _extract(tmp_path, f"{header}\nB,E01009889,cp_plan_started,2022-05-01\n{row}\n"
                    if header.startswith("child_id") else f"{header}\n{row}\n")
    with pytest.raises(ETLError) as err:
        read_extracts([path], dudley, set(ref.lsoas["lsoa_code"]))
    line = 3 if header.startswith("child_id") else 2
    assert any(needle in p and f"row {line}" in p and f"column '{column}'" in p
               and str(path) in p for p in _problems(err.value)), _problems(err.value)


@pytest.mark.parametrize("column", ["Date of birth", "postcode", "Forename", "SURNAME",
                                    "address_line_1", "NHS Number", "child_name"])
def test_columns_that_could_identify_a_child_are_refused(tmp_path, ref, dudley, column):
    path = _extract(tmp_path, f"child_id,lsoa_code,measure,start_date,{column}\n"
                    "A,E01009889,cp_plan_started,2022-05-01,x\n")
    with pytest.raises(ETLError) as err:
        read_extracts([path], dudley, set(ref.lsoas["lsoa_code"]))
    assert any("could identify a child" in p and f"column '{column}'" in p
               for p in _problems(err.value))


def test_a_missing_column_is_named(tmp_path, ref, dudley):
    path = _extract(tmp_path, "child_id,lsoa_code,start_date\nA,E01009889,2022-05-01\n")
    with pytest.raises(ETLError) as err:
        read_extracts([path], dudley, set(ref.lsoas["lsoa_code"]))
    assert any("missing column 'measure'" in p for p in _problems(err.value))


def test_other_authorities_and_blank_lsoas_are_left_out_and_reported(tmp_path, ref, dudley):
    path = _extract(tmp_path, "child_id,lsoa_code,measure,start_date\n"
                    "A,E01009889,cp_plan_started,2022-05-01\n"
                    "B,E01032122,cp_plan_started,2022-05-01\n"   # Bromsgrove
                    "C,,cp_plan_started,2022-05-01\n"
                    "D,E01009804,cp_plan_started,2023-03-31\n")
    result = read_extracts([path], dudley, set(ref.lsoas["lsoa_code"]))
    assert result.excluded == {"LSOA outside the authority": 1, "no LSOA recorded": 1}
    assert result.counts["count"].sum() == 2


def test_soa_numbers_that_two_lsoas_share_must_be_given_in_full(tmp_path, ref):
    worcs = for_authority(ref, load_authorities(config.settings().raw_dir)[WORCS].districts)
    shared = worcs["soa_number"][worcs["soa_number"].duplicated()].iloc[0]
    path = _extract(tmp_path, f"child_id,soa,measure,start_date\nA,{shared},"
                    "cp_plan_started,2022-05-01\n")
    with pytest.raises(ETLError) as err:
        read_extracts([path], worcs, set(ref.lsoas["lsoa_code"]))
    assert any(f"SOA number '{shared}' is the end of more than one" in p
               for p in _problems(err.value))


def test_records_never_reach_the_output_and_bad_extracts_change_nothing(tmp_path, dudley):
    local = tmp_path / "local"
    sample = synthetic_extract(dudley, DUDLEY)
    sample["child_id"] = [f"SECRET-CHILD-{i:06d}" for i in range(len(sample))]
    (local / DUDLEY).mkdir(parents=True)
    sample.to_csv(local / DUDLEY / "extract.csv", index=False)
    out = tmp_path / "processed"
    env = {"SAFEGUARDING_LOCAL_DIR": str(local)}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        summary, _ = run(config.settings().raw_dir, out, external=EXTERNAL)
        info = summary["small_areas"][DUDLEY]
        assert info["synthetic"] is False and info["records"] == len(sample)
        assert summary["small_areas"][WORCS]["synthetic"] is True
        for path in out.rglob("*"):
            if path.is_file():
                body = path.read_bytes()
                assert b"SECRET-CHILD" not in body and b"child_id" not in body, path
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        with open(local / DUDLEY / "extract.csv", "a", encoding="utf-8") as f:
            f.write("X,E01009889,cp_plan_started,2022-05-01,,01/02/2010\n")
        with pytest.raises(ETLError):
            run(config.settings().raw_dir, out, external=EXTERNAL)
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_users_population_file_replaces_the_iod_denominator(tmp_path, dudley):
    local = tmp_path / "local"
    (local / DUDLEY).mkdir(parents=True)
    pd.DataFrame({"lsoa_code": dudley["lsoa_code"], "children": 1000,
                  "source": "children aged 0–17, mid-2023 (council estimate)"}).to_csv(
        local / DUDLEY / "population.csv", index=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAFEGUARDING_LOCAL_DIR", str(local))
        summary, _ = run(config.settings().raw_dir, tmp_path / "out", external=EXTERNAL)
    assert summary["small_areas"][DUDLEY]["denominator"].startswith("children aged 0–17")
    table = pd.read_parquet(tmp_path / "out" / "smallarea.parquet")
    mine = table[(table["authority_code"] == DUDLEY) & (table["geographic_level"] == "lsoa")]
    assert (mine["denominator"] == 1000).all()


def test_the_synthetic_sample_is_deterministic_and_scales(dudley):
    one, two = synthetic_extract(dudley, DUDLEY), synthetic_extract(dudley, DUDLEY)
    pd.testing.assert_frame_equal(one, two)
    big = synthetic_extract(dudley, DUDLEY, rows=100_000)
    assert 95_000 < len(big) < 105_000
    assert set(big.columns) == {"child_id", "lsoa_code", "measure", "start_date", "end_date"}


def test_boundaries_download_from_a_portal_then_import(tmp_path, ref):
    """The download path, against a local HTTP server standing in for the ONS portal."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(EXTERNAL / "boundaries"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        authority = load_authorities(config.settings().raw_dir)[WORCS]
        external = tmp_path / "external"
        url = f"http://127.0.0.1:{server.server_port}/lsoa11_{{district}}.geojson"
        written = download(authority, external, {}, url=url)
        assert [p.name for p in written] == [f"lsoa11_{d}.geojson" for d in authority.districts]
        assert download(authority, external, {}, url=url) == []  # kept, not fetched again
        expected = for_authority(ref, authority.districts)
        shapes, vintage, _ = read_lsoas(external, authority, expected)
        assert len(shapes) == 364 and vintage == "2011"
        missing = load_authorities(config.settings().raw_dir)[DUDLEY]
        with pytest.raises(ETLError) as err:
            download(missing, tmp_path / "other", {}, url=url.replace("lsoa11_", "nothing_"))
        assert "download failed" in str(err.value)
        assert not list((tmp_path / "other" / "boundaries").glob("*.geojson"))
    finally:
        server.shutdown()


def test_an_authority_is_added_by_configuration_alone(tmp_path, raw_copy):
    """Bromsgrove alone, as a new row: no code change."""
    with open(raw_copy / "authorities.csv", "a", encoding="utf-8") as f:
        f.write("E07000234,Bromsgrove,E07000234\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAFEGUARDING_LOCAL_DIR", str(tmp_path / "none"))
        summary, _ = run(raw_copy, tmp_path / "out", external=EXTERNAL)
    assert summary["small_areas"]["E07000234"]["lsoas"] == 58
    assert (tmp_path / "out" / "geo" / "lsoa_E07000234.parquet").is_file()


def test_the_configured_authority_needs_no_row_when_the_releases_give_its_districts(
        tmp_path, raw_copy):
    """Worcestershire left out of authorities.csv: its six districts come from the lower- to
    upper-tier lookup in the releases, and its maps are built by its code alone."""
    path = raw_copy / "authorities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("E10000034"))
                    + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAFEGUARDING_LOCAL_DIR", str(tmp_path / "none"))
        mp.setenv("SAFEGUARDING_AUTHORITY", "E10000034")
        summary, _ = run(raw_copy, tmp_path / "out", external=EXTERNAL)
    assert summary["small_areas"]["E10000034"]["lsoas"] == 364
    assert summary["small_areas"]["E10000034"]["authority"] == "Worcestershire"
    assert (tmp_path / "out" / "geo" / "ward_E10000034.parquet").is_file()


def test_missing_boundaries_for_a_district_are_a_clear_error(tmp_path, raw_copy):
    external = tmp_path / "external"
    shutil.copytree(EXTERNAL / "imd", external / "imd")
    (external / "boundaries").mkdir()
    for p in (EXTERNAL / "boundaries").glob("lsoa11_E0700023[4-8].geojson"):
        shutil.copy(p, external / "boundaries")
    shutil.copy(EXTERNAL / "boundaries" / "lsoa11_E08000027.geojson", external / "boundaries")
    (raw_copy / "authorities.csv").write_text(
        "authority_code,authority_name,districts\n"
        "E10000034,Worcestershire,E07000234 E07000235 E07000236 E07000237 E07000238 "
        "E07000239\n", encoding="utf-8")
    from etl.smallareas.build import build_small_areas
    assert build_small_areas(raw_copy, external).summary == {}  # not every district: noted
    (external / "boundaries" / "lsoa11_england.geojson").write_bytes(
        (EXTERNAL / "boundaries" / "lsoa11_E08000027.geojson").read_bytes())
    with pytest.raises(ETLError) as err:
        build_small_areas(raw_copy, external)
    assert "of Worcestershire's 364 LSOAs have no boundary" in str(err.value)


def test_2021_boundaries_with_2011_lookups_are_refused_clearly(tmp_path, raw_copy):
    external = tmp_path / "external"
    shutil.copytree(EXTERNAL / "imd", external / "imd")
    (external / "boundaries").mkdir()
    text = (EXTERNAL / "boundaries" / "lsoa11_E08000027.geojson").read_text(encoding="utf-8")
    (external / "boundaries" / "lsoa21_E08000027.geojson").write_text(
        text.replace("LSOA11CD", "LSOA21CD").replace("LSOA11NM", "LSOA21NM"),
        encoding="utf-8")
    (raw_copy / "authorities.csv").write_text(
        "authority_code,authority_name,districts\nE08000027,Dudley,E08000027\n",
        encoding="utf-8")
    from etl.smallareas.build import build_small_areas
    with pytest.raises(ETLError) as err:
        build_small_areas(raw_copy, external, tmp_path / "none")
    assert "the boundaries use 2021 LSOAs but the lookups in imd/ use 2011 LSOAs" in str(
        err.value)
