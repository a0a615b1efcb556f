"""The official DfE/ONS releases, read from SAFEGUARDING_EXTERNAL_DIR (CI: ../shared/public).

Nothing from that folder is copied into the repository: the tests read it in
place, or copy files to a temporary folder to edit them.

Published figures compared with (Dudley, E08000027, LA 332):

- children in need at 31 March 2024: 2,215; ONS mid-2023 children aged 0 to 17:
  70,105, so 316.0 per 10,000; England 399,460 / 12,059,476 = 331.2. DfE's LAIT
  (``lait/bds_long_0.parquet``, indicator ``CIN``) publishes 316 and 331.2.
- children looked after at 31 March 2024: 573, published rate 82 (whole numbers).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl import config
from etl.cli import main
from etl.errors import ETLError
from etl.official.catalogue import RELEASES
from etl.pipeline import run

DUDLEY, ENGLAND, WEST_MIDLANDS = "E08000027", "E92000001", "E12000005"
EXTERNAL = config.settings().external_dir
DFE = EXTERNAL / "dfe"



@pytest.fixture(autouse=True, scope="module")
def _releases_present():
    """These tests need the real releases: fail plainly, never skip, when they are absent."""
    assert DFE.is_dir(), (
        f"no official releases in {DFE}: set SAFEGUARDING_EXTERNAL_DIR to the folder "
        "holding dfe/ (see the README; `make test` uses ../shared/public when it exists)")

# Read once by hand from New_Statistical_Neighbour_Groupings_April_2021.csv (row "332,Dudley").
DUDLEY_NEIGHBOURS = ["Rotherham", "Telford and Wrekin", "Medway", "Wigan", "Doncaster",
                     "Lancashire", "North Lincolnshire", "Derbyshire", "Tameside",
                     "Nottinghamshire"]


def _file(prefix: str) -> Path:
    """A release in the shared folder by the start of its name (the years change)."""
    found = sorted(DFE.glob(f"{prefix}*.csv"))
    assert len(found) == 1, f"expected one {prefix}*.csv in {DFE}"
    return found[0]


def _row(processed, dataset, measure, period, area=DUDLEY) -> pd.Series:
    rows = processed.rows(dataset, measure, period, area)
    assert len(rows) == 1, f"{measure} {area} {period}: {len(rows)} rows"
    return rows.iloc[0]


# ---------------------------------------------------------------- published figures


def test_children_in_need_rate_2024_for_dudley_and_england(processed):
    dudley = _row(processed, "dfe_children_in_need", "dfe_cin_rate_per_10000", "2024-03-31")
    england = _row(processed, "dfe_children_in_need", "dfe_cin_rate_per_10000", "2024-03-31",
                   ENGLAND)
    assert dudley["value"] == 316.0 == round(2215 / 70105 * 10_000, 1)
    assert (dudley["numerator"], dudley["denominator"]) == (2215, 70105)
    assert england["value"] == 331.2 == round(399460 / 12059476 * 10_000, 1)
    # the same figures as DfE's own LAIT publishes them
    lait = pd.read_parquet(EXTERNAL / "lait" / "bds_long_0.parquet")
    cin = lait[(lait["Short Desc"] == "CIN") & (lait["Years"] == "2024")
               & lait["LA and Regions"].isin(["Dudley", "England"])]
    published = cin.set_index("LA and Regions")["Values"].astype(float)
    assert dudley["value"] == pytest.approx(published["Dudley"], abs=0.05)
    assert england["value"] == pytest.approx(published["England"], abs=0.05)


def test_rates_use_the_previous_mid_year_population(processed):
    pop = processed.value("dfe_population", "dfe_population_0_17", "2023-06-30")
    assert pop == 70105
    for dataset, measure, period in [
        ("dfe_children_in_need", "dfe_cin_rate_per_10000", "2024-03-31"),
        ("dfe_referrals", "dfe_referrals_rate_per_10000", "2023-24"),
        ("dfe_s47_icpcs", "dfe_s47_rate_per_10000", "2023-24"),
        ("dfe_s47_icpcs", "dfe_icpc_rate_per_10000", "2023-24"),
        ("dfe_cp_plans", "dfe_cp_plans_at_31_march_rate_per_10000", "2024-03-31"),
        ("dfe_cp_plans", "dfe_cp_plans_started_rate_per_10000", "2023-24"),
        ("dfe_children_looked_after", "dfe_cla_rate_per_10000", "2024-03-31"),
    ]:
        row = _row(processed, dataset, measure, period)
        assert row["denominator"] == pop, measure
        assert row["value"] == round(row["numerator"] / pop * 10_000, 1), measure
        assert "ONS mid-2023" in row["source"], measure


def test_recomputed_looked_after_rate_matches_the_published_one(processed):
    row = _row(processed, "dfe_children_looked_after", "dfe_cla_rate_per_10000", "2024-03-31")
    assert row["numerator"] == 573
    assert row["value"] == 81.7
    assert round(row["value"]) == 82  # what the release prints
    flags = processed.flags()
    assert not ((flags["measure"] == "dfe_cla_rate_per_10000")
                & (flags["area_code"] == DUDLEY)).any()


def test_a_suppressed_cell_stays_suppressed(processed):
    # Isles of Scilly, 2023: b1 prints "c" for children in need at 31 March
    scilly = "E06000053"
    for measure in ("dfe_cin_at_31_march", "dfe_cin_rate_per_10000"):
        row = _row(processed, "dfe_children_in_need", measure, "2023-03-31", scilly)
        assert pd.isna(row["value"]) and row["status"] == "c", measure
        assert pd.isna(row["lower_95"]) and pd.isna(row["rank"]), measure
    # Hampshire, 2024: every count is "u" (low reliability)
    row = _row(processed, "dfe_children_in_need", "dfe_cin_at_31_march", "2024-03-31",
               "E10000014")
    assert pd.isna(row["value"]) and row["status"] == "u"


def test_every_geographic_level_with_old_la_codes(processed):
    df = processed.frame("dfe_children_in_need")
    latest = df[(df["measure"] == "dfe_cin_at_31_march") & (df["period"] == "2024-03-31")]
    assert set(latest["geographic_level"]) == {"national", "regional", "local_authority"}
    assert latest[latest["geographic_level"] == "national"]["area_code"].tolist() == [ENGLAND]
    assert WEST_MIDLANDS in set(latest["area_code"])
    assert latest["area_code"].str.fullmatch(r"E\d{8}").all()
    las = latest[latest["geographic_level"] == "local_authority"]
    assert len(las) > 150 and las["old_la_code"].str.fullmatch(r"\d{3}").all()
    assert latest[latest["geographic_level"] != "local_authority"]["old_la_code"].isna().all()
    dudley = las[las["area_code"] == DUDLEY].iloc[0]
    assert (dudley["old_la_code"], dudley["region_code"]) == ("332", WEST_MIDLANDS)


def test_periods_follow_the_reporting_year(processed):
    flow = _row(processed, "dfe_referrals", "dfe_referrals", "2023-24")
    assert flow["value"] == 2681 and flow["period_type"] == "financial_year"
    assert (str(flow["period_start"]), str(flow["period_end"])) == ("2023-04-01", "2024-03-31")
    stock = _row(processed, "dfe_cp_plans", "dfe_cp_plans_at_31_march", "2024-03-31")
    assert stock["value"] == 228 and stock["period_type"] == "snapshot"
    assert str(stock["period_start"]) == str(stock["period_end"]) == "2024-03-31"


def test_confidence_intervals_and_comparison_with_england(processed):
    cin = _row(processed, "dfe_children_in_need", "dfe_cin_rate_per_10000", "2024-03-31")
    assert cin["lower_998"] < cin["lower_95"] < cin["value"] < cin["upper_95"] < cin["upper_998"]
    assert cin["upper_95"] < 331.2
    assert cin["compared_with_england"] == "lower"  # no polarity: higher/similar/lower
    started = _row(processed, "dfe_cp_plans", "dfe_cp_plans_started_rate_per_10000", "2023-24")
    assert started["compared_with_england"] == "better"  # fewer plans started is good (LAIT)
    timely = _row(processed, "dfe_s47_icpcs", "dfe_icpc_within_15_days_pct", "2023-24")
    assert timely["value"] == 69.3 and (timely["numerator"], timely["denominator"]) == (208, 300)
    assert timely["compared_with_england"] == "worse"
    repeat = _row(processed, "dfe_cp_plans", "dfe_cp_plans_subsequent_pct", "2023-24")
    assert repeat["value"] == 26.4 and repeat["compared_with_england"] == "similar"
    england = _row(processed, "dfe_children_in_need", "dfe_cin_rate_per_10000", "2024-03-31",
                   ENGLAND)
    assert pd.isna(england["compared_with_england"]) and pd.isna(england["rank"])


def test_ranks_and_quartiles_among_local_authorities(processed):
    measures = pd.read_parquet(processed.path / "measures.parquet").set_index("measure")
    for dataset, measure in [("dfe_children_in_need", "dfe_cin_rate_per_10000"),
                             ("dfe_cp_plans", "dfe_cp_plans_started_rate_per_10000")]:
        df = processed.frame(dataset)
        year = df[(df["measure"] == measure) & (df["period"].isin(["2024-03-31", "2023-24"]))]
        las = year[year["geographic_level"] == "local_authority"].dropna(subset=["value"])
        assert sorted(las["rank"].unique())[0] == 1
        assert (las["rank_of"] == len(las)).all()
        assert set(las["quartile"]) == {1, 2, 3, 4}
        best = las[las["rank"] == 1]["value"].iloc[0]
        if measures.loc[measure, "polarity"] == "down_good":
            assert best == las["value"].min()
        else:  # up_good, or neutral: highest first
            assert best == las["value"].max()
        assert year[year["geographic_level"] != "local_authority"]["rank"].isna().all()
    counts = processed.frame("dfe_children_in_need")
    assert counts[counts["unit"] == "count"]["rank"].isna().all()  # counts are not ranked


def test_dudleys_ten_statistical_neighbours(processed):
    every = pd.read_parquet(processed.path / "dfe_neighbours.parquet")
    nb = every[every["authority_code"] == DUDLEY].reset_index(drop=True)
    assert nb["neighbour_rank"].tolist() == list(range(1, 11))
    assert nb["neighbour_name"].tolist() == DUDLEY_NEIGHBOURS
    assert set(nb["authority_code"]) == {DUDLEY} and set(nb["authority_old_code"]) == {"332"}
    assert nb.iloc[0][["neighbour_old_code", "neighbour_code"]].tolist() == ["372", "E08000018"]
    assert nb["neighbour_code"].str.fullmatch(r"E\d{8}").all()
    assert set(nb["closeness"]) == {"Very Close"}


def test_ltla_utla_lookup(processed):
    lookup = pd.read_parquet(processed.path / "dfe_ltla_utla.parquet")
    assert list(lookup.columns) == ["ltla_code", "ltla_name", "utla_code", "utla_name"]
    worcs = lookup[lookup["utla_code"] == "E10000034"]
    assert len(worcs) == 6 and set(worcs["ltla_code"]) == {f"E0700023{i}" for i in range(4, 10)}


def test_polarity_agrees_with_lait(processed):
    dictionary = pd.read_csv(EXTERNAL / "lait" / "lait_data_dictionary.csv", dtype=str,
                             keep_default_na=False, usecols=["Measure_short", "Polarity"])
    lait = dictionary.drop_duplicates("Measure_short").set_index("Measure_short")["Polarity"]
    words = {"High": "up_good", "Low": "down_good", "-": "neutral"}
    measures = pd.read_parquet(processed.path / "measures.parquet").set_index("measure")
    checked = 0
    for release in RELEASES:
        for item in release.items:
            expected = words[lait[item.lait]] if item.lait else "neutral"
            assert measures.loc[item.measure, "polarity"] == expected, item.measure
            checked += bool(item.lait)
    assert checked >= 20
    assert not processed.flags()["check_id"].str.startswith("lait_polarity").any()


def test_build_summary_lists_the_releases(processed):
    summary = json.loads((processed.path / "build.json").read_text())
    # the session's build reads DFE, and any releases of dfe_more/ the ETL knows
    assert set(summary["releases"]) == {p.name for p in (processed.external / "dfe").glob(
        "*.csv")} >= {p.name for p in DFE.glob("*.csv")}
    assert summary["releases"][_file("b1_").name]["years"] == "2012-13 to 2023-24"
    assert summary["releases"][_file("ons_").name]["years"] == "mid-2012 to mid-2023"
    # ten neighbours for every authority of the 2021 groupings that is in the releases
    # (today's 151 that it knows, and some it lists that have since been merged)
    nb = pd.read_parquet(processed.path / "dfe_neighbours.parquet")
    assert summary["lookups"]["dfe_neighbours"] == 10 * nb["authority_code"].nunique() >= 1510
    assert summary["lookups"]["authorities"] == 153
    assert summary["skipped"] == [] and summary["revisions"] == 0
    # every release found, nothing skipped; the two authorities created in 2023 have no
    # neighbours in the 2021 groupings
    assert summary["notes"] == [
        "Statistical neighbours: New_Statistical_Neighbour_Groupings_April_2021.csv has no "
        "grouping for Cumberland, Westmorland and Furness (authorities created after it), "
        "so none are shown for them."]
    measures = pd.read_parquet(processed.path / "measures.parquet")
    assert set(measures.loc[measures["dataset"].str.startswith("dfe_"), "measure"]) == {
        i.measure for r in RELEASES for i in r.items}


# ---------------------------------------------------------------- new releases and settings


def _external(tmp_path: Path, *prefixes: str) -> Path:
    """A private external folder with copies of some releases (all when none named)."""
    folder = tmp_path / "external" / "dfe"
    folder.mkdir(parents=True)
    for path in sorted(DFE.glob("*.csv")):
        if not prefixes or path.name.startswith(prefixes):
            shutil.copy(path, folder / path.name)
    return folder.parent


def _add_rows(path: Path, match, change) -> int:
    """Append a changed copy of every line ``match`` accepts; return how many."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    new = [change(line) for line in lines[1:] if match(line)]
    path.write_text("\n".join(lines + new) + "\n", encoding="utf-8")
    return len(new)


