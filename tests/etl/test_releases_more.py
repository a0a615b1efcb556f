"""Two more official releases: factors identified at the end of assessment (c3) and
placement stability of children looked after, from ``dfe_more/`` of the shared folder.

The session's build (the ``processed`` fixture) reads them from a ``dfe/`` folder of
symlinks, as a user who had put them in ``dfe/`` would. Figures are checked against the
files themselves, read here with the ``csv`` module:

- England 2024: 506,370 episodes with assessment factors; domestic abuse (parent) 160,600,
  so 31.7%; mental health (parent) 165,480, 32.7%.
- Dudley (E08000027, LA 332) 2024: 2,517 episodes; domestic abuse (parent) 797, 31.7%;
  physical abuse (by whom not recorded) "c".
- Dudley 2024 placements: 60 of the 573 looked after on 31 March had 3 or more placements
  (published 10%); 158 of the 253 in care 2.5 years or more, aged under 16, had been with
  the same carer 2 years (published 62%).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl import config
from etl.errors import ETLError
from etl.official.catalogue import FACTORS, RENAMED
from etl.official.importer import Official, import_releases
from etl.reports.registry import load_registry

DUDLEY, ENGLAND, WEST_MIDLANDS = "E08000027", "E92000001", "E12000005"
RUTLAND, HAMPSHIRE, SCILLY = "E06000017", "E10000014", "E06000053"
MORE = config.settings().external_dir / "dfe_more"
FACTORS_FILE = "c3_factors_identified_at_end_of_assessment_2018_to_2024.csv"
STABILITY_FILE = "la_cla_placement_stability.csv"
AF, PS = "dfe_assessment_factors", "dfe_placement_stability"
PLACES = ("time_period", "time_identifier", "geographic_level", "country_code",
          "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
          "la_name", "category", "Episodes_with_assessment_factor")


@pytest.fixture(autouse=True, scope="module")
def _releases_present():
    """These tests need the real files: fail plainly, never skip, when they are absent."""
    for name in (FACTORS_FILE, STABILITY_FILE):
        assert (MORE / name).is_file(), (
            f"no {name} in {MORE}: set SAFEGUARDING_EXTERNAL_DIR to the shared folder")


def _records(name: str) -> list[dict[str, str]]:
    with open(MORE / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _published(name: str, year: str, code: str, **filters: str) -> dict[str, str]:
    """The one row of a file for a year and area (England when code is England's)."""
    found = [r for r in _records(name) if r["time_period"] == year and (
        r["geographic_level"] == "National" if code == ENGLAND else r["new_la_code"] == code)
        and all(r[k] == v for k, v in filters.items())]
    assert len(found) == 1, (name, year, code, filters)
    return found[0]


def _one(processed, dataset: str, measure: str, period: str, area: str = DUDLEY,
         part: str = "Total") -> pd.Series:
    rows = processed.rows(dataset, measure, period, area, part)
    assert len(rows) == 1, f"{measure} {part} {area} {period}: {len(rows)} rows"
    return rows.iloc[0]


def _share(processed, factor: str, period: str = "2023-24", area: str = DUDLEY):
    return _one(processed, AF, "dfe_assessment_factor_pct", period, area, factor)


# ---------------------------------------------------------------- factors at assessment


def test_england_2024_domestic_abuse_parent_share(processed):
    row = _share(processed, "Domestic abuse: parent", area=ENGLAND)
    assert (row["numerator"], row["denominator"]) == (160600, 506370)
    assert row["value"] == round(160600 / 506370 * 100, 1) == 31.7
    assert (row["breakdown"], row["unit"], row["period_type"]) == (
        "factor", "percent", "financial_year")
    assert (str(row["period_start"]), str(row["period_end"])) == ("2023-04-01", "2024-03-31")
    assert row["lower_95"] < row["value"] < row["upper_95"]
    assert pd.isna(row["compared_with_england"]) and pd.isna(row["rank"])
    episodes = _one(processed, AF, "dfe_assessment_episodes_with_factors", "2023-24", ENGLAND)
    assert episodes["value"] == 506370 and episodes["unit"] == "count"


def test_dudley_2024_every_factor_equals_the_file(processed):
    published = _published(FACTORS_FILE, "2024", DUDLEY)
    assert published["Episodes_with_assessment_factor"] == "2517"
    episodes = _one(processed, AF, "dfe_assessment_episodes_with_factors", "2023-24")
    assert episodes["value"] == 2517
    checked = 0
    for column, factor in FACTORS:
        row = _share(processed, factor)
        cell = published[column]
        if cell.isdigit():
            assert row["value"] == round(int(cell) / 2517 * 100, 1), factor
            assert (row["numerator"], row["denominator"]) == (int(cell), 2517), factor
            assert pd.isna(row["status"]), factor
            checked += 1
        else:
            assert pd.isna(row["value"]) and row["status"] == cell, factor
    assert checked == len(FACTORS) - 2  # two cells are suppressed ("c")
    assert published["Female_Genital_Mutilation"] == published["Physical_Abuse_unknown"] == "c"
    assert _share(processed, "Domestic abuse: parent")["value"] == 31.7  # 797 / 2,517
    assert _share(processed, "Mental health: parent")["value"] == 27.9  # 703 / 2,517


def test_every_factor_column_of_the_file_is_read_with_a_readable_label(processed):
    header = list(_records(FACTORS_FILE)[0])
    assert sorted(c for c in header if c not in PLACES) == sorted(c for c, _ in FACTORS)
    df = processed.frame(AF)
    shares = df[df["measure"] == "dfe_assessment_factor_pct"]
    labels = set(shares["breakdown_value"])
    assert labels == {label for _, label in FACTORS} and len(labels) == len(FACTORS)
    assert set(shares["breakdown"]) == {"factor"}
    for label in ("Domestic abuse: parent", "Domestic abuse: child",
                  "Domestic abuse: other person", "Mental health: parent", "Neglect",
                  "Emotional abuse", "Drug misuse: parent", "Alcohol misuse: parent",
                  "Child sexual exploitation", "Child criminal exploitation",
                  "Going missing", "Self-harm", "Gangs", "Trafficking",
                  "Physical abuse by an adult", "Sexual abuse by an adult"):
        assert label in labels, label
    assert not any("_" in label for label in labels)
    # every year, level and area of the file: one row per factor and episode count
    assert len(shares) == len(FACTORS) * len(_records(FACTORS_FILE))
    assert set(shares["period"]) == {f"{y - 1}-{y % 100:02d}" for y in range(2018, 2025)}


def test_suppression_symbols_become_status(processed):
    # Dudley 2024 prints "c" for physical abuse where by whom is not recorded
    row = _share(processed, "Physical abuse (by whom not recorded)")
    assert pd.isna(row["value"]) and row["status"] == "c"
    assert pd.isna(row["lower_95"]) and pd.isna(row["rank"])
    # the adult / child split of physical abuse starts in 2021: "x" before
    assert _share(processed, "Physical abuse by an adult", "2019-20")["status"] == "x"
    assert _share(processed, "Physical abuse by an adult", "2020-21")["value"] == round(
        71 / 3286 * 100, 1)
    # Hampshire 2024: every cell "u"; the Isles of Scilly 2019: no episodes, factors "z"
    for area, period, symbol in ((HAMPSHIRE, "2023-24", "u"), (SCILLY, "2018-19", "z")):
        row = _share(processed, "Neglect", period, area)
        assert pd.isna(row["value"]) and row["status"] == symbol, area


def test_each_factor_is_compared_and_ranked_on_its_own(processed):
    england = _share(processed, "Domestic abuse: child", area=ENGLAND)["value"]
    dudley = _share(processed, "Domestic abuse: child")
    assert (dudley["value"], england) == (round(171 / 2517 * 100, 1), 10.9)
    assert dudley["upper_95"] < england and dudley["compared_with_england"] == "lower"
    df = processed.frame(AF)
    year = df[(df["measure"] == "dfe_assessment_factor_pct") & (df["period"] == "2023-24")
              & (df["geographic_level"] == "local_authority")].dropna(subset=["value"])
    for factor, rows in year.groupby("breakdown_value"):
        assert (rows["rank_of"] == len(rows)).all(), factor
        assert rows.loc[rows["rank"] == 1, "value"].iloc[0] == rows["value"].max(), factor
    region = _share(processed, "Domestic abuse: parent", area=WEST_MIDLANDS)
    assert (region["numerator"], region["denominator"]) == (17240, 47400)


# ---------------------------------------------------------------- placement stability


def test_placement_file_has_a_bom_and_its_own_column_order():
    """What the tests below rely on: the real file is not in the usual EES layout."""
    data = (MORE / STABILITY_FILE).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].split(b"\n", 1)[0].decode().strip().split(",")
    assert header.index("la_name") < header.index("new_la_code")  # not the usual order
    assert {"children_count", "children_percent"} <= set(header)


