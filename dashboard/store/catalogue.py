"""The data catalogue and the data API's reads: every imported release, every dataset and
measure with its metadata, and a paged query of the figures.

Everything here is what a page may show the current viewer: restricted datasets they may
not see are left out (``files.hidden()``), report rows are the configured partnership's
own (``series.own_reports``), small-area rows the configured authority's, and a
suppressed figure keeps its ``status`` symbol with no value. What build.json records
about a release is used when it is there (title, years, levels, rows, measures, import
time); what it does not record is worked out from the data itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

import pandas as pd

from dashboard.store import files
from dashboard.store.profile import profile
from dashboard.store.series import own_reports
from dashboard.store.summary import COLUMNS, summarise

log = logging.getLogger(__name__)

# The columns the API serves for each figure: the processed data contract's, less the
# internal source ids, with the dataset first.
FIGURE_COLUMNS = ["dataset", "measure", "breakdown", "breakdown_value", "period",
                  "period_type", "period_start", "period_end", "area_code", "area_name",
                  "geographic_level", "value", "unit", "status", "source"]
LOCAL_MARK = "authority_code"  # a column only datasets built from local records have
SMALL = (1, 5)  # counts from local records shown only as "c"
COUNT_UNITS = ("count",)
DERIVED = "derived"  # the source_table of figures worked out here (rates, say)


class NotFound(LookupError):
    """No such measure or dataset (for this viewer); ``parameter`` says which."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


class BadQuery(ValueError):
    """A query parameter that cannot be used; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Query:
    """What the figures are filtered by: each a tuple of accepted values, empty for any."""

    measure: tuple[str, ...] = ()
    dataset: tuple[str, ...] = ()
    area: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    period: tuple[str, ...] = ()
    breakdown: tuple[str, ...] = ()
    breakdown_value: tuple[str, ...] = ()


def figure_datasets() -> list[str]:
    """The datasets of figures (not lookups) the viewer may see, in build order."""
    hidden = files.hidden()
    return [name for name in files.build_info().get("datasets", {}) if name not in hidden]


def rows(name: str) -> pd.DataFrame:
    """Every row of dataset ``name`` a page may show the viewer (``Restricted`` if hidden)."""
    table = own_reports(files.dataset(name))
    if LOCAL_MARK in table.columns:
        table = table[table[LOCAL_MARK] == profile().code]
        table = _guarded(name, table)
    return table


def _guarded(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """Local records' small counts as ``c``, should the ETL ever let one through."""
    small = table["unit"].isin(COUNT_UNITS) & table["value"].between(*SMALL)
    if not small.any():
        return table
    log.error("%s: %d count(s) of %d to %d were not suppressed; served as c", name,
              int(small.sum()), *SMALL)
    out = table.copy()
    out.loc[small, "value"] = None
    out.loc[small, "status"] = "c"
    return out


@lru_cache(maxsize=8)
def _summaries(version: tuple) -> pd.DataFrame:
    """Per visible measure: its dataset, periods, levels, breakdowns, authorities, source
    tables (release file stems) and rows."""
    parts = []
    for name in figure_datasets():
        try:
            table = rows(name)
        except files.DataUnavailable as err:
            log.warning("catalogue: %s left out: %s", name, err)
            continue
        parts.append(table[[c for c in COLUMNS if c in table.columns]].assign(dataset=name))
    found = summarise(None, pd.concat(parts, ignore_index=True)) if parts else []
    return pd.DataFrame(found, columns=["measure", "dataset", "periods", "first", "last", "levels",
                                        "breakdowns", "authorities", "tables", "rows"])


def years(measure_ids: list[str]) -> str | None:
    """The years some measures cover, ``2012-13 to 2023-24``, from their single periods."""
    found = summaries()
    ids = [i for i in measure_ids if i in found.index]
    if not ids:
        return None
    first = min(found.loc[i, "first"] for i in ids)[1]
    last = max(found.loc[i, "last"] for i in ids)[1]
    return first if first == last else f"{first} to {last}"


