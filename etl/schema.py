"""The processed-data contract as pandera schemas: every file the ETL writes, in one place.

Each output has a schema here: its columns in order, their types and the values they may
hold. The column lists the rest of the ETL uses (``CONTRACT_COLUMNS``,
``OFFICIAL_EXTRA_COLUMNS``, ``FLAG_COLUMNS`` …) are defined here and nowhere else, and
the write step (``etl.outputs.check_outputs``) validates every frame right before it is
written: a violation stops the run with a ``ContractError`` (an ``ETLError``) naming the
file, the row and the column, and nothing in the output folder changes.

The contract is written here as plain data (``Column`` and ``Rule`` of
``etl.column_kinds``), and a pandera schema is made from it only when one is first asked
for (``schema_for``, or an attribute such as ``schema.REPORT``): importing pandera takes
about a third of a second, which the ETL's main process, needing only the column lists,
does not wait for.

The schemas are about shape and types. Whether the reports agree with themselves is the
business of ``etl/reports/checks.py`` and ``data/raw/checks.csv``, which flag and never
stop. Rows are named by their position in the frame as written, from 0
(``pd.read_parquet(path).iloc[row]``).

| file | schema | columns |
|---|---|---|
| report datasets (``<dataset>.parquet``) | ``REPORT`` | ``CONTRACT_COLUMNS`` |
| official datasets (``dfe_*.parquet``) | ``OFFICIAL`` | contract + ``OFFICIAL_EXTRA_COLUMNS`` |
| ``smallarea.parquet`` | ``SMALLAREA`` | contract + ``SMALLAREA_EXTRA_COLUMNS`` |
| ``measures``, ``tables``, ``validation`` | ``MEASURES``, ``TABLES``, ``FLAGS`` | |
| ``dfe_neighbours``, ``dfe_ltla_utla`` | ``NEIGHBOURS``, ``LTLA_UTLA`` | |
| ``authorities``, ``geo_lad`` | ``AUTHORITIES``, ``GEO_LAD`` | |
| ``geo/lsoa_<code>``, ``geo/ward_<code>`` | ``LSOA_GEO``, ``WARD_GEO`` | these at least |
"""

from __future__ import annotations

import functools

from etl.column_kinds import (
    KINDS,
    Column,
    Rule,
    among,
    at_least,
    date,
    flag,
    lists,
    not_above,
    number,
    suppressed_without_value,
    text,
    total_means_no_breakdown,
    unique,
    whole,
)
from etl.official.statistics import POLARITY_WORDS
from etl.reports.periods import PERIOD_TYPES
from etl.reports.registry import MAX_DECIMALS, POLARITIES
from etl.reports.units import STATUS_SYMBOLS, UNITS

# ---------------------------------------------------------------- the datasets

PERIOD_KINDS = (*PERIOD_TYPES, *(f"{t}_{s}" for t in PERIOD_TYPES for s in ("average", "span")))
COMPARISONS = sorted({w for words in POLARITY_WORDS.values() for w in words.values()})

# The processed-data contract: the columns of every dataset, in this order.
CONTRACT = {
    "measure": text(),
    "breakdown": text(),  # TOTAL where there is no breakdown (and so breakdown_value)
    "breakdown_value": text(),
    "period": text(),
    "period_type": text(among(PERIOD_KINDS, "a period type")),
    "period_start": date(),
    "period_end": date(),
    "area_code": text(),
    "area_name": text(),
    "geographic_level": text(),
    "value": number(),  # null when not published
    "unit": text(among(UNITS, "a unit in etl/reports/units.py")),
    "status": text(among(STATUS_SYMBOLS, "a GSS symbol"), nullable=True),
    "source": text(),
    "source_id": text(),
    "source_table": text(),
}
CONTRACT_COLUMNS = list(CONTRACT)