def test_dudley_2024_placements_equal_the_file(processed):
    three = _published(STABILITY_FILE, "2024", DUDLEY, cla_group="CLA on 31 March",
                       placement_stability="With 3 or more placements during the year")
    assert (three["children_count"], three["children_percent"]) == ("60", "10")
    row = _one(processed, PS, "dfe_cla_3_plus_placements_pct", "2024-03-31")
    assert row["value"] == 10 and (row["numerator"], row["denominator"]) == (60, 573)
    assert (row["area_name"], row["old_la_code"], row["region_code"]) == (
        "Dudley", "332", WEST_MIDLANDS)
    assert row["period_type"] == "snapshot" and row["unit"] == "percent"
    assert _one(processed, PS, "dfe_cla_3_plus_placements", "2024-03-31")["value"] == 60
    # the same 573 as the looked-after release's count at 31 March
    assert processed.value("dfe_children_looked_after", "dfe_cla_at_31_march",
                           "2024-03-31") == 573
    same = _one(processed, PS, "dfe_cla_same_placement_2_years_pct", "2024-03-31")
    assert same["value"] == 62 and (same["numerator"], same["denominator"]) == (158, 253)
    assert _one(processed, PS, "dfe_cla_same_placement_2_years", "2024-03-31")["value"] == 158
    series = processed.rows(PS, "dfe_cla_3_plus_placements_pct").sort_values("period_end")
    assert series["value"].tolist() == [7, 9, 11, 10]  # 2021 to 2024, as published