def test_a_new_years_release_drops_in(tmp_path):
    external = _external(tmp_path)
    folder = external / "dfe"
    for path in list(folder.glob("*.csv")):  # next year's names
        path.rename(path.with_name(path.name.replace("_2024", "_2025")
                                   .replace("_2023.csv", "_2024.csv")))
    b1 = next(folder.glob("b1_*_2013_to_2025.csv"))
    ons = next(folder.glob("ons_*_2012_to_2024.csv"))
    dudley_or_england = ("Dudley", ",National,")

    def latest(year):
        return lambda line: line.startswith(f"{year},") and any(k in line
                                                                for k in dudley_or_england)

    assert _add_rows(b1, latest(2024), lambda line: "2025" + line[4:].replace(
        ",2215,39", ",2300,40")) == 2
    assert _add_rows(ons, latest(2023), lambda line: "2024" + line[4:].replace(
        ",70105", ",70500")) == 2
    out = tmp_path / "out"
    run(config.settings().raw_dir, out, external=external)
    cin = pd.read_parquet(out / "dfe_children_in_need.parquet")
    dudley = cin[cin["area_code"] == DUDLEY]
    rate = dudley[(dudley["measure"] == "dfe_cin_rate_per_10000")
                  & (dudley["period"] == "2025-03-31")]
    assert rate["value"].tolist() == [round(2300 / 70500 * 10_000, 1)]
    started = dudley[(dudley["measure"] == "dfe_cin_episodes_started")]
    assert "2024-25" in set(started["period"])
    assert started[started["period"] == "2024-25"]["value"].tolist() == [2074]
    summary = json.loads((out / "build.json").read_text())
    assert summary["releases"][b1.name]["years"] == "2012-13 to 2024-25"
    tables = pd.read_parquet(out / "tables.parquet")
    assert f"dfe/{b1.name}" in set(tables["file"])


