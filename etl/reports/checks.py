"""Consistency checks over the tidy data: what the reports state against what they imply.

Published figures are never changed here: a disagreement becomes a flag in the
validation report, and the figure stays as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.config import TOTAL
from etl.errors import ETLError, Problem
from etl.io.strict_csv import read_table
from etl.schema import FLAG_COLUMNS

KINDS = ("sum", "ratio", "change", "mean", "max", "min", "between")
BY_COLUMNS = {"period": "period", "area": "area_code", "breakdown_value": "breakdown_value"}
_SELECTOR = re.compile(r"\s*([a-z][a-z0-9_]*)\s*(?:\[([^\]]*)\])?\s*")


@dataclass(frozen=True)
class Selector:
    measure: str
    breakdown: str | None = None
    breakdown_value: str | None = None
    area: str | None = None
    period: str | None = None
    constant: float | None = None

    def rows(self, data: pd.DataFrame) -> pd.DataFrame:
        rows = data[(data["measure"] == self.measure) & data["value"].notna()]
        if self.breakdown is None:
            rows = rows[rows["breakdown_value"] == TOTAL]
        else:
            rows = rows[rows["breakdown"] == self.breakdown]
            if self.breakdown_value is None:
                rows = rows[rows["breakdown_value"] != TOTAL]
            else:
                rows = rows[rows["breakdown_value"] == self.breakdown_value]
        if self.area is not None:
            rows = rows[rows["area_code"] == self.area]
        if self.period is not None:
            rows = rows[rows["period"] == self.period]
        return rows


@dataclass(frozen=True)
class Check:
    check_id: str
    dataset: str
    kind: str
    target: Selector
    parts: tuple[Selector, ...]
    by: tuple[str, ...]
    tolerance: float | None
    description: str


def parse_selector(text: str) -> Selector:
    """``measure``, ``measure[breakdown]``, ``measure[breakdown=value;area=CODE]`` or a number."""
    try:
        return Selector("", constant=float(text))
    except ValueError:
        pass
    m = _SELECTOR.fullmatch(text)
    if not m:
        raise ValueError(f"'{text}' is not a selector such as cp_plans[category_of_harm]")
    fields: dict[str, str | None] = {"breakdown": None, "breakdown_value": None, "area": None,
                                     "period": None}
    for item in filter(None, (s.strip() for s in (m.group(2) or "").split(";"))):
        key, _, value = (s.strip() for s in item.partition("="))
        if key in ("area", "period"):
            fields[key] = value
        elif fields["breakdown"] is None:
            fields["breakdown"], fields["breakdown_value"] = key, value or None
        else:
            raise ValueError(f"'{text}' names two breakdowns")
    return Selector(m.group(1), **fields)


def load_checks(path: Path) -> list[Check]:
    """Read ``checks.csv``; a missing file means no hand-written checks."""
    if not path.exists():
        return []
    table = read_table(path, ("check_id", "dataset", "kind", "target", "parts", "by",
                              "tolerance", "description"))
    checks, problems = [], []
    for row, cells in table.rows:
        kind = cells["kind"]
        if kind not in KINDS:
            problems.append(Problem(path, f"unknown kind '{kind}'; use one of "
                                    f"{', '.join(KINDS)}", row, "kind"))
            continue
        splitter = {"ratio": r"\s+/\s+", "change": r"\s+/\s+", "sum": r"\s+\+\s+"}.get(kind, ",")
        try:
            target = parse_selector(cells["target"])
            parts = tuple(parse_selector(p) for p in re.split(splitter, cells["parts"]))
        except ValueError as err:
            problems.append(Problem(path, str(err), row, "parts"))
            continue
        if kind in ("ratio", "change") and len(parts) != 2:
            form = "numerator / denominator" if kind == "ratio" else "new / old"
            problems.append(Problem(path, f"a {kind} needs '{form}'", row, "parts"))
            continue
        by = tuple((cells["by"] or "period area").split())
        unknown = [b for b in by if b not in BY_COLUMNS]
        if unknown:
            problems.append(Problem(path, f"unknown 'by' dimension {unknown[0]}; use "
                                    f"{', '.join(BY_COLUMNS)}", row, "by"))
            continue
        try:
            tolerance = float(cells["tolerance"]) if cells["tolerance"] else None
            if tolerance is not None and not (0 <= tolerance < float("inf")):
                raise ValueError
        except ValueError:
            problems.append(Problem(path, f"'{cells['tolerance']}' is not a number of zero "
                                    "or more", row, "tolerance"))
            continue
        checks.append(Check(cells["check_id"], cells["dataset"], kind, target, parts, by,
                            tolerance, cells["description"]))
    if problems:
        raise ETLError(problems)
    return checks


def _half_unit(rows: pd.DataFrame) -> pd.Series:
    """How far a printed value may sit from the truth through rounding alone."""
    rounded = (rows["unit"] != "count") | rows["period_type"].str.endswith("_average")
    return rounded * 0.5 * 10.0 ** (-rows["decimals"].astype(float))


def _keyed(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if "slack" in rows:  # worked out once for all rows (``validate``)
        return rows.set_index(by) if by else rows.copy()
    out = rows.copy()
    out["slack"] = _half_unit(rows)
    return out.set_index(by) if by else out


def _flag(check_id, kind, dataset, target_row, expected, tolerance, message):
    published = float(target_row["value"]) if target_row is not None else float("nan")
    return {
        "check_id": check_id,
        "kind": kind,
        "dataset": dataset,
        "measure": target_row["measure"],
        "area_code": target_row["area_code"],
        "area_name": target_row["area_name"],
        "period": target_row["period"],
        "breakdown_value": target_row["breakdown_value"],
        "published": published,
        "expected": float(expected),
        "difference": published - float(expected),
        "tolerance": float(tolerance),
        "message": message,
        "files": target_row["file"],
    }


def _describe(row) -> str:
    parts = [row["measure"]]
    if row["breakdown_value"] != TOTAL:
        parts.append(f"({row['breakdown_value']})")
    parts.append(f"for {row['area_name']}, {row['period']}")
    return " ".join(parts)


def run_check(check: Check, data: pd.DataFrame,
              by_measure: dict[str, pd.DataFrame] | None = None) -> list[dict]:
    """Evaluate one check; return a flag for every place it does not hold. ``by_measure``
    (``data`` split by measure) makes each selection look at its measure's rows alone."""
    def select(part: Selector) -> pd.DataFrame:
        if by_measure is None:
            return part.rows(data)
        return part.rows(by_measure.get(part.measure, data.iloc[:0]))

    by = [BY_COLUMNS[b] for b in check.by]
    additive = check.kind in ("sum", "ratio", "change")
    part_values, part_slack = [], []
    for part in check.parts:
        rows = select(part)
        if rows.empty:
            return []
        grouped = _keyed(rows, by).groupby(level=list(range(len(by))))
        # sums and ratios add each part up; the other kinds pool every part's values
        part_values.append(grouped["value"].agg("sum" if additive else list))
        part_slack.append(grouped["slack"].agg("sum" if additive else "max"))
    if check.target.constant is not None:
        # A fixed target such as 100: compare it with the parts wherever they are present.
        first = _keyed(select(check.parts[0]), by)
        targets = first[~first.index.duplicated()].copy()
        targets["value"], targets["slack"] = check.target.constant, 0.0
    else:
        targets = _keyed(select(check.target), by)
    flags = []
    for key, target in targets.iterrows():
        try:
            values = [series.loc[key] for series in part_values]
            slack = (sum if additive else max)(s.loc[key] for s in part_slack)
        except KeyError:
            continue
        pooled = [] if additive else [v for vs in values for v in vs]
        tol = check.tolerance if check.tolerance is not None else (
            float(target["slack"]) + float(slack) + 1e-9)
        published = float(target["value"])
        row = _row(target, by, key)
        what = _describe(row)
        if check.kind == "sum":
            expected = sum(values)
            text = f"sum of parts is {expected:,.10g}"
        elif check.kind == "ratio":
            if values[1] == 0:
                continue
            expected = 100.0 * values[0] / values[1]
            text = f"{values[0]:,.10g} / {values[1]:,.10g} = {expected:.2f}%"
        elif check.kind == "change":
            if values[1] == 0:
                continue
            expected = 100.0 * (values[0] - values[1]) / values[1]
            text = f"{values[1]:,.10g} to {values[0]:,.10g} is a change of {expected:+.1f}%"
        elif check.kind == "between":
            low, high = min(pooled), max(pooled)
            if low - tol <= published <= high + tol:
                continue
            expected = low if published < low else high
            flags.append(_flag(check.check_id, check.kind, check.dataset, row,
                               expected, tol, f"{what}: {published:,.10g} lies outside "
                               f"{low:,.10g}–{high:,.10g}, the range of its parts. "
                               f"{check.description}".strip()))
            continue
        else:
            expected = {"mean": sum(pooled) / len(pooled), "max": max(pooled),
                        "min": min(pooled)}[check.kind]
            text = f"the {check.kind} of its parts is {expected:,.4g}"
        if abs(published - expected) > tol:
            claim = (f"should be {published:,.10g}" if check.target.constant is not None
                     else f"published {published:,.10g}")
            flags.append(_flag(check.check_id, check.kind, check.dataset, row,
                               expected, tol, f"{what}: {claim}, but {text}. "
                               f"{check.description}".strip()))
    return flags


