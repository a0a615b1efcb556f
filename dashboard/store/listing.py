"""The catalogue page's lists: each imported official release and each dataset transcribed
from the partnership's annual reports, with their indicators.

A release's entry in build.json (``releases[<file name>]``) may record its title,
dataset, years, geographic levels, rows, measures, breakdowns and import time; what it
leaves out is worked out from the data: its measures from measures.parquet's ``release``
column, else from the rows whose ``source_table`` is the file's name, else (the only
release of its dataset) the dataset's; the rest from those measures' figures.
"""

from __future__ import annotations

import logging

from dashboard.store import catalogue, files
from dashboard.store.series import own_reports

log = logging.getLogger(__name__)


def _indicator(entry: dict) -> dict:
    return {key: entry[key] for key in ("measure", "label", "unit", "authorities",
                                        "dataset", "periods")}


def releases() -> list[dict]:
    """Every imported release the viewer may see, by title: ``file``, ``title``,
    ``dataset``, ``years``, ``levels``, ``rows``, ``imported_at``, ``curated``,
    ``breakdowns`` and its ``indicators`` (measure, label, unit, authorities)."""
    build = files.build_info()
    recorded = build.get("releases") or {}
    lookups = build.get("lookups") or {}
    hidden = files.hidden()
    found = catalogue.summaries()
    entries = {e["measure"]: e for e in catalogue.measures()}
    out = []
    for file, info in recorded.items():
        name = info.get("dataset")
        if name in hidden:
            continue
        ids = [i for i in catalogue.release_measures(file, info) if i in found.index]
        indicators = [_indicator(entries[i]) for i in ids if i in entries]
        levels = sorted({lv for i in ids for lv in found.loc[i, "levels"]})
        breakdowns: dict[str, list[str]] = {}
        for i in ids:
            for key, values in found.loc[i, "breakdowns"].items():
                breakdowns[key] = sorted({*breakdowns.get(key, []), *values})
        rows = info.get("rows")
        if rows is None:
            rows = lookups.get(name) if name in lookups else int(found.loc[ids, "rows"].sum())
        out.append({
            "file": file, "title": info.get("release") or file, "dataset": name,
            "years": info.get("years") or catalogue.years(ids),
            "levels": list(info.get("levels") or levels),
            "rows": rows,
            "imported_at": info.get("imported_at") or build.get("built_at"),
            "curated": info.get("curated"),
            "breakdowns": info.get("breakdowns") or breakdowns,
            "lookup": name in lookups,
            "indicators": indicators,
        })
    return sorted(out, key=lambda r: (r["lookup"], str(r["title"]).lower(), r["file"]))


def reports() -> list[dict]:
    """Each dataset of the partnership's annual reports the viewer may see: ``dataset``,
    ``sources`` (the reports' titles), ``tables``, ``years``, ``rows`` and ``indicators``."""
    build = files.build_info()
    official = {i.get("dataset") for i in (build.get("releases") or {}).values()}
    tables = own_reports(files.tables())
    tables = tables[~tables["dataset"].isin(official)]
    visible = set(catalogue.figure_datasets())
    entries = catalogue.measures()
    out = []
    for name, group in tables.groupby("dataset", sort=True):
        if name not in visible:
            continue
        indicators = [_indicator(e) for e in entries if e["dataset"] == name]
        if not indicators:
            continue
        out.append({
            "dataset": name,
            "sources": list(dict.fromkeys(group.sort_values("source_id")["source_title"])),
            "tables": int(group["source_table"].nunique()),
            "years": catalogue.years([i["measure"] for i in indicators]),
            "rows": int(catalogue.summaries().loc[[i["measure"] for i in indicators],
                                                  "rows"].sum()),
            "indicators": indicators,
        })
    return out