def test_a_published_rate_that_disagrees_is_flagged(tmp_path):
    external = _external(tmp_path, "cla_", "ons_")
    path = next((external / "dfe").glob("cla_*.csv"))
    text = path.read_text(encoding="utf-8-sig")
    old = "Dudley,E08000027,Children looked after on 31 March each year,70105,573,82"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old[:-2] + "90"), encoding="utf-8")
    out = tmp_path / "out"
    run(config.settings().raw_dir, out, external=external)
    flags = pd.read_parquet(out / "validation.parquet")
    flag = flags[flags["check_id"] == "dfe_rate:dfe_cla_rate_per_10000"]
    assert flag[["area_code", "period"]].values.tolist() == [[DUDLEY, "2024-03-31"]]
    assert flag["published"].iloc[0] == 90
    assert flag["expected"].iloc[0] == pytest.approx(573 / 70105 * 10_000)
    assert flag["message"].iloc[0] in (out / "validation_report.md").read_text()
    cla = pd.read_parquet(out / "dfe_children_looked_after.parquet")
    kept = cla[(cla["measure"] == "dfe_cla_rate_per_10000") & (cla["area_code"] == DUDLEY)
               & (cla["period"] == "2024-03-31")]
    assert kept["value"].tolist() == [81.7]


def test_another_authority_by_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_AUTHORITY", "E08000018")  # Rotherham, LA 372
    external = _external(tmp_path, "b1_", "New_Statistical")
    out = tmp_path / "out"
    run(config.settings().raw_dir, out, external=external)
    every = pd.read_parquet(out / "dfe_neighbours.parquet")
    nb = every[every["authority_code"] == "E08000018"]
    assert set(nb["authority_old_code"]) == {"372"}
    assert "Dudley" in set(nb["neighbour_name"]) and len(nb) == 10
    authorities = pd.read_parquet(out / "authorities.parquet").set_index("authority_code")
    assert authorities.loc["E08000018", "authority_name"] == "Rotherham"
    assert "Dudley" in list(authorities.loc["E08000018", "neighbour_names"])


