"""Plain-language findings computed from the data; never typed by hand."""

from __future__ import annotations

import pandas as pd

from dashboard.words import format as fmt


def _pct_change(first: float, last: float) -> float | None:
    return None if first == 0 else 100.0 * (last - first) / first


def change(label: str, first_period: str, first: float, last_period: str, last: float,
           unit: str) -> str:
    """``Contacts rose 70% from 8,402 in 2006-07 to 14,248 in 2011-12``."""
    a, b = fmt.value(first, unit), fmt.value(last, unit)
    if last == first:
        return f"{label} stayed at {b} from {first_period} to {last_period}"
    verb = "rose" if last > first else "fell"
    if unit in fmt.PERCENT_UNITS:
        return (f"{label} {verb} {fmt.points(last - first)} from {a} in "
                f"{first_period} to {b} in {last_period}")
    pct = _pct_change(first, last)
    by = f" {fmt.number(abs(pct), 0)}%" if pct is not None else ""
    return f"{label} {verb}{by} from {a} in {first_period} to {b} in {last_period}"


def trend(rows: pd.DataFrame, label: str) -> str:
    """The change from the first to the latest period of one series."""
    rows = rows.dropna(subset=["value"]).sort_values("period_start")
    if rows.empty:
        return f"No published figures for {label.lower()}"
    first, last = rows.iloc[0], rows.iloc[-1]
    if len(rows) == 1:
        return f"{label}: {fmt.value(last['value'], last['unit'])} in {last['period']}"
    return change(label, first["period"], first["value"], last["period"], last["value"],
                  last["unit"])


def compare(rows: pd.DataFrame, label: str, local: str) -> str:
    """How the local area (``local``: its area code) compares with each comparator in the
    latest period they share."""
    rows = rows.dropna(subset=["value"])
    ours = rows[rows["area_code"] == local]
    others = rows[rows["area_code"] != local]
    shared = sorted(set(ours["period"]) & set(others["period"]),
                    key=lambda p: ours.loc[ours["period"] == p, "period_start"].iloc[0])
    if not shared:
        if ours.empty:
            return f"No figures for {label.lower()}"
        latest = ours.sort_values("period_start").iloc[-1]
        return (f"{label} in {latest['area_name']}: "
                f"{fmt.value(latest['value'], latest['unit'])} in "
                f"{latest['period']} (no comparator for that year)")
    period = shared[-1]
    mine = ours[ours["period"] == period].iloc[0]
    name = mine["area_name"]
    higher, lower, same = [], [], []
    for _, other in others[others["period"] == period].sort_values("area_name").iterrows():
        text = f"{other['area_name']} ({fmt.short(other['value'], other['unit'])})"
        diff = mine["value"] - other["value"]
        (higher if diff > 0 else lower if diff < 0 else same).append(text)
    clauses = []
    for word, items in (("higher than", higher), ("lower than", lower),
                        ("the same as", same)):
        if items:
            clauses.append(f"{word} {' and '.join(items)}")
    return (f"{label}, {period}: {name} {fmt.value(mine['value'], mine['unit'])}, "
            f"{' and '.join(clauses)}")


def largest(rows: pd.DataFrame, what: str, period: str) -> str:
    """The biggest category in a breakdown, with its share of the whole."""
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return f"No figures for {period}"
    top = rows.sort_values("value", ascending=False).iloc[0]
    unit = top["unit"]
    text = f"{top['breakdown_value']} was the largest {what} in {period}"
    if unit == "count":
        share = 100.0 * top["value"] / rows["value"].sum()
        whole = fmt.number(rows["value"].sum())
        return f"{text}: {fmt.number(top['value'])} of {whole} ({share:.0f}%)"
    return f"{text} ({fmt.value(top['value'], unit)})"


def versus_shares(rows: pd.DataFrame, local: str) -> str:
    """``a smaller share than West Midlands (27%) and England (28.7%)`` for one category;
    ``local`` is the area code of the area described."""
    rows = rows.dropna(subset=["value"])
    ours = rows[rows["area_code"] == local]
    if ours.empty:
        return ""
    mine = ours["value"].iloc[0]
    groups: dict[str, list[str]] = {"a larger share than": [], "a smaller share than": [],
                                    "the same share as": []}
    for _, other in rows[rows["area_code"] != local].iterrows():
        text = f"{other['area_name']} ({fmt.short(other['value'], other['unit'])})"
        key = ("a larger share than" if mine > other["value"] else "a smaller share than"
               if mine < other["value"] else "the same share as")
        groups[key].append(text)
    return " but ".join(f"{k} {' and '.join(v)}" for k, v in groups.items() if v)