def summaries() -> pd.DataFrame:
    """``_summaries`` for this version of the data and this viewer, indexed by measure."""
    found = _summaries(files.version())
    return found.drop_duplicates("measure").set_index("measure", drop=False)


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, list | dict) and pd.isna(value)) \
        else value


def release_files() -> dict[str, str]:
    """Measure id → the release file it came from, when its rows name the file's table
    (``source_table`` is the file's name), and for a rate worked out here (``derived``)
    the release of the measure it is worked out from (whose id begins its own), else the
    one release of its dataset."""
    found = summaries()
    recorded = files.build_info().get("releases") or {}
    by_stem = {PurePath(f).stem: f for f in recorded}
    of_dataset: dict[str, list[str]] = {}
    for file, info in recorded.items():
        of_dataset.setdefault(info.get("dataset"), []).append(file)
    out = {}
    for measure_id, tables in found["tables"].items():
        hit = [by_stem[t] for t in tables if t in by_stem]
        if hit:
            out[measure_id] = hit[0]
    for measure_id, tables in found["tables"].items():
        if measure_id in out or DERIVED not in tables:
            continue
        bases = [b for b in out if measure_id.startswith(f"{b}_")
                 and found.loc[b, "dataset"] == found.loc[measure_id, "dataset"]]
        only = of_dataset.get(found.loc[measure_id, "dataset"], [])
        if bases:
            out[measure_id] = out[max(bases, key=len)]
        elif len(only) == 1:
            out[measure_id] = only[0]
    return out


def release_measures(file: str, info: dict) -> list[str]:
    """The ids of the measures release ``file`` gave (and the rates worked out from them):
    as its build.json entry or measures.parquet's ``release`` column says, else those of
    its dataset whose rows name the file's table (``release_files``), else, when it is the
    only release of its dataset, the dataset's."""
    meta = files.measures()
    if info.get("measures") is not None:
        return [i for i in info["measures"] if i in meta.index]
    if "release" in meta.columns and (meta["release"] == file).any():
        return meta.loc[meta["release"] == file, "measure"].tolist()
    found = summaries()
    dataset = info.get("dataset")
    ids = [m for m, f in release_files().items() if f == file and m in found.index
           and found.loc[m, "dataset"] == dataset]
    recorded = (files.build_info().get("releases") or {}).values()
    if not ids and sum(i.get("dataset") == dataset for i in recorded) == 1:
        ids = found[found["dataset"] == dataset].index.tolist()
    return ids


def measures() -> list[dict]:
    """Every measure the viewer may see, with its metadata and what the data holds of it:
    label, description, unit, decimals, polarity, theme, dataset, release (the file it
    was imported from, for an official one), periods, levels, breakdowns, authorities
    (how many local authorities have a figure) and rows."""
    return [dict(entry) for entry in _measures(files.version())]


@lru_cache(maxsize=8)
def _measures(version: tuple) -> tuple[dict, ...]:
    meta = files.measures()
    found = summaries()
    derived = release_files()
    recorded = "release" in meta.columns
    out = []
    for measure_id, summary in found.iterrows():
        row = meta.loc[measure_id] if measure_id in meta.index else pd.Series(dtype=object)
        release = _text(row.get("release")) if recorded else derived.get(measure_id)
        counted = _text(row.get("authorities"))
        decimals = _text(row.get("decimals"))
        out.append({
            "measure": measure_id,
            "label": _text(row.get("label")) or measure_id,
            "description": _text(row.get("description")),
            "unit": _text(row.get("unit")),
            "decimals": None if decimals is None else int(decimals),
            "polarity": _text(row.get("polarity")),
            "theme": _text(row.get("theme")),
            "dataset": summary["dataset"],
            "release": release,
            "periods": summary["periods"],
            "first_period": summary["periods"][0] if summary["periods"] else None,
            "last_period": summary["periods"][-1] if summary["periods"] else None,
            "levels": summary["levels"],
            "breakdowns": summary["breakdowns"],
            "authorities": int(counted) if counted is not None else summary["authorities"],
            "rows": int(summary["rows"]),
        })
    return tuple(out)


