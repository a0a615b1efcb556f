"""The whole ETL on real raw data: contract, reruns with new data, outputs."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from etl.cli import main
from etl.pipeline import run
from etl.schema import CONTRACT_COLUMNS, OFFICIAL_EXTRA_COLUMNS, SMALLAREA_EXTRA_COLUMNS

EQUALITY = "reports/dudley_cs_equality_2010_11"


def test_every_dataset_follows_the_contract(processed):
    summary = json.loads((processed.path / "build.json").read_text())
    assert summary["datasets"], "no datasets written"
    for name, rows in summary["datasets"].items():
        table = pq.read_table(processed.path / f"{name}.parquet")
        # official releases (dfe_*) add documented columns after the contract's; reports none
        # small areas add their authority, denominator and whether the sample is synthetic
        extra = (OFFICIAL_EXTRA_COLUMNS if name.startswith("dfe_") else
                 SMALLAREA_EXTRA_COLUMNS if name == "smallarea" else [])
        assert table.column_names == CONTRACT_COLUMNS + extra, name
        assert table.num_rows == rows > 0
        assert str(table.schema.field("period_start").type) == "date32[day]"
        assert str(table.schema.field("value").type) == "double"
        df = table.to_pandas()
        assert df["measure"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
        assert (df["period_start"] <= df["period_end"]).all()
        # a value is either published or explained by a GSS status symbol
        assert (df["value"].notna() | df["status"].isin(["x", "z", "c", "u", "low", "k"])).all()
        pct = df[df["unit"] == "percent"]["value"].dropna()
        assert pct.between(0, 100).all(), name
        keys = ["measure", "breakdown", "breakdown_value", "area_code", "period"]
        assert not df.duplicated(keys).any(), f"{name} has duplicate figures"


def test_measure_registry_covers_every_measure(processed):
    measures = pd.read_parquet(processed.path / "measures.parquet")
    assert {"measure", "label", "description", "unit", "polarity", "theme"} <= set(measures)
    assert measures["polarity"].isin(["up_good", "down_good", "neutral"]).all()
    for name in json.loads((processed.path / "build.json").read_text())["datasets"]:
        used = set(processed.frame(name)["measure"])
        assert used <= set(measures["measure"]), name


def test_required_datasets_exist(processed):
    for name in ("contacts", "s47", "cp_plans", "children_in_care", "racist_incidents",
                 "training", "section11"):
        assert (processed.path / f"{name}.parquet").is_file(), name


def test_tables_listing_names_every_source(processed):
    tables = pd.read_parquet(processed.path / "tables.parquet")
    reports = {"dudley_cs_equality_2010_11", "dudley_lscb_2011_12", "dudley_scp_2019_20"}
    releases = json.loads((processed.path / "build.json").read_text())["releases"]
    assert set(tables[tables["file"].str.startswith("dfe/")]["file"]) == {
        f"dfe/{name}" for name in releases}
    assert set(tables[~tables["file"].str.startswith("dfe/")]["source_id"]) == reports
    assert tables["source_table"].str.len().gt(0).all()


def test_validation_report_is_readable(processed):
    report = (processed.path / "validation_report.md").read_text(encoding="utf-8")
    flags = processed.flags()
    assert report.startswith("# Validation report")
    assert f"**{len(flags)} flag(s).**" in report
    for message in flags["message"]:
        assert message in report


def test_derived_rate_per_1000_pupils(processed):
    rate = processed.value("racist_incidents", "racist_incidents_rate_per_1000_pupils",
                           "2010-11")
    assert rate == pytest.approx(139 / 45000 * 1000)
    rows = processed.rows("racist_incidents", "racist_incidents_rate_per_1000_pupils", "2010-11")
    assert rows["source"].iloc[0].startswith("Derived:")


def test_a_new_year_column_needs_no_code_change(raw_copy, tmp_path):
    path = raw_copy / EQUALITY / "racist_incidents_table2.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",11-12"
    lines = [lines[0]] + [line + (",150" if line.startswith("racist_incidents,Total") else ",")
                          for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run(raw_copy, out)
    df = pd.read_parquet(out / "racist_incidents.parquet")
    new = df[(df["measure"] == "racist_incidents") & (df["period"] == "2011-12")
             & (df["breakdown_value"] == "Total")]
    assert new["value"].tolist() == [150.0]
    assert str(new["period_end"].iloc[0]) == "2012-03-31"


def test_a_new_table_with_its_manifest_entry_needs_no_code_change(raw_copy, tmp_path):
    folder = raw_copy / EQUALITY
    (folder / "extra.csv").write_text(
        "measure,label,2011-12,2012-13\nracist_incidents,Total number of incidents,,120\n",
        encoding="utf-8")
    with open(folder / "manifest.csv", "a", encoding="utf-8") as manifest:
        manifest.write("extra.csv,racist_incidents,Next year's return,count,financial_year,"
                       "E08000027,Added by an analyst\n")
    out = tmp_path / "out"
    run(raw_copy, out)
    df = pd.read_parquet(out / "racist_incidents.parquet")
    row = df[(df["measure"] == "racist_incidents") & (df["period"] == "2012-13")
             & (df["breakdown_value"] == "Total")]
    assert row["value"].tolist() == [120.0]
    assert row["source"].iloc[0].endswith("Next year's return")


def test_a_dataset_dropped_from_the_manifest_is_removed(raw_copy, tmp_path):
    out = tmp_path / "out"
    run(raw_copy, out)
    assert (out / "equality_outcomes.parquet").exists()
    manifest = raw_copy / EQUALITY / "manifest.csv"
    manifest.write_text("".join(line for line in manifest.read_text(encoding="utf-8")
                                .splitlines(keepends=True)
                                if not line.startswith("outcomes_stated.csv")),
                        encoding="utf-8")
    run(raw_copy, out)
    assert not (out / "equality_outcomes.parquet").exists()
    assert not list(out.glob(".staging-*"))


def test_cli_prints_progress_and_summary(raw_copy, tmp_path, capsys):
    assert main(["--raw", str(raw_copy), "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "racist_incidents_table2.csv → racist_incidents" in captured.err
    assert captured.err.splitlines()[0].startswith("[ 1/") or captured.err.startswith("[1/")
    assert "Wrote" in captured.out and "Validation:" in captured.out
