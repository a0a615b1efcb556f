"""``import_releases``: every release in ``external/dfe`` read, tidied and benchmarked.

The steps, each in its own module: recognise each CSV by its columns
(``definitions``), read and parse its cells (``reading``), make each measure's rows
(``measures``), add confidence limits, comparison with England, rank and quartile
(``benchmarking``), and read the lookups that come with the releases (``lookups``).
Every problem in every file is collected before ``ETLError`` is raised, so one run
lists all that a person must fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import ETLError, Problem
from etl.official.benchmarking import benchmark, sort_rows, typed_frame
from etl.official.definitions import LOOKUP_TITLE, NEIGHBOURS_TITLE, RELEASES
from etl.official.lookups import (
    is_lookup,
    is_neighbours,
    lait_flags,
    latest_la_names,
    read_ltla_utla,
    read_neighbours,
)
from etl.official.measures import item_rows, population_table
from etl.official.reading import Read, read_header, read_release, read_text
from etl.reports.registry import Registry

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


def release_files(external: Path) -> list[Path]:
    """The CSV files directly in ``external/dfe`` (sub-folders are not read)."""
    folder = external / "dfe"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")


def _check_registry(registry: Registry, measures_path: Path) -> list[Problem]:
    problems, seen = [], set()
    for release in RELEASES:
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


def _span(read: Read) -> str:
    """The years a release covers: reporting years (to 31 March), or ONS mid-years."""
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


def import_releases(external: Path, registry: Registry, measures_path: Path,
                    progress: Progress | None = None) -> Official:
    """Read every release in ``external/dfe``; raise ``ETLError`` listing every problem."""
    result = Official()
    folder = external / "dfe"
    if not folder.is_dir():
        result.notes.append(f"No official releases: {folder} does not exist, so only the "
                            "report tables were built (set SAFEGUARDING_EXTERNAL_DIR; see "
                            "README).")
        return result
    files = release_files(external)
    if not files:
        result.notes.append(f"No official releases: {folder} holds no CSV files.")
        return result
    problems = _check_registry(registry, measures_path)
    if problems:
        raise ETLError(problems)

    reads: dict[str, Read] = {}
    specials: dict[str, tuple[Path, str]] = {}
    seen: dict[str, Path] = {}
    for index, path in enumerate(files, start=1):
        try:
            text = read_text(path)
        except ETLError as err:
            problems.extend(err.problems)
            continue
        header = read_header(text)
        names = set(header)
        kinds = [r for r in RELEASES if r.matches(names)]
        if is_neighbours(names):
            kinds.append("neighbours")
        if is_lookup(names):
            kinds.append("ltla_utla")
        if not kinds:
            expected = [r.describe() for r in RELEASES] + [
                f"{NEIGHBOURS_TITLE} (columns LA num, SN1 … SN10, SNP)",
                f"{LOOKUP_TITLE} (columns LTLA23CD, LTLA23NM, UTLA23CD, UTLA23NM; any year)"]
            problems.append(Problem(path, "its columns match no release the ETL knows. "
                                    "Expected one of: " + "; ".join(expected) + ". Keep "
                                    "other files out of dfe/ (its sub-folders are not read).",
                                    1))
            continue
        if len(kinds) > 1:
            problems.append(Problem(path, "its columns match more than one release: "
                                    + ", ".join(k if isinstance(k, str) else k.title
                                                for k in kinds), 1))
            continue
        kind = kinds[0]
        key = kind if isinstance(kind, str) else kind.key
        if key in seen:
            problems.append(Problem(path, f"a second copy of the release in {seen[key].name}; "
                                    "keep only the newest file in dfe/", 1))
            continue
        seen[key] = path
        if isinstance(kind, str):
            specials[kind] = (path, text)
            label = NEIGHBOURS_TITLE if kind == "neighbours" else LOOKUP_TITLE
        else:
            read = read_release(kind, path, text, header, problems)
            if read is not None:
                reads[key] = read
            label = kind.title
        if progress:
            progress(index, len(files), f"dfe/{path.name} → {label}")
    if problems:
        raise ETLError(problems)

    population, pop_file = None, "no population file"
    if "population" in reads:
        population = population_table(reads["population"])
        pop_file = reads["population"].path.name
    elif any(i.kind == "rate" for r in reads.values() for i in r.release.items):
        result.notes.append("No ONS population release in dfe/: rates per 10,000 children "
                            "are not available (status x).")

    parts: list[dict[str, np.ndarray]] = []
    for read in reads.values():
        for item in read.release.items:
            rows = item_rows(read, item, population, pop_file, result.flags, problems)
            if rows is not None:
                parts.append(rows)
    if problems:
        raise ETLError(problems)

    if parts:
        data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        polarity = {m: registry.measures[m].polarity for m in np.unique(data["measure"])}
        benchmark(data, polarity)
        data = sort_rows(data)
        theme = np.array([registry.measures[m].theme for m in data["measure"]], dtype=object)
        for dataset in sorted(set(theme)):
            result.datasets[dataset] = typed_frame(data, np.flatnonzero(theme == dataset))

    la_names = latest_la_names(reads.values())
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
    if problems:
        raise ETLError(problems)

    for read in reads.values():
        if read.skipped:
            levels = ", ".join(f"{k} ({v} row{'s' if v > 1 else ''})"
                               for k, v in read.skipped.items())
            result.notes.append(f"dfe/{read.path.name}: rows at other geographic levels were "
                                f"not read: {levels}.")
        span = _span(read)
        kinds = sorted({"snapshot" if (i.snapshot or read.release.mid_year)
                        else "financial_year" for i in read.release.items})
        result.tables.append(_table_row(read.release.dataset, read.release.source_id,
                                        read.release.publication, read.path,
                                        ", ".join(kinds), span))
        result.releases[read.path.name] = {"release": read.release.title,
                                           "dataset": read.release.dataset, "years": span}
    absent = [r.title for r in RELEASES if r.key not in seen]
    absent += [title for key, title in (("neighbours", NEIGHBOURS_TITLE),
                                        ("ltla_utla", LOOKUP_TITLE)) if key not in seen]
    if absent:
        result.notes.append(f"Not in {folder}, so not imported: {'; '.join(absent)}.")
    result.flags.extend(lait_flags(external, registry, result.notes))
    return result


def _table_row(dataset: str, source_id: str, title: str, path: Path, period_type: str,
               span: str) -> dict:
    return {"dataset": dataset, "source_id": source_id, "source_title": title,
            "source_table": path.stem, "file": f"dfe/{path.name}", "unit": "",
            "period_type": period_type, "area": "England, regions and local authorities",
            "notes": f"Official release read from the external folder; years {span}."
            if span else "Official release read from the external folder."}