# Official-statistics datasets (dfe_*) carry these columns after the contract's:
# the DfE's old three-digit LA number, the region, the count and denominator a
# rate or percentage was computed from, its 95% and 99.8% confidence limits,
# the comparison with England and the rank and quartile among local authorities.
OFFICIAL_EXTRA = {
    "old_la_code": text(nullable=True),
    "region_code": text(nullable=True),
    "numerator": number(at_least(0, "must not be negative")),
    "denominator": number(at_least(0, "must not be negative")),
    "lower_95": number(),
    "upper_95": number(),
    "lower_998": number(),
    "upper_998": number(),
    "compared_with_england": text(among(COMPARISONS, "a comparison"), nullable=True),
    "rank": whole(at_least(1, "must be 1 or more"), nullable=True),
    "rank_of": whole(at_least(1, "must be 1 or more"), nullable=True),
    "quartile": whole(Rule("must be 1, 2, 3 or 4", "isin", ([1, 2, 3, 4],)),
                       nullable=True),
}
OFFICIAL_EXTRA_COLUMNS = list(OFFICIAL_EXTRA)

# smallarea.parquet: the authority it belongs to, the children the rate is per, and
# whether the counts come from the synthetic sample rather than an extract.
SMALLAREA_EXTRA = {
    "authority_code": text(),
    "denominator": number(),
    "synthetic": flag(),
}
SMALLAREA_EXTRA_COLUMNS = list(SMALLAREA_EXTRA)

_ROW_RULES = [not_above("period_start", "period_end", "the period starts after it ends"),
              suppressed_without_value(), total_means_no_breakdown()]


# attribute (schema.REPORT …) → the schema's name, its columns, its rules on rows, and
# ``exact``: these columns, in this order, and no others (else: these at least)
SCHEMAS: dict[str, tuple[str, dict[str, Column], list[Rule], bool]] = {}


def _declare(attribute: str, name: str, columns: dict[str, Column],
             rules: list[Rule] | None = None, exact: bool = True) -> list[str]:
    """Add a schema to ``SCHEMAS``; its column names, in order."""
    SCHEMAS[attribute] = (name, columns, rules or [], exact)
    return list(columns)


_declare("REPORT", "report dataset", CONTRACT, _ROW_RULES)
_declare("OFFICIAL", "official dataset", CONTRACT | OFFICIAL_EXTRA, [
    *_ROW_RULES,
    not_above("lower_95", "upper_95", "the lower 95% limit is above the upper"),
    not_above("lower_998", "upper_998", "the lower 99.8% limit is above the upper"),
    not_above("rank", "rank_of", "the rank is above the number ranked"),
])
_declare("SMALLAREA", "small-area dataset", CONTRACT | SMALLAREA_EXTRA, _ROW_RULES)

# ---------------------------------------------------------------- registries and lookups

MEASURE_COLUMNS = _declare("MEASURES", "measure registry", {
    "measure": text(unique()),
    "label": text(),
    "description": text(),
    "unit": text(among(UNITS, "a unit in etl/reports/units.py")),
    "polarity": text(among(POLARITIES, "a polarity")),
    "theme": text(),
    "decimals": whole(Rule(f"must be 0 to {MAX_DECIMALS}", "in_range", (0, MAX_DECIMALS))),
    "dataset": text(),
    "first_period": date(),
    "last_period": date(),
    "figures": whole(at_least(1, "must be 1 or more")),
    # the release file a measure of an official release came from (the newest, when
    # several give it), and how many local authorities have a value of it
    "release": text(nullable=True),
    "authorities": whole(at_least(0, "must not be negative"), nullable=True),
}, [not_above("first_period", "last_period", "the first period is after the last")])

TABLE_COLUMNS = _declare("TABLES", "table registry", {c: text() for c in (
    "dataset", "source_id", "source_title", "source_table", "file", "unit", "period_type",
    "area", "notes")})

# validation.parquet: one row per flag (etl/reports/checks.py, and the releases' checks).
FLAG_COLUMNS = _declare("FLAGS", "validation flags", {
    "check_id": text(),
    "kind": text(),
    "dataset": text(),
    "measure": text(nullable=True),
    "area_code": text(nullable=True),
    "area_name": text(nullable=True),
    "period": text(nullable=True),
    "breakdown_value": text(nullable=True),
    "published": number(),
    "expected": number(),
    "difference": number(),
    "tolerance": number(),
    "message": text(),
    "files": text(),
})

NEIGHBOUR_COLUMNS = _declare("NEIGHBOURS", "statistical neighbours", {
    "authority_code": text(),
    "authority_old_code": text(),
    "authority_name": text(),
    "neighbour_rank": whole(Rule("must be 1 to 10", "in_range", (1, 10))),
    "neighbour_old_code": text(),
    "neighbour_code": text(nullable=True),  # an LA number no release has
    "neighbour_name": text(nullable=True),
    "closeness": text(nullable=True),
})

