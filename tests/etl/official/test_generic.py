"""Any Explore Education Statistics file imports, curated or not (etl/official/generic.py).

Each real file of ``dfe_more/`` in the shared folder is imported alone twice: without
any curated definition (as a release no test and no definition has seen would be) and
with the definitions of ``data/raw/releases.toml``. The generic import is checked
against the file itself, read here with the ``csv`` module: every number and GSS symbol
of every indicator column is in the dataset, Dudley's and England's figures included.
A messy copy (BOM, CRLF, shuffled columns, a renamed column, ``202324`` periods, a
``breakdown_topic``/``breakdown`` pair) imports the same figures; a ``.meta.csv`` gives
labels, units and decimal places.
"""

from __future__ import annotations

import csv
import io
import json
import random

import numpy as np
import pandas as pd
import pytest

from etl import config
from etl.errors import ETLError
from etl.official.definitions import SYMBOLS
from etl.official.generic import slug, snake

from .helpers import external, run

MORE = config.settings().external_dir / "dfe_more"
FILES = sorted(p.name for p in MORE.glob("*.csv")) if MORE.is_dir() else []
PLACES = {"time_period", "time_identifier", "geographic_level", "country_code",
          "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
          "la_name"}
DUDLEY = "E08000027"
STABILITY = "la_cla_placement_stability.csv"
SOURCES = "c5_children_in_need_referrals_by_source_2014_to_2024.csv"
WORKFORCE = "csww_indicators_2017_to_2024.csv"


def test_the_shared_folder_has_the_releases():
    """Fail plainly, never skip, when the real files are absent."""
    assert len(FILES) == 9, f"expected the nine releases of {MORE}: set " \
                            "SAFEGUARDING_EXTERNAL_DIR to the shared folder"