def test_an_unknown_authority_stops_the_run_and_says_how_to_find_one(tmp_path, monkeypatch):
    external = _external(tmp_path, "b1_", "New_Statistical", "LTLA")
    out = tmp_path / "out"
    for code, hint in (("E10000023", "use E06000065"),  # North Yorkshire before 2023
                       ("E07000234", "use E10000034"),  # a district of Worcestershire
                       ("E99999999", "safeguarding authorities --search")):
        monkeypatch.setenv("SAFEGUARDING_AUTHORITY", code)
        with pytest.raises(ETLError) as err:
            run(config.settings().raw_dir, out, external=external)
        assert [p.path for p in err.value.problems] == ["SAFEGUARDING_AUTHORITY"]
        assert hint in str(err.value) and code in str(err.value)
        assert not out.exists()


def test_without_a_dfe_folder_the_report_tables_are_still_built(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--out", str(out), "--external", str(tmp_path / "nothing"), "--quiet"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("No official releases:")
    assert "nothing/dfe" in err[0]
    assert (out / "cp_plans.parquet").is_file()
    assert not list(out.glob("dfe_*"))
    assert "No official releases" in (out / "validation_report.md").read_text()


# ---------------------------------------------------------------- bad releases


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def good(tmp_path):
    """A good build from a few releases, and its checksums, before a test breaks one."""
    external = _external(tmp_path, "b1_", "ons_", "New_Statistical")
    out = tmp_path / "out"
    assert _cli(external, out) == 0
    before = _snapshot(out)
    assert "dfe_children_in_need.parquet" in before
    return external, out, before


def _cli(external: Path, out: Path) -> int:
    return main(["--raw", str(config.settings().raw_dir), "--out", str(out), "--external",
                 str(external), "--quiet"])


def _fails_cleanly(external, out, before, capsys, *expected: str) -> str:
    code = _cli(external, out)
    err = capsys.readouterr().err
    assert code == 1
    assert "nothing in" in err and "was changed" in err
    for text in expected:
        assert text in err, f"{text!r} not in:\n{err}"
    assert "Traceback" not in err
    assert _snapshot(out) == before, "a failed run changed the previous output"
    return err


def test_an_unrelated_csv_is_skipped_and_said_so(good, capsys):
    external, out, _ = good
    path = external / "dfe" / "school_census_2024.csv"
    path.write_text("urn,pupils\n100001,250\n", encoding="utf-8")
    assert _cli(external, out) == 0
    err = capsys.readouterr().err
    assert "dfe/school_census_2024.csv was skipped: not in the Explore Education " \
           "Statistics layout" in err and "it has urn, pupils" in err
    summary = json.loads((out / "current" / "build.json").read_text())
    assert [s["file"] for s in summary["skipped"]] == ["school_census_2024.csv"]
    assert "school_census_2024.csv" not in summary["releases"]


@pytest.mark.parametrize("start", ["New_Statistical", "LTLA"])
def test_a_lookup_with_a_header_and_no_rows_stops_the_run(tmp_path, capsys, start):
    external = _external(tmp_path, "b1_", "ons_", "New_Statistical", "LTLA")
    out = tmp_path / "out"
    assert _cli(external, out) == 0
    before = _snapshot(out)
    path = next((external / "dfe").glob(f"{start}*.csv"))
    header = path.read_bytes().splitlines(keepends=True)[0]
    path.write_bytes(header)
    _fails_cleanly(external, out, before, capsys,
                   f"{path}, row 2: the file has a header but no data rows")


def test_files_in_sub_folders_and_other_formats_are_not_read(good):
    external, out, _ = good
    (external / "dfe" / "old").mkdir()
    (external / "dfe" / "old" / "anything.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (external / "dfe" / "readme.txt").write_text("downloaded 2025\n", encoding="utf-8")
    assert _cli(external, out) == 0
    summary = json.loads((out / "current" / "build.json").read_text())
    assert [s["file"] for s in summary["skipped"]] == ["readme.txt"]  # sub-folders: silent


def test_rows_at_other_geographic_levels_are_skipped_with_a_note(good, capsys):
    external, out, _ = good
    path = next((external / "dfe").glob("b1_*.csv"))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines.append(lines[1].replace(",National,", ",Parliamentary constituency,"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _cli(external, out) == 0
    err = capsys.readouterr().err
    assert f"dfe/{path.name}: rows at other geographic levels were not read: " \
           "Parliamentary constituency (1 row)." in err
    assert "Not in" in err and "Children looked after: numbers and rates" in err


@pytest.mark.parametrize("column", ["time_period", "time_identifier", "geographic_level"])
def test_a_missing_mandatory_column(good, capsys, column):
    external, out, before = good
    path = next((external / "dfe").glob("b1_*.csv"))
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    drop = rows[0].index(column)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [r[:drop] + r[drop + 1:] for r in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    _fails_cleanly(external, out, before, capsys, str(path), "row 1", f"column '{column}'",
                   f"missing column '{column}'")


def test_text_in_a_count(good, capsys):
    external, out, before = good
    path = next((external / "dfe").glob("b1_*.csv"))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    row = next(i for i, line in enumerate(lines, start=1)
               if line.startswith("2024,") and ",Dudley," in line)
    lines[row - 1] = lines[row - 1].replace(",2215,39", ",22l5,39")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _fails_cleanly(external, out, before, capsys, str(path), f"row {row}",
                   "column 'At31_episodes'",
                   "'22l5' is not a number nor a suppression symbol (c, k, low, u, x, z)")


def test_an_unknown_time_identifier(good, capsys):
    external, out, before = good
    path = next((external / "dfe").glob("b1_*.csv"))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("Reporting year", "Quarter 1", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _fails_cleanly(external, out, before, capsys, str(path), "row 2",
                   "column 'time_identifier'", "'Quarter 1'")


def test_two_copies_of_one_release(good, capsys):
    external, out, before = good
    original = next((external / "dfe").glob("b1_*.csv"))
    shutil.copy(original, original.with_name("b1_children_in_need_2013_to_2025.csv"))
    _fails_cleanly(external, out, before, capsys, "b1_children_in_need_2013_to_2025.csv",
                   f"a second copy of the release in {original.name}")


def test_a_derived_share_is_not_given_where_the_part_outnumbers_the_whole(processed):
    # Oldham, 2012-13: 817 initial conferences against 444 Section 47 enquiries begun in
    # the year (conferences may follow enquiries of the year before), so no share.
    rows = processed.frame("dfe_s47_icpcs")
    share = rows[(rows["measure"] == "dfe_s47_to_icpc_pct") & (rows["area_name"] == "Oldham")
                 & (rows["period"] == "2012-13")].iloc[0]
    assert (share["numerator"], share["denominator"]) == (817, 444)
    assert pd.isna(share["value"]) and share["status"] == "z"
    dudley = rows[(rows["measure"] == "dfe_s47_to_icpc_pct") & (rows["area_code"] == DUDLEY)
                  & (rows["period"] == "2023-24")].iloc[0]
    assert dudley["value"] == round(dudley["numerator"] / dudley["denominator"] * 100, 1)