def test_england_placements_and_the_comparison_follow_polarity(processed):
    three = _one(processed, PS, "dfe_cla_3_plus_placements_pct", "2024-03-31", ENGLAND)
    assert (three["value"], three["numerator"], three["denominator"]) == (11, 8860, 83530)
    same = _one(processed, PS, "dfe_cla_same_placement_2_years_pct", "2024-03-31", ENGLAND)
    assert (same["value"], same["numerator"], same["denominator"]) == (68, 19620, 28970)
    # Dudley 2023: 173 / 284 = 60.9% with the same carer, below England's 68.2%: worse
    low = _one(processed, PS, "dfe_cla_same_placement_2_years_pct", "2023-03-31")
    assert low["upper_95"] < 20190 / 29590 * 100 and low["compared_with_england"] == "worse"
    measures = pd.read_parquet(processed.path / "measures.parquet").set_index("measure")
    assert measures.loc["dfe_cla_3_plus_placements_pct", "polarity"] == "down_good"
    assert measures.loc["dfe_cla_same_placement_2_years_pct", "polarity"] == "up_good"


def test_suppressed_placements_stay_suppressed(processed):
    for measure in ("dfe_cla_3_plus_placements", "dfe_cla_3_plus_placements_pct",
                    "dfe_cla_same_placement_2_years_pct"):
        row = _one(processed, PS, measure, "2024-03-31", RUTLAND)
        assert pd.isna(row["value"]) and row["status"] == "c", measure


# ---------------------------------------------------------------- the whole run


def test_the_whole_run_reads_both_files_with_no_flags(processed):
    summary = json.loads((processed.path / "build.json").read_text())
    entry = summary["releases"][FACTORS_FILE]
    assert {k: entry[k] for k in ("release", "dataset", "years", "curated", "levels")} == {
        "release": "Factors identified at the end of assessment (c3)", "dataset": AF,
        "years": "2017-18 to 2023-24", "curated": True,
        "levels": ["local_authority", "national", "regional"]}
    assert entry["measures"] == ["dfe_assessment_episodes_with_factors",
                                 "dfe_assessment_factor_pct"]
    assert sorted(entry["breakdowns"]["factor"]) == sorted(label for _, label in FACTORS)
    assert summary["releases"][STABILITY_FILE]["years"] == "2020-21 to 2023-24"
    assert not any(n.startswith("Not in") for n in summary["notes"])
    flags = processed.flags()
    assert not flags["dataset"].isin([AF, PS]).any()
    measures = pd.read_parquet(processed.path / "measures.parquet").set_index("measure")
    for measure, dataset, unit in (
            ("dfe_assessment_episodes_with_factors", AF, "count"),
            ("dfe_assessment_factor_pct", AF, "percent"),
            ("dfe_cla_3_plus_placements", PS, "count"),
            ("dfe_cla_3_plus_placements_pct", PS, "percent"),
            ("dfe_cla_same_placement_2_years", PS, "count"),
            ("dfe_cla_same_placement_2_years_pct", PS, "percent")):
        assert tuple(measures.loc[measure, ["dataset", "unit"]]) == (dataset, unit), measure
    tables = pd.read_parquet(processed.path / "tables.parquet")
    assert {f"dfe/{FACTORS_FILE}", f"dfe/{STABILITY_FILE}"} <= set(tables["file"])


