"""Benchmark: the explorer's charts against the benchmarking page's, side by side.
``python tests/benchmarks/bench_explore.py``

For the first ``INDICATORS`` benchmarking indicators, draws its trend, ranking and map once on the
benchmarking page (the reference) and once in the explorer (same measure), alternately,
``ROUNDS`` times, and prints the median time of each and their ratio (target: the explorer
within 1.5 times the benchmarking page, since it does the same work plus finding the
measure's release and breakdowns). Also prints the time to list the releases and every
measure's breakdowns for a new version of the data (cold) and from the cache.
Reads the processed data the settings point at (``make etl`` first).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dashboard import charts  # noqa: E402
from dashboard.charts import benchmarking, explore  # noqa: E402
from dashboard.store import releases  # noqa: E402

ROUNDS = 3
INDICATORS = 4  # the first few benchmarking indicators (each drawn 2 × ROUNDS times)
PAIRS = [(benchmarking.Ids.TREND, explore.Ids.TREND), (benchmarking.Ids.RANKED,
                                                        explore.Ids.RANKED),
         (benchmarking.Ids.MAP, explore.Ids.MAP)]


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    releases._releases.cache_clear()
    cold = _time(explore.measure_choices)
    warm = _time(explore.measure_choices)
    print(f"releases and breakdowns: {cold * 1000:.0f} ms cold, {warm * 1000:.2f} ms cached "
          f"({len(releases.releases())} releases, {len(explore.measure_choices())} measures)",
          flush=True)
    for reference_id, explorer_id in PAIRS:
        reference, explorer = charts.get(reference_id), charts.get(explorer_id)
        ref_times, exp_times = [], []
        for slug, (_, measure) in list(benchmarking.INDICATORS.items())[:INDICATORS]:
            ref_state = reference.state({"indicator": slug, "scope": "england"})
            exp_state = explorer.state({"measure": measure, "scope": "england"})
            reference.build(ref_state), explorer.build(exp_state)  # data read once
            for _ in range(ROUNDS):
                ref_times.append(_time(lambda s=ref_state, c=reference: c.build(s)))
                exp_times.append(_time(lambda s=exp_state, c=explorer: c.build(s)))
        ref, exp = statistics.median(ref_times), statistics.median(exp_times)
        print(f"{explorer_id}: {exp * 1000:.0f} ms, {reference_id}: {ref * 1000:.0f} ms, "
              f"ratio {exp / ref:.2f} (median of {len(exp_times)})", flush=True)


if __name__ == "__main__":
    main()