def _records(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return list(reader.fieldnames or []), list(reader)




def _number(cell: str) -> float | None:
    try:
        return float(cell.replace(",", ""))
    except ValueError:
        return None


@pytest.mark.parametrize("name", FILES)
def test_each_file_imports_alone_with_no_definition(tmp_path, name):
    text = (MORE / name).read_text(encoding="utf-8-sig")
    header, rows = _records(text)
    official = run(external(tmp_path, {name: MORE / name}), releases=())
    dataset = f"ees_{slug(MORE / name)}"
    assert list(official.datasets) == [dataset]
    frame = official.datasets[dataset]
    entry = official.releases[name]
    assert entry["curated"] is False and entry["dataset"] == dataset
    assert entry["levels"] == ["local_authority", "national", "regional"]
    assert entry["rows"] == len(frame) and sorted(entry["measures"]) == sorted(
        frame["measure"].unique())
    registry = {m["measure"]: m for m in official.measures}
    assert set(registry) == set(frame["measure"]) and all(
        m["theme"] == dataset and m["label"] for m in registry.values())
    # every indicator column: each number and symbol of the file is a figure of its measure
    checked = 0
    for column in [c for c in header if c not in PLACES]:
        cells = [r[column].strip() for r in rows]
        numbers = [_number(c) for c in cells if c and c.lower() not in SYMBOLS]
        if not numbers or sum(n is not None for n in numbers) <= len(numbers) / 2 or \
                "Total" in cells:
            continue  # a filter
        measure = f"{slug(MORE / name)}_{snake(column)}"
        if measure not in registry:  # a renamed column (number → children_count)
            measure = next(m for m in registry if m.endswith("_children_count"))
        mine = frame[frame["measure"] == measure]
        assert len(mine) == sum(bool(c) for c in cells), column
        assert (mine["status"] == "c").sum() == sum(c == "c" for c in cells), column
        published = sorted(n for n in numbers if n is not None)
        assert np.allclose(sorted(mine["value"].dropna()), published), column
        dudley = [_number(r[column]) for r in rows if r["new_la_code"] == DUDLEY
                  and _number(r[column]) is not None]
        assert sorted(mine.loc[mine["area_code"] == DUDLEY, "value"].dropna()) == \
            pytest.approx(sorted(dudley)), column
        checked += 1
    assert checked == len(registry)


@pytest.mark.parametrize("name", FILES)
def test_each_file_imports_alone_as_its_curated_release(tmp_path, name):
    official = run(external(tmp_path, {name: MORE / name}))
    entry = official.releases[name]
    assert entry["curated"] is True and entry["dataset"].startswith("dfe_"), entry
    assert set(official.datasets) == {entry["dataset"]}
    assert entry["rows"] == len(official.datasets[entry["dataset"]]) > 0
    assert not official.measures  # curated measures are in measures.csv


def _messy(text: str, topic: str | None, seed: int = 4) -> str:
    """The file with a BOM, CRLF, its columns shuffled, authorities' names padded with
    spaces, ``children_count`` spelt ``number``, reporting years as financial years (2024
    → 202324), and ``topic`` (a filter) as a ``breakdown_topic``/``breakdown`` pair."""
    _, rows = _records(text)
    for row in rows:
        year = int(row["time_period"])
        row["time_period"], row["time_identifier"] = f"{year - 1}{year % 100:02d}", \
            "Financial year"
        row["number"] = row.pop("children_count")
        row["la_name"] = f" {row['la_name']} " if row["la_name"] else ""  # padded cells
        if topic:
            row["breakdown_topic"], row["breakdown"] = topic, row.pop(topic)
    columns = list(rows[0])
    random.Random(seed).shuffle(columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["measure", "breakdown", "breakdown_value", "area_code", "period"]
    return frame.sort_values(keys).reset_index(drop=True)


def test_a_messy_copy_imports_the_same_figures_generically(tmp_path):
    text = (MORE / STABILITY).read_text(encoding="utf-8-sig")
    messy = _messy(text, "placement_stability")
    assert messy.startswith("\ufeff") and "\r\n" in messy and ",number," in messy + ","
    assert ",202324," in messy and ",2024," not in messy and "Financial year" in messy
    plain = run(external(tmp_path / "a", {STABILITY: text}), releases=())
    other = run(external(tmp_path / "b", {STABILITY: messy}), releases=())
    assert list(plain.datasets) == list(other.datasets)
    name = next(iter(plain.datasets))
    a, b = _sorted(plain.datasets[name]), _sorted(other.datasets[name])
    pd.testing.assert_frame_equal(a.drop(columns="source"), b.drop(columns="source"))
    assert set(a["breakdown"]) == {"cla_group / placement_stability"}
    dudley = a[(a["area_code"] == DUDLEY) & (a["period"] == "2023-24") & a[
        "breakdown_value"].eq("CLA on 31 March / With 3 or more placements during the year")]
    assert sorted(dudley["value"]) == [10, 60]  # the count and the published percentage
    assert other.releases[STABILITY]["breakdowns"] == plain.releases[STABILITY]["breakdowns"]


def test_a_messy_copy_imports_the_same_figures_as_its_curated_release(tmp_path):
    text = (MORE / STABILITY).read_text(encoding="utf-8-sig")
    plain = run(external(tmp_path / "a", {STABILITY: text}))
    other = run(external(tmp_path / "b", {STABILITY: _messy(text, None, seed=9)}))
    name = "dfe_placement_stability"
    pd.testing.assert_frame_equal(_sorted(plain.datasets[name]).drop(columns="source"),
                                  _sorted(other.datasets[name]).drop(columns="source"))


def test_a_meta_file_gives_labels_units_and_decimals(tmp_path):
    meta = ("col_name,col_type,label,indicator_grouping,indicator_unit,indicator_dp,"
            "filter_hint,filter_grouping_column\n"
            "turnover_rate_fte,Indicator,Turnover rate (FTE),,%,1,,\n"
            "agency_rate_fte,Indicator,Agency worker rate,,,2,,\n"
            "inpost_fte,Indicator,Social workers in post,,,3,,\n")
    official = run(external(tmp_path, {WORKFORCE: MORE / WORKFORCE,
                                       WORKFORCE.replace(".csv", ".meta.csv"): meta}),
                   releases=())
    measures = {m["measure"].removeprefix("csww_indicators_"): m for m in official.measures}
    shown = {k: (measures[k]["label"], measures[k]["unit"], measures[k]["decimals"])
             for k in ("turnover_rate_fte", "agency_rate_fte", "inpost_fte", "cases")}
    assert shown == {"turnover_rate_fte": ("Turnover rate (FTE)", "percent", 1),
                     # the meta file's unit wins over what the name suggests
                     "agency_rate_fte": ("Agency worker rate", "count", 2),
                     "inpost_fte": ("Social workers in post", "count", 3),
                     "cases": ("Cases", "count", 0)}  # not in the meta file: as without
    without = run(external(tmp_path / "b", {WORKFORCE: MORE / WORKFORCE}), releases=())
    plain = {m["measure"]: m for m in without.measures}
    assert plain["csww_indicators_agency_rate_fte"]["unit"] == "percent"
    assert plain["csww_indicators_inpost_fte"]["decimals"] == 1
    assert official.skipped == []  # the meta file is read with its data file, not skipped


def test_not_data_files_are_skipped_and_listed(tmp_path):
    folder = external(tmp_path, {
        SOURCES: MORE / SOURCES,
        "school_list.csv": "urn,school_name\n100000,Any School\n",
        "c5_data_guidance.txt": "This file describes the referrals data.\n"})
    official = run(folder, releases=())
    why = {s["file"]: s["why"] for s in official.skipped}
    assert set(why) == {"school_list.csv", "c5_data_guidance.txt"}
    assert "not in the Explore Education Statistics layout" in why["school_list.csv"]
    assert "urn, school_name" in why["school_list.csv"]
    assert "not a CSV file" in why["c5_data_guidance.txt"]
    assert any("dfe/school_list.csv was skipped" in n for n in official.notes)
    assert set(official.releases) == {SOURCES}  # the rest imports


def test_two_files_with_the_same_indicators_and_years_are_an_error_naming_both(tmp_path):
    copy = "referrals_by_source_copy.csv"
    with pytest.raises(ETLError) as err:
        run(external(tmp_path, {SOURCES: MORE / SOURCES, copy: MORE / SOURCES}), releases=())
    text = str(err.value)
    assert SOURCES in text and copy in text and "the same indicators for the same years" \
        in text


def test_a_bad_cell_names_file_row_and_column(tmp_path):
    text = (MORE / SOURCES).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if ",Dudley," in line)
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index("Police")] = "8l5"
    lines[row - 1] = ",".join(cells)
    folder = external(tmp_path, {SOURCES: "\n".join(lines) + "\n"})
    with pytest.raises(ETLError) as err:
        run(folder, releases=())
    assert f"{folder / 'dfe' / SOURCES}, row {row}, column 'Police': '8l5' is not a number" \
        in str(err.value)


