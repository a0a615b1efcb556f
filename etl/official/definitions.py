"""What the ETL knows of each official release: how to recognise it and what to take from it.

An ``Item`` is one measure made from a release's columns; a ``Release`` is one kind of
Explore Education Statistics (EES) file, recognised by its columns (``signature``), never
by its name. The releases themselves are data, in ``data/raw/releases.toml`` (read by
``catalogue``): a new measure from a known release is a few lines there (and a row in
``data/raw/measures.csv``); ``catalogue.RELEASES`` are those of the configured raw folder.
"""

from __future__ import annotations

from dataclasses import dataclass

SYMBOLS = ("c", "k", "low", "u", "x", "z")
"""Suppression and GSS symbols an EES cell may hold instead of a number."""

EES_REQUIRED = ("time_period", "time_identifier", "geographic_level")
EES_PLACES = ("region_code", "region_name", "old_la_code", "new_la_code", "la_name")
LEVELS = {"National": "national", "Regional": "regional", "Local authority": "local_authority"}
ENGLAND_CODE, ENGLAND_NAME = "E92000001", "England"
POPULATION_MEASURE = "dfe_population_0_17"
PER = 10_000
MAX_PROBLEMS_PER_COLUMN = 10


@dataclass(frozen=True)
class Item:
    """One measure made from a release's columns.

    ``kind`` is ``count`` (the column as published), ``percent`` (the
    ``published`` column, or ``100 × sum(columns) / sum(denominator)`` when
    the release publishes none) or ``rate`` (the count in ``columns[0]`` per
    10,000 children aged 0 to 17, checked against ``published`` if given).
    ``when`` keeps only rows whose column holds that value: one ``(column,
    value)`` pair, or several (every one must hold). ``denominator_when``
    ``(column, value)``: the denominator is the ``denominator`` columns on
    another row, the one for the same year and place where that column holds
    that value (and the other conditions of ``when`` hold), as in releases
    that print each group's total as a row of its own. ``breakdown`` ``(name,
    value)``: the rows are that value of a breakdown rather than the total,
    so several items may make one measure, each a part. ``lait`` is the LAIT
    indicator (``Measure_short``) for the same thing, whose polarity
    measures.csv should agree with.
    """

    measure: str
    kind: str
    columns: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    published: str | None = None
    decimals: int = 1
    snapshot: bool = False
    when: tuple[str, str] | tuple[tuple[str, str], ...] | None = None
    lait: str | None = None
    denominator_when: tuple[str, str] | None = None
    breakdown: tuple[str, str] | None = None
    as_unit: str | None = None  # a count's unit when it is not a count (ratio, days …)

    @property
    def unit(self) -> str:
        if self.as_unit:
            return self.as_unit
        return {"count": "count", "percent": "percent", "rate": "rate_per_10000"}[self.kind]

    @property
    def conditions(self) -> tuple[tuple[str, str], ...]:
        """``when`` as ``(column, value)`` pairs, every one of which a row must hold."""
        if not self.when:
            return ()
        if isinstance(self.when[0], str):
            return (self.when,)  # type: ignore[return-value]
        return tuple(self.when)  # type: ignore[arg-type]

    def needs(self) -> list[str]:
        cols = [*self.columns, *self.denominator]
        if self.published:
            cols.append(self.published)
        cols += [column for column, _ in self.conditions]
        if self.denominator_when:
            cols.append(self.denominator_when[0])
        return cols


@dataclass(frozen=True)
class Release:
    """One kind of EES file: how to recognise it and what to take from it."""

    key: str
    title: str
    publication: str
    source_id: str
    dataset: str
    signature: tuple[str, ...]
    items: tuple[Item, ...]
    mid_year: bool = False  # ONS estimates: time_period is the mid-year (30 June)
    year_end: str = "03-31"  # the month and day a reporting year ends (workforce: 09-30)

    def matches(self, header: set[str]) -> bool:
        return set(self.signature) <= header

    def describe(self) -> str:
        return f"{self.title} (columns {', '.join(self.signature)})"

NEIGHBOURS_TITLE = "DfE statistical neighbour groupings"
LOOKUP_TITLE = "ONS lower- to upper-tier local authority lookup"
