"""Local authority district boundaries: TopoJSON decoded in plain Python, written to
geo_lad.parquet with everything else, and matched to DfE's authority codes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl import config
from etl.errors import ETLError
from etl.geo import districts as boundaries
from etl.pipeline import run
from etl.schema import GEO_COLUMNS

DUDLEY = "E08000027"
WORCESTERSHIRE_DISTRICTS = {f"E0700023{i}" for i in range(4, 10)}
WEST_MIDLANDS_UNITARIES = {"E08000025", "E08000026", DUDLEY, "E08000028", "E08000029",
                           "E08000030", "E08000031", "E06000019", "E06000051", "E06000021",
                           "E06000020"}


def tiny_topology() -> dict:
    """Two squares sharing an edge (arc 0, used forwards by A and backwards by B) and a
    district of two polygons, the first with a hole. Quantized: lon = -2 + 0.5 q,
    lat = 52 + 0.25 q; arcs are delta-encoded.

    C's exterior is written clockwise and its hole anticlockwise: the decoder must turn
    them round (exteriors anticlockwise, holes clockwise).
    """
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [-2, 52]},
        "arcs": [
            [[4, 0], [0, 4]],                             # 0: (0,52) → (0,53)
            [[4, 4], [-2, 0], [-2, 0], [0, -4], [4, 0]],  # 1: (0,53) → (-1,53) → (-2,53)
                                                          #    → (-2,52) → (0,52)
            [[4, 0], [4, 0], [0, 4], [-4, 0]],            # 2: (0,52) → (2,52) → (2,53) → (0,53)
            [[12, 0], [0, 8], [8, 0], [0, -8], [-8, 0]],  # 3: C clockwise: (4,52) (4,54)
                                                          #    (8,54) (8,52) (4,52)
            [[14, 2], [4, 0], [0, 4], [-4, 0], [0, -4]],  # 4: hole, anticlockwise
            [[20, 0], [2, 0], [0, 2], [-2, -2]],          # 5: island (8,52) (9,52) (9,52.5)
        ],
        "objects": {"lad": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]],
             "properties": {"LAD13CD": "E0000000A", "LAD13NM": "Alpha"}},
            {"type": "Polygon", "arcs": [[2, ~0]],
             "properties": {"LAD13CD": "E0000000B", "LAD13NM": "Beta"}},
            {"type": "MultiPolygon", "arcs": [[[3], [4]], [[5]]],
             "properties": {"LAD13CD": "E0000000C", "LAD13NM": "Gamma"}},
        ]}},
    }


def _ring(frame: pd.DataFrame, code: str, part: int = 0) -> list[tuple[float, float]]:
    row = frame[(frame["lad_code"] == code) & (frame["part"] == part)].iloc[0]
    return list(zip(row["lon"], row["lat"], strict=True))


def test_decoding_a_hand_made_topology():
    frame = boundaries.decode(tiny_topology(), tolerance_m=0)
    assert list(frame.columns) == GEO_COLUMNS
    assert frame.groupby("lad_code")["part"].apply(list).to_dict() == {
        "E0000000A": [0], "E0000000B": [0], "E0000000C": [0, 1, 2]}
    # arcs joined without repeating the point where one ends and the next begins
    assert _ring(frame, "E0000000A") == [(0, 52), (0, 53), (-1, 53), (-2, 53), (-2, 52),
                                         (0, 52)]
    # a negative index is the arc reversed: B runs down the edge A runs up
    assert _ring(frame, "E0000000B") == [(0, 52), (2, 52), (2, 53), (0, 53), (0, 52)]
    # C's clockwise exterior turned anticlockwise, its hole clockwise
    assert _ring(frame, "E0000000C", 0) == [(4, 52), (8, 52), (8, 54), (4, 54), (4, 52)]
    assert _ring(frame, "E0000000C", 1) == [(5, 52.5), (5, 53.5), (7, 53.5), (7, 52.5),
                                            (5, 52.5)]
    assert _ring(frame, "E0000000C", 2) == [(8, 52), (9, 52), (9, 52.5), (8, 52)]
    assert frame["hole"].tolist() == [False, False, False, True, False]
    assert frame["lad_name"].tolist() == ["Alpha", "Beta", "Gamma", "Gamma", "Gamma"]
    # arc ends are kept at any simplification; the point in the middle of A's top edge
    # lies on the line between its neighbours, so it has no importance
    keep = _keep(frame, "E0000000A")
    assert keep[0] == keep[1] == keep[-1] == boundaries.KEEP_ALWAYS
    assert keep[2] == 0 and min(keep[3:5]) > 50_000


def _keep(frame: pd.DataFrame, code: str) -> list[int]:
    return frame[frame["lad_code"] == code].iloc[0]["keep_m"]


def test_simplifying_drops_points_without_breaking_shared_edges():
    frame = boundaries.decode(tiny_topology())  # the default tolerance
    assert _ring(frame, "E0000000A") == [(0, 52), (0, 53), (-2, 53), (-2, 52), (0, 52)]
    shared = {(0.0, 52.0), (0.0, 53.0)}
    assert shared <= set(_ring(frame, "E0000000A")) and shared <= set(_ring(frame,
                                                                           "E0000000B"))
    # simplifying further for a small map: the island (43 km across) goes at 50 km
    coarse = boundaries.at_tolerance(frame, 50_000)
    assert coarse[["lad_code", "part"]].values.tolist() == [
        ["E0000000A", 0], ["E0000000B", 0], ["E0000000C", 0], ["E0000000C", 1]]
    assert all(len(lon) >= 4 for lon in coarse["lon"])
    # and a district every ring of which would collapse keeps its exteriors as stored
    extreme = boundaries.at_tolerance(frame, 10**7)
    assert set(extreme["lad_code"]) == set(frame["lad_code"]) and not extreme["hole"].any()
    stored = frame[~frame["hole"]].reset_index(drop=True)
    assert extreme["lon"].tolist() == stored["lon"].tolist()


def test_unquantized_topology_is_read_as_it_is():
    topology = {"type": "Topology", "arcs": [[[-2.5, 52.5], [-2.0, 52.5], [-2.0, 53.0],
                                              [-2.5, 52.5]]],
                "objects": {"x": {"type": "GeometryCollection", "geometries": [
                    {"type": "Polygon", "arcs": [[0]],
                     "properties": {"LAD23CD": "E0000000D", "LAD23NM": "Delta"}}]}}}
    frame = boundaries.decode(topology, tolerance_m=0)
    assert _ring(frame, "E0000000D") == [(-2.5, 52.5), (-2.0, 52.5), (-2.0, 53.0),
                                         (-2.5, 52.5)]


def _external(tmp_path: Path, content: str | bytes) -> Path:
    folder = tmp_path / "external" / "boundaries"
    folder.mkdir(parents=True)
    data = content.encode() if isinstance(content, str) else content
    (folder / "lad_england.topojson").write_bytes(data)
    return folder.parent


@pytest.mark.parametrize(("change", "words"), [
    (lambda t: "{not json", "not valid JSON"),
    (lambda t: {**t, "type": "FeatureCollection"}, "'type' is not 'Topology'"),
    (lambda t: {**t, "arcs": t["arcs"][:2]}, "arc index 2 does not exist"),
    (lambda t: {**t, "arcs": [[[1]]]}, "arc 0"),
    (lambda t: {**t, "objects": {"lad": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]], "properties": {"name": "x"}}]}}},
     "district code and name"),
    (lambda t: {**t, "objects": {"lad": {"type": "GeometryCollection", "geometries": [
        {"type": "LineString", "arcs": [0], "properties": {"LAD13CD": "E1",
                                                           "LAD13NM": "x"}}]}}},
     "only Polygon and MultiPolygon"),
    (lambda t: {**t, "transform": {"scale": [100, 100], "translate": [380000, 260000]}},
     "not longitude and latitude"),
])
def test_a_malformed_file_is_an_error_naming_it(tmp_path, change, words):
    changed = change(tiny_topology())
    external = _external(tmp_path, changed if isinstance(changed, str) else
                         json.dumps(changed))
    with pytest.raises(ETLError) as err:
        boundaries.import_boundaries(external)
    message = str(err.value)
    assert str(external / "boundaries" / "lad_england.topojson") in message
    assert words in message


def test_a_malformed_file_stops_the_run_and_writes_nothing(tmp_path):
    external = _external(tmp_path, b"\x00\x01 not a topology")
    out = tmp_path / "processed"
    with pytest.raises(ETLError, match=r"lad_england\.topojson"):
        run(config.settings().raw_dir, out, external=external)
    assert not out.exists() or not any(out.iterdir())


def test_without_the_file_there_is_one_note_and_no_map(tmp_path):
    (tmp_path / "dfe").mkdir()
    result = boundaries.import_boundaries(tmp_path)
    assert result.lookups == {}
    assert len(result.notes) == 1 and "lad_england.topojson" in result.notes[0]
    # with no official releases at all, their note says it all
    assert boundaries.import_boundaries(tmp_path / "nothing").notes == []


# ---------------------------------------------------------------- the real file


def test_geo_parquet_holds_england_and_the_west_midlands_districts(processed):
    geo = pd.read_parquet(processed.path / "geo_lad.parquet")
    assert list(geo.columns) == GEO_COLUMNS
    codes = set(geo["lad_code"])
    assert len(codes) == 326  # England's districts in 2013
    assert codes >= WEST_MIDLANDS_UNITARIES | WORCESTERSHIRE_DISTRICTS
    dudley = geo[geo["lad_code"] == DUDLEY]
    assert set(dudley["lad_name"]) == {"Dudley"} and not dudley["hole"].any()
    ring = dudley.iloc[0]
    assert (ring["lon"][0], ring["lat"][0]) == (ring["lon"][-1], ring["lat"][-1])
    assert min(ring["lon"]) > -2.25 and max(ring["lon"]) < -1.95
    assert min(ring["lat"]) > 52.38 and max(ring["lat"]) < 52.58
    lon = np.concatenate(geo["lon"].to_numpy())
    lat = np.concatenate(geo["lat"].to_numpy())
    assert ((lon > -6.5) & (lon < 2)).all() and ((lat > 49.8) & (lat < 55.9)).all()
    assert np.allclose(lon, lon.round(4)) and np.allclose(lat, lat.round(4))
    # South Cambridgeshire surrounds Cambridge: its hole is kept
    assert geo[geo["lad_name"] == "South Cambridgeshire"]["hole"].sum() == 1
    size = (processed.path / "geo_lad.parquet").stat().st_size
    assert size < 700_000, f"geo_lad.parquet is {size:,} bytes"
    summary = json.loads((processed.path / "build.json").read_text())
    assert summary["boundaries"]["districts"] == 326
    assert summary["lookups"]["geo_lad"] == len(geo)


def test_every_authority_in_the_dfe_releases_is_matched_to_districts(processed):
    geo = pd.read_parquet(processed.path / "geo_lad.parquet")
    lookup = pd.read_parquet(processed.path / "dfe_ltla_utla.parquet")
    cin = processed.frame("dfe_children_in_need")
    latest = cin[(cin["geographic_level"] == "local_authority")
                 & (cin["period"] == "2024-03-31")].drop_duplicates("area_code")
    match = boundaries.match_districts(latest, geo, lookup)
    assert match.unmatched == []
    how = match.districts.groupby("area_code")["how"].first()
    districts = match.districts.groupby("area_code")["lad_code"].apply(set)
    assert how[DUDLEY] == "same code" and districts[DUDLEY] == {DUDLEY}
    assert how["E10000034"] == "county: its districts"
    assert districts["E10000034"] == WORCESTERSHIRE_DISTRICTS
    assert how["E06000060"] == "2013 districts it replaced"  # Buckinghamshire, 2020
    assert len(districts["E10000029"]) == 7  # Suffolk: two of its districts are new
    # every district is drawn once, for one authority
    assert not match.districts["lad_code"].duplicated().any()
    assert set(match.districts["lad_code"]) == set(geo["lad_code"])


def test_codes_that_changed_are_matched_by_name_or_listed(processed, monkeypatch):
    geo = pd.read_parquet(processed.path / "geo_lad.parquet")
    monkeypatch.setattr(boundaries, "SUCCESSORS", {})
    areas = pd.DataFrame({"area_code": ["E06000058", "E06000059", "E99999999"],
                          "area_name": ["Bournemouth, Christchurch and Poole", "Dorset",
                                        "Herefordshire, County of"]})
    match = boundaries.match_districts(areas, geo, None)
    by_code = match.districts.groupby("area_code")
    assert set(by_code.get_group("E06000058")["lad_code"]) == {"E06000028", "E06000029",
                                                               "E07000048"}
    assert set(by_code.get_group("E06000058")["how"]) == {"districts named"}
    assert set(by_code.get_group("E99999999")["lad_code"]) == {"E06000019"}  # same name
    assert match.unmatched == ["E06000059"]  # Dorset: no district of that name in 2013
