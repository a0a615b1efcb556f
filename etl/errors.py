"""Errors that name the file, row and column a person must fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: Path | str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [str(self.path)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class ETLError(Exception):
    """The input cannot be processed; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # pickled (from a forked stage) with its problems, not its text
        return type(self), (self.problems,)


class ContractError(ETLError):
    """A frame about to be written breaks the processed-data contract (``etl/schema.py``):
    a fault of the ETL, not of the input; nothing was written."""
