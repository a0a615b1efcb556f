"""A tile's sparkline as an SVG picture drawn from its figure (dashboard.figures.spark)."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pandas as pd

from dashboard.figures import lines, spark, theme

NS = {"svg": "http://www.w3.org/2000/svg"}


def _figure(values):
    return lines.sparkline(pd.DataFrame({
        "period": [f"20{10 + i}-{11 + i}" for i in range(len(values))],
        "period_start": pd.date_range("2010-04-01", periods=len(values), freq="12MS"),
        "value": values,
    }))


def test_the_picture_has_the_figures_line_and_marked_last_point():
    root = ET.fromstring(spark.svg(_figure([36.0, 33.0, 40.0])))
    line = root.find("svg:polyline", NS)
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert len(points) == 3
    xs, ys = zip(*points, strict=True)
    assert xs == tuple(sorted(xs))  # oldest on the left
    assert ys[2] < ys[0] < ys[1]  # the highest figure nearest the top
    assert line.get("stroke") == theme.SERIES[0]
    radii = [float(c.get("r")) for c in root.iter("{http://www.w3.org/2000/svg}circle")]
    assert radii == [2, 2, 4]  # the latest point marked larger


def test_a_flat_series_is_drawn_level_and_the_address_decodes():
    uri = spark.data_uri(_figure([5.0, 5.0]))
    assert uri.startswith("data:image/svg+xml;base64,")
    root = ET.fromstring(base64.b64decode(uri.split(",", 1)[1]))
    points = root.find("svg:polyline", NS).get("points").split()
    assert len({p.split(",")[1] for p in points}) == 1
