"""``import_releases``: every release in ``external/dfe`` read, tidied and benchmarked.

The steps, each in its own module: recognise each file by its columns (a curated
release of ``data/raw/releases.toml``, read by ``catalogue``; a lookup; or any other EES
data file, read by ``generic``), read and parse its cells (``reading``), make each
measure's rows (``measures``), keep the newest of figures that several files give and
list the revisions (``revisions``), add confidence limits, comparison with England, rank
and quartile (``benchmarking``), and read the lookups that come with the releases
(``lookups``). A file that is no EES data file (another CSV, a guidance text) is skipped
and said so. Every problem in every file is collected before ``ETLError`` is raised, so
one run lists all that a person must fix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import ETLError, Problem
from etl.official import catalogue, generic
from etl.official.benchmarking import benchmark, sort_rows, typed_frame
from etl.official.definitions import LOOKUP_TITLE, NEIGHBOURS_TITLE, Release
from etl.official.lookups import (
    is_lookup,
    is_neighbours,
    lait_flags,
    latest_la_names,
    read_ltla_utla,
    read_neighbours,
)
from etl.official.measures import item_rows, population_table
from etl.official.reading import Read, read_frame, read_header, read_release, read_text
from etl.official.revisions import Source, newest_first, summary, take_newest
from etl.reports.registry import Registry

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass
class Official:
    """What the releases add to a build."""

    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)
    lookups: dict[str, pd.DataFrame] = field(default_factory=dict)
    flags: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    releases: dict[str, dict] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)  # {"file", "why"}
    revisions: int = 0
    measures: list[dict] = field(default_factory=list)  # generic measures' registry rows
    measure_release: dict[str, str] = field(default_factory=dict)  # measure → newest file


def release_files(external: Path) -> list[Path]:
    """The files directly in ``external/dfe`` (sub-folders are not read), metadata files
    (``.meta.csv``, read with their data file) left out."""
    folder = external / "dfe"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and not p.name.lower().endswith(".meta.csv"))


def _check_registry(registry: Registry, measures_path: Path,
                    releases: Sequence[Release]) -> list[Problem]:
    problems, seen = [], set()
    for release in releases:
        for item in release.items:
            if item.measure in seen:  # the parts of one measure's breakdown
                continue
            seen.add(item.measure)
            m = registry.measures.get(item.measure)
            if m is None:
                problems.append(Problem(measures_path, f"measure '{item.measure}' (from the "
                                        f"{release.title} release) is missing; add it",
                                        None, "measure"))
            elif m.unit != item.unit or m.theme != release.dataset:
                problems.append(Problem(measures_path, f"{item.measure} must have unit "
                                        f"{item.unit} and theme {release.dataset}", None,
                                        "unit" if m.unit != item.unit else "theme"))
    return problems


def _years(read: Read) -> str:
    """The years a curated release covers: reporting years (to 31 March), or mid-years."""
    years = read.years[read.years > 0]
    if not len(years):
        return ""
    first, last = int(years.min()), int(years.max())
    if read.release.mid_year:
        label = "mid-{}".format
    else:
        def label(y: int) -> str:
            return f"{y - 1}-{y % 100:02d}"
    return label(first) if first == last else f"{label(first)} to {label(last)}"


def _span(labels: np.ndarray, starts: np.ndarray) -> str:
    """``first to last`` of the periods a file's rows cover."""
    if not len(labels):
        return ""
    order = np.argsort(starts, kind="stable")
    first, last = str(labels[order[0]]), str(labels[order[-1]])
    return first if first == last else f"{first} to {last}"


def _skip(result: Official, path: Path, why: str) -> None:
    result.skipped.append({"file": path.name, "why": why})
    result.notes.append(f"dfe/{path.name} was skipped: {why}.")
    logger.info("skipped %s: %s", path.name, why)


