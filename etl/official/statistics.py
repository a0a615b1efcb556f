"""Confidence intervals, comparison with England, ranks and quartiles: pure functions.

The methods are the ones Public Health England's Fingertips tools use:

- **Byar's method** for a count of events (and so for a rate: the count's
  limits divided by the population). Lower limit
  ``O (1 - 1/(9O) - z/(3√O))³``, upper limit
  ``(O+1) (1 - 1/(9(O+1)) + z/(3√(O+1)))³``.
- **Wilson's score method** for a proportion ``p = x/n``:
  ``(2x + z² ± z√(z² + 4x(1-p))) / (2(n + z²))``.

A value is *significantly* higher or lower than England's when its 95%
confidence interval does not contain England's value. Every function takes
scalars or NumPy arrays (``nan`` where there is nothing to compute) and
returns the same shape.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

LEVELS = (0.95, 0.998)

POLARITY_WORDS = {
    "up_good": {"higher": "better", "lower": "worse", "similar": "similar"},
    "down_good": {"higher": "worse", "lower": "better", "similar": "similar"},
    "neutral": {"higher": "higher", "lower": "lower", "similar": "similar"},
}


def z_value(level: float) -> float:
    """Two-sided standard normal quantile: 1.96 for 95%, 3.09 for 99.8%."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level {level} must lie between 0 and 1")
    return NormalDist().inv_cdf(0.5 + level / 2)


def byar_count(count, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's confidence limits for a count of events ``O`` (a Poisson count)."""
    o = np.asarray(count, dtype="float64")
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    lower = np.where(o == 0, 0.0, np.maximum(lower, 0.0))
    bad = np.isnan(o) | (o < 0)
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def byar_rate(count, population, per: float = 10_000,
              level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits for ``count / population × per`` by Byar's method."""
    pop = np.asarray(population, dtype="float64")
    lower, upper = byar_count(count, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = pop > 0
        return (np.where(ok, lower / pop * per, np.nan),
                np.where(ok, upper / pop * per, np.nan))


def wilson(successes, trials, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits for the proportion ``successes / trials`` (0–1)."""
    x = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    z = z_value(level)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = 2 * x + z2
        half = z * np.sqrt(z2 + 4 * x * (1 - p))
        lower = (centre - half) / (2 * (n + z2))
        upper = (centre + half) / (2 * (n + z2))
    bad = ~((n > 0) & (x >= 0) & (x <= n))
    return (np.where(bad, np.nan, np.clip(lower, 0.0, 1.0)),
            np.where(bad, np.nan, np.clip(upper, 0.0, 1.0)))


def compare(lower, upper, benchmark, polarity="neutral") -> np.ndarray:
    """Judge each interval against the benchmark: Fingertips' rule, in words.

    ``better``/``similar``/``worse`` when the polarity says which way is good;
    ``higher``/``similar``/``lower`` when it does not. ``polarity`` is one
    string or one per interval. ``None`` where the interval or the benchmark
    is missing.
    """
    lo, hi, bench, pol = np.broadcast_arrays(
        *(np.asarray(a, dtype="float64") for a in (lower, upper, benchmark)),
        np.asarray(polarity, dtype=object))
    present = ~(np.isnan(lo) | np.isnan(hi) | np.isnan(bench))
    with np.errstate(invalid="ignore"):
        higher = present & (lo > bench)
        lower_ = present & (hi < bench)
    out = np.full(lo.shape, None, dtype=object)
    out[present] = "similar"
    for name, words in POLARITY_WORDS.items():
        here = pol == name
        out[higher & here] = words["higher"]
        out[lower_ & here] = words["lower"]
    unknown = present & ~np.isin(pol, list(POLARITY_WORDS))
    if unknown.any():
        raise ValueError(f"unknown polarity {pol[unknown][0]!r}")
    return out


def rank(values, polarity="neutral", groups=None) -> np.ndarray:
    """Rank 1 = best (``up_good``: highest; ``down_good``: lowest) within each group.

    With no polarity (``neutral``) rank 1 is the highest value. Ties share the
    best rank they span (1, 2, 2, 4); missing values get no rank (``nan``).
    ``polarity`` is one string or one per value; ``groups`` (optional) holds a
    label per value, and values are ranked only against their own group.
    """
    v = np.asarray(values, dtype="float64")
    pol = np.broadcast_to(np.asarray(polarity, dtype=object), v.shape)
    key = np.where(pol == "down_good", v, -v)
    g = np.zeros(v.shape, dtype="int64") if groups is None else pd_codes(groups)
    out = np.full(v.shape, np.nan)
    idx = np.flatnonzero(~np.isnan(key))
    if not len(idx):
        return out
    order = idx[np.lexsort((key[idx], g[idx]))]
    ks, gs = key[order], g[order]
    positions = np.arange(len(order))
    new_group = np.r_[True, gs[1:] != gs[:-1]]
    new_value = new_group | np.r_[True, ks[1:] != ks[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    value_start = np.maximum.accumulate(np.where(new_value, positions, 0))
    out[order] = value_start - group_start + 1
    return out


def ranked(ranks, groups=None) -> np.ndarray:
    """How many values were ranked in each value's group (``nan`` for unranked values)."""
    r = np.asarray(ranks, dtype="float64")
    g = np.zeros(r.shape, dtype="int64") if groups is None else pd_codes(groups)
    has = ~np.isnan(r)
    counts = np.bincount(g[has], minlength=g.max(initial=0) + 1)
    return np.where(has, counts[g], np.nan)


def pd_codes(labels) -> np.ndarray:
    """Integer codes for any array of hashable labels (equal labels, equal codes)."""
    arr = np.asarray(labels)
    codes, _ = pd.factorize(arr.ravel())
    return codes.reshape(arr.shape).astype("int64")


def quartile(ranks, count) -> np.ndarray:
    """Quartile 1–4 of a rank among ``count`` areas (1 = the best or highest quarter)."""
    r = np.asarray(ranks, dtype="float64")
    n = np.asarray(count, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.floor((r - 1) * 4 / n) + 1
    return np.where(np.isnan(q) | (n <= 0), np.nan, np.clip(q, 1, 4))
