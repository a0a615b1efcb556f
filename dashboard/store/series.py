"""Rows for charts: one dataset's measures for the compared areas, each marked with its role.

Report datasets hold the tables of every partnership's annual reports; a chart only ever
sees the rows of reports that belong to the configured authority, so no page shows one
authority's report figures as another's. Each row gets ``role``: ``authority``, ``region``,
``england`` or ``neighbours`` for the compared areas (styles follow the role, not the
name), blank otherwise.
"""

from __future__ import annotations

import pandas as pd

from dashboard.store import files
from dashboard.store.profile import profile, report_sources
from etl.config import TOTAL


def own_reports(rows: pd.DataFrame) -> pd.DataFrame:
    """Drop rows from annual reports that belong to another authority."""
    if "source_id" not in rows.columns or rows.empty:
        return rows
    foreign = report_sources() - set(profile().sources)
    return rows[~rows["source_id"].isin(foreign)] if foreign else rows


def with_roles(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with ``role`` (and the authority's rows under a former code renamed)."""
    me = profile()
    out = rows.copy()
    out["role"] = [me.role(code) or "" for code in out["area_code"]]
    if me.former_codes and not out.empty:
        old = out["area_code"].isin(me.former_codes)
        out.loc[old, "area_name"] = me.name
    return out


def areas_of(codes: list[str] | None) -> list[str] | None:
    """The codes to select: the authority's former codes go with its current one."""
    if codes is None:
        return None
    me = profile()
    extra = list(me.former_codes) if me.code in codes else []
    return [*codes, *extra]


def select(name: str, measure_ids: str | list[str], *, areas: list[str] | None = None,
           breakdown: str | None = TOTAL, periods: str = "single") -> pd.DataFrame:
    """Rows of dataset ``name`` for some measures, from this partnership's reports only.

    ``breakdown``: ``"Total"`` for headline rows, a breakdown name for its values
    (without the Total), or ``None`` for everything. ``periods``: ``"single"``
    keeps one-year and snapshot periods (no spans or averages), ``"all"`` keeps all.
    ``areas``: area codes (the authority's former codes are added to its own).
    """
    df = own_reports(files.dataset(name))
    ids = [measure_ids] if isinstance(measure_ids, str) else list(measure_ids)
    rows = df[df["measure"].isin(ids)]
    if breakdown == TOTAL:
        rows = rows[rows["breakdown_value"] == TOTAL]
    elif breakdown is not None:
        rows = rows[(rows["breakdown"] == breakdown) & (rows["breakdown_value"] != TOTAL)]
    wanted = areas_of(areas)
    if wanted is not None:
        rows = rows[rows["area_code"].isin(wanted)]
    if periods == "single":
        rows = rows[~rows["period_type"].str.endswith(("_average", "_span"))]
    rows = rows.sort_values(["measure", "area_code", "period_start"]).reset_index(drop=True)
    return with_roles(rows)


def table_notes(rows: pd.DataFrame, dataset: str | None = None) -> list[str]:
    """The notes written for the report tables behind ``rows`` (the ``notes`` column of
    each report's manifest.csv), once each, in the order of the rows. ``dataset`` keeps
    the notes of that dataset's tables only (one printed table can feed two datasets)."""
    if rows.empty or "source_table" not in rows.columns:
        return []
    tables = files.tables()
    if dataset is not None:
        tables = tables[tables["dataset"] == dataset]
    keys = ["source_id", "source_table"]
    wanted = rows[keys].drop_duplicates()
    found = wanted.merge(tables[[*keys, "notes"]], on=keys, how="inner")
    notes = [n for n in found["notes"].dropna().astype(str) if n.strip()]
    return list(dict.fromkeys(notes))


def has_reports(name: str) -> bool:
    """Whether this partnership's reports give any figures in dataset ``name``; raises
    ``DataUnavailable`` when the data cannot be read (so a page can say why)."""
    try:
        rows = files.dataset(name)
    except files.DataUnavailable:
        if name in files.build_info().get("datasets", {}):
            raise  # built, but missing, damaged or restricted now
        return False  # no report on this theme has been transcribed at all
    return not own_reports(rows).empty


def year_ending_march(frame: pd.DataFrame) -> pd.DataFrame:
    """Relabel 31 March snapshots as the year they close (2012-03-31 → 2011-12),
    so counts at year end line up with counts during the year."""
    out = frame.copy()
    snap = out["period_type"] == "snapshot"
    ends = pd.to_datetime(out.loc[snap, "period_end"])
    march = (ends.dt.month == 3) & (ends.dt.day == 31)
    idx = ends[march].index
    out.loc[idx, "period"] = [f"{d.year - 1}-{d.year % 100:02d}" for d in ends[march]]
    return out