def import_releases(external: Path, registry: Registry, measures_path: Path,
                    progress: Progress | None = None,
                    releases: Sequence[Release] | None = None) -> Official:
    """Read every release in ``external/dfe``; raise ``ETLError`` listing every problem.

    ``releases``: the curated releases (default: ``releases.toml`` beside
    ``measures_path``); an EES file none of them matches is imported generically."""
    result = Official()
    folder = external / "dfe"
    if not folder.is_dir():
        result.notes.append(f"No official releases: {folder} does not exist, so only the "
                            "report tables were built (set SAFEGUARDING_EXTERNAL_DIR; see "
                            "README).")
        return result
    files = release_files(external)
    if not files:
        result.notes.append(f"No official releases: {folder} holds no files.")
        return result
    known, renamed, levels = catalogue.load(catalogue.releases_file(measures_path.parent))
    releases = known if releases is None else tuple(releases)
    problems = _check_registry(registry, measures_path, releases)
    if problems:
        raise ETLError(problems)

    sources: list[Source] = []
    specials: dict[str, tuple[Path, str]] = {}
    seen: dict[str, Path] = {}
    for index, path in enumerate(files, start=1):
        label = _one_file(path, releases, renamed, levels, sources, specials, seen, result,
                          problems)
        if progress and label:
            progress(index, len(files), f"dfe/{path.name} → {label}")
    if problems:
        raise ETLError(problems)
    groups = newest_first(sources, problems)
    if problems:
        raise ETLError(problems)

    reads = [s.read for s in sources if isinstance(s.read, Read)]
    population, pop_file = None, "no population file"
    pops = [s.read for group in groups for s in group
            if isinstance(s.read, Read) and s.read.release.mid_year]
    if pops:
        population = pd.concat([population_table(r) for r in pops])
        population = population[~population.index.duplicated()]
        pop_file = pops[0].path.name
    elif any(i.kind == "rate" for r in reads for i in r.release.items):
        result.notes.append("No ONS population release in dfe/: rates per 10,000 children "
                            "are not available (status x).")

    parts: list[dict[str, np.ndarray]] = []
    for group in groups:
        for s in group:
            s.parts = _rows(s, group[0], population, pop_file, result, problems)
        if problems:
            continue
        first = group[0].read
        kept, flags = take_newest(group, first.release.dataset if isinstance(first, Read)
                                  else f"ees_{first.slug}")
        result.flags.extend(flags)
        result.revisions += len(flags)
        parts.extend(kept)
    if problems:
        raise ETLError(problems)

    meta = {m["measure"]: m for m in result.measures}
    if parts:
        data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        names = np.unique(data["measure"])
        polarity = {m: (registry.measures[m].polarity if m in registry.measures else
                        meta[m]["polarity"]) for m in names}
        benchmark(data, polarity)
        data = sort_rows(data)
        theme_of = {m: (registry.measures[m].theme if m in registry.measures else
                        meta[m]["theme"]) for m in names}
        theme = np.array([theme_of[m] for m in data["measure"]], dtype=object)
        for dataset in sorted(set(theme)):
            result.datasets[dataset] = typed_frame(data, np.flatnonzero(theme == dataset))

    _lookups(result, specials, reads, problems)
    if problems:
        raise ETLError(problems)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for group in groups:
        for s in group:
            _describe(result, s, group[0], now)
    absent = [r.title for r in releases if r.key not in seen]
    absent += [title for key, title in (("neighbours", NEIGHBOURS_TITLE),
                                        ("ltla_utla", LOOKUP_TITLE)) if key not in seen]
    if absent:
        result.notes.append(f"Not in {folder}, so not imported: {'; '.join(absent)}.")
    result.flags.extend(lait_flags(external, registry, result.notes, releases))
    return result


def _one_file(path: Path, releases: Sequence[Release], renamed: dict, levels: dict,
              sources: list[Source], specials: dict, seen: dict, result: Official,
              problems: list[Problem]) -> str | None:
    """Recognise and read one file; the label its progress line gives (None: skipped)."""
    if path.suffix.lower() != ".csv":
        _skip(result, path, "not a CSV file (a data guidance or other text is not read)")
        return None
    try:
        text = read_text(path)
    except ETLError as err:
        problems.extend(err.problems)
        return None
    header = read_header(text, renamed)
    names = set(header)
    kinds: list = [r for r in releases if r.matches(names)]
    if is_neighbours(names):
        kinds.append("neighbours")
    if is_lookup(names):
        kinds.append("ltla_utla")
    if len(kinds) > 1:
        problems.append(Problem(path, "its columns match more than one release: "
                                + ", ".join(k if isinstance(k, str) else k.title
                                            for k in kinds), 1))
        return None
    if not kinds and not generic.is_ees(header):
        shown = ", ".join(header[:8]) + (" …" if len(header) > 8 else "")
        _skip(result, path, "not in the Explore Education Statistics layout (no "
              f"time_period, time_identifier and geographic_level columns; it has {shown})")
        return None
    if kinds and isinstance(kinds[0], str):
        kind = kinds[0]
        if kind in seen:
            problems.append(Problem(path, f"a second copy of the release in "
                                    f"{seen[kind].name}; keep only the newest file in dfe/",
                                    1))
            return None
        seen[kind] = path
        specials[kind] = (path, text)
        return NEIGHBOURS_TITLE if kind == "neighbours" else LOOKUP_TITLE
    if kinds:
        release = kinds[0]
        read = read_release(release, path, text, header, problems, renamed)
        seen[release.key] = path
        if read is not None:
            sources.append(Source(path, release.key, read, read.years))
        return release.title
    meta = None
    meta_file = generic.meta_path(path)
    if meta_file.is_file():
        meta = generic.read_meta(meta_file, read_text(meta_file), problems)
    try:
        frame = read_frame(path, text, renamed)
    except ETLError as err:
        problems.extend(err.problems)
        return None
    read = generic.read_generic(path, frame, header, levels, meta, problems)
    if read is None:
        return None
    sources.append(Source(path, read.signature, read, read.years))
    return f"ees_{read.slug} (generic{', with its .meta.csv' if meta else ''})"


