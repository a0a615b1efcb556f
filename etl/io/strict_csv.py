"""Strict reading of a hand-edited CSV file: UTF-8, a header, rectangular rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from etl.errors import ETLError, Problem


@dataclass(frozen=True)
class Table:
    """A CSV file's header and rows, each row with the line it starts on."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _fail(path: Path, message: str, row: int | None = None, column: str | None = None):
    raise ETLError([Problem(path, message, row, column)])


def _first_row(text: str) -> list[str]:
    """The cells of the first CSV record in ``text``; none if it is not CSV at all."""
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:  # e.g. a cell longer than the csv module's field limit
        return []


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        row = data.count(b"\n", 0, err.start) + 1
        header = _first_row(data.split(b"\n", 1)[0].decode("utf-8", "replace"))
        prefix = data[line_start : err.start].decode("utf-8", "replace")
        index = len(_first_row(prefix) or [""]) - 1 if prefix else 0
        column = header[index].strip() if row > 1 and 0 <= index < len(header) else None
        _fail(
            path,
            f"not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8 CSV",
            row,
            column,
        )


def _records(path: Path, text: str):
    """``(line it starts on, cells)`` for each CSV record; ``ETLError`` if one is unreadable."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
    except csv.Error as err:  # e.g. a cell longer than the csv module's field limit
        _fail(path, f"this row cannot be read as CSV ({err})", start)


def read_table(path: Path, required: tuple[str, ...] = ()) -> Table:
    """Read ``path``, raising ``ETLError`` on the first thing a person must fix."""
    if not path.is_file():
        _fail(path, "file not found")
    text = _decode(path, path.read_bytes())
    if not text.strip():
        _fail(path, "the file is empty; it needs a header row and data rows", 1)
    records = _records(path, text)
    header = [h.strip() for h in next(records)[1]]
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            _fail(path, f"column {index + 1} has no header", 1)
        if name in seen:
            _fail(path, f"column '{name}' appears twice (columns {seen[name] + 1} and "
                  f"{index + 1})", 1, name)
        seen[name] = index
    for name in required:
        if name not in seen:
            _fail(path, f"missing column '{name}'; the header has {', '.join(header)}", 1, name)
    rows = []
    for start, fields in records:
        if not any(f.strip() for f in fields):
            continue
        extra = [f for f in fields[len(header):] if f.strip()]
        if extra:
            _fail(path, f"{len(fields)} cells but the header has {len(header)} columns "
                  f"(extra: {', '.join(extra)})", start)
        fields = fields + [""] * (len(header) - len(fields))
        rows.append((start, {h: f.strip() for h, f in zip(header, fields, strict=False)}))
    if not rows:
        _fail(path, "the file has a header but no data rows", 2)
    return Table(path, header, rows)
