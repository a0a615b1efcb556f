"""Bad input at scale: hypothesis throws malformed inputs at the ETL.

The property, for every generated case: the ETL either succeeds or stops with
``etl.errors.ETLError`` whose problems name the file (and, for a bad cell, its row
and column), never with another exception; and a run that stops leaves the output
folder byte-for-byte as it was.

What is generated: report tables, manifests, the registries (measures, areas,
sources), checks.csv, the official releases (EES-layout CSVs, the neighbour
groupings and the tier lookup) and the boundary file, each broken one way per case:
text, unicode, blanks, huge numbers, NaN, infinities and negatives in number cells;
removed, duplicated and renamed columns; extra and missing cells; duplicated,
deleted, shuffled and blank rows; truncated files, binary junk, NUL bytes, byte-order
marks, UTF-16 and Windows-1252 text, CRLF line ends; manifests naming missing files,
unknown measures, units, period types and areas; second copies of a release and CSVs
that are no release at all.

Most cases call the function that reads and checks one input (``tidy_table``,
``load_manifests``, ``load_registry``, ``load_checks``/``run_check``,
``import_releases``, ``import_boundaries``); fewer run the whole ETL through its
command line against a folder holding a previous good build, and check that folder
afterwards. Everything happens in temporary folders: a copy of data/raw, and a few
real rows of each official release read at test time from SAFEGUARDING_EXTERNAL_DIR.

Cases are counted as they run; the last test fails unless at least ``MIN_CASES``
ran in this session (it runs any property test that was deselected).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import config
from etl.cli import main
from etl.errors import ETLError
from etl.geo.districts import import_boundaries
from etl.official.catalogue import RELEASES
from etl.official.importer import import_releases
from etl.pipeline import run
from etl.reports.checks import Check, conflict_flags, load_checks, run_check
from etl.reports.derive import derive
from etl.reports.registry import Registry, TableSpec, load_manifests, load_registry
from etl.reports.tidy import tidy_table

MIN_CASES = 500
CASES: Counter[str] = Counter()

# Examples per property test (their sum must reach MIN_CASES).
N_TABLE, N_MANIFEST, N_REGISTRY, N_CHECKS = 200, 70, 70, 50
N_RELEASE, N_BOUNDARY, N_PIPELINE = 80, 70, 24


def _settings(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    print_blob=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


# ---------------------------------------------------------------- the inputs, as documented

# data/raw/README.md: reserved table columns; every other column is a period.
RESERVED = {"measure", "label", "breakdown", "breakdown_value", "area", "unit",
            "period_type", "note"}
# data/raw/README.md: the range each unit allows (default: 0 or more).
RANGES = {"percent": (0, 100), "score_percent": (0, 100), "percent_change": (None, None),
          "ofsted_grade": (1, 4), "lscb_self_assessment": (1, 3), "yes_no": (0, 1)}
PERCENT_SIGN = {"percent", "score_percent", "percent_change"}
AUTHORITY = "E08000027"
WEST_MIDLANDS = "E12000005"

# Never a figure, whatever the unit.
NOT_NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e999", "12abc", "banana",
               "1.2.3", "--5", "½", "0x1A", "4 5 6 abc", "N/A", "?", "#REF!", "1e", "e5",
               "$12", "12€"]
# Text worth trying in any cell.
ODD_TEXT = ["", " ", "0", "-0", "+5", "1,234", "1,2,3", "12%", "£5", "x", "c", "u", "z", "low",
            "k", "X ", "Good", "y", '"', '""', "'", ",", "\n", "\r", "\r\n", "\t", "\x00",
            "\ufeff", "١٢٣", "𝟙𝟚", "1_000", "9" * 400, "-" + "9" * 400, "1e308", "5e-324",
            "0.000000001", "999999999999999999999999999999", "NULL", "None", "#N/A", "—",
            "Total", "2011-12", "=1+1", "😀", "\u202e12", "a" * 5000]
HUGE_CELL = 140_000  # longer than the csv module's default field limit (131,072)


def _cell_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ODD_TEXT + NOT_NUMBERS),
        st.text(max_size=24),
        st.integers(min_value=-(10 ** 40), max_value=10 ** 40).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f"{f:,.3f}"),
        st.integers(HUGE_CELL, HUGE_CELL + 10_000).map(lambda n: "7" * n),
    )


def _bad_numbers(unit: str) -> list[str]:
    """Cells the README says a measure of ``unit`` must refuse."""
    low, high = RANGES.get(unit, (0, None))
    bad = list(NOT_NUMBERS)
    if low is not None:
        bad += [str(low - 1), f"{low - 0.5:g}", f"-1,{abs(low - 1):03d}"]
    if high is not None:
        bad += [f"{high + 0.5:g}", str(high * 3 + 1)]
    if unit not in PERCENT_SIGN:
        bad.append("12%")
    if unit != "gbp":
        bad.append("£12")
    return bad


# ---------------------------------------------------------------- CSV files as rows


def _parse(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _serialize(rows: list[list[str]]) -> tuple[str, list[int]]:
    """CSV text and the line each record starts on (as the ETL numbers them)."""
    out, starts, line = io.StringIO(), [], 1
    writer = csv.writer(out)  # CRLF ends: a lone CR or LF in a cell is quoted
    for row in rows:
        starts.append(line)
        before = out.tell()
        writer.writerow(row)
        line += len(io.StringIO(out.getvalue()[before:], newline="").readlines())
    return out.getvalue(), starts


@dataclass(frozen=True)
class Mutant:
    """One broken version of a file, and what the ETL must make of it."""

    what: str
    data: bytes | None = field(repr=False)  # None: the file is removed
    fail_at: tuple[int | None, str | None] | None = None  # must stop, naming this row/column
    must_fail: bool = False  # must stop (anywhere in this file)
    same: bool = False  # must give the same result as the untouched file

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis reports: no file dumps
        size = "removed" if self.data is None else f"{len(self.data):,} bytes"
        printer.text(f"Mutant({self.what!r}, {size}, fail_at={self.fail_at}, "
                     f"must_fail={self.must_fail}, same={self.same})")


def _rows_mutant(what: str, rows: list[list[str]], **kw) -> Mutant:
    return Mutant(what, _serialize(rows)[0].encode("utf-8"), **kw)


@st.composite
def csv_mutant(draw, data: bytes, numeric: dict[tuple[int, int], list[str]],
               header_unique: bool = True, text_column: str | None = None,
               unique_rows: bool = False) -> Mutant:
    """A broken version of a CSV file.

    ``numeric`` maps a (row index, column index) of a number cell to the texts it must
    refuse; ``header_unique``: columns are read by name, so a repeated name must stop
    the run and their order does not matter; ``text_column``: a column whose cells are
    free text (for non-UTF-8 characters); ``unique_rows``: a row with figures given
    twice must stop the run.
    """
    rows = _parse(data)
    header, body = rows[0], rows[1:]
    width = len(header)
    kinds = ["cell"] * 3 + ["bad_number"] * 6 + [
             "any_cell", "drop_column", "dup_column", "rename_column",
             "extra_cells", "missing_cells", "dup_row", "delete_row", "blank_lines",
             "shuffle", "truncate", "junk", "bom", "double_bom", "utf16", "cp1252", "crlf",
             "lf_only", "cr_only", "empty", "header_only", "nul", "huge_cell",
             "no_final_newline", "whitespace_only", "swap_columns"]
    kind = draw(st.sampled_from(kinds), label="mutation")
    r = draw(st.integers(0, len(body) - 1), label="row") + 1 if body else 0
    c = draw(st.integers(0, width - 1), label="column")
    text, starts = _serialize(rows)
    if kind == "cell" or (kind == "bad_number" and not numeric):
        new = [row[:] for row in rows]
        new[r] = new[r] + [""] * (width - len(new[r]))
        new[r][c] = draw(_cell_text(), label="text")
        return _rows_mutant(f"row {r} column {c} = {new[r][c][:40]!r}", new)
    if kind == "bad_number":
        (r, c), bad = draw(st.sampled_from(sorted(numeric.items())), label="cell")
        value = draw(st.sampled_from(bad), label="bad")
        new = [row[:] for row in rows]
        new[r][c] = value
        return _rows_mutant(f"row {r} column {header[c]!r} = {value!r}", new,
                            fail_at=(starts[r], header[c]))
    if kind == "any_cell":
        new = [row[:] for row in rows]
        row = draw(st.integers(0, len(rows) - 1), label="any row")
        new[row] = new[row] + [""] * (width - len(new[row]))
        new[row][c] = draw(_cell_text(), label="text")
        return _rows_mutant(f"row {row} column {c} = {new[row][c][:40]!r}", new)
    if kind == "drop_column":
        return _rows_mutant(f"drop column {header[c]!r}",
                            [row[:c] + row[c + 1:] for row in rows])
    if kind == "dup_column":
        new = [[*row, row[c] if c < len(row) else ""] for row in rows]
        return _rows_mutant(f"column {header[c]!r} twice", new,
                            fail_at=(1, header[c]) if header_unique else None)
    if kind == "rename_column":
        name = draw(_cell_text(), label="name")
        new = [row[:] for row in rows]
        new[0][c] = name
        return _rows_mutant(f"rename column {header[c]!r} to {name[:40]!r}", new)
    if kind == "swap_columns":
        d = draw(st.integers(0, width - 1), label="other column")
        new = []
        for row in rows:
            row = row + [""] * (width - len(row))
            row[c], row[d] = row[d], row[c]
            new.append(row)
        return _rows_mutant(f"swap columns {c} and {d}", new, same=header_unique)
    if kind == "extra_cells":
        extra = draw(st.lists(_cell_text().filter(lambda s: s.strip()), min_size=1,
                              max_size=3), label="extra")
        new = [row[:] for row in rows]
        new[r] = new[r] + [""] * (width - len(new[r])) + extra
        return _rows_mutant(f"row {r} has extra cells {extra!r:.60}", new)
    if kind == "missing_cells":
        keep = draw(st.integers(0, width - 1), label="cells kept")
        new = [row[:] for row in rows]
        new[r] = new[r][:keep]
        return _rows_mutant(f"row {r} cut to {keep} cells", new)
    if kind == "dup_row":
        new = [*rows[:r + 1], rows[r][:], *rows[r + 1:]]
        figures = unique_rows and any((r, j) in numeric for j in range(width))
        return _rows_mutant(f"row {r} twice", new,
                            fail_at=(_serialize(new)[1][r + 1], None) if figures else None)
    if kind == "delete_row":
        return _rows_mutant(f"delete row {r}", rows[:r] + rows[r + 1:])
    if kind == "blank_lines":
        blank = draw(st.sampled_from([[], [""] * width, [" "] * width]), label="blank")
        at = draw(st.integers(1, len(rows)), label="at")
        count = draw(st.integers(1, 3), label="count")
        new = rows[:at] + [blank] * count + rows[at:]
        return _rows_mutant(f"{count} blank line(s) at {at}", new, same=True)
    if kind == "shuffle":
        order = draw(st.permutations(range(len(body))), label="order")
        return _rows_mutant("rows shuffled", [header] + [body[i] for i in order], same=True)
    raw = text.encode("utf-8")
    if kind == "truncate":
        at = draw(st.integers(0, max(len(raw) - 1, 0)), label="cut at")
        return Mutant(f"truncated at byte {at}", raw[:at])
    if kind == "junk":
        at = draw(st.integers(0, len(raw)), label="at")
        size = draw(st.integers(0, 64), label="size")
        junk = draw(st.binary(min_size=1, max_size=64), label="junk")
        return Mutant(f"bytes {at}..{at + size} replaced by {junk!r:.60}",
                      raw[:at] + junk + raw[at + size:])
    if kind == "bom":
        return Mutant("byte-order mark", b"\xef\xbb\xbf" + raw, same=True)
    if kind == "double_bom":
        return Mutant("two byte-order marks", b"\xef\xbb\xbf" * 2 + raw)
    if kind == "utf16":
        return Mutant("UTF-16", text.encode("utf-16"), fail_at=(1, None))
    if kind == "cp1252":
        column = text_column if text_column in header else None
        if column is None or not body:
            return Mutant("Windows-1252, all ASCII", text.encode("cp1252", "replace"))
        new = [row[:] for row in rows]
        at = header.index(column)
        new[r] = new[r] + [""] * (width - len(new[r]))
        new[r][at] = "Café – " + new[r][at]
        cp, starts = _serialize(new)
        return Mutant(f"Windows-1252 with 'é' in row {r}", cp.encode("cp1252", "replace"),
                      fail_at=(starts[r], column))
    if kind == "crlf":
        return Mutant("CRLF line ends", text.encode("utf-8"), same=True)
    if kind == "lf_only":
        lf = text.replace("\r\n", "\n")
        return Mutant("LF line ends", lf.encode("utf-8"), same="\r" not in lf)
    if kind == "cr_only":
        return Mutant("CR line ends", text.replace("\r\n", "\r").encode("utf-8"))
    if kind == "empty":
        return Mutant("empty file", b"", fail_at=(1, None))
    if kind == "whitespace_only":
        return Mutant("only blanks", b" \r\n\t\n\n", fail_at=(1, None))
    if kind == "header_only":
        return _rows_mutant("header only", [header], must_fail=True)
    if kind == "nul":
        at = draw(st.integers(0, len(raw)), label="at")
        return Mutant(f"NUL byte at {at}", raw[:at] + b"\x00" + raw[at:])
    if kind == "huge_cell":
        new = [row[:] for row in rows]
        new[r] = new[r] + [""] * (width - len(new[r]))
        new[r][c] = "8" * draw(st.integers(HUGE_CELL, HUGE_CELL + 5_000), label="length")
        return _rows_mutant(f"row {r} column {c}: {len(new[r][c]):,} characters", new)
    assert kind == "no_final_newline"
    return Mutant("no final line end", text.rstrip("\r\n").encode("utf-8"), same=True)


# ---------------------------------------------------------------- judging an outcome


@dataclass
class Outcome:
    result: object = None
    error: ETLError | None = None


def _outcome(call: Callable[[], object]) -> Outcome:
    """Run ``call``: a result, or the ``ETLError`` it raised. Anything else propagates,
    and so fails the test with its traceback (which is the bug being looked for)."""
    try:
        return Outcome(result=call())
    except ETLError as err:
        return Outcome(error=err)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _judge(outcome: Outcome, mutant: Mutant, path: Path, root: Path,
           same: Callable[[object], bool] | None = None) -> None:
    """The property: success, or an ``ETLError`` naming files under ``root``; and
    whatever ``mutant`` promises about this case."""
    err = outcome.error
    if err is not None:
        assert err.problems, "an ETLError without problems"
        text = str(err)
        for p in err.problems:
            where = Path(p.path)
            assert _inside(where, root), f"problem names {where}, outside {root}: {p}"
            assert str(where) in text
            assert p.message and p.message.strip(), f"empty message: {p!r}"
            assert p.row is None or (isinstance(p.row, int) and p.row >= 1), repr(p)
            assert p.column is None or (isinstance(p.column, str) and p.column), repr(p)
    if mutant.fail_at is not None or mutant.must_fail:
        assert err is not None, f"{mutant.what}: the ETL accepted it"
        assert any(Path(p.path) == path for p in err.problems), (
            f"{mutant.what}: no problem names {path}:\n{err}")
    if mutant.fail_at is not None:
        row, column = mutant.fail_at
        assert any(Path(p.path) == path and p.row == row
                   and (column is None or p.column == column) for p in err.problems), (
            f"{mutant.what}: expected a problem at row {row}, column {column!r}:\n{err}")
    if mutant.same:
        assert err is None, f"{mutant.what} changes nothing, yet the ETL stopped:\n{err}"
        assert same is None or same(outcome.result), f"{mutant.what} changed the result"


# ---------------------------------------------------------------- the world the cases break


@dataclass(repr=False)
class World:
    root: Path
    raw: Path
    external: Path
    good: Path  # a good build of raw + external, copied before each pipeline case
    registry: Registry
    specs: list[TableSpec]
    tidy: dict[Path, pd.DataFrame]
    data: pd.DataFrame  # every table tidied, derived and de-duplicated: what checks see
    checks: list[Check]
    files: dict[Path, bytes] = field(default_factory=dict)  # every file's original bytes

    def __repr__(self) -> str:
        return f"World({self.root})"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))

    def restore(self, path: Path) -> None:
        if path in self.files:
            path.write_bytes(self.files[path])
        elif path.exists():
            path.unlink()


def _small_release(source: Path, target: Path) -> None:
    """A few real rows of one release: England, the West Midlands and its authorities,
    the latest three years (every row of the neighbour groupings and tier lookup)."""
    data = source.read_bytes()
    rows = _parse(data)
    header = [h.strip() for h in rows[0]]
    if not {"time_period", "geographic_level", "region_code"} <= set(header):
        target.write_bytes(data)
        return
    at = {h: i for i, h in enumerate(header)}
    years = sorted({r[at["time_period"]] for r in rows[1:] if len(r) == len(header)})[-3:]
    keep = [r for r in rows[1:] if len(r) == len(header) and r[at["time_period"]] in years
            and (r[at["geographic_level"]] == "National"
                 or r[at["region_code"]] == WEST_MIDLANDS)]
    assert keep, f"no England or West Midlands rows in {source}"
    target.write_text(_serialize([rows[0], *keep])[0], encoding="utf-8")


def _cli(raw: Path, out: Path, external: Path) -> tuple[int, str]:
    stderr, stdout = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
        code = main(["--raw", str(raw), "--out", str(out), "--external", str(external),
                     "--quiet"])
    return code, stderr.getvalue()


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    dfe = config.settings().external_dir / "dfe"
    assert dfe.is_dir(), (f"no official releases in {dfe}: set SAFEGUARDING_EXTERNAL_DIR "
                          "to the folder holding dfe/ (see the README)")
    root = tmp_path_factory.mktemp("properties")
    raw = root / "raw"
    shutil.copytree(config.settings().raw_dir, raw)
    external = root / "external"
    (external / "dfe").mkdir(parents=True)
    for source in sorted(dfe.glob("*.csv")):
        _small_release(source, external / "dfe" / source.name)
    (external / "boundaries").mkdir()
    registry = load_registry(raw)
    specs = load_manifests(raw, registry)
    tidy = {s.path: tidy_table(s, registry) for s in specs}
    data = derive(pd.concat(tidy.values(), ignore_index=True), registry.measures)
    data, _ = conflict_flags(data)
    good = root / "good"
    code, err = _cli(raw, good, external)
    assert code == 0, err
    files = {p: p.read_bytes() for p in [*raw.rglob("*"), *external.rglob("*")] if p.is_file()}
    return World(root, raw, external, good, registry, specs, tidy, data,
                 load_checks(raw / "checks.csv"), files)


def _numeric_cells(rows: list[list[str]], registry: Registry) -> dict[tuple[int, int], list]:
    """Non-blank figure cells of a report table, with the texts each must refuse."""
    header = [h.strip() for h in rows[0]]
    out = {}
    for i, row in enumerate(rows[1:], start=1):
        cells = dict(zip(header, row, strict=False))
        measure = registry.measures.get(cells.get("measure", "").strip())
        if measure is None:
            continue
        unit = (cells.get("unit") or "").strip() or measure.unit
        for j, name in enumerate(header):
            if name not in RESERVED and j < len(row) and row[j].strip():
                out[(i, j)] = _bad_numbers(unit)
    return out


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    def norm(f):
        f = f.drop(columns="row").astype(str)
        return f.sort_values(list(f.columns)).reset_index(drop=True)
    return norm(a).equals(norm(b))


# ---------------------------------------------------------------- one report table


@_settings(N_TABLE)
@given(data=st.data())
def test_a_broken_table_is_read_or_refused_clearly(world, data):
    CASES["table"] += 1
    spec = data.draw(st.sampled_from(world.specs), label="table")
    original = world.files[spec.path]
    rows = _parse(original)
    mutant = data.draw(csv_mutant(original, _numeric_cells(rows, world.registry),
                                  text_column="label", unique_rows=True), label="mutant")
    spec.path.write_bytes(mutant.data)
    try:
        outcome = _outcome(lambda: tidy_table(spec, world.registry))
    finally:
        world.restore(spec.path)
    _judge(outcome, mutant, spec.path, world.root,
           lambda frame: _same_frame(frame, world.tidy[spec.path]))


# ---------------------------------------------------------------- the manifests

MANIFEST_VALUES = {
    "file": ["missing.csv", "", ".", "..", "manifest.csv", "../measures.csv",
             "../../raw/sources.csv", "MISSING.CSV", " "],
    "dataset": ["Bad Dataset", "", "9lives", "s47", "dfe_referrals", "new_dataset", "a-b"],
    "unit": ["pupils", "Count", "count ", "percent", "rate_per_10000", "yes_no", ""],
    "period_type": ["fiscal_year", "", "Financial_year", "month", "snapshot", "calendar_year"],
    "area": ["E08000099", "", "e08000027", "E92000001", "ORG-NOWHERE", "E12000005"],
}
MANIFEST_REFUSED = {  # values the README's lists do not allow: the run must stop there
    "file": {"missing.csv", "", ".", "..", "MISSING.CSV", " "},
    "dataset": {"Bad Dataset", "", "9lives", "a-b"},
    "unit": {"pupils", "Count"},
    "period_type": {"fiscal_year", "", "Financial_year"},
    "area": {"E08000099", "", "e08000027", "ORG-NOWHERE"},
}


@st.composite
def manifest_mutant(draw, data: bytes) -> Mutant:
    rows = _parse(data)
    header = rows[0]
    if draw(st.booleans(), label="manifest value"):
        column = draw(st.sampled_from(sorted(MANIFEST_VALUES)), label="column")
        value = draw(st.sampled_from(MANIFEST_VALUES[column]), label="value")
        r = draw(st.integers(1, len(rows) - 1), label="row")
        new = [row[:] for row in rows]
        new[r][header.index(column)] = value
        _, starts = _serialize(new)
        refused = value in MANIFEST_REFUSED[column]
        return _rows_mutant(f"row {r} {column} = {value!r}", new,
                            fail_at=(starts[r], column) if refused else None)
    mutant = draw(csv_mutant(data, {}, text_column="notes"), label="csv")
    if mutant.what.endswith("twice") and mutant.what.startswith("row "):
        mutant = replace(mutant, must_fail=True)  # a table listed twice
    return mutant


@_settings(N_MANIFEST)
@given(data=st.data())
def test_a_broken_manifest_is_read_or_refused_clearly(world, data):
    CASES["manifest"] += 1
    manifest = data.draw(st.sampled_from(sorted({s.manifest for s in world.specs})),
                         label="manifest")
    mutant = data.draw(manifest_mutant(world.files[manifest]), label="mutant")
    manifest.write_bytes(mutant.data)
    try:
        outcome = _outcome(lambda: load_manifests(world.raw, world.registry))
    finally:
        world.restore(manifest)

    def same(specs):
        def norm(found):
            return sorted((replace(s, row=0) for s in found), key=lambda s: s.path)
        return norm(specs) == norm(world.specs)
    _judge(outcome, mutant, manifest, world.root, same)


# ---------------------------------------------------------------- measures, areas, sources

REGISTRY_VALUES = {
    "measures.csv": {"unit": ["furlongs", "", "Count", "percent", "count"],
                     "polarity": ["sideways", "", "UP_GOOD", "neutral", "down_good"],
                     "measure": ["Bad Id", "", "1st", "racist_incidents", "new_measure"],
                     "theme": ["", "s47", "dfe_referrals", "nowhere"]},
    "areas.csv": {"area_code": ["", "E92000001", "E08000027 "],
                  "area_name": ["", "Somewhere"]},
    "sources.csv": {"source_id": ["", "dudley_lscb_2011_12", "elsewhere"],
                    "title": ["", "A title"]},
}
REGISTRY_REFUSED = {("measures.csv", "unit"): {"furlongs", "", "Count"},
                    ("measures.csv", "polarity"): {"sideways", "", "UP_GOOD"},
                    ("measures.csv", "measure"): {"Bad Id", "", "1st"},
                    ("measures.csv", "theme"): {""},
                    ("areas.csv", "area_name"): {""}}
UNIQUE_KEY = {"measures.csv": 0, "areas.csv": 0}  # a repeated row must stop the run


@st.composite
def registry_mutant(draw, name: str, data: bytes) -> Mutant:
    rows = _parse(data)
    header = rows[0]
    choice = draw(st.sampled_from(["value", "dup_row", "csv", "csv"]), label="how")
    if choice == "value":
        column = draw(st.sampled_from(sorted(REGISTRY_VALUES[name])), label="column")
        value = draw(st.sampled_from(REGISTRY_VALUES[name][column]), label="value")
        r = draw(st.integers(1, len(rows) - 1), label="row")
        new = [row[:] for row in rows]
        new[r][header.index(column)] = value
        _, starts = _serialize(new)
        refused = value in REGISTRY_REFUSED.get((name, column), set())
        return _rows_mutant(f"{name} row {r} {column} = {value!r}", new,
                            fail_at=(starts[r], column) if refused else None)
    if choice == "dup_row":
        r = draw(st.integers(1, len(rows) - 1), label="row")
        new = [*rows[:r + 1], rows[r][:], *rows[r + 1:]]
        _, starts = _serialize(new)
        key = UNIQUE_KEY.get(name)
        return _rows_mutant(f"{name} row {r} twice", new,
                            fail_at=(starts[r + 1], header[key]) if key is not None else None)
    return draw(csv_mutant(data, {}, text_column=header[1]), label="csv")


def _front_half(world: World) -> list:
    """What the ETL does with the registries before any figure is derived: read them,
    the manifests and every table."""
    registry = load_registry(world.raw)
    specs = load_manifests(world.raw, registry)
    problems = []
    for spec in specs:
        try:
            tidy_table(spec, registry)
        except ETLError as err:
            problems.extend(err.problems)
    if problems:
        raise ETLError(problems)
    return specs


@_settings(N_REGISTRY)
@given(data=st.data())
def test_a_broken_registry_is_read_or_refused_clearly(world, data):
    CASES["registry"] += 1
    name = data.draw(st.sampled_from(sorted(REGISTRY_VALUES)), label="registry")
    path = world.raw / name
    mutant = data.draw(registry_mutant(name, world.files[path]), label="mutant")
    path.write_bytes(mutant.data)
    try:
        outcome = _outcome(lambda: _front_half(world))
    finally:
        world.restore(path)
    _judge(outcome, mutant, path, world.root)


# ---------------------------------------------------------------- checks.csv

CHECK_VALUES = {
    "kind": ["sum", "ratio", "change", "mean", "max", "min", "between", "product", "", "SUM"],
    "tolerance": ["", "0", "0.05", "-1", "abc", "nan", "inf", "1e400", "1,5"],
    "by": ["", "period", "area", "breakdown_value", "period period", "colour", "area period"],
    "target": ["100", "nan", "", "cp_plans", "cp_plans[category_of_harm]",
               "cp_plans[a=b;c=d]", "[", "cp_plans[category_of_harm=Neglect;area=E08000027]",
               "no_such_measure", "racist_incidents;period=2010-11"],
    "parts": ["", "a + b", "contacts / referrals", "x[", "cp_plans[category_of_harm]",
              "s47_enquiries / s47_enquiries", "100 + 200", "referrals,contacts,1e308",
              "racist_incidents[support] + racist_incidents"],
}
CHECK_REFUSED = {"kind": {"product", "", "SUM"}, "tolerance": {"abc", "1,5"},
                 "by": {"colour"}, "target": {"[", "cp_plans[a=b;c=d]"}}


@st.composite
def checks_mutant(draw, data: bytes) -> Mutant:
    rows = _parse(data)
    header = rows[0]
    if draw(st.booleans(), label="check value"):
        column = draw(st.sampled_from(sorted(CHECK_VALUES)), label="column")
        value = draw(st.one_of(st.sampled_from(CHECK_VALUES[column]), _cell_text()),
                     label="value")
        r = draw(st.integers(1, len(rows) - 1), label="row")
        new = [row[:] for row in rows]
        new[r][header.index(column)] = value
        _, starts = _serialize(new)
        refused = value in CHECK_REFUSED.get(column, set())
        if column == "target":  # a bad selector is reported against the row's parts
            where = (starts[r], "parts") if refused else None
        else:
            where = (starts[r], column) if refused else None
        # a row is judged on its kind before anything else
        if where and column != "kind" and new[r][header.index("kind")] not in CHECK_VALUES[
                "kind"][:7]:
            where = None
        return _rows_mutant(f"checks row {r} {column} = {value[:40]!r}", new, fail_at=where)
    return draw(csv_mutant(data, {}, text_column="description"), label="csv")


@_settings(N_CHECKS)
@given(data=st.data())
def test_a_broken_check_is_read_or_refused_clearly(world, data):
    CASES["checks"] += 1
    path = world.raw / "checks.csv"
    mutant = data.draw(checks_mutant(world.files[path]), label="mutant")
    path.write_bytes(mutant.data)

    def read_and_run():
        checks = load_checks(path)
        # the checks this case changed run against the real tidy data
        for check in checks:
            if check not in world.checks:
                run_check(check, world.data)
        return checks
    try:
        outcome = _outcome(read_and_run)
    finally:
        world.restore(path)
    _judge(outcome, mutant, path, world.root)


# ---------------------------------------------------------------- the official releases

PERIOD_VALUES = {
    "time_period": ["0000", "0001", "1", "9999", "999900", "000001", "202324", "202399",
                    "2024 ", "20245", "2024.0", "two thousand", "", "-2024", "١٢٣٤"],
    "time_identifier": ["Reporting year", "Reporting year", "Financial year", "Financial year",
                        "Calendar year", "Academic year", "", "reporting YEAR", "Week 12"],
    "geographic_level": ["National", "Regional", "Local authority", "Ward", "", "national",
                         "Local Authority District"],
    "new_la_code": ["", "E08000027", "E99999999"],
    "old_la_code": ["", "332", "abc", "-1"],
    "region_code": ["", "E12000005"],
    "population_type": ["", "Children looked after on 31 March each year", "other"],
    "age_group": ["", "Children aged 0 to 17 years", "All ages"],
    "LA num": ["", "332", "abc", "99999"],
    "SN1": ["", "332", "abc", "0", "999"],
}


# No year ending 31 March, whatever the time_identifier says.
NOT_PERIODS = {"0000", "0001", "1", "999900", "202399", "20245", "2024.0", "two thousand", "",
               "-2024"}


def _release_numeric(rows: list[list[str]]) -> dict[tuple[int, int], list[str]]:
    """Cells of a release the ETL reads as figures, with texts each must refuse."""
    header = [h.strip() for h in rows[0]]
    kinds = [r for r in RELEASES if r.matches(set(header))]
    if len(kinds) != 1:
        return {}
    counts, percents = set(), set()
    for item in kinds[0].items:
        counts.update([*item.columns, *item.denominator])
        if item.published:
            (percents if item.kind == "percent" else counts).add(item.published)
    bad_count = ["banana", "nan", "inf", "-inf", "-5", "1e400", "12abc", "N/A", "--1"]
    out = {}
    for j, name in enumerate(header):
        bad = [*bad_count, "100.5", "250"] if name in percents else bad_count
        if name in counts | percents:
            for i in range(1, len(rows)):
                out[(i, j)] = bad
    return out


@st.composite
def release_mutant(draw, data: bytes) -> Mutant:
    rows = _parse(data)
    header = [h.strip() for h in rows[0]]
    ees = "time_period" in header
    choice = draw(st.sampled_from(["value", "period", "period", "csv", "csv", "csv"]),
                  label="how")
    if choice == "period" and ees:
        period = draw(st.sampled_from(PERIOD_VALUES["time_period"]), label="time_period")
        ident = draw(st.sampled_from(PERIOD_VALUES["time_identifier"]), label="identifier")
        r = draw(st.integers(1, len(rows) - 1), label="row")
        new = [row[:] for row in rows]
        new[r][header.index("time_period")] = period
        new[r][header.index("time_identifier")] = ident
        _, starts = _serialize(new)
        return _rows_mutant(f"row {r} time_period {period!r} / {ident!r}", new,
                            fail_at=(starts[r], None) if period in NOT_PERIODS else None)
    columns = [c for c in PERIOD_VALUES if c in header]
    if choice in ("value", "period") and columns:
        column = draw(st.sampled_from(columns), label="column")
        value = draw(st.one_of(st.sampled_from(PERIOD_VALUES[column]), _cell_text()),
                     label="value")
        r = draw(st.integers(1, len(rows) - 1), label="row")
        new = [row[:] for row in rows]
        new[r][header.index(column)] = value
        return _rows_mutant(f"row {r} {column} = {value[:40]!r}", new)
    return draw(csv_mutant(data, _release_numeric(rows), header_unique=ees,
                           text_column="la_name" if ees else None), label="csv")


@st.composite
def release_case(draw, world: World) -> tuple[Path, Mutant, dict[Path, bytes | None]]:
    """The file a case is about, its mutant, and every file the case writes."""
    files = sorted((world.external / "dfe").glob("*.csv"))
    path = draw(st.sampled_from(files), label="release")
    original = world.files[path]
    what = draw(st.sampled_from(["mutate"] * 6 + ["second_copy", "unrelated", "two_kinds",
                                                  "removed"]), label="case")
    if what == "second_copy":
        copy = path.with_name("copy_of_" + path.name)
        # the copy that sorts second is the one named
        return max(copy, path), Mutant("a second copy", original, must_fail=True), {
            copy: original}
    if what == "unrelated":
        columns = draw(st.lists(st.text(min_size=1, max_size=12).map(lambda s: "junk_" + s),
                                min_size=1, max_size=6, unique=True), label="columns")
        text = _serialize([columns, ["1"] * len(columns)])[0].encode("utf-8")
        other = path.with_name("notes.csv")
        # not in the EES layout: skipped and said so, never fatal
        return other, Mutant("an unrelated CSV", text, same=True), {other: text}
    if what == "two_kinds":
        a, b = draw(st.lists(st.sampled_from(RELEASES), min_size=2, max_size=2, unique=True),
                    label="kinds")
        columns = ["time_period", "time_identifier", "geographic_level", *a.signature,
                   *b.signature]
        text = _serialize([columns, ["2024", "Reporting year", "National"]
                           + ["1"] * (len(columns) - 3)])[0].encode("utf-8")
        both = path.with_name("both.csv")
        return both, Mutant("columns of two releases", text, fail_at=(1, None)), {both: text}
    if what == "removed":
        return path, Mutant("file removed", None), {path: None}
    mutant = draw(release_mutant(original), label="mutant")
    return path, mutant, {path: mutant.data}


def _write(changes: dict[Path, bytes | None]) -> None:
    for path, data in changes.items():
        if data is None:
            path.unlink()
        else:
            path.write_bytes(data)


@_settings(N_RELEASE)
@given(data=st.data())
def test_a_broken_release_is_read_or_refused_clearly(world, data):
    CASES["release"] += 1
    path, mutant, changes = data.draw(release_case(world), label="case")
    _write(changes)
    try:
        outcome = _outcome(lambda: import_releases(world.external, world.registry,
                                                   world.raw / "measures.csv"))
    finally:
        for changed in changes:
            world.restore(changed)
    _judge(outcome, mutant, path, world.root)


# ---------------------------------------------------------------- the boundary file


def _topology() -> dict:
    """Two districts sharing an edge, delta-encoded under a transform, as ONS files are."""
    return {
        "type": "Topology",
        "transform": {"scale": [0.001, 0.001], "translate": [-2.2, 52.4]},
        "arcs": [[[0, 0], [0, 100]], [[0, 100], [100, 0], [0, -100], [-100, 0]],
                 [[0, 0], [-100, 0], [0, 100], [100, 0]]],
        "objects": {"lad": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]],
             "properties": {"LAD13CD": "E08000027", "LAD13NM": "Dudley"}},
            {"type": "MultiPolygon", "arcs": [[[2, ~0]]],
             "properties": {"LAD13CD": "E08000028", "LAD13NM": "Sandwell"}},
        ]}},
    }


JSON = st.recursive(st.none() | st.booleans() | st.integers(-10 ** 6, 10 ** 6)
                    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)


def _paths(node, prefix=()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def boundary_mutant(draw) -> Mutant:
    topology = _topology()
    text = json.dumps(topology)
    kind = draw(st.sampled_from(["replace", "replace", "delete", "bytes", "bytes", "valid"]),
                label="how")
    if kind == "valid":
        return Mutant("a good file", text.encode())
    if kind == "bytes":
        rows_like = draw(st.sampled_from(["truncate", "junk", "bom", "utf16", "empty", "nul",
                                          "deep"]), label="bytes")
        raw = text.encode()
        if rows_like == "truncate":
            return Mutant("truncated", raw[:draw(st.integers(0, len(raw) - 1))],
                          must_fail=True)
        if rows_like == "junk":
            at = draw(st.integers(0, len(raw)))
            return Mutant("junk", raw[:at] + draw(st.binary(min_size=1, max_size=32))
                          + raw[at + draw(st.integers(0, 32)):])
        if rows_like == "bom":
            return Mutant("byte-order mark", b"\xef\xbb\xbf" + raw)
        if rows_like == "utf16":
            return Mutant("UTF-16", text.encode("utf-16"), must_fail=True)
        if rows_like == "empty":
            return Mutant("empty", b"", must_fail=True)
        if rows_like == "deep":
            depth = draw(st.integers(1_000, 100_000), label="depth")
            return Mutant(f"{depth} nested lists", b"[" * depth + b"]" * depth,
                          must_fail=True)
        at = draw(st.integers(0, len(raw)))
        return Mutant("NUL byte", raw[:at] + b"\x00" + raw[at:])
    where = draw(st.sampled_from(_paths(topology)[1:]), label="where")
    parent = topology
    for key in where[:-1]:
        parent = parent[key]
    if kind == "delete":
        if isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent.pop(where[-1])
    else:
        parent[where[-1]] = draw(JSON, label="value")
    return Mutant(f"{kind} at {where}", json.dumps(topology).encode())


@_settings(N_BOUNDARY)
@given(mutant=boundary_mutant())
def test_a_broken_boundary_file_is_read_or_refused_clearly(world, mutant):
    CASES["boundary"] += 1
    path = world.external / "boundaries" / "lad_england.topojson"
    path.write_bytes(mutant.data)
    try:
        outcome = _outcome(lambda: import_boundaries(world.external))
    finally:
        path.unlink()
    _judge(outcome, mutant, path, world.root)


# ---------------------------------------------------------------- the whole ETL


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: a file's SHA-256, or 'dir'."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest()
                                         if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


@st.composite
def pipeline_case(draw, world: World, root: Path, raw: Path, external: Path):
    """(file, mutant, changes) for a copy of the inputs under ``root``."""
    def moved(path: Path) -> Path:
        base = world.raw if _inside(path, world.raw) else world.external
        return (raw if base == world.raw else external) / path.relative_to(base)

    target = draw(st.sampled_from(["table"] * 3 + ["manifest"] * 2 + ["registry"] * 2
                                  + ["checks", "release", "release"]), label="input")
    if target == "table":
        spec = draw(st.sampled_from(world.specs), label="table")
        original = world.files[spec.path]
        mutant = draw(csv_mutant(original, _numeric_cells(_parse(original), world.registry),
                                 text_column="label", unique_rows=True), label="mutant")
        path = moved(spec.path)
        return path, mutant, {path: mutant.data}
    if target == "manifest":
        manifest = draw(st.sampled_from(sorted({s.manifest for s in world.specs})))
        mutant = draw(manifest_mutant(world.files[manifest]), label="mutant")
        path = moved(manifest)
        return path, mutant, {path: mutant.data}
    if target == "registry":
        name = draw(st.sampled_from(sorted(REGISTRY_VALUES)), label="registry")
        mutant = draw(registry_mutant(name, world.files[world.raw / name]), label="mutant")
        return raw / name, mutant, {raw / name: mutant.data}
    if target == "checks":
        mutant = draw(checks_mutant(world.files[world.raw / "checks.csv"]), label="mutant")
        return raw / "checks.csv", mutant, {raw / "checks.csv": mutant.data}
    path, mutant, changes = draw(release_case(world), label="release")
    return moved(path), mutant, {moved(p): d for p, d in changes.items()}


@_settings(N_PIPELINE)
@given(data=st.data())
def test_the_whole_etl_succeeds_or_leaves_the_previous_build(world, data):
    CASES["pipeline"] += 1
    case = world.root / "case"
    shutil.rmtree(case, ignore_errors=True)
    raw, external, out = case / "raw", case / "external", case / "out"
    shutil.copytree(world.raw, raw)
    shutil.copytree(world.external, external)
    shutil.copytree(world.good, out)
    before = _snapshot(out)
    path, mutant, changes = data.draw(pipeline_case(world, case, raw, external), label="case")
    _write(changes)
    outcome = _outcome(lambda: run(raw, out, None, external))
    after = _snapshot(out)
    if outcome.error is None:
        summary = json.loads((out / "build.json").read_text(encoding="utf-8"))
        for name, rows in summary["datasets"].items():
            assert pq.read_table(out / f"{name}.parquet").num_rows == rows
        assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
    else:
        assert after == before, f"{mutant.what}: a failed run changed the previous build"
    _judge(outcome, mutant, path, case)
    shutil.rmtree(case)


# ---------------------------------------------------------------- bugs these tests found
# Each raised something other than ETLError before it was fixed.


def _refused(call: Callable[[], object], path: Path, row: int | None = None,
             column: str | None = None, text: str = "") -> ETLError:
    with pytest.raises(ETLError) as caught:
        call()
    err = caught.value
    assert any(Path(p.path) == path and (row is None or p.row == row)
               and (column is None or p.column == column) for p in err.problems), str(err)
    assert text in str(err)
    return err


def _a_table(world: World) -> TableSpec:
    return next(s for s in world.specs if s.path.name == "racist_incidents_table2.csv")


def test_a_utf16_table_with_windows_line_ends(world):
    spec = _a_table(world)
    text = world.files[spec.path].decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
    spec.path.write_bytes(text.encode("utf-16"))  # csv.Error: new-line character seen
    try:
        _refused(lambda: tidy_table(spec, world.registry), spec.path, 1, text="not UTF-8")
    finally:
        world.restore(spec.path)


def test_a_cell_longer_than_the_csv_field_limit(world):
    spec = _a_table(world)
    rows = _parse(world.files[spec.path])
    rows[3][1] = "x" * 200_000  # csv.Error: field larger than field limit (131072)
    spec.path.write_text(_serialize(rows)[0], encoding="utf-8")
    try:
        _refused(lambda: tidy_table(spec, world.registry), spec.path, 4,
                 text="cannot be read as CSV")
    finally:
        world.restore(spec.path)


def _release(world: World, prefix: str) -> Path:
    return next((world.external / "dfe").glob(prefix + "*.csv"))


def _import(world: World) -> Callable[[], object]:
    return lambda: import_releases(world.external, world.registry,
                                   world.raw / "measures.csv")


def test_a_huge_cell_in_the_neighbour_groupings(world):
    path = _release(world, "New_Statistical_Neighbour")
    rows = _parse(world.files[path])
    rows[5][1] = "x" * 200_000
    path.write_text(_serialize(rows)[0], encoding="utf-8")
    try:
        _refused(_import(world), path, 6, text="cannot be read as CSV")
    finally:
        world.restore(path)


def test_rows_that_do_not_line_up_in_the_tier_lookup(world):
    path = _release(world, "LTLA-UTLA")
    rows = _parse(world.files[path])
    rows[8].append("2")  # pandas ParserError: Expected 7 fields in line 9, saw 8
    path.write_text(_serialize(rows)[0], encoding="utf-8")
    try:
        _refused(_import(world), path, 9, text="do not line up")
    finally:
        world.restore(path)


@pytest.mark.parametrize(("period", "identifier"), [
    ("0001", "Reporting year"),  # ValueError: year 0 is out of range
    ("999900", "Financial year"),  # ValueError: year 10000 is out of range
    ("0000", "Reporting year"),  # was dropped without a word
])
def test_a_year_with_no_dates(world, period, identifier):
    path = _release(world, "c1_")
    rows = _parse(world.files[path])
    rows[1][0], rows[1][1] = period, identifier
    path.write_text(_serialize(rows)[0], encoding="utf-8")
    try:
        _refused(_import(world), path, 2, "time_period", f"'{period}' / '{identifier}'")
    finally:
        world.restore(path)


@pytest.mark.parametrize(("what", "data"), [
    ("a number for the transform's scale",  # IndexError: array is 0-dimensional
     json.dumps({**_topology(), "transform": {"scale": 1, "translate": [0, 0]}}).encode()),
    ("lists nested 5,000 deep", b"[" * 5_000 + b"]" * 5_000),  # RecursionError
])
def test_a_malformed_boundary_file(world, what, data):
    path = world.external / "boundaries" / "lad_england.topojson"
    path.write_bytes(data)
    try:
        _refused(lambda: import_boundaries(world.external), path,
                 text="not a usable TopoJSON boundary file")
    finally:
        path.unlink()


# ---------------------------------------------------------------- the count

PROPERTY_TESTS = {
    "table": test_a_broken_table_is_read_or_refused_clearly,
    "manifest": test_a_broken_manifest_is_read_or_refused_clearly,
    "registry": test_a_broken_registry_is_read_or_refused_clearly,
    "checks": test_a_broken_check_is_read_or_refused_clearly,
    "release": test_a_broken_release_is_read_or_refused_clearly,
    "boundary": test_a_broken_boundary_file_is_read_or_refused_clearly,
    "pipeline": test_the_whole_etl_succeeds_or_leaves_the_previous_build,
}


def test_at_least_500_generated_cases_ran(world):
    """Every property test ran (here, if it was deselected), and together they ran at
    least MIN_CASES generated cases."""
    for name, test in PROPERTY_TESTS.items():
        if CASES[name] == 0:
            test(world=world)
    assert all(CASES[name] > 0 for name in PROPERTY_TESTS), dict(CASES)
    total = sum(CASES[name] for name in PROPERTY_TESTS)
    print(f"\nhypothesis cases run: {total} ({dict(CASES)})")
    assert total >= MIN_CASES, f"only {total} generated cases ran: {dict(CASES)}"
