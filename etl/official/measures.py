"""Turning a read release into measure rows: periods, symbols, rates and their checks.

Each ``Item`` of a release gives one measure's rows (``item_rows``), as arrays, one per
output column. Counts are taken as published; percentages as published or computed from
their counts; rates per 10,000 children recomputed from the count and the ONS estimate
of children aged 0 to 17 for the previous year, and any published rate or percentage that
its own counts do not give is flagged (the published figure is never changed). A figure
made from several cells inherits their GSS symbol, ``c`` first.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from etl.config import TOTAL
from etl.errors import Problem
from etl.official import statistics as stats
from etl.official.definitions import PER, Item
from etl.official.reading import PLACE_COLUMNS, Read, strip_cells

_SYMBOL_ORDER = ("c", "u", "x", "z", "k", "low")  # which one a derived figure inherits


def period_parts(year: int, snapshot: bool, mid_year: bool, year_end: str = "03-31"
                 ) -> tuple[str, str, str, str]:
    """Label, type, start and end of the year ``year`` (ending on ``year_end``, MM-DD)."""
    if mid_year:
        d = date(year, 6, 30).isoformat()
        return d, "snapshot", d, d
    month, day = (int(x) for x in year_end.split("-"))
    end = date(year, month, day)
    if snapshot:
        return end.isoformat(), "snapshot", end.isoformat(), end.isoformat()
    # A flow over a year ending on another day (1 October to 30 September, say) keeps the
    # two-year label; its start and end say which twelve months it is.
    start = date(year - 1, month, day) + timedelta(days=1)
    return (f"{year - 1}-{year % 100:02d}", "financial_year", start.isoformat(),
            end.isoformat())


def period_columns(years: np.ndarray, snapshot: bool, mid_year: bool,
                   year_end: str = "03-31") -> dict[str, np.ndarray]:
    """Period label, type, start and end (as datetime64[D]) for each year."""
    unique, inverse = np.unique(years, return_inverse=True)
    parts = [period_parts(int(y), snapshot, mid_year, year_end) for y in unique]
    table = {name: np.array([p[i] for p in parts], dtype=object)
             for i, name in enumerate(("period", "period_type", "period_start", "period_end"))}
    out = {name: values[inverse] for name, values in table.items()}
    for name in ("period_start", "period_end"):
        out[name] = out[name].astype("datetime64[D]")
    return out


def inherit_symbols(statuses: list[np.ndarray]) -> np.ndarray:
    """The symbol a figure built from several cells inherits (``c`` wins over others)."""
    out = np.full(len(statuses[0]), None, dtype=object)
    for symbol in reversed(_SYMBOL_ORDER):
        for s in statuses:
            out[s == symbol] = symbol
    return out


def population_table(read: Read) -> pd.DataFrame:
    """Children aged 0 to 17 by year and place (``_place``), the denominator of rates."""
    values, status, _ = read.columns["population_estimate"]
    column, wanted = read.release.items[0].conditions[0]
    keep = strip_cells(read.frame[column]) == wanted
    population = pd.DataFrame({"value": values[keep],
                               "status": pd.Series(status[keep], dtype=object)},
                              index=pd.MultiIndex.from_arrays(
                                  [read.years[keep], read.places["_place"][keep]]))
    return population[~population.index.duplicated()]


def item_rows(read: Read, item: Item, population: pd.DataFrame | None, pop_file: str,
               flags: list[dict], problems: list[Problem]) -> dict[str, np.ndarray] | None:
    """One measure's rows as arrays, one per output column."""
    release, frame = read.release, read.frame
    n = len(frame)
    keep = np.ones(n, dtype=bool)
    for column, wanted in item.conditions:
        keep &= strip_cells(frame[column]) == wanted
        if not keep.any():
            problems.append(Problem(read.path, f"no rows with {column} '{wanted}', which "
                                    f"{item.measure} is made from", None, column))
            return None
    parts = [read.columns[c] for c in item.columns]
    numerator = np.sum([p[0] for p in parts], axis=0)
    status = inherit_symbols([p[1] for p in parts])
    blank = np.any([p[2] for p in parts], axis=0)
    denominator = np.full(n, np.nan)
    dens = [read.columns[c] for c in item.denominator]
    if item.denominator_when:
        at = _other_rows(read, item, problems)
        if at is None:
            return None
        dens = [_taken(d, at) for d in dens]
    published = None
    mult = 100.0
    source: object = f"{release.publication}: {read.path.name}"
    source_table = read.path.stem
    if item.kind == "count":
        value = numerator
        numerator = np.full(n, np.nan)
    elif item.kind == "percent":
        denominator = np.sum([d[0] for d in dens], axis=0)
        if item.published:
            value, status, blank = read.columns[item.published]
            published = value
        else:
            status = inherit_symbols([status, *(d[1] for d in dens)])
            blank = blank | np.any([d[2] for d in dens], axis=0)
            # A share of a whole cannot pass 100%: where the part outnumbers the whole (counts
            # of a year that are not nested, as conferences following enquiries begun the
            # year before), no share is worked out, and the status says it does not apply.
            whole = (denominator > 0) & (numerator <= denominator)
            with np.errstate(invalid="ignore", divide="ignore"):
                value = np.where(whole, np.round(numerator / denominator * 100, 1), np.nan)
            status = np.where(~whole & ~np.isnan(denominator) & ~np.isnan(numerator)
                              & (status == None), "z", status)  # noqa: E711
            source = (f"Derived: ({' + '.join(item.columns)}) ÷ "
                      f"({' + '.join(item.denominator)}) × 100 ({read.path.name})")
            source_table = "derived"
    else:  # rate per 10,000 children
        mult = PER
        if item.published:
            published = read.columns[item.published][0]
        prev = read.years - 1
        pop_status = np.full(n, None, dtype=object)
        if population is not None:
            found = population.reindex(pd.MultiIndex.from_arrays(
                [prev, read.places["_place"]]))
            denominator = found["value"].to_numpy(dtype="float64")
            pop_status = np.array([v if isinstance(v, str) else None
                                   for v in found["status"]], dtype=object)
        pop_status = np.where(np.isnan(denominator) & (pop_status == None), "x",  # noqa: E711
                              pop_status)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(denominator > 0, np.round(numerator / denominator * PER, 1),
                             np.nan)
        status = np.where(status == None, pop_status, status)  # noqa: E711
        status = np.where(np.isnan(value) & (status == None), "x", status)  # noqa: E711
        texts = {y: f"Derived: {item.columns[0]} ÷ ONS mid-{y} population aged 0 to 17 × "
                    f"10,000 ({read.path.name}; {pop_file})" for y in np.unique(prev)}
        source = np.array([texts[y] for y in prev], dtype=object)
        source_table = "derived"
    value = np.where(status == None, value, np.nan)  # noqa: E711
    keep = keep & ~blank & (read.years > 0)
    if published is not None:
        _check_published(read, item, keep, published, numerator, denominator, mult, flags)
    idx = np.flatnonzero(keep)
    out = period_columns(read.years[idx], item.snapshot, release.mid_year, release.year_end)
    m = len(idx)
    breakdown, part = item.breakdown or (TOTAL, TOTAL)
    out.update({
        "measure": np.full(m, item.measure, dtype=object),
        "breakdown": np.full(m, breakdown, dtype=object),
        "breakdown_value": np.full(m, part, dtype=object),
        "value": value[idx],
        "unit": np.full(m, item.unit, dtype=object),
        "status": status[idx],
        "source": source[idx] if isinstance(source, np.ndarray)
        else np.full(m, source, dtype=object),
        "source_id": np.full(m, release.source_id, dtype=object),
        "source_table": np.full(m, source_table, dtype=object),
        "numerator": numerator[idx],
        "denominator": denominator[idx],
        "_row": frame["_row"].to_numpy()[idx],
    })
    for column in (*PLACE_COLUMNS, "_place"):
        out[column] = read.places[column][idx]
    key = stats.pd_codes(out["area_code"]) * 10_000 + read.years[idx]
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    if (counts > 1).any():
        for k in key[np.sort(first[counts > 1])][:5]:
            rows = out["_row"][key == k]
            at = np.flatnonzero(key == k)[0]
            problems.append(Problem(read.path, f"rows {', '.join(str(r) for r in rows)} both "
                                    f"give {item.measure} for {out['area_code'][at]}, "
                                    f"{out['period'][at]}", int(rows[-1])))
        return None
    return out