def _row(target: pd.Series, by: list[str], key) -> dict:
    row = target.to_dict()
    keys = key if isinstance(key, tuple) else (key,)
    row.update(zip(by, keys, strict=True))
    return row


def automatic_checks(data: pd.DataFrame) -> list[Check]:
    """Every counted breakdown must add up to its published Total."""
    counts = data[(data["unit"] == "count") & (data["breakdown"] != TOTAL)]
    checks = []
    for (dataset, measure, breakdown), _ in counts.groupby(["dataset", "measure", "breakdown"]):
        has_total = ((data["measure"] == measure) & (data["breakdown_value"] == TOTAL)).any()
        if has_total:
            checks.append(Check(f"auto:{measure}:{breakdown}", dataset, "sum",
                                Selector(measure), (Selector(measure, breakdown),),
                                ("period", "area"), None,
                                f"The {breakdown.replace('_', ' ')} rows should add up to "
                                "the total."))
    return checks


def average_flags(data: pd.DataFrame) -> list[dict]:
    """Columns printed as an average over years must equal the mean of those years."""
    flags = []
    averages = data[data["period_type"].str.endswith("_average") & data["value"].notna()]
    averages = averages[~averages["unit"].isin(["percent", "score_percent"])]
    keys = ["measure", "breakdown", "breakdown_value", "area_code"]
    for _, avg in averages.iterrows():
        base = avg["period_type"].removesuffix("_average")
        years = data[(data[keys] == avg[keys]).all(axis=1) & (data["period_type"] == base)
                     & (data["period_start"] >= avg["period_start"])
                     & (data["period_end"] <= avg["period_end"]) & data["value"].notna()]
        span_years = round((avg["period_end"] - avg["period_start"]).days / 365.25)
        if base == "snapshot":
            span_years += 1  # 31 March 2008 to 31 March 2012 holds five snapshots
        if len(years) != span_years or span_years == 0:
            continue
        expected = years["value"].mean()
        tol = float(_half_unit(avg.to_frame().T).iloc[0]) + 1e-9
        if abs(avg["value"] - expected) > tol:
            flags.append(_flag(f"auto:{avg['measure']}:average", "mean", avg["dataset"], avg,
                               expected, tol, f"{_describe(avg)}: published "
                               f"{avg['value']:,.10g}, but the mean of the {span_years} years "
                               f"is {expected:,.4g}."))
    return flags


