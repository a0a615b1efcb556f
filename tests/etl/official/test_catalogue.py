"""The curated releases as data: ``data/raw/releases.toml`` read and checked
(etl/official/catalogue.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import config
from etl.errors import ETLError
from etl.official.catalogue import load, parse_releases, releases_file
from etl.official.importer import import_releases
from etl.reports.registry import load_registry

MORE = config.settings().external_dir / "dfe_more"
WORKFORCE = "csww_indicators_2017_to_2024.csv"
RELEASE = '''
[[release]]
key = "test_workforce"
title = "Social work workforce, cases"
publication = "Children's social work workforce (DfE)"
source_id = "dfe_social_work_workforce"
dataset = "dfe_sw_cases"
signature = ["cases", "caseload_fte"]
year_end = "09-30"

[[release.item]]
measure = "dfe_sw_cases_held"
kind = "count"
columns = ["cases"]
snapshot = true
'''


def test_the_shipped_file_defines_every_release_with_its_measures():
    raw = config.settings().raw_dir
    releases, renamed, levels = load(releases_file(raw))
    registry = load_registry(raw)
    assert renamed["children_count"] == ("number",)
    assert levels["Local authority district"] == ("lad_code", "lad_name")
    keys = [r.key for r in releases]
    assert len(keys) == len(set(keys)) >= 16
    for release in releases:
        for item in release.items:
            measure = registry.measures[item.measure]
            assert (measure.unit, measure.theme) == (item.unit, release.dataset), item.measure
    factors = next(r for r in releases if r.key == "assessment_factors")
    parts = [i for i in factors.items if i.breakdown]
    assert len(parts) == 39 and parts[0].columns == ("Domestic_Abuse_child",)
    assert parts[0].breakdown == ("factor", "Domestic abuse: child")


@pytest.mark.parametrize(("change", "line", "words"), [
    (lambda t: t.replace('columns = ["cases"]', 'colums = ["cases"]'), 11,
     "unknown key 'colums'"),
    (lambda t: t.replace('kind = "count"', 'kind = "ratio"'), 11,
     "kind 'ratio' is not one of count, percent, rate"),
    (lambda t: t.replace('signature = ["cases", "caseload_fte"]\n', ''), 2,
     "'signature' is required"),
    (lambda t: t.replace('year_end = "09-30"', 'year_end = "30 September"'), 2,
     "year_end must be MM-DD"),
    (lambda t: t.replace('snapshot = true', 'snapshot = "yes"'), 11,
     "'snapshot' must be bool"),
    (lambda t: t.replace('title = "Social', 'title = Social'), 4, "not valid TOML"),
])
def test_a_bad_definition_names_file_line_and_key(tmp_path, change, line, words):
    path = tmp_path / "releases.toml"
    with pytest.raises(ETLError) as err:
        parse_releases(change(RELEASE), path)
    text = str(err.value)
    assert text.startswith(f"{path}, row {line}") and words in text, text


def test_a_new_curated_release_is_a_few_lines_of_data(raw_copy: Path, tmp_path):
    (raw_copy / "releases.toml").write_text(RELEASE, encoding="utf-8")
    with open(raw_copy / "measures.csv", "a", encoding="utf-8") as f:
        f.write("dfe_sw_cases_held,Cases held by social workers,Cases held by children and "
                "family social workers on 30 September.,count,neutral,dfe_sw_cases,\n")
    dfe = tmp_path / "external" / "dfe"
    dfe.mkdir(parents=True)
    (dfe / WORKFORCE).write_bytes((MORE / WORKFORCE).read_bytes())
    official = import_releases(dfe.parent, load_registry(raw_copy), raw_copy / "measures.csv")
    assert official.releases[WORKFORCE]["curated"] is True
    frame = official.datasets["dfe_sw_cases"]
    england = frame[(frame["area_code"] == "E92000001") & (frame["period"] == "2024-09-30")]
    assert england["value"].tolist() == [320461]  # the file's England row for 2024


def test_a_curated_measure_missing_from_measures_csv_stops_the_import(raw_copy, tmp_path):
    (raw_copy / "releases.toml").write_text(RELEASE, encoding="utf-8")
    dfe = tmp_path / "external" / "dfe"
    dfe.mkdir(parents=True)
    (dfe / WORKFORCE).write_bytes((MORE / WORKFORCE).read_bytes())
    with pytest.raises(ETLError) as err:
        import_releases(dfe.parent, load_registry(raw_copy), raw_copy / "measures.csv")
    assert "measure 'dfe_sw_cases_held' (from the Social work workforce, cases release) " \
           "is missing" in str(err.value)
