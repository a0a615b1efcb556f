"""What one dataset's rows hold of each measure (its periods, levels, breakdowns, how many
authorities have it, the tables it came from, its rows): a pure function of the frame,
grouped whole-column at a time (a loop over each measure's rows took seconds)."""

from __future__ import annotations

import logging
from collections import defaultdict

import pandas as pd

from etl.config import TOTAL

log = logging.getLogger(__name__)

AUTHORITY_LEVEL = "local_authority"
SPANS = ("_average", "_span")  # period types over several years
COLUMNS = ["dataset", "measure", "period", "period_type", "period_start", "period_end",
           "geographic_level", "area_code", "breakdown", "breakdown_value", "source_table"]


def _date(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _lists(frame: pd.DataFrame, column: str) -> dict[str, list]:
    """Each measure's distinct values of ``column``, in the frame's order."""
    pairs = frame[["measure", column]].dropna().drop_duplicates()
    out: dict[str, list] = defaultdict(list)
    for measure, value in pairs.itertuples(index=False, name=None):
        out[measure].append(value)
    return out


def summarise(name: str | None, table: pd.DataFrame) -> list[dict]:
    """One dict per measure of dataset ``name`` (or, without it, of the dataset in each
    row's ``dataset`` column, several datasets' rows summarised at once: far quicker than
    one by one), in the order the measures first appear."""
    present = [c for c in COLUMNS if c in table.columns]
    frame = table[present].copy()
    if name is not None:
        frame["dataset"] = name
    if "source_table" not in frame.columns:
        frame["source_table"] = None
    frame = frame.sort_values(["period_start"], kind="stable", na_position="first")
    order = list(dict.fromkeys(table["measure"].astype(object)))
    dataset = frame.drop_duplicates("measure").set_index("measure")["dataset"]
    rows = frame.groupby("measure", sort=False).size()
    periods = _lists(frame, "period")
    levels = _lists(frame, "geographic_level")
    tables = _lists(frame, "source_table")
    las = frame[frame["geographic_level"] == AUTHORITY_LEVEL].groupby("measure")[
        "area_code"].nunique()
    single = frame[~frame["period_type"].astype(str).str.endswith(SPANS)]
    single = pd.concat([single, frame[~frame["measure"].isin(set(single["measure"]))]])
    firsts = single.drop_duplicates("measure", keep="first").set_index("measure")
    lasts = single.sort_values("period_end", kind="stable", na_position="first") \
        .drop_duplicates("measure", keep="last").set_index("measure")
    split = frame.loc[frame["breakdown_value"] != TOTAL, ["measure", "breakdown",
                                                           "breakdown_value"]]
    breakdowns: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for measure, key, value in split.drop_duplicates().itertuples(index=False, name=None):
        breakdowns[measure][str(key)].add(str(value))
    return [{
        "measure": m, "dataset": dataset[m],
        "periods": [str(p) for p in periods[m]],
        "first": (_date(firsts.at[m, "period_start"]), str(firsts.at[m, "period"])),
        "last": (_date(lasts.at[m, "period_end"]), str(lasts.at[m, "period"])),
        "levels": sorted(levels[m]),
        "breakdowns": {k: sorted(v) for k, v in sorted(breakdowns[m].items())},
        "authorities": int(las.get(m, 0)),
        "tables": sorted(tables[m]),
        "rows": int(rows[m]),
    } for m in order]
