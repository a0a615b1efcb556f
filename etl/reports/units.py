"""Units a measure may have, their valid ranges and the words some of them accept."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unit:
    """How values of one unit are checked and shown. ``decimals``: the places a figure of
    this unit is rounded to in every output, unless its measure declares its own."""

    name: str
    label: str
    minimum: float | None = 0.0
    maximum: float | None = None
    words: dict[str, float] = field(default_factory=dict)
    decimals: int = 1


UNITS: dict[str, Unit] = {
    u.name: u
    for u in [
        Unit("count", "number", decimals=0),
        Unit("percent", "%", 0.0, 100.0),
        Unit("percent_change", "% change", None, None),
        Unit("rate_per_1000", "per 1,000"),
        Unit("rate_per_10000", "per 10,000 children"),
        Unit("rate_per_100000", "per 100,000"),
        Unit("score_percent", "% score", 0.0, 100.0),
        Unit("gbp", "£", decimals=0),
        Unit("days", "days", decimals=0),
        Unit("weeks", "weeks", decimals=0),
        Unit("years", "years"),
        Unit("ratio", "ratio", decimals=2),
        Unit(
            "ofsted_grade",
            "Ofsted grade (1 outstanding – 4 inadequate)",
            1.0,
            4.0,
            {"outstanding": 1, "good": 2, "adequate": 3, "inadequate": 4},
            decimals=0,
        ),
        Unit(
            "lscb_self_assessment",
            "self-assessment (1 good – 3 poor)",
            1.0,
            3.0,
            {"good": 1, "satisfactory": 2, "poor": 3},
            decimals=0,
        ),
        Unit("yes_no", "yes (1) / no (0)", 0.0, 1.0, {"y": 1, "yes": 1, "n": 0, "no": 0},
             decimals=0),
        Unit("decile", "decile (1 = the most deprived tenth)", 1.0, 10.0, decimals=0),
    ]
}

# GSS symbols for a value that is not given as a number.
STATUS_SYMBOLS = {
    "x": "not available",
    "z": "not applicable",
    "c": "confidential",
    "u": "low reliability",
    "low": "rounds to zero",
    "k": "rounds to zero",
}


def parse_cell(text: str, unit: str) -> tuple[float | None, str | None, int]:
    """Return ``(value, status, decimals)`` for one cell, or raise ``ValueError``.

    Accepts ``1,234``, ``98.5``, ``98.5%`` (percent units only), a GSS symbol,
    or one of the unit's words (``Good`` for Ofsted grades).
    """
    spec = UNITS[unit]
    cell = text.strip()
    key = cell.lower()
    if key in STATUS_SYMBOLS:
        return None, key, 0
    if key in spec.words:
        return float(spec.words[key]), None, 0
    number = cell.replace(",", "").replace(" ", "")
    if number.endswith("%"):
        if unit not in ("percent", "score_percent", "percent_change"):
            raise ValueError(f"'{cell}' has a % sign but the unit is {unit}")
        number = number[:-1]
    if number.startswith("£"):
        if unit != "gbp":
            raise ValueError(f"'{cell}' has a £ sign but the unit is {unit}")
        number = number[1:]
    try:
        value = float(number)
    except ValueError:
        hint = ", ".join(spec.words) if spec.words else "a number such as 1,234 or 98.5"
        raise ValueError(f"'{cell}' is not {hint}, nor a symbol (x, z, c, u)") from None
    if not math.isfinite(value):
        raise ValueError(f"'{cell}' is not a finite number")
    if spec.minimum is not None and value < spec.minimum:
        raise ValueError(f"{value:g} is below {spec.minimum:g}, the least a {unit} can be")
    if spec.maximum is not None and value > spec.maximum:
        raise ValueError(f"{value:g} is above {spec.maximum:g}, the most a {unit} can be")
    decimals = len(number.split(".", 1)[1]) if "." in number else 0
    return value, None, decimals
