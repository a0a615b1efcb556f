"""Figures the reports imply but do not print, computed from published ones."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.config import TOTAL


@dataclass(frozen=True)
class Derivation:
    """``measure = numerator / denominator × multiplier``, matched on area and period end."""

    measure: str
    numerator: str
    denominator: str
    multiplier: float
    unit: str


DERIVATIONS = (
    Derivation("racist_incidents_rate_per_1000_pupils", "racist_incidents", "school_pupils",
               1000.0, "rate_per_1000"),
)


def derive(data: pd.DataFrame, measures: dict) -> pd.DataFrame:
    """Append derived rows for every derivation whose inputs are present."""
    new = []
    for d in DERIVATIONS:
        if d.measure not in measures:
            continue
        num = data[(data["measure"] == d.numerator) & (data["breakdown_value"] == TOTAL)
                   & data["value"].notna()]
        den = data[(data["measure"] == d.denominator) & (data["breakdown_value"] == TOTAL)
                   & data["value"].notna() & (data["value"] > 0)]
        joined = num.merge(den[["area_code", "period_end", "value", "source"]],
                           on=["area_code", "period_end"], suffixes=("", "_den"))
        for _, row in joined.iterrows():
            out = row.drop(["value_den", "source_den"]).copy()
            out["measure"] = d.measure
            out["unit"] = d.unit
            out["value"] = row["value"] / row["value_den"] * d.multiplier
            out["decimals"] = 1
            out["source"] = (f"Derived: {d.numerator} ÷ {d.denominator} × "
                             f"{d.multiplier:,.0f} ({row['source']}; {row['source_den']})")
            out["source_table"] = "derived"
            new.append(out)
    if not new:
        return data
    return pd.concat([data, pd.DataFrame(new)], ignore_index=True)
