"""read (manifest) → validate → tidy → derive → check → write, as plain functions.

The work is split into stages (``etl.fingerprint.STAGES``): the report tables, the
official releases, the district boundaries and the small areas. ``build`` runs each
(or takes a stage's result from ``cached``, what an earlier build gave for the same
inputs), then joins them: the authorities' lookup, the measures, the tables and the
flags. ``run`` hands the result to ``etl.outputs.write_build``, which checks every new
frame against ``etl/schema.py`` (a check begun on the stages' frames while they are
joined) and writes them all as a new version of the output folder, switched to in one
step; ``run(..., incremental=True)`` rebuilds only the
stages whose fingerprints changed (``etl.fingerprint``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl import config, fingerprint
from etl.errors import ETLError, Problem
from etl.geo.authorities import from_lookup, load_authorities
from etl.geo.authorities import lookup as authorities_lookup
from etl.geo.districts import FILE as BOUNDARY_FILE
from etl.geo.districts import Boundaries, import_boundaries
from etl.io import forked
from etl.io import stages as kept
from etl.io.versions import current, holder
from etl.official.importer import Official, import_releases, release_files
from etl.official.measures import with_release_columns
from etl.outputs import Build, ContractCheck, files_of, stage_files, write_build
from etl.profile import UnknownAuthority, resolve
from etl.reports.checks import load_checks, validate
from etl.reports.derive import derive
from etl.reports.registry import load_manifests, load_registry, load_restricted
from etl.reports.tidy import tidy_table
from etl.schema import CONTRACT_COLUMNS, FLAG_COLUMNS
from etl.smallareas.build import SmallAreas, build_small_areas, ready_authorities

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

_STRING_COLUMNS = [c for c in CONTRACT_COLUMNS
                   if c not in ("value", "period_start", "period_end")]
_USAGE = ["dataset", "measure", "period_start", "period_end", "value"]


def _contract(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[CONTRACT_COLUMNS].copy()
    for column in _STRING_COLUMNS:
        out[column] = out[column].astype("string")
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).dt.date
    out["value"] = out["value"].astype("float64")
    return out.sort_values(["measure", "breakdown", "breakdown_value", "area_code",
                            "period_start", "period_end"], kind="stable").reset_index(drop=True)


@dataclass
class Reports:
    """What the report tables give: their datasets, flags, table rows and measure usage."""

    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)
    flags: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLAG_COLUMNS))
    tables: list[dict] = field(default_factory=list)
    usage: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_USAGE))


def build_reports(raw: Path, registry, specs, checks, progress: Progress | None = None
                  ) -> Reports:
    """Every report table tidied, derived and checked; ``ETLError`` listing every problem.
    ``progress`` gets (i, len(specs), label) per table."""
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
            progress(index, len(specs), label)
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
    tables = [{
        "dataset": s.dataset, "source_id": s.source_id,
        "source_title": registry.sources[s.source_id].title,
        "source_table": s.source_table, "file": f"{s.source_id}/{s.path.name}",
        "unit": s.unit, "period_type": s.period_type, "area": s.area, "notes": s.notes,
    } for s in specs]
    return Reports({name: _contract(frame) for name, frame in data.groupby("dataset")},
                   flags, tables, data[_USAGE].reset_index(drop=True))


class _Steps:
    """Numbered progress over the stages that run (a reused stage is one step)."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def at(self, offset: int) -> Progress:
        def step(i: int, _n: int, text: str) -> None:
            if self.progress:
                self.progress(offset + i, self.total, text)
        return step

    def reused(self, index: int, stage: str, version: str) -> None:
        if self.progress:
            self.progress(index, self.total, f"{stage}: reused from version {version}")


