"""Where things are in an SVG drawn by Plotly through kaleido: the box of each data label
and the centre and size of each marker, in the image's pixels.

Positions add up the ``translate`` of every enclosing group. A data label is either
Plotly's own point text (``g.textpoint``: its box is worked out from the font size and
the characters) or an annotation (its ``rect.bg`` is the box Plotly measured).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)(?:[,\s]+([-\d.e]+))?\s*\)")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
# Arial advance widths in em: digits and the signs of a figure, anything else as a capital.
EM = {**dict.fromkeys("0123456789£", 0.556), **dict.fromkeys(".,: ", 0.278), "%": 0.889,
      "-": 0.333}


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""
    owner: int | None = None  # the trace's index in the figure

    def overlaps(self, other: Box, tolerance: float = 0.5) -> bool:
        """Whether the two boxes share more than a hairline."""
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > tolerance
                and min(self.y1, other.y1) - max(self.y0, other.y0) > tolerance)


@dataclass(frozen=True)
class Drawn:
    labels: list[Box]  # point texts (with their trace) and annotations (owner unknown)
    annotations: dict[int, Box]  # annotation boxes by their index in layout.annotations
    markers: list[Box]  # each marker's extent, with its trace


def _tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _shift(element) -> tuple[float, float]:
    match = TRANSLATE.search(element.get("transform") or "")
    if not match:
        return 0.0, 0.0
    return float(match.group(1)), float(match.group(2) or 0)


def _font_size(element) -> float:
    match = re.search(r"font-size:\s*([\d.]+)px", element.get("style") or "")
    return float(match.group(1)) if match else 12.0


def _text_box(text_el, dx: float, dy: float, owner: int | None) -> Box:
    text = "".join(text_el.itertext())
    size = _font_size(text_el)
    width = size * sum(EM.get(c, 0.667) for c in text)
    x, y = dx + float(text_el.get("x", 0)), dy + float(text_el.get("y", 0))
    anchor = text_el.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return Box(left, y - 0.75 * size, left + width, y + 0.2 * size, text, owner)


def parse(svg: bytes | str) -> Drawn:
    """The data labels, annotation boxes and markers of one Plotly SVG."""
    root = ET.fromstring(svg)
    labels: list[Box] = []
    boxes: dict[int, Box] = {}
    texts: dict[int, str] = {}
    markers: list[Box] = []
    traces = iter(range(10_000))

    def walk(element, dx: float, dy: float, owner: int | None, note: int | None) -> None:
        sx, sy = _shift(element)
        dx, dy = dx + sx, dy + sy
        classes = _classes(element)
        if _tag(element) == "g" and {"trace", "scatter"} <= classes:
            owner = next(traces)
        if _tag(element) == "g" and "annotation" in classes:
            note = int(element.get("data-index", -1))
        if _tag(element) == "path" and "point" in classes and owner is not None:
            half = max((abs(float(n)) for n in NUMBER.findall(element.get("d") or "")),
                       default=0.0)
            markers.append(Box(dx - half, dy - half, dx + half, dy + half, "", owner))
        if _tag(element) == "rect" and "bg" in classes and note is not None:
            x, y = dx + float(element.get("x", 0)), dy + float(element.get("y", 0))
            boxes[note] = Box(x, y, x + float(element.get("width", 0)),
                              y + float(element.get("height", 0)))
        if _tag(element) == "text" and "annotation-text" in classes and note is not None:
            texts[note] = "".join(element.itertext())
        if _tag(element) == "g" and "textpoint" in classes:
            for text_el in element:
                if _tag(text_el) == "text":
                    labels.append(_text_box(text_el, dx, dy, owner))
        for child in element:
            walk(child, dx, dy, owner, note)

    walk(root, 0.0, 0.0, None, None)
    annotations = {k: Box(b.x0, b.y0, b.x1, b.y1, texts.get(k, "")) for k, b in boxes.items()}
    return Drawn(labels, annotations, markers)


def data_labels(svg: bytes | str, figure) -> list[Box]:
    """Every data label drawn in ``svg`` (of the export ``figure``), with its line: Plotly's
    point texts, and the annotations named ``data label: <line>``."""
    drawn = parse(svg)
    index = {trace.name: k for k, trace in enumerate(figure.data)}
    out = list(drawn.labels)
    for k, note in enumerate(figure.layout.annotations):
        name = str(note.name or "")
        if name.startswith("data label: ") and k in drawn.annotations:
            box = drawn.annotations[k]
            out.append(Box(box.x0, box.y0, box.x1, box.y1, box.text,
                           index.get(name.removeprefix("data label: "))))
    return out


def clashes(svg: bytes | str, figure) -> list[str]:
    """Each pair of data labels that overlap, and each label over a marker, in words."""
    labels = data_labels(svg, figure)
    markers = parse(svg).markers
    names = [trace.name for trace in figure.data]
    found = []
    for i, a in enumerate(labels):
        found += [f"label {a.text!r} overlaps label {b.text!r}" for b in labels[i + 1:]
                  if a.overlaps(b)]
        found += [f"label {a.text!r} ({names[a.owner] if a.owner is not None else '?'}) covers "
                  f"a marker of {names[m.owner]!r}" for m in markers if a.overlaps(m)]
    return found
