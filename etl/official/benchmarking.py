"""Benchmarks of every rate and percentage: confidence limits, England, rank and quartile.

95% and 99.8% limits (Byar for rates, Wilson for percentages), the Fingertips
comparison with England's figure for the same measure and period, and each local
authority's rank and quartile (``etl.official.statistics``); then rows sorted and typed
as the official datasets are written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.official import statistics as stats
from etl.official.definitions import ENGLAND_CODE, PER
from etl.schema import CONTRACT_COLUMNS, OFFICIAL_EXTRA_COLUMNS


def benchmark(data: dict[str, np.ndarray], polarity: dict[str, str]) -> None:
    """Add confidence limits, comparison with England, rank and quartile among LAs (per
    measure, part of its breakdown and period)."""
    num, den, value = data["numerator"], data["denominator"], data["value"]
    unit = data["unit"]
    has_value = ~np.isnan(value)
    rates = (unit == "rate_per_10000") & has_value
    pcts = (unit == "percent") & has_value
    for level, tag in ((0.95, "95"), (0.998, "998")):
        r_lo, r_hi = stats.byar_rate(num, den, PER, level)
        p_lo, p_hi = stats.wilson(num, den, level)
        data[f"lower_{tag}"] = np.select([rates, pcts], [r_lo, p_lo * 100], np.nan)
        data[f"upper_{tag}"] = np.select([rates, pcts], [r_hi, p_hi * 100], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = np.where(np.isfinite(num / den),
                         num / den * np.where(unit == "rate_per_10000", PER, 100.0), value)
    measures, names = pd.factorize(data["measure"])
    parts, _ = pd.factorize(data["breakdown_value"])  # each part of a breakdown on its own
    periods, _ = pd.factorize(data["period"])
    group = (measures * (parts.max(initial=0) + 1) + parts) * (periods.max(initial=0) + 1) \
        + periods
    bench = np.full(group.max(initial=0) + 1, np.nan)
    england = data["area_code"] == ENGLAND_CODE
    bench[group[england]] = exact[england]
    pol = np.array([polarity.get(m, "neutral") for m in names], dtype=object)[measures]
    judged = (rates | pcts) & ~england
    compared = np.full(len(value), None, dtype=object)
    compared[judged] = stats.compare(data["lower_95"][judged], data["upper_95"][judged],
                                     bench[group[judged]], pol[judged])
    data["compared_with_england"] = compared
    la = (data["geographic_level"] == "local_authority") & (rates | pcts)
    ranks = np.full(len(value), np.nan)
    ranks[la] = stats.rank(value[la], pol[la], group[la])
    data["rank"] = ranks
    data["rank_of"] = stats.ranked(ranks, group)
    data["quartile"] = stats.quartile(ranks, data["rank_of"])


def sort_rows(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rows in the order every dataset uses: measure, breakdown, area, period."""
    keys = [pd.factorize(data[k], sort=True)[0] for k in ("measure", "breakdown",
                                                          "breakdown_value", "area_code")]
    keys += [data["period_start"], data["period_end"]]
    order = np.lexsort(keys[::-1])
    return {k: v[order] for k, v in data.items()}


def typed_frame(data: dict[str, np.ndarray], rows: np.ndarray) -> pd.DataFrame:
    """A dataset frame in the contract's column order, extras after."""
    columns = {}
    for name in CONTRACT_COLUMNS + OFFICIAL_EXTRA_COLUMNS:
        values = data[name][rows]
        if name in ("period_start", "period_end"):
            columns[name] = pd.Series(values.astype(object), dtype=object)
        elif name in ("rank", "rank_of", "quartile"):
            columns[name] = pd.array(values, dtype="Int64")
        elif values.dtype == object:
            columns[name] = pd.Series(values, dtype=object)
        else:
            columns[name] = values.astype("float64")
    return pd.DataFrame(columns)