def measure(measure_id: str) -> dict:
    """One measure's metadata (as ``measures()``); ``Restricted`` when the viewer may not
    see its dataset, ``NotFound`` when there is no such measure."""
    for entry in measures():
        if entry["measure"] == measure_id:
            return entry
    _refuse_hidden(measure=measure_id)
    raise NotFound("measure", f"there is no measure {measure_id!r}")


def _refuse_hidden(measure: str | None = None, dataset: str | None = None) -> None:
    """Raise ``Restricted`` when the measure or dataset is in a dataset hidden from the
    viewer (the pages say the same: not published yet, sign in)."""
    hidden = files.hidden()
    if dataset is not None and dataset in hidden:
        raise files.Restricted(dataset)
    if measure is not None and hidden:
        table = files.measures()
        column = "dataset" if "dataset" in table.columns else "theme"
        if measure in table.index and table.loc[measure, column] in hidden:
            raise files.Restricted(str(table.loc[measure, column]))


def datasets() -> list[dict]:
    """Every dataset of figures the viewer may see: its kind (``official`` release,
    ``report`` tables, ``local`` records), releases, measures, periods, levels and rows."""
    releases = files.build_info().get("releases") or {}
    from_release = {info.get("dataset") for info in releases.values()}
    reported = set(files.tables()["dataset"])
    found = summaries()
    out = []
    for name in figure_datasets():
        mine = found[found["dataset"] == name]
        periods = [p for ps in mine["periods"] for p in ps]
        kind = ("official" if name in from_release else
                "report" if name in reported else "local")
        out.append({
            "dataset": name, "kind": kind,
            "releases": sorted(f for f, info in releases.items() if info.get("dataset") == name),
            "measures": mine["measure"].tolist(),
            "periods": list(dict.fromkeys(periods)),
            "levels": sorted({lv for lvs in mine["levels"] for lv in lvs}),
            "rows": int(mine["rows"].sum()),
        })
    return out


def _pick(table: pd.DataFrame, column: str, wanted: tuple[str, ...]) -> pd.DataFrame:
    return table[table[column].isin(wanted)] if wanted else table


def figures(query: Query, limit: int, offset: int) -> tuple[pd.DataFrame, int]:
    """One page of the figures matching ``query`` (``FIGURE_COLUMNS``, in a stable order)
    and how many match in all. Needs a measure or a dataset; ``NotFound`` for one the
    data does not have, ``Restricted`` for one the viewer may not see."""
    if not (query.measure or query.dataset):
        raise BadQuery("measure", "give a measure (or a dataset) to read figures of")
    known = summaries()
    names = list(query.dataset)
    for name in query.dataset:
        if name not in figure_datasets():
            _refuse_hidden(dataset=name)
            raise NotFound("dataset", f"there is no dataset {name!r}")
    for measure_id in query.measure:
        if measure_id not in known.index:
            _refuse_hidden(measure=measure_id)
            raise NotFound("measure", f"there is no measure {measure_id!r}")
        names.append(known.loc[measure_id, "dataset"])
    parts = []
    for name in dict.fromkeys(names):
        table = _pick(rows(name), "measure", query.measure)
        for column in ("area_code", "geographic_level", "period", "breakdown",
                       "breakdown_value"):
            table = _pick(table, column, getattr(query, _FILTERS[column]))
        if not table.empty:
            parts.append(table.assign(dataset=name)[FIGURE_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=FIGURE_COLUMNS), 0
    found = pd.concat(parts, ignore_index=True).sort_values(
        ["dataset", "measure", "area_code", "breakdown", "breakdown_value", "period_start",
         "period"], kind="stable", na_position="first")
    return found.iloc[offset:offset + limit].reset_index(drop=True), len(found)


_FILTERS = {"area_code": "area", "geographic_level": "level", "period": "period",
            "breakdown": "breakdown", "breakdown_value": "breakdown_value"}
