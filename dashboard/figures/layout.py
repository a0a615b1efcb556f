"""What every figure shares: the value axis for a unit, the base figure, and the copy
sized for an A4 committee paper with its title, subtitle and source inside."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from dashboard.figures import theme
from dashboard.figures.labels import label_lines
from dashboard.words import format as fmt

EXPORT_WIDTH, EXPORT_HEIGHT = 1000, 620  # px at scale 1; PNG is rendered at scale 2


def _value_axis(unit: str) -> dict:
    """Axis settings for the axis that carries values in ``unit``."""
    axis: dict = {"title": fmt.unit_label(unit) if unit != "count" else None}
    if unit in fmt.PERCENT_UNITS and unit != "percent_change":
        axis["ticksuffix"] = "%"
    if unit == "gbp":
        axis["tickprefix"] = "£"
    return axis


def _base(unit: str, height: int = 380, horizontal: bool = False) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=theme.TEMPLATE, height=height)
    if horizontal:
        fig.update_xaxes(**_value_axis(unit))
    else:
        fig.update_yaxes(**_value_axis(unit))
    return fig


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def _left_margin(fig: go.Figure) -> int:
    """Room for the longest category label on a horizontal chart or heatmap rows."""
    labels: list[str] = []
    for trace in fig.data:
        if getattr(trace, "orientation", None) == "h" or trace.type == "heatmap":
            labels += [str(v) for v in (trace.y if trace.y is not None else [])]
    longest = max((len(label) for label in labels), default=0)
    return int(min(420, max(80, 20 + 7.5 * longest)))


def for_export(fig: go.Figure, title: str, subtitle: str, source: str,
               notes: list[str] | None = None) -> go.Figure:
    """A copy sized for an A4 committee paper, with the title, subtitle and source inside.

    Margins are fixed rather than automatic so that the footer can be placed at the
    image's left edge and wrapped to its width whatever the axis labels are.
    """
    out = go.Figure(fig)
    left = _left_margin(out)
    right = max(30, out.layout.margin.r or 0)
    lines = [f"Source: {source}", *(notes or [])]
    footer = "<br>".join(_wrap(line, 135) for line in lines)
    n_footer = footer.count("<br>") + 1
    title_html = _wrap(title, 80)
    subtitle_html = _wrap(subtitle, 110)
    n_title = title_html.count("<br>") + 1
    top = 80 + 26 * n_title + 20 * subtitle_html.count("<br>")
    axis_room = 75  # tick labels and axis title below the plot
    bottom = axis_room + 18 * n_footer + 20
    plot_width = EXPORT_WIDTH - left - right
    plot_height = EXPORT_HEIGHT - top - bottom
    out.update_layout(
        width=EXPORT_WIDTH, height=EXPORT_HEIGHT,
        title={"text": f"<b>{title_html}</b><br><span style='font-size:14px;color:"
                       f"{theme.MUTED}'>{subtitle_html}</span>",
               "x": 0.01, "xanchor": "left", "xref": "container", "y": 0.955,
               "yanchor": "top", "yref": "container",
               "font": {"size": 20}},
        margin={"t": top, "b": bottom, "l": left, "r": right, "autoexpand": False},
        legend={"y": 1.0, "yanchor": "bottom"},
    )
    out.update_xaxes(automargin=False)
    out.update_yaxes(automargin=False)
    label_lines(out, plot_width, plot_height, mention=title)  # for this plot's pixels
    out.add_annotation(text=footer, xref="paper", yref="paper",
                       x=-(left - 14) / plot_width, y=-axis_room / plot_height,
                       xanchor="left", yanchor="top", showarrow=False, align="left",
                       font={"size": 12, "color": theme.MUTED})
    return out