def build(raw: Path, progress: Progress | None = None, external: Path | None = None,
          authority: str | None = None, cached: dict | None = None,
          cached_from: str = "", started: Callable[[dict], None] | None = None) -> Build:
    """Read and check every table under ``raw``; raise ``ETLError`` listing every problem.

    With ``external``, the official releases in ``external/dfe`` are imported
    too (a missing folder is a note, not an error). ``cached`` maps a stage's name to
    the result an earlier build (version ``cached_from``) gave it: that stage is not run.
    ``started``, when given, gets the frames the stages made (file name → frame; none of a
    stage taken from ``cached``) as soon as they are all in, before they are joined: the
    contract check (``etl.outputs.ContractCheck.add``) begins on them meanwhile.
    """
    cached = cached or {}
    registry = load_registry(raw)
    specs = load_manifests(raw, registry)
    checks = load_checks(raw / "checks.csv")
    restricted = load_restricted(raw / "restricted.csv")
    sizes = {"reports": len(specs)}
    if external is not None:
        sizes["releases"] = len(release_files(external))
        sizes["boundaries"] = int((external / BOUNDARY_FILE).is_file())
        mapped = ready_authorities(raw, external)
        sizes["smallareas"] = len(mapped)
    sizes = {s: (1 if s in cached else n) for s, n in sizes.items()}
    settings = config.settings()
    # side by side only when the releases, the longest stage, are imported here meanwhile
    side = forked.Side((settings.etl_processes or forked.default_processes())
                       if external is not None and "releases" not in cached else 1)
    steps = _Steps(progress, sum(sizes.values()))
    offsets, at = {}, 0
    # numbered in the order they are reported: side by side, the releases (imported
    # here) come first, then the others' results as they are taken
    order = ["releases", "reports"] if side.forking else ["reports", "releases"]
    for stage in sorted(sizes, key=lambda s: order.index(s) if s in order else len(order)):
        offsets[stage], at = at, at + sizes[stage]
    problems: list[Problem] = []
    results: dict[str, object] = {}
    code = authority or settings.authority
    try:
        configured, configured_problems = load_authorities(raw), []
    except ETLError as err:
        configured, configured_problems = {}, err.problems
    # the small areas need the lookups only for an authority authorities.csv does not list
    independent = code in configured
    with side:
        def start(name: str, make: Callable[[Progress], object],
                  here: bool = False) -> Callable[[], object]:
            if name in cached:
                steps.reused(offsets[name] + 1, name, cached_from)
                return lambda: cached[name]
            progress_here = steps.at(offsets[name])
            return (lambda: make(progress_here)) if here else \
                side.run(name, make, progress_here)

        def finish(name: str, take: Callable[[], object], empty: object) -> object:
            try:
                results[name] = take()
            except ETLError as err:
                problems.extend(err.problems)
                return empty
            return results[name]

        def boundaries(progress: Progress) -> Boundaries:
            found = import_boundaries(external)
            if sizes["boundaries"]:
                progress(1, 1, f"{BOUNDARY_FILE.as_posix()} → geo_lad  "
                               f"{found.summary['districts']} districts")
            return found

        def small_areas(extra: dict) -> Callable[[Progress], SmallAreas]:
            def make(progress: Progress) -> SmallAreas:
                found = build_small_areas(raw, external, extra=extra)
                for i, (mapped_code, info) in enumerate(found.summary.items(), start=1):
                    progress(i, len(found.summary), f"small areas {mapped_code} → smallarea, "
                             f"geo  {info['lsoas']} LSOAs, {info['wards']} wards, "
                             f"{info['source']}")
                return found
            return make

        taking = {"reports": start("reports", lambda progress: build_reports(
            raw, registry, specs, checks, progress))}
        if external is not None:
            taking["releases"] = start("releases", lambda progress: import_releases(
                external, registry, raw / "measures.csv", progress), here=True)
            taking["boundaries"] = start("boundaries", boundaries)
            if independent:
                taking["smallareas"] = start("smallareas", small_areas({}))
        # taken in the order they are numbered: side by side, the releases are imported
        # here while the others run
        empty = {"reports": Reports(), "releases": Official()}
        taken = {name: finish(name, taking[name], empty[name])
                 for name in order if name in taking}
        reports, official = taken["reports"], taken.get("releases", Official())
        geo, small = Boundaries(), SmallAreas()
        if external is not None:
            geo = finish("boundaries", taking["boundaries"], Boundaries())
        datasets = dict(official.datasets)
        lookups = {**official.lookups, **geo.lookups}
        problems.extend(configured_problems)
        lookups["authorities"] = authorities_lookup(datasets, lookups, configured,
                                                    registry.sources)
        mine = from_lookup(code, lookups["authorities"])
        extra = {code: mine} if mine is not None and code not in configured else {}
        if external is not None:
            if extra and code in ready_authorities(raw, external, extra) \
                    and code not in mapped and "smallareas" not in cached:
                steps.total += 1
            if "smallareas" not in taking:
                taking["smallareas"] = start("smallareas", small_areas(extra), here=True)
            small = finish("smallareas", taking["smallareas"], SmallAreas())
            if small.frames:
                datasets["smallarea"] = pd.concat(small.frames, ignore_index=True)
        else:  # nothing of theirs is built, so nothing is kept
            results.update({"releases": Official(), "boundaries": Boundaries(),
                            "smallareas": SmallAreas()})
    try:
        resolve(code, lookups["authorities"])
    except UnknownAuthority as err:
        problems.append(Problem(config.settings().authority_from if authority is None
                                else "authority", str(err)))
    if problems:
        raise ETLError(problems)
    if started is not None:
        kept_files = {f for name, value in cached.items() for f in stage_files(name, value)}
        started({f: frame for f, frame in files_of({**reports.datasets, **datasets}, lookups,
                                                    small.geo).items() if f not in kept_files})
    return _join(reports, official, geo, small, datasets, lookups, registry, restricted,
                 results, raw)