def _rows(s: Source, newest: Source, population, pop_file: str, result: Official,
          problems: list[Problem]) -> list[dict[str, np.ndarray]]:
    """One file's measure rows; a generic file's named as the newest of its kind is."""
    if isinstance(s.read, Read):
        out = []
        for item in s.read.release.items:
            rows = item_rows(s.read, item, population, pop_file, result.flags, problems)
            if rows is not None:
                out.append(rows)
        return out
    read, name = s.read, newest.read.slug
    out = []
    for column, part in zip(read.layout.indicators, read.parts, strict=True):
        if read.slug != name:
            part = {**part, "measure": np.full(len(part["measure"]), read.measure(column, name),
                                               dtype=object),
                    "source_id": np.full(len(part["measure"]), f"ees_{name}", dtype=object)}
        out.append(part)
        if s is newest:
            result.measures.append({
                "measure": read.measure(column), "label": read.layout.labels[column],
                "description": f"{read.layout.labels[column]}, as published in the "
                               f"Explore Education Statistics file {read.path.name} "
                               f"(column {column}); imported without a curated definition.",
                "unit": read.layout.units[column], "polarity": "neutral",
                "theme": f"ees_{name}", "decimals": read.layout.decimals[column]})
    return out


def _lookups(result: Official, specials: dict, reads: list[Read],
             problems: list[Problem]) -> None:
    la_names = latest_la_names(reads)
    if "neighbours" in specials:
        path, text = specials["neighbours"]
        frame = read_neighbours(path, text, la_names, result.notes, problems)
        result.lookups["dfe_neighbours"] = frame
        result.tables.append(_table_row("dfe_neighbours", "dfe_statistical_neighbours",
                                        NEIGHBOURS_TITLE, path, "", ""))
        result.releases[path.name] = {"release": NEIGHBOURS_TITLE, "dataset": "dfe_neighbours",
                                      "authorities": int(frame["authority_code"].nunique())}
    if "ltla_utla" in specials:
        path, text = specials["ltla_utla"]
        result.lookups["dfe_ltla_utla"] = read_ltla_utla(path, text, problems)
        result.tables.append(_table_row("dfe_ltla_utla", "ons_ltla_utla_lookup", LOOKUP_TITLE,
                                        path, "", ""))
        result.releases[path.name] = {"release": LOOKUP_TITLE, "dataset": "dfe_ltla_utla"}


def _describe(result: Official, s: Source, newest: Source, now: str) -> None:
    """The file's entry in build.json's releases, its table row and its notes."""
    read = s.read
    if read.skipped:
        levels = ", ".join(f"{k} ({v} row{'s' if v > 1 else ''})"
                           for k, v in read.skipped.items())
        result.notes.append(f"dfe/{read.path.name}: rows at other geographic levels were "
                            f"not read: {levels}.")
    info = summary(s.parts)
    if isinstance(read, Read):
        release = read.release
        title, dataset, source_id, publication = (release.title, release.dataset,
                                                  release.source_id, release.publication)
        kinds = sorted({"snapshot" if (i.snapshot or release.mid_year) else "financial_year"
                        for i in release.items})
    else:
        title = f"{generic.readable(newest.read.slug)} (Explore Education Statistics)"
        dataset = source_id = f"ees_{newest.read.slug}"
        publication = "Explore Education Statistics (imported generically)"
        kinds = sorted(set(info.pop("period_types")))
    info.pop("period_types", None)
    span = _span(info.pop("labels"), info.pop("starts"))
    if isinstance(read, Read):
        span = _years(read)
    if s is newest:
        for measure in info["measures"]:
            result.measure_release[measure] = read.path.name
    result.tables.append(_table_row(dataset, source_id, publication, read.path,
                                    ", ".join(kinds), span))
    result.releases[read.path.name] = {
        "release": title, "dataset": dataset, "years": span, **info,
        "imported_at": now, "curated": isinstance(read, Read)}


def _table_row(dataset: str, source_id: str, title: str, path: Path, period_type: str,
               span: str) -> dict:
    return {"dataset": dataset, "source_id": source_id, "source_title": title,
            "source_table": path.stem, "file": f"dfe/{path.name}", "unit": "",
            "period_type": period_type, "area": "England, regions and local authorities",
            "notes": f"Official release read from the external folder; years {span}."
            if span else "Official release read from the external folder."}
