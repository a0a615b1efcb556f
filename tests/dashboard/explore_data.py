"""A copy of the session's processed data with one more release in it, imported the way the
generic EES importer writes one (``ees_<slug>`` dataset, measures with a breakdown, a
``build.json`` release entry with its measures and breakdowns): the real DfE file of child
protection plans by length (d5) read into the tidy layout, so the explorer's breakdowns,
symbols and intervals are tested on published figures. The counts have their total
too (the shares none). The shares come with their
numerator and denominator but no interval, as the generic importer gives them; a third
measure keeps only the release's England and regional rows.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

DATASET = "ees_cpps_by_length"
COUNT, SHARE, REGIONS_ONLY = ("ees_cpps_by_length", "ees_cpps_by_length_percent",
                              "ees_cpps_by_length_regions_percent")
BREAKDOWN = "length_of_plan"
LENGTHS = ["3_months_or_less", "more_than_3_months_6_months",
           "more_than_6_months_less_than_1_year", "1_year_less_than_2_years", "2_years_or_more"]
LEVELS = {"National": "national", "Regional": "regional", "Local authority": "local_authority"}
SYMBOLS = ("c", "k", "u", "x", "z", "low")


def _figures(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Values as numbers, and the GSS symbol where a cell holds one."""
    text = column.astype(str).str.strip()
    status = text.where(text.isin(SYMBOLS))
    return pd.to_numeric(text.where(~text.isin(SYMBOLS)), errors="coerce"), status


def tidy(csv: Path) -> pd.DataFrame:
    """The file's plans by length, one row per area, year, measure and length."""
    raw = pd.read_csv(csv, dtype=str, encoding="utf-8-sig")
    raw = raw[raw["geographic_level"].isin(LEVELS)]
    level = raw["geographic_level"].map(LEVELS)
    code = np.where(level == "national", raw["country_code"],
                    np.where(level == "regional", raw["region_code"], raw["new_la_code"]))
    name = np.where(level == "national", raw["country_name"],
                    np.where(level == "regional", raw["region_name"], raw["la_name"]))
    end = [dt.date(int(year[:4]), 3, 31) for year in raw["time_period"]]
    base = pd.DataFrame({"period": [d.isoformat() for d in end], "period_type": "snapshot",
                         "period_start": end, "period_end": end, "area_code": code,
                         "area_name": name, "geographic_level": level.to_numpy(),
                         "source": f"Characteristics of children in need (DfE): {csv.name}",
                         "source_id": "dfe_children_in_need", "source_table": csv.stem,
                         "old_la_code": raw["old_la_code"].to_numpy(),
                         "region_code": raw["region_code"].to_numpy()})
    total, total_status = _figures(raw["CPP_At31"])
    parts = [base.assign(measure=COUNT, breakdown="Total", breakdown_value="Total",
                         unit="count", value=total.to_numpy(), status=total_status.to_numpy(),
                         numerator=np.nan, denominator=np.nan)]
    for length in LENGTHS:
        count, count_status = _figures(raw[length])
        share, share_status = _figures(raw[f"{length}_percent"])
        for measure, unit, value, status in ((COUNT, "count", count, count_status),
                                             (SHARE, "percent", share, share_status)):
            parts.append(base.assign(
                measure=measure, breakdown=BREAKDOWN, breakdown_value=length, unit=unit,
                value=value.to_numpy(), status=status.to_numpy(),
                numerator=count.to_numpy() if unit == "percent" else np.nan,
                denominator=total.to_numpy() if unit == "percent" else np.nan))
    rows = pd.concat(parts, ignore_index=True)
    regions = rows[(rows["measure"] == SHARE) & (rows["geographic_level"] != "local_authority")]
    rows = pd.concat([rows, regions.assign(measure=REGIONS_ONLY)], ignore_index=True)
    return rows.sort_values(["measure", "area_code", "period_start"]).reset_index(drop=True)


MEASURES = [
    (COUNT, "Child protection plans by length", "count", 0),
    (SHARE, "Share of child protection plans by length", "percent", 1),
    (REGIONS_ONLY, "Share of plans by length, England and regions", "percent", 1),
]


def add_release(processed: Path, external: Path, out: Path) -> Path:
    """``out``: a copy of the ``processed`` version with the d5 file imported as above."""
    csv = next((external / "dfe").glob("d5_cpps_at31march_by_duration_*.csv"))
    shutil.copytree(processed, out, symlinks=False)
    rows = tidy(csv)
    rows.to_parquet(out / f"{DATASET}.parquet", index=False)
    measures = pd.read_parquet(out / "measures.parquet")
    extra = pd.DataFrame([{
        "measure": m, "label": label, "description": label, "unit": unit,
        "polarity": "neutral", "theme": DATASET, "decimals": places, "dataset": DATASET,
        "first_period": rows["period_start"].min(), "last_period": rows["period_end"].max(),
        "figures": int((rows["measure"] == m).sum())} for m, label, unit, places in MEASURES])
    pd.concat([measures, extra], ignore_index=True).to_parquet(out / "measures.parquet",
                                                               index=False)
    build = json.loads((out / "build.json").read_text(encoding="utf-8"))
    build["releases"][f"copy_of_{csv.name}"] = {
        "release": "Plans by length (test import)", "dataset": DATASET,
        "years": "2013 to 2024", "levels": sorted(rows["geographic_level"].unique()),
        "rows": len(rows), "measures": [m for m, *_ in MEASURES],
        "imported_at": "2026-01-01T00:00:00Z", "curated": False,
        "breakdowns": {BREAKDOWN: LENGTHS}}
    (out / "build.json").write_text(json.dumps(build), encoding="utf-8")
    return out