def conflict_flags(data: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Keep one row per figure: the latest source wins; disagreements are flagged."""
    keys = ["measure", "breakdown", "breakdown_value", "area_code", "period"]
    ordered = data.sort_values("published", ascending=False, kind="stable")
    dupes = ordered[ordered.duplicated(keys, keep=False)]
    flags = []
    for _, group in dupes.groupby(keys, sort=False):
        kept, others = group.iloc[0], group.iloc[1:]
        for _, other in others.iterrows():
            same = (pd.isna(kept["value"]) and pd.isna(other["value"])) or (
                kept["value"] == other["value"])
            if not same:
                flags.append(_flag("conflict", "conflict", kept["dataset"], kept,
                                   other["value"], 0.0,
                                   f"{_describe(kept)}: {kept['source']} gives "
                                   f"{kept['value']:,.10g} but {other['source']} gives "
                                   f"{other['value']:,.10g}; the later publication is kept."))
    return ordered.drop_duplicates(keys, keep="first"), flags


def validate(data: pd.DataFrame, checks: list[Check]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the de-duplicated data and a frame of flags (empty when all agrees).

    The checks read a copy whose text columns are plain objects, split by measure: the
    same values, much faster to select from row by row."""
    plain = data.astype({c: object for c in data.columns
                         if isinstance(data[c].dtype, pd.StringDtype)})
    kept, flags = conflict_flags(plain)
    kept = kept.assign(slack=_half_unit(kept))
    by_measure = dict(tuple(kept.groupby("measure", sort=False)))
    for check in [*automatic_checks(kept), *checks]:
        flags.extend(run_check(check, kept, by_measure))
    flags.extend(average_flags(kept))
    frame = pd.DataFrame.from_records(flags, columns=FLAG_COLUMNS)
    return data.loc[kept.index], frame