def _join(reports: Reports, official: Official, geo: Boundaries, small: SmallAreas,
          datasets: dict, lookups: dict, registry, restricted: dict, results: dict,
          raw: Path) -> Build:
    """The outputs made from every stage together: measures, tables, flags, the summary."""
    problems = []
    every = {**reports.datasets, **datasets}
    usage = pd.concat([reports.usage,
                       *(frame.assign(dataset=name)[_USAGE] for name, frame in datasets.items())],
                      ignore_index=True)
    used = usage.groupby("measure").agg(dataset=("dataset", "first"),
                                        first_period=("period_start", "min"),
                                        last_period=("period_end", "max"),
                                        figures=("value", "size"))
    measures = pd.DataFrame([vars(m) for m in registry.measures.values()]
                            + official.measures).merge(
        used, left_on="measure", right_index=True, how="inner")
    measures = with_release_columns(measures, every, official.measure_release)
    for column in ("first_period", "last_period"):
        measures[column] = pd.to_datetime(measures[column]).dt.date
    tables = pd.DataFrame(reports.tables + official.tables)
    for name, row in restricted.items():  # official datasets may be named before import
        if name not in every and name not in lookups and not name.startswith("dfe_"):
            problems.append(Problem(raw / "restricted.csv", f"no table or release makes "
                                    f"dataset '{name}'", row, "dataset"))
    if problems:
        raise ETLError(problems)
    flags = reports.flags
    if official.flags:
        flags = pd.concat([flags, pd.DataFrame.from_records(official.flags,
                                                            columns=FLAG_COLUMNS)],
                          ignore_index=True)
    return Build(every, measures.reset_index(drop=True), tables, flags, lookups,
                 [*official.notes, *geo.notes, *small.notes], official.releases,
                 geo.summary, geo=small.geo, small_areas=small.summary,
                 restricted=sorted(restricted), stages=results,
                 skipped=official.skipped, revisions=official.revisions)


def _where(raw: Path, external: Path | None) -> fingerprint.Where:
    settings = config.settings()
    return fingerprint.Where(raw.resolve(), external.resolve() if external else None,
                             settings.local_dir, settings.raw_dir, settings.authority)


def _load_cached(version: Path, stages: list[str]) -> dict:
    """The stages' results that ``version`` kept (``stages/<name>.pickle``); a stage whose
    pickle cannot be read is left out, and so rebuilt."""
    found = {}
    for name in stages:
        path = version / fingerprint.STAGE_FOLDER / f"{name}.pickle"
        try:
            found[name] = kept.load(path, version)
        except Exception as err:  # any unreadable kept result means: rebuild that stage
            logger.info("Rebuilding %s: its kept result in %s cannot be read (%s)",
                        name, path, err)
    return found


def run(raw: Path, out: Path, progress: Progress | None = None,
        external: Path | None = None, incremental: bool = False,
        plan: fingerprint.Plan | None = None) -> tuple[dict, pd.DataFrame]:
    """Build from ``raw`` (and the releases in ``external``) and write it as the current
    version of ``out`` (read it from ``etl.io.versions.current(out)``).

    With ``incremental``, the stages whose inputs have not changed since the current
    version (``plan``, or ``etl.fingerprint.plan``) are taken from it and their files
    linked into the new version. On any error nothing readers see in ``out`` changes.
    """
    held = holder(out)
    if held is not None:  # a build is never changed once written: its folder is no output
        raise ETLError([Problem(out, f"is one build of the processed folder {held}, which "
                                "never changes once written: write to that folder instead "
                                "(--out or SAFEGUARDING_PROCESSED_DIR)")])
    if plan is None:
        previous = current(out) if (out / "current").exists() else None
        plan = fingerprint.plan(_where(raw, external), previous, full=not incremental)
    cached = _load_cached(plan.previous, plan.reuse) if plan.previous is not None else {}
    for name in plan.reuse:
        if name not in cached:
            plan.rebuild[name] = "its kept result cannot be read"
    with ContractCheck(out) as check:  # begun on the stages' frames while they are joined
        result = build(raw, progress, external, cached=cached,
                       cached_from=plan.previous.name if plan.previous else "",
                       started=check.add)
        reused = {name: plan.previous for name in cached}
        return write_build(result, out, plan=plan, reused=reused, check=check), result.flags
