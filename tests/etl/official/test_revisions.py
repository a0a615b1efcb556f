"""Two files of one release: the newer file's figures win and each revision is listed
(etl/official/revisions.py).

The older file is a real release with its latest year cut; the newer one the release as
published with one Dudley figure of an earlier year changed, as DfE's revisions do.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from etl import config
from etl.errors import ETLError

from .helpers import external, run

MORE = config.settings().external_dir / "dfe_more"
DUDLEY = "E08000027"

SOURCES = "c5_children_in_need_referrals_by_source_2014_to_2024.csv"
OLDER = "c5_children_in_need_referrals_by_source_2014_to_2023.csv"
DFE = config.settings().external_dir / "dfe"




def _files(column: str = "Police", old: str | None = None, new: str | None = None
           ) -> tuple[dict[str, str], str, str]:
    """Older (no 2024) and newer files, Dudley's 2023 ``column`` changed in the newer."""
    lines = (MORE / SOURCES).read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    at = next(i for i, line in enumerate(lines) if line.startswith("2023,")
              and f",{DUDLEY}," in line)
    cells = lines[at].split(",")
    was = cells[header.index(column)]
    cells[header.index(column)] = new or str(int(was) + 7)
    if old is not None:
        older_cells = lines[at].split(",")
        older_cells[header.index(column)] = old
        older = [*lines[:at], ",".join(older_cells), *lines[at + 1:]]
    else:
        older = lines
    older = [line for line in older if not line.startswith("2024,")]
    newer = [*lines[:at], ",".join(cells), *lines[at + 1:]]
    return ({OLDER: "\n".join(older) + "\n", SOURCES: "\n".join(newer) + "\n"},
            old or was, cells[header.index(column)])


def _dudley(frame: pd.DataFrame, measure: str, period: str, part: str = "Total"):
    rows = frame[(frame["measure"] == measure) & (frame["area_code"] == DUDLEY)
                 & (frame["period"] == period) & (frame["breakdown_value"] == part)]
    assert len(rows) == 1, (measure, period, part, len(rows))
    return rows.iloc[0]


def test_a_revised_figure_in_a_newer_file_wins_and_is_listed(tmp_path):
    files, was, now = _files()
    official = run(external(tmp_path, files), releases=())
    frame = official.datasets["ees_c5_children_in_need_referrals_by_source"]
    measure = "c5_children_in_need_referrals_by_source_police"
    assert _dudley(frame, measure, "2022-23")["value"] == float(now) != float(was)
    assert official.revisions == 1
    flag = pd.DataFrame(official.flags)
    flag = flag[flag["kind"] == "revision"].iloc[0]
    assert (flag["measure"], flag["area_code"], flag["period"]) == (measure, DUDLEY,
                                                                    "2022-23")
    assert (flag["expected"], flag["published"]) == (float(was), float(now))
    assert f"{was} in {OLDER}, revised to {now} in {SOURCES}" in flag["message"]
    # one figure per measure, area and period, 2012-13 to 2023-24 from the two files
    keys = ["measure", "breakdown", "breakdown_value", "area_code", "period"]
    assert not frame.duplicated(keys).any()
    assert official.releases[SOURCES]["years"] == "2013-14 to 2023-24"
    assert official.releases[OLDER]["years"] == "2013-14 to 2022-23"
    assert {m["measure"]: m for m in official.measures}[measure]["theme"] == \
        "ees_c5_children_in_need_referrals_by_source"


def test_a_revision_of_a_curated_release_is_listed_for_its_count_and_its_share(tmp_path):
    files, _, now = _files()
    official = run(external(tmp_path, files))
    frame = official.datasets["dfe_referral_sources"]
    row = _dudley(frame, "dfe_referral_source_pct", "2022-23", "Police")
    assert row["numerator"] == float(now)
    flags = pd.DataFrame(official.flags)
    revised = flags[flags["kind"] == "revision"]
    assert revised[["measure", "breakdown_value", "period"]].values.tolist() == [
        ["dfe_referral_source_pct", "Police", "2022-23"]]
    assert revised["published"].iloc[0] == row["value"]
    assert official.revisions == 1


def test_a_figure_published_only_later_is_a_revision_too(tmp_path):
    files, _, _ = _files(old="c", new="12")
    official = run(external(tmp_path, files), releases=())
    flags = pd.DataFrame(official.flags)
    revised = flags[flags["kind"] == "revision"]
    assert len(revised) == 1 and "not published in" in revised["message"].iloc[0]
    assert pd.isna(revised["expected"].iloc[0]) and revised["published"].iloc[0] == 12


def test_unchanged_figures_of_an_older_file_are_no_revision(tmp_path):
    lines = (MORE / SOURCES).read_text(encoding="utf-8-sig").splitlines()
    older = [line for line in lines if not line.startswith("2024,")]
    official = run(external(tmp_path, {OLDER: "\n".join(older) + "\n",
                                       SOURCES: "\n".join(lines) + "\n"}), releases=())
    assert official.revisions == 0
    assert official.releases[OLDER]["rows"] > 0


def test_two_copies_of_a_curated_release_with_the_same_years_are_an_error(tmp_path):
    with pytest.raises(ETLError) as err:
        run(external(tmp_path, {SOURCES: MORE / SOURCES, "copy.csv": MORE / SOURCES}))
    assert "copy.csv" in str(err.value) and SOURCES in str(err.value)


def test_the_build_counts_revisions_and_the_report_lists_them(tmp_path, capsys):
    """The whole run: build.json's count, the validation report and the CLI output."""
    from etl.cli import main

    files, was, now = _files()
    folder = external(tmp_path, files)
    for path in DFE.glob("ons_*.csv"):
        (folder / "dfe" / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    assert main(["--quiet", "--external", str(folder), "--out", str(out)]) == 0
    summary = json.loads((out / "current" / "build.json").read_text())
    assert summary["revisions"] == 1
    assert set(summary["releases"][SOURCES]) >= {
        "release", "dataset", "years", "levels", "rows", "measures", "imported_at",
        "curated", "breakdowns"}
    flags = pd.read_parquet(out / "current" / "validation.parquet")
    revised = flags[flags["kind"] == "revision"]
    assert len(revised) == 1
    message = revised["message"].iloc[0]
    share = round(float(now) / float(was) * float(revised["expected"].iloc[0]), 1)
    assert message.startswith("dfe_referral_source_pct (Police) for Dudley, 2022-23: ")
    assert revised["published"].iloc[0] == pytest.approx(share, abs=0.1)
    assert message in (out / "current" / "validation_report.md").read_text()
    assert message in capsys.readouterr().out
    measures = pd.read_parquet(out / "current" / "measures.parquet").set_index("measure")
    assert measures.loc["dfe_referral_source_pct", "release"] == SOURCES
    # every authority (today's and those since merged) with a share of some source
    with open(MORE / SOURCES, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["geographic_level"] == "Local authority"]
    shown = {r["new_la_code"] for r in rows if r["Referrals"].isdigit() and int(
        r["Referrals"]) > 0 and any(r[c].isdigit() for c in ("Police", "Schools", "Other"))}
    assert measures.loc["dfe_referral_source_pct", "authorities"] == len(shown) > 150
