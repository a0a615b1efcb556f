"""What a Plotly figure actually draws, for tests of chart builders."""

from __future__ import annotations

import math


def drawn_values(figure) -> list[float]:
    """Every value drawn (bar lengths or line heights), gaps left out."""
    values = []
    for trace in figure.data:
        axis = trace.x if getattr(trace, "orientation", None) == "h" else trace.y
        values += [v for v in (axis if axis is not None else []) if v is not None
                   and not (isinstance(v, float) and math.isnan(v))]
    return values