def test_a_bad_cell_in_a_generic_file_stops_the_run_and_keeps_the_output(tmp_path, capsys):
    """The whole run (the CLI): the previous output stays as it was."""
    from etl.cli import main

    # a real release with two columns renamed, so that no curated release knows it
    text = (MORE / SOURCES).read_text(encoding="utf-8-sig")
    head, _, body = text.partition("\n")
    head = head.replace(",Police,", ",Police_force,").replace(",Schools,", ",Schools_all,")
    folder = external(tmp_path, {SOURCES: head + "\n" + body})
    out = tmp_path / "out"
    assert main(["--quiet", "--external", str(folder), "--out", str(out)]) == 0
    built = json.loads((out / "current" / "build.json").read_text())
    assert built["releases"][SOURCES]["curated"] is False
    before = {p.relative_to(out): p.read_bytes() for p in (out / "current").rglob("*")
              if p.is_file()}
    lines = (head + "\n" + body).splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if ",Dudley," in line)
    cells = lines[row - 1].split(",")
    cells[head.split(",").index("Police_force")] = "12.3.4"
    lines[row - 1] = ",".join(cells)
    (folder / "dfe" / SOURCES).write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--quiet", "--external", str(folder), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'dfe' / SOURCES}, row {row}, column 'Police_force': '12.3.4'" in err
    assert "nothing in" in err and "was changed" in err
    after = {p.relative_to(out): p.read_bytes() for p in (out / "current").rglob("*")
             if p.is_file()}
    assert after == before