# ---------------------------------------------------------------- other spellings, bad files


def _import_one(tmp_path: Path, name: str, text: str | None = None) -> Official:
    """Import one file (as given, or ``text`` in its place) from a private dfe/ folder."""
    folder = tmp_path / "external" / "dfe"
    folder.mkdir(parents=True, exist_ok=True)
    if text is None:
        shutil.copy(MORE / name, folder / name)
    else:
        (folder / name).write_text(text, encoding="utf-8", newline="")
    raw = config.settings().raw_dir
    return import_releases(folder.parent, load_registry(raw), raw / "measures.csv")


def _stability_text(change=None, header=None, newline="\n") -> str:
    lines = (MORE / STABILITY_FILE).read_text(encoding="utf-8-sig").splitlines()
    head = header(lines[0]) if header else lines[0]
    body = [change(line) if change else line for line in lines[1:]]
    return newline.join([head, *[b for b in body if b is not None]]) + newline


def test_the_2024_spelling_number_and_percentage_reads_the_same(tmp_path):
    assert RENAMED["children_count"] == ("number",)
    as_published = _import_one(tmp_path / "a", STABILITY_FILE).datasets[PS]

    def older(head: str) -> str:
        return head.replace("children_count", "number").replace("children_percent",
                                                                "percentage")
    text = _stability_text(header=older, newline="\r\n")  # and Windows line endings
    assert "children_count" not in text.splitlines()[0] and "\r\n" in text
    renamed = _import_one(tmp_path / "b", STABILITY_FILE, text).datasets[PS]
    pd.testing.assert_frame_equal(as_published.drop(columns="source"),
                                  renamed.drop(columns="source"))
    dudley = renamed[(renamed["area_code"] == DUDLEY) & (renamed["period"] == "2024-03-31")
                     & (renamed["measure"] == "dfe_cla_3_plus_placements_pct")]
    assert dudley["value"].tolist() == [10]


def test_a_file_with_neither_spelling_says_both(tmp_path):
    text = _stability_text(header=lambda h: h.replace("children_percent", "share"))
    with pytest.raises(ETLError) as err:
        _import_one(tmp_path, STABILITY_FILE, text)
    assert "missing column 'children_percent' or 'percentage'" in str(err.value)


def test_without_its_total_rows_the_denominator_is_missing_and_the_run_stops(tmp_path):
    text = _stability_text(change=lambda line: None if ",CLA on 31 March,Total children,"
                           in line else line)
    with pytest.raises(ETLError) as err:
        _import_one(tmp_path, STABILITY_FILE, text)
    assert "no rows with placement_stability 'Total children'" in str(err.value)
    assert "dfe_cla_3_plus_placements_pct" in str(err.value)


def test_a_published_percentage_its_counts_do_not_give_is_flagged(tmp_path):
    old = ("Dudley,E08000027,CLA on 31 March,With 3 or more placements during the year,"
           "60,10")
    assert _stability_text().count(old) == 1
    official = _import_one(tmp_path, STABILITY_FILE,
                           _stability_text(change=lambda line: line.replace(old, old[:-2]
                                                                            + "15")))
    flags = pd.DataFrame(official.flags)
    flag = flags[flags["check_id"] == "dfe_percent:dfe_cla_3_plus_placements_pct"]
    assert flag[["area_code", "period"]].values.tolist() == [[DUDLEY, "2024-03-31"]]
    assert flag["expected"].iloc[0] == pytest.approx(60 / 573 * 100)
    kept = official.datasets[PS]
    kept = kept[(kept["area_code"] == DUDLEY) & (kept["period"] == "2024-03-31")
                & (kept["measure"] == "dfe_cla_3_plus_placements_pct")]
    assert kept["value"].tolist() == [15]  # the published figure is kept, and flagged


def test_factors_file_with_crlf_and_a_bom_reads_the_same(tmp_path):
    plain = _import_one(tmp_path / "a", FACTORS_FILE).datasets[AF]
    rows = list(csv.reader(io.StringIO((MORE / FACTORS_FILE).read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    other = _import_one(tmp_path / "b", FACTORS_FILE, "\ufeff" + buffer.getvalue())
    pd.testing.assert_frame_equal(plain, other.datasets[AF])
