"""The partnership profile: any authority by its code, from the lookups the ETL writes."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import config
from etl.geo.authorities import load_authorities, lookup
from etl.profile import UnknownAuthority, resolve, search
from etl.reports.registry import load_sources

DUDLEY, WORCESTERSHIRE = "E08000027", "E10000034"


@pytest.fixture(scope="module")
def table(processed) -> pd.DataFrame:
    return pd.read_parquet(processed.path / "authorities.parquet")


def test_every_authority_in_the_latest_releases_is_known(table, processed):
    cin = processed.frame("dfe_children_in_need")
    latest = cin[(cin["geographic_level"] == "local_authority")
                 & (cin["period_end"] == cin["period_end"].max())]
    assert set(table["authority_code"]) == set(latest["area_code"])
    assert len(table) == 153
    for code in table["authority_code"]:
        me = resolve(code, table)
        assert me.name and me.region is not None and me.la_number
        assert me.partnership.endswith("Safeguarding Children Partnership")


def test_dudley(table):
    me = resolve(DUDLEY, table)
    assert (me.name, me.la_number, me.region.code, me.region.name) == (
        "Dudley", "332", "E12000005", "West Midlands")
    assert me.districts == (DUDLEY,) and me.former_codes == ()
    assert len(me.neighbours) == 10 and me.neighbours[0].name == "Rotherham"
    assert me.partnership == "Dudley Safeguarding Children Partnership"
    assert me.title == "Safeguarding children in Dudley"
    assert set(me.sources) == {"dudley_cs_equality_2010_11", "dudley_lscb_2011_12",
                               "dudley_scp_2019_20"}
    assert [me.role(c) for c in (DUDLEY, "E12000005", "E92000001", "NEIGHBOURS", "E1")] == [
        "authority", "region", "england", "neighbours", None]


def test_worcestershire_is_its_six_districts_with_no_reports_yet(table):
    me = resolve(WORCESTERSHIRE, table)
    assert me.name == "Worcestershire" and me.region.name == "West Midlands"
    assert me.districts == tuple(f"E0700023{i}" for i in range(4, 10))
    assert me.sources == () and len(me.neighbours) == 10


@pytest.mark.parametrize(("code", "name", "region", "former"), [
    ("E06000065", "North Yorkshire", "Yorkshire and The Humber", ("E10000023",)),
    ("E06000063", "Cumberland", "North West", ()),
    ("E06000064", "Westmorland and Furness", "North West", ()),
    ("E06000066", "Somerset", "South West", ("E10000027",)),
    ("E06000060", "Buckinghamshire", "South East", ("E10000002",)),
])
def test_authorities_whose_code_changed_after_2019(table, code, name, region, former):
    me = resolve(code, table)
    assert (me.name, me.region.name, me.former_codes) == (name, region, former)
    assert me.codes == (code, *former)


def test_authorities_created_after_the_neighbour_groupings_have_none(table):
    assert resolve("E06000063", table).neighbours == ()
    assert len(resolve("E06000065", table).neighbours) == 10  # same LA number as before


@pytest.mark.parametrize(("code", "says"), [
    ("E10000023", "was North Yorkshire's code before it changed: use E06000065"),
    ("E07000235", "is a district of Worcestershire, whose county council runs children's "
                  "services: use E10000034"),
    ("E08000127", "Did you mean"),
    ("Dudley", "not an ONS area code"),
    ("E99999999", "safeguarding authorities --search"),
])
def test_an_unknown_code_says_how_to_find_the_right_one(table, code, says):
    with pytest.raises(UnknownAuthority) as err:
        resolve(code, table)
    assert says in str(err.value)
    assert "geoportal.statistics.gov.uk" in str(err.value)


def test_search_by_name_or_code(table):
    assert search(table, "worc")["authority_code"].tolist() == [WORCESTERSHIRE]
    assert {"Birmingham", "Dudley"} <= set(search(table, "e0800002")["authority_name"])
    assert len(search(table)) == 153


def test_without_the_releases_the_configured_authorities_are_known():
    raw = config.settings().raw_dir
    table = lookup({}, {}, load_authorities(raw), load_sources(raw / "sources.csv"))
    assert set(table["authority_code"]) == {DUDLEY, WORCESTERSHIRE}
    me = resolve(DUDLEY, table)
    assert me.name == "Dudley" and me.region is None and me.neighbours == ()
    assert len(me.sources) == 3


def test_a_partnership_name_from_authorities_csv(raw_copy):
    path = raw_copy / "authorities.csv"
    text = path.read_text(encoding="utf-8").replace(
        "E10000034,Worcestershire,E07000234 E07000235 E07000236 E07000237 E07000238 E07000239,",
        "E10000034,Worcestershire,E07000234 E07000235 E07000236 E07000237 E07000238 E07000239,"
        "Worcestershire Safeguarding Children Board")
    path.write_text(text, encoding="utf-8")
    table = lookup({}, {}, load_authorities(raw_copy), {})
    assert resolve(WORCESTERSHIRE, table).partnership == \
        "Worcestershire Safeguarding Children Board"


def test_the_default_authority_is_in_the_settings_file(monkeypatch, raw_copy, tmp_path):
    monkeypatch.delenv("SAFEGUARDING_AUTHORITY", raising=False)
    monkeypatch.setenv("SAFEGUARDING_RAW_DIR", str(raw_copy))
    assert config.settings().authority == DUDLEY
    other = tmp_path / "other-raw"
    other.mkdir()
    (other / "settings.toml").write_text('[partnership]\nauthority = "e10000034"\n',
                                         encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_RAW_DIR", str(other))
    assert config.settings().authority == WORCESTERSHIRE
    monkeypatch.setenv("SAFEGUARDING_AUTHORITY", "E06000065")
    assert config.settings().authority == "E06000065"
    assert config.settings().authority_from == "SAFEGUARDING_AUTHORITY"


def test_a_broken_settings_file_names_itself(monkeypatch, raw_copy):
    monkeypatch.delenv("SAFEGUARDING_AUTHORITY", raising=False)
    (raw_copy / "settings.toml").write_text("[partnership\nauthority = 1\n", encoding="utf-8")
    monkeypatch.setenv("SAFEGUARDING_RAW_DIR", str(raw_copy))
    with pytest.raises(config.ConfigError, match=r"settings\.toml: not valid TOML"):
        config.settings()
