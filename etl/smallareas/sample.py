"""A synthetic record-level extract, so the small-area maps work before real data arrives.

Made up, deterministic (the same authority gives the same records every time),
and labelled as such wherever it is shown. Rates rise with the LSOA's income
deprivation affecting children (IDACI decile), roughly as they do in practice,
so the maps and notebooks have a pattern to find; the figures mean nothing else.

``python -m etl.smallareas.sample --authority E10000034 --rows 100000 --out extract.csv``
writes one to a file (for trying the extract format, or for benchmarks).
"""

from __future__ import annotations

import argparse
import logging
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

SYNTHETIC = "Synthetic sample — not real data"
YEARS = (2021, 2022, 2023)  # financial years 2021-22 to 2023-24
# Episodes per 10,000 children a year, at average deprivation.
RATES = {"children_in_need": 420.0, "cp_plan_started": 50.0, "became_looked_after": 25.0}


def _multiplier(decile: pd.Series) -> np.ndarray:
    """About 2.2 times the average in the most deprived tenth, 0.45 in the least."""
    d = pd.to_numeric(decile, errors="coerce").fillna(5.5).to_numpy(dtype=float)
    return 2.2 ** ((5.5 - d) / 4.5)


def synthetic_extract(lsoas: pd.DataFrame, authority: str, rows: int | None = None,
                      years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """Record-level episodes for ``lsoas`` (``lsoa_code``, ``children``, ``idaci_decile``).

    With ``rows``, rates are scaled so that there are about that many episodes.
    """
    rng = np.random.default_rng(zlib.crc32(authority.encode()))
    children = lsoas["children"].fillna(0).to_numpy(dtype=float)
    weight = _multiplier(lsoas["idaci_decile"])
    scale = 1.0
    if rows:
        expected = sum(children @ weight * r / 10_000 for r in RATES.values()) * len(years)
        scale = rows / max(expected, 1.0)
    parts = []
    for measure, rate in RATES.items():
        for year in years:
            n = rng.poisson(children * weight * rate * scale / 10_000)
            total = int(n.sum())
            start = (pd.Timestamp(f"{year}-04-01")
                     + pd.to_timedelta(rng.integers(0, 365, total), unit="D"))
            parts.append(pd.DataFrame({"lsoa_code": np.repeat(lsoas["lsoa_code"].to_numpy(), n),
                                       "measure": measure, "start_date": start}))
    out = pd.concat(parts, ignore_index=True)
    length = rng.integers(30, 900, len(out))
    end = out["start_date"] + pd.to_timedelta(length, unit="D")
    still_open = end > pd.Timestamp(f"{years[-1] + 1}-03-31")
    out["end_date"] = end.where(~still_open)
    out.insert(0, "child_id", [f"SYN{i:07d}" for i in rng.permutation(len(out))])
    out = out.sort_values(["start_date", "child_id"], kind="stable").reset_index(drop=True)
    out["start_date"] = out["start_date"].dt.strftime("%Y-%m-%d")
    out["end_date"] = out["end_date"].dt.strftime("%Y-%m-%d").fillna("")
    # The last row closes the final year, so every year counted is complete.
    close = pd.DataFrame([{"child_id": "SYN-END", "lsoa_code": lsoas["lsoa_code"].iloc[0],
                           "measure": "children_in_need",
                           "start_date": f"{years[-1] + 1}-03-31", "end_date": ""}])
    return pd.concat([out, close], ignore_index=True)


def main(argv: list[str] | None = None, prog: str = "safeguarding sample") -> int:
    from etl import config, log
    from etl.geo.authorities import find
    from etl.geo.reference import for_authority, read_reference

    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--authority", default=config.settings().authority)
    parser.add_argument("--rows", type=int, default=None, help="about this many episodes")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    log.configure()
    settings = config.settings()
    authority = find(args.authority, settings.raw_dir, settings.processed_dir)
    lsoas = for_authority(read_reference(config.settings().external_dir), authority.districts)
    frame = synthetic_extract(lsoas, authority.code, args.rows)
    frame.to_csv(args.out, index=False)
    log.result(logger, f"{len(frame):,} synthetic episodes for {authority.name} written to "
                       f"{args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(prog="python -m etl.smallareas.sample"))
