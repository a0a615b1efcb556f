"""Colours, line styles and the Plotly template: colour-blind safe and never colour alone.

Colours are from the Okabe–Ito palette, darkened where text sits on them so
that everything meets WCAG 2.2 AA contrast (4.5:1) on white.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

FONT = "Arial, 'Helvetica Neue', Helvetica, 'Liberation Sans', sans-serif"
INK = "#1a1a1a"
MUTED = "#595959"  # 7.0:1 on white
GRID = "#d9d9d9"

# Okabe–Ito, in an order that keeps neighbours distinguishable.
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
          "#F0E442"]
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon"]

# Compared areas keep one look everywhere, by their role: the partnership's authority
# first and strongest, then its statistical neighbours, its region and England.
ROLE_STYLE = {
    "authority": {"color": "#0072B2", "dash": "solid", "symbol": "circle", "pattern": ""},
    "neighbours": {"color": "#009E73", "dash": "dashdot", "symbol": "triangle-up",
                   "pattern": "x"},
    "region": {"color": "#D55E00", "dash": "dash", "symbol": "square", "pattern": "/"},
    "england": {"color": "#000000", "dash": "dot", "symbol": "diamond", "pattern": "."},
}

# Words and colours for a change, by the measure's polarity.
BETTER = "#005a8c"   # dark blue, 7.4:1
WORSE = "#a84800"    # dark orange, 5.9:1
NEUTRAL = MUTED

# Section 11 grade descriptors: 25% red, 50% blue, 75% amber, 100% green.
# Light tints keep black cell labels above 4.5:1 contrast; the label names the band too.
S11_BANDS = [
    (0.0, 37.5, "Red (about 25%)", "#f4a29b"),
    (37.5, 62.5, "Blue (about 50%)", "#9cc3e6"),
    (62.5, 87.5, "Amber (about 75%)", "#f7cf72"),
    (87.5, 100.01, "Green (about 100%)", "#9fd49a"),
]
MISSING = "#ffffff"


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = "#ffffff") -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable(hex_colour: str, ratio: float = 4.5) -> str:
    """``hex_colour`` darkened just enough for text in it to reach ``ratio`` on white
    (WCAG AA for normal text), so a data label can be drawn in its line's colour."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    out = hex_colour.lower()
    for step in range(101):
        scale = 1 - step / 100
        out = f"#{round(r * scale):02x}{round(g * scale):02x}{round(b * scale):02x}"
        if contrast(out) >= ratio:
            break
    return out


def style(index: int, role: str | None = None, variant: str | None = None) -> dict:
    """Colour, dash, marker symbol and bar pattern for the n-th series, or for a compared
    area by its role; ``variant="report"`` (the annual reports' own figures beside the
    official ones) keeps the role's colour with other marks."""
    if role in ROLE_STYLE:
        if variant == "report":
            return {**ROLE_STYLE[role], "dash": "dot", "symbol": "x", "pattern": "x"}
        return ROLE_STYLE[role]
    return {"color": SERIES[index % len(SERIES)], "dash": DASHES[index % len(DASHES)],
            "symbol": SYMBOLS[index % len(SYMBOLS)], "pattern": PATTERNS[index % len(PATTERNS)]}


def series_style(index: int, rows) -> dict:
    """The style of one series of a frame: by the ``role`` (and ``variant``) its rows
    carry when they are a compared area, by position otherwise."""
    role = variant = None
    if "role" in rows.columns and len(rows):
        roles = set(rows["role"].dropna())
        role = roles.pop() if len(roles) == 1 else None
    if "variant" in rows.columns and len(rows):
        variants = set(rows["variant"].dropna())
        variant = variants.pop() if len(variants) == 1 else None
    return style(index, role or None, variant or None)


TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 14, "color": INK},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=SERIES,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        xaxis={"showgrid": False, "linecolor": MUTED, "ticks": "outside", "tickcolor": MUTED,
               "automargin": True},
        yaxis={"gridcolor": GRID, "zeroline": True, "zerolinecolor": MUTED,
               "rangemode": "tozero", "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"family": FONT}},
        separators=".,",
    )
)
pio.templates["safeguarding"] = TEMPLATE
