"""Data labels on line charts: at the ends of lines, never on each other and never on a
marker. Measured on the figure itself and on the SVG a committee paper gets (drawn by
kaleido through the export path), whose text boxes and markers are read back."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import figures
from dashboard.figures import labels, placement, theme
from dashboard.words import format as fmt

from .svgboxes import clashes, data_labels

CHARTS = ("child-protection-plans-trend", "benchmarking-trend", "contacts-official")


def close_lines(years: int = 10, apart: float = 1.0) -> pd.DataFrame:
    """Two lines ``apart`` units apart in every year."""
    starts = pd.date_range("2010-04-01", periods=years, freq="12MS")
    periods = [f"{d.year}-{(d.year + 1) % 100:02d}" for d in starts]
    rows = [{"period": p, "period_start": s, "area_name": name, "role": "",
             "value": 200.0 + 5 * (i % 3) + offset, "unit": "count"}
            for name, offset in (("Upper", apart), ("Lower", 0.0))
            for i, (p, s) in enumerate(zip(periods, starts, strict=True))]
    return pd.DataFrame(rows)


def _pixel_boxes(fig, width: float, height: float):
    """The data-label annotations' boxes and the markers, in the plot's pixels (y up), as
    Plotly places them: annotation x, y in data, shifted (or at the tail of its leader)."""
    cats = list(fig.layout.xaxis.categoryarray)
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range

    def px(x, y):
        return (cats.index(x) - x0) / (x1 - x0) * width, (y - y0) / (y1 - y0) * height

    boxes = []
    for note in fig.layout.annotations:
        if not str(note.name or "").startswith(labels.NAME):
            continue
        x, y = px(note.x, note.y)
        dx, dy = (note.ax, -note.ay) if note.showarrow else (note.xshift, note.yshift)
        size = placement.text_width(note.text, note.font.size) + 4, 19
        boxes.append((note.name, note.text, placement.Box.around(x + dx, y + dy, *size)))
    markers = [(t.name, placement.Box.around(*px(x, y), 13, 13))
               for t in fig.data if "markers" in (t.mode or "")
               for x, y in zip(t.x, t.y, strict=True)]
    return boxes, markers


def _drawn(fig) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for note in fig.layout.annotations:
        name = str(note.name or "")
        if name.startswith(labels.NAME):
            out.setdefault(name.removeprefix(f"{labels.NAME}: "), []).append(note.text)
    return out


# --- the figure: which points, and where ------------------------------------------------------


def test_long_lines_are_labelled_at_their_ends_short_ones_at_every_point():
    fig = figures.trend(close_lines(years=8))
    assert _drawn(fig) == {"Upper": ["201", "206"], "Lower": ["200", "205"]}
    assert all(t.mode == "lines+markers" for t in fig.data), "no point text drawn by Plotly"
    short = figures.trend(close_lines(years=3))
    assert _drawn(short) == {"Upper": ["201", "206", "211"], "Lower": ["200", "205", "210"]}


def test_the_point_a_title_names_is_labelled_too():
    frame = close_lines(years=8)
    fig = figures.trend(frame)
    labels.label_lines(fig, mention="Upper peaked at 211 in 2012-13, and was 206 in 2017-18")
    assert _drawn(fig)["Upper"] == ["201", "211", "206"]
    assert _drawn(fig)["Lower"] == ["200", "205"], "another line's same year is not named"
    assert not labels.mentioned("in 2011-12", "2011-12", "12"), "a year is not a figure"


@pytest.mark.parametrize("size", [(850, 360), (600, 250)])
def test_two_lines_a_unit_apart_have_labels_that_never_touch(size):
    """The synthetic worst case: the lines are 1 unit (under a pixel) apart every year."""
    fig = figures.trend(close_lines(years=10, apart=1.0))
    labels.label_lines(fig, *size)
    boxes, markers = _pixel_boxes(fig, *size)
    assert len(boxes) == 4
    for i, (_, text, box) in enumerate(boxes):
        assert all(not box.overlaps(other) for _, _, other in boxes[i + 1:]), text
        assert all(not box.overlaps(m) for _, m in markers), f"{text} covers a marker"
        assert box.inside(*size), f"{text} is outside the plot"


def test_labels_are_in_their_lines_colour_at_aa_contrast():
    fig = figures.trend(close_lines())
    for note in fig.layout.annotations:
        assert theme.contrast(note.font.color) >= 4.5, note.text
    line = {t.name: t.line.color for t in fig.data}
    for note in fig.layout.annotations:
        owner = note.name.removeprefix(f"{labels.NAME}: ")
        assert note.font.color == theme.readable(line[owner])
    assert theme.readable("#0072B2") == "#0072b2", "a colour that passes is kept"
    assert all(theme.contrast(theme.readable(c)) >= 4.5 for c in theme.SERIES)


def test_labelling_again_replaces_the_labels_and_keeps_other_annotations():
    fig = figures.trend(close_lines())
    fig.add_annotation(text="A note", x=0, y=1, xref="paper", yref="paper")
    labels.label_lines(fig, 900, 400)
    labels.label_lines(fig)
    assert sum(a.text == "A note" for a in fig.layout.annotations) == 1
    assert sum(len(v) for v in _drawn(fig).values()) == 4


def test_spread_keeps_order_and_room_and_centres_each_run():
    out = placement.spread([10.0, 11.0, 50.0, 12.0], 8.0, 0.0, 100.0)
    assert out[0] < out[1] < out[3] < out[2]
    assert out[1] - out[0] >= 8 and out[3] - out[1] >= 8
    assert sum((out[0], out[1], out[3])) / 3 == pytest.approx(11.0)
    assert out[2] == 50.0
    assert placement.spread([1.0, 1.0], 10.0, 2.0, 100.0) == [2.0, 12.0], "kept in bounds"


def test_labels_at_the_ends_of_close_lines_are_spread_in_their_lines_order():
    """Three lines ending a pixel apart: three labels right of them, none on another or on
    a marker, top to bottom in the order of the lines."""
    wanted = [placement.Wanted(400.0, 100.0 + k, 24.0, 19.0, k, "last", 6.5) for k in range(3)]
    markers = [placement.Marker(w.x, w.y, w.radius, w.series) for w in wanted]
    spots = placement.place(wanted, markers, [], 450.0, 300.0)
    assert None not in spots
    boxes = [s.box for s in spots]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert not any(b.overlaps(m.box) for b in boxes for m in markers)
    assert boxes[0].y0 < boxes[1].y0 < boxes[2].y0
    assert all(b.x0 > 400 for b in boxes), "beside the ends, not over the lines"


# --- the exported SVG ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(registry):
    """The export figure and its SVG for three real multi-line trends and the synthetic
    one: one kaleido render each, shared by the tests below."""
    from dashboard.charts import ChartResult
    from dashboard.exports import images

    results = {chart_id: registry.get(chart_id).render({}) for chart_id in CHARTS}
    frame = close_lines(years=10, apart=1.0)
    results["synthetic"] = ChartResult(figures.trend(frame), frame, "Two lines a unit apart",
                                       "Number", "Made up")
    return {name: (r.export_figure(), images.to_image(r, "svg"))
            for name, r in results.items()}


@pytest.mark.parametrize("name", [*CHARTS, "synthetic"])
def test_exported_labels_never_overlap_or_cover_a_marker(exported, name):
    fig, svg = exported[name]
    assert clashes(svg, fig) == []


@pytest.mark.parametrize("name", [*CHARTS, "synthetic"])
def test_exported_lines_are_labelled_at_their_last_point(exported, name):
    fig, svg = exported[name]
    drawn = data_labels(svg, fig)
    lines = [(k, t) for k, t in enumerate(fig.data) if t.mode and "lines" in t.mode]
    assert len(lines) >= 2
    for k, trace in lines:
        texts = {b.text for b in drawn if b.owner == k}
        assert trace.text[-1] in texts, f"{trace.name}: {sorted(texts)}"


def test_exported_child_protection_trend_labels_only_the_ends(exported):
    fig, svg = exported["child-protection-plans-trend"]
    texts = sorted(b.text for b in data_labels(svg, fig))
    ends = sorted(fmt.short(v, "count") for t in fig.data for v in (t.y[0], t.y[-1]))
    assert texts == ends
