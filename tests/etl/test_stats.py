"""Confidence intervals, comparison with England, ranks and quartiles against known values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from etl.official import statistics as stats


def _poisson_cdf(k: int, mu: float) -> float:
    return sum(math.exp(i * math.log(mu) - mu - math.lgamma(i + 1)) for i in range(k + 1))


def _bisect(holds, lo: float, hi: float) -> float:
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if holds(mid) else (mid, hi)
    return (lo + hi) / 2


def _exact_poisson(count: int, level: float) -> tuple[float, float]:
    """Exact (Garwood) limits found by bisection: an independent check on Byar's formula."""
    tail = (1 - level) / 2
    lower = _bisect(lambda mu: 1 - _poisson_cdf(count - 1, mu) >= tail, 0, 10 * count + 10)
    upper = _bisect(lambda mu: _poisson_cdf(count, mu) <= tail, 0, 10 * count + 50)
    return lower, upper


def test_z_values():
    assert stats.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert stats.z_value(0.998) == pytest.approx(3.090232, abs=1e-6)
    with pytest.raises(ValueError):
        stats.z_value(95)


# Wilson score intervals: 10/100 worked by hand; the rest are Newcombe (1998), Table I.
@pytest.mark.parametrize(("x", "n", "lower", "upper"), [
    (10, 100, 0.0552, 0.1744),
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_known_values(x, n, lower, upper):
    lo, hi = stats.wilson(x, n, 0.95)
    assert float(lo) == pytest.approx(lower, abs=5e-5)
    assert float(hi) == pytest.approx(upper, abs=5e-5)


def test_wilson_998_is_wider_and_all_of_n_stays_within_0_and_1():
    lo95, hi95 = stats.wilson(10, 100, 0.95)
    lo998, hi998 = stats.wilson(10, 100, 0.998)
    assert lo998 < lo95 < 0.1 < hi95 < hi998
    lo, hi = stats.wilson(20, 20)
    assert 0 < lo < 1 and hi == 1.0


def test_wilson_without_a_denominator_is_missing():
    lo, hi = stats.wilson([5, np.nan, 3, 1], [0, 10, np.nan, 10])
    assert np.isnan(lo[:3]).all() and np.isnan(hi[:3]).all()
    assert not np.isnan(lo[3])


def test_byar_twenty_events():
    lo, hi = stats.byar_count(20, 0.95)
    assert float(lo) == pytest.approx(12.21, abs=0.01)
    assert float(hi) == pytest.approx(30.89, abs=0.01)


@pytest.mark.parametrize("level", [0.95, 0.998])
@pytest.mark.parametrize("count", [20, 50, 100, 500, 2215])
def test_byar_agrees_with_exact_poisson_limits(count, level):
    exact_lo, exact_hi = _exact_poisson(count, level)
    lo, hi = stats.byar_count(count, level)
    assert float(lo) == pytest.approx(exact_lo, rel=5e-3)
    assert float(hi) == pytest.approx(exact_hi, rel=5e-3)


def test_byar_for_zero_and_missing_counts():
    lo, hi = stats.byar_count([0, np.nan, -1], 0.95)
    assert lo[0] == 0.0 and hi[0] == pytest.approx(3.67, abs=0.01)
    assert np.isnan(lo[1:]).all() and np.isnan(hi[1:]).all()
    lo, _ = stats.byar_count(1, 0.998)
    assert lo == 0.0  # the formula goes below zero; a count cannot


def test_byar_rate_is_the_count_interval_over_the_population():
    lo, hi = stats.byar_rate(2215, 70105, 10_000)
    count_lo, count_hi = stats.byar_count(2215)
    assert float(lo) == pytest.approx(count_lo / 70105 * 10_000)
    assert float(hi) == pytest.approx(count_hi / 70105 * 10_000)
    assert lo < 2215 / 70105 * 10_000 < hi
    lo, hi = stats.byar_rate([10, 10], [0, np.nan])
    assert np.isnan(lo).all() and np.isnan(hi).all()


def test_compare_uses_polarity_words():
    lower, upper = [1.0, 5.0, 3.0], [2.0, 6.0, 5.0]
    assert list(stats.compare(lower, upper, 4.0, "up_good")) == ["worse", "better", "similar"]
    assert list(stats.compare(lower, upper, 4.0, "down_good")) == ["better", "worse", "similar"]
    assert list(stats.compare(lower, upper, 4.0, "neutral")) == ["lower", "higher", "similar"]
    mixed = stats.compare(lower, upper, 4.0, ["up_good", "down_good", "neutral"])
    assert list(mixed) == ["worse", "worse", "similar"]


def test_compare_touching_the_benchmark_is_similar_and_missing_is_none():
    assert stats.compare(4.0, 6.0, 4.0, "neutral") == "similar"
    assert stats.compare(2.0, 4.0, 4.0, "neutral") == "similar"
    out = stats.compare([np.nan, 1.0, 1.0], [2.0, 2.0, 2.0], [4.0, np.nan, 4.0])
    assert list(out) == [None, None, "lower"]
    with pytest.raises(ValueError):
        stats.compare(1.0, 2.0, 4.0, "sideways")


def test_rank_best_first_with_ties_and_gaps():
    values = [30.0, 10.0, 20.0, np.nan, 20.0]
    assert list(stats.rank(values, "up_good")[[0, 1, 2, 4]]) == [1, 4, 2, 2]
    assert list(stats.rank(values, "down_good")[[0, 1, 2, 4]]) == [4, 1, 2, 2]
    neutral = stats.rank(values, "neutral")
    assert list(neutral[[0, 1, 2, 4]]) == [1, 4, 2, 2]  # neutral: highest value first
    assert np.isnan(neutral[3])


def test_rank_within_groups():
    values = [3.0, 1.0, 2.0, 2.0, 5.0, 5.0]
    groups = ["a", "a", "b", "b", "a", "b"]
    ranks = stats.rank(values, "up_good", groups)
    assert list(ranks) == [2, 3, 2, 2, 1, 1]
    assert list(stats.ranked(ranks, groups)) == [3, 3, 3, 3, 3, 3]


def test_quartiles_of_152_authorities():
    ranks = np.arange(1, 153)
    q = stats.quartile(ranks, 152)
    assert [int((q == k).sum()) for k in (1, 2, 3, 4)] == [38, 38, 38, 38]
    assert q[0] == 1 and q[-1] == 4
    assert np.isnan(stats.quartile(np.nan, 152))
