"""read (manifest) → validate → tidy → derive → check → write, as plain functions.

``build`` does everything up to the write, in memory; ``run`` hands its result to
``etl.outputs.write_build``, which checks every frame against ``etl/schema.py`` and then
writes them all as a new version of the output folder, switched to in one step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from etl import config
from etl.errors import ETLError, Problem
from etl.geo.authorities import from_lookup, load_authorities
from etl.geo.authorities import lookup as authorities_lookup
from etl.geo.districts import FILE as BOUNDARY_FILE
from etl.geo.districts import import_boundaries
from etl.io.versions import holder
from etl.official.importer import Official, import_releases, release_files
from etl.official.measures import with_release_columns
from etl.outputs import Build, write_build
from etl.profile import UnknownAuthority, resolve
from etl.reports.checks import load_checks, validate
from etl.reports.derive import derive
from etl.reports.registry import load_manifests, load_registry, load_restricted
from etl.reports.tidy import tidy_table
from etl.schema import CONTRACT_COLUMNS, FLAG_COLUMNS
from etl.smallareas.build import SmallAreas, build_small_areas, ready_authorities

Progress = Callable[[int, int, str], None]

_STRING_COLUMNS = [c for c in CONTRACT_COLUMNS
                   if c not in ("value", "period_start", "period_end")]


def _contract(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[CONTRACT_COLUMNS].copy()
    for column in _STRING_COLUMNS:
        out[column] = out[column].astype("string")
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).dt.date
    out["value"] = out["value"].astype("float64")
    return out.sort_values(["measure", "breakdown", "breakdown_value", "area_code",
                            "period_start", "period_end"], kind="stable").reset_index(drop=True)


def build(raw: Path, progress: Progress | None = None, external: Path | None = None,
          authority: str | None = None) -> Build:
    """Read and check every table under ``raw``; raise ``ETLError`` listing every problem.

    With ``external``, the official releases in ``external/dfe`` are imported
    too (a missing folder is a note, not an error).
    """
    registry = load_registry(raw)
    specs = load_manifests(raw, registry)
    checks = load_checks(raw / "checks.csv")
    restricted = load_restricted(raw / "restricted.csv")
    total = len(specs) + (len(release_files(external)) if external is not None else 0)
    with_map = external is not None and (external / BOUNDARY_FILE).is_file()
    total += with_map
    mapped = ready_authorities(raw, external) if external is not None else []
    total += len(mapped)
    frames, problems = [], []
    for index, spec in enumerate(specs, start=1):
        label = f"{spec.source_id}/{spec.path.name} → {spec.dataset}"
        try:
            frame = tidy_table(spec, registry)
        except ETLError as err:
            problems.extend(err.problems)
            label += f"  FAILED ({len(err.problems)} problem(s))"
        else:
            frames.append(frame)
            label += f"  {len(frame)} figures"
        if progress:
            progress(index, total, label)
    official, boundaries, small = Official(), {}, SmallAreas()
    if external is not None:
        def shifted(i: int, n: int, text: str) -> None:
            if progress:
                progress(len(specs) + i, total, text)
        try:
            official = import_releases(external, registry, raw / "measures.csv", shifted)
        except ETLError as err:
            problems.extend(err.problems)
        try:
            geo = import_boundaries(external)
        except ETLError as err:
            problems.extend(err.problems)
        else:
            official.lookups.update(geo.lookups)
            official.notes.extend(geo.notes)
            boundaries = geo.summary
            if with_map and progress:
                progress(total - len(mapped), total, f"{BOUNDARY_FILE.as_posix()} → geo_lad  "
                         f"{geo.summary['districts']} districts")
    try:
        configured = load_authorities(raw)
    except ETLError as err:
        problems.extend(err.problems)
        configured = {}
    official.lookups["authorities"] = authorities_lookup(
        official.datasets, official.lookups, configured, registry.sources)
    code = authority or config.settings().authority
    mine = from_lookup(code, official.lookups["authorities"])
    extra = {code: mine} if mine is not None and code not in configured else {}
    if external is not None:
        if extra and code in ready_authorities(raw, external, extra) and code not in mapped:
            mapped.append(code)
            total += 1
        try:
            small = build_small_areas(raw, external, extra=extra)
        except ETLError as err:
            problems.extend(err.problems)
        else:
            for i, (mapped_code, info) in enumerate(small.summary.items(), start=1):
                if progress:
                    progress(total - len(mapped) + i, total,
                             f"small areas {mapped_code} → smallarea, geo  {info['lsoas']} "
                             f"LSOAs, {info['wards']} wards, {info['source']}")
            if small.frames:
                official.datasets["smallarea"] = pd.concat(small.frames, ignore_index=True)
            official.notes.extend(small.notes)
    try:
        resolve(code, official.lookups["authorities"])
    except UnknownAuthority as err:
        problems.append(Problem(config.settings().authority_from if authority is None
                                else "authority", str(err)))
    if problems:
        raise ETLError(problems)
    data = pd.concat(frames, ignore_index=True)
    for dataset, measures in data.groupby("dataset")["measure"].unique().items():
        for m in measures:
            theme = registry.measures[m].theme
            if theme != dataset:
                rows = data[(data["dataset"] == dataset) & (data["measure"] == m)]
                first = rows.iloc[0]
                problems.append(Problem(f"{raw / 'reports' / first['source_id']}/{first['file']}",
                                        f"measure {m} has theme '{theme}' in measures.csv but "
                                        f"the manifest puts this table in dataset '{dataset}'",
                                        int(first["row"]), "measure"))
    if problems:
        raise ETLError(problems)
    data = derive(data, registry.measures)
    data, flags = validate(data, checks)

    datasets = {name: _contract(frame) for name, frame in data.groupby("dataset")}
    datasets.update(official.datasets)
    usage = pd.concat([data[["dataset", "measure", "period_start", "period_end", "value"]],
                       *(frame.assign(dataset=name)[["dataset", "measure", "period_start",
                                                     "period_end", "value"]]
                         for name, frame in official.datasets.items())], ignore_index=True)
    used = usage.groupby("measure").agg(dataset=("dataset", "first"),
                                        first_period=("period_start", "min"),
                                        last_period=("period_end", "max"),
                                        figures=("value", "size"))
    measures = pd.DataFrame([vars(m) for m in registry.measures.values()]
                            + official.measures).merge(
        used, left_on="measure", right_index=True, how="inner")
    measures = with_release_columns(measures, datasets, official.measure_release)
    for column in ("first_period", "last_period"):
        measures[column] = pd.to_datetime(measures[column]).dt.date
    tables = pd.DataFrame([{
        "dataset": s.dataset, "source_id": s.source_id,
        "source_title": registry.sources[s.source_id].title,
        "source_table": s.source_table, "file": f"{s.source_id}/{s.path.name}",
        "unit": s.unit, "period_type": s.period_type, "area": s.area, "notes": s.notes,
    } for s in specs] + official.tables)
    for name, row in restricted.items():  # official datasets may be named before import
        if name not in datasets and name not in official.lookups and \
                not name.startswith("dfe_"):
            problems.append(Problem(raw / "restricted.csv", f"no table or release makes "
                                    f"dataset '{name}'", row, "dataset"))
    if problems:
        raise ETLError(problems)
    if official.flags:
        flags = pd.concat([flags, pd.DataFrame.from_records(official.flags,
                                                            columns=FLAG_COLUMNS)],
                          ignore_index=True)
    return Build(datasets, measures.reset_index(drop=True), tables, flags, official.lookups,
                 official.notes, official.releases, boundaries, geo=small.geo,
                 small_areas=small.summary, restricted=sorted(restricted),
                 skipped=official.skipped, revisions=official.revisions)


def run(raw: Path, out: Path, progress: Progress | None = None,
        external: Path | None = None) -> tuple[dict, pd.DataFrame]:
    """Build from ``raw`` (and the releases in ``external``) and write it as the current
    version of ``out`` (read it from ``etl.io.versions.current(out)``).

    On any error nothing readers see in ``out`` changes.
    """
    held = holder(out)
    if held is not None:  # a build is never changed once written: its folder is no output
        raise ETLError([Problem(out, f"is one build of the processed folder {held}, which "
                                "never changes once written: write to that folder instead "
                                "(--out or SAFEGUARDING_PROCESSED_DIR)")])
    result = build(raw, progress, external)
    return write_build(result, out), result.flags