def _other_rows(read: Read, item: Item, problems: list[Problem]) -> np.ndarray | None:
    """For each row, the row of the same year and place that holds its denominator
    (``item.denominator_when``, the other conditions as they are); -1 where there is none."""
    frame = read.frame
    column, wanted = item.denominator_when
    target = strip_cells(frame[column]) == wanted
    for other, value in item.conditions:
        if other != column:
            target &= strip_cells(frame[other]) == value
    if not target.any():
        problems.append(Problem(read.path, f"no rows with {column} '{wanted}', which the "
                                f"denominator of {item.measure} is taken from", None, column))
        return None
    keys = pd.MultiIndex.from_arrays([read.years, read.places["_place"]])
    rows = pd.Series(np.flatnonzero(target), index=keys[target])
    twice = rows.index.duplicated()
    if twice.any():
        first = frame["_row"].to_numpy()[rows[twice].iloc[0]]
        problems.append(Problem(read.path, f"two rows with {column} '{wanted}' for the same "
                                f"year and place, so the denominator of {item.measure} is "
                                "not clear", int(first), column))
        return None
    return rows.reindex(keys).fillna(-1).to_numpy(dtype="int64")


def _taken(parsed: tuple[np.ndarray, np.ndarray, np.ndarray], at: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A parsed column's ``(values, status, blank)`` taken from rows ``at`` (-1: none)."""
    values, status, blank = parsed
    found = at >= 0
    safe = np.where(found, at, 0)
    return (np.where(found, values[safe], np.nan),
            np.where(found, status[safe], None),
            np.where(found, blank[safe], False))


def _check_published(read: Read, item: Item, keep: np.ndarray, published: np.ndarray,
                     numerator: np.ndarray, denominator: np.ndarray, mult: float,
                     flags: list[dict]) -> None:
    """Flag a published rate or percentage that its own counts do not give."""
    frame, places = read.frame, read.places
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = numerator / denominator * mult
        # DfE rounds England and regional counts to the nearest 10: allow for that too.
        rounded = np.isin(places["geographic_level"], ["national", "regional"])
        share = np.nan_to_num(numerator / denominator) if item.kind == "percent" else 0.0
        slack = np.where(rounded, mult * 5 / denominator * (1 + share), 0.0)
        tolerance = 0.5 * 10.0 ** -item.decimals + slack + 1e-9
        off = keep & np.isfinite(exact) & np.isfinite(published) & (denominator > 0) & (
            np.abs(published - exact) > tolerance)
    for i in np.flatnonzero(off):
        year = int(read.years[i])
        period = period_parts(year, item.snapshot, False, read.release.year_end)[0]
        area = places["area_name"][i]
        if item.kind == "rate":
            how = (f"{numerator[i]:,.0f} ÷ {denominator[i]:,.0f} children aged 0 to 17 "
                   f"(ONS mid-{year - 1}) × {PER:,}")
            kept = "the recomputed rate is kept"
        else:
            how = (f"{' + '.join(item.columns)} {numerator[i]:,.0f} ÷ "
                   f"{' + '.join(item.denominator)} {denominator[i]:,.0f} × 100")
            kept = "the published percentage is kept"
        flags.append({
            "check_id": f"dfe_{item.kind}:{item.measure}",
            "kind": "rate" if item.kind == "rate" else "ratio",
            "dataset": read.release.dataset,
            "measure": item.measure,
            "area_code": places["area_code"][i],
            "area_name": area,
            "period": period,
            "breakdown_value": TOTAL,
            "published": float(published[i]),
            "expected": float(exact[i]),
            "difference": float(published[i] - exact[i]),
            "tolerance": float(tolerance[i]),
            "message": (f"{item.measure} for {area}, {period}: published {published[i]:g}, "
                        f"but {how} = {exact[i]:.2f} (row {int(frame['_row'].iloc[i])}); "
                        f"{kept}."),
            "files": read.path.name,
        })


def with_release_columns(measures: pd.DataFrame, datasets: dict[str, pd.DataFrame],
                         release_of: dict[str, str]) -> pd.DataFrame:
    """``measures`` with ``release`` (the file each official measure came from, the
    newest when several give it) and ``authorities`` (local authorities with a value)."""
    counts = pd.concat([frame.loc[(frame["geographic_level"] == "local_authority")
                                  & frame["value"].notna(), ["measure", "area_code"]]
                        for frame in datasets.values()], ignore_index=True)
    authorities = counts.drop_duplicates().groupby("measure").size()
    out = measures.copy()
    out["release"] = pd.Series(out["measure"].map(release_of), dtype=object)
    out["authorities"] = pd.array(out["measure"].map(authorities).fillna(0), dtype="Int64")
    return out