LTLA_UTLA_COLUMNS = _declare("LTLA_UTLA", "lower- to upper-tier lookup", {
    c: text() for c in ("ltla_code", "ltla_name", "utla_code", "utla_name")})

# authorities.parquet: one row per children's services authority (etl/profile.py).
AUTHORITY_COLUMNS = _declare("AUTHORITIES", "authorities", {
    "authority_code": text(unique()),
    "authority_name": text(),
    "la_number": text(nullable=True),
    "region_code": text(nullable=True),
    "region_name": text(nullable=True),
    "districts": lists(),
    "former_codes": lists(),
    "neighbour_codes": lists(),
    "neighbour_names": lists(),
    "partnership_name": text(nullable=True),
    "sources": lists(),
})

# geo_lad.parquet: one row per ring of a district's boundary (etl/geo/districts.py).
GEO_COLUMNS = _declare("GEO_LAD", "district boundaries", {
    "lad_code": text(),
    "lad_name": text(),
    "part": whole(at_least(0, "must not be negative")),
    "hole": flag(),
    "lon": lists(),
    "lat": lists(),
    "keep_m": lists(),
})

_GEOMETRY = Column("any")
_declare("LSOA_GEO", "LSOA boundaries", {
    "lsoa_code": text(), "lsoa_name": text(), "ward_code": text(), "ward_name": text(),
    # children: the IoD's (float) or the user's population.csv (whole numbers, as given)
    "children": Column("numeric"),
    "geometry": _GEOMETRY}, exact=False)
_declare("WARD_GEO", "ward boundaries", {
    "ward_code": text(), "ward_name": text(), "lsoas": whole(),
    "children": number(), "geometry": _GEOMETRY}, exact=False)

LOOKUPS = {"dfe_neighbours": "NEIGHBOURS", "dfe_ltla_utla": "LTLA_UTLA",
           "authorities": "AUTHORITIES", "geo_lad": "GEO_LAD"}
REGISTRIES = {"measures": "MEASURES", "tables": "TABLES", "validation": "FLAGS"}

# ---------------------------------------------------------------- as pandera schemas


def _check(rule: Rule):
    import pandera.pandas as pa
    if rule.test is not None:
        return pa.Check(rule.test, name=rule.name, error=rule.error, ignore_na=False) \
            if rule.name else pa.Check(rule.test, error=rule.error)
    return getattr(pa.Check, rule.check)(*rule.args, error=rule.error)


def _column(column: Column):
    import pandera.pandas as pa
    rules = [_check(r) for r in column.rules]
    if column.kind == "any":
        return pa.Column(None, rules, nullable=column.nullable)
    if column.kind == "whole" and column.nullable:
        return pa.Column("Int64", rules, nullable=True)
    test, error = KINDS[column.kind]
    return pa.Column(None, [pa.Check(test, error=error, ignore_na=False), *rules],
                     nullable=column.nullable)


@functools.cache
def schema(attribute: str):
    """The pandera schema ``SCHEMAS[attribute]``, made once."""
    import pandera.pandas as pa
    name, columns, rules, exact = SCHEMAS[attribute]
    return pa.DataFrameSchema({c: _column(k) for c, k in columns.items()},
                              checks=[_check(r) for r in rules], name=name, ordered=exact,
                              strict=exact)


def __getattr__(attribute: str):
    """``schema.REPORT`` and the others: made when first asked for."""
    if attribute in SCHEMAS:
        return schema(attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


def schema_for(file: str):
    """The pandera schema of one output file, by its name in the output folder."""
    stem = file.removesuffix(".parquet")
    if stem in LOOKUPS:
        return schema(LOOKUPS[stem])
    if stem in REGISTRIES:
        return schema(REGISTRIES[stem])
    if stem.startswith("geo/lsoa_"):
        return schema("LSOA_GEO")
    if stem.startswith("geo/ward_"):
        return schema("WARD_GEO")
    if stem == "smallarea":
        return schema("SMALLAREA")
    return schema("OFFICIAL" if stem.startswith(("dfe_", "ees_")) else "REPORT")
