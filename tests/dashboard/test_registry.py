"""The chart registry's kept results (dashboard/charts/registry.py): a chart drawn again for
the same choices on the same data is not worked out again, each caller gets a figure of its
own, and new data (or another viewer's view of it) draws it afresh."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import registry
from dashboard.charts.registry import Chart, ChartResult


def _counted(chart_id: str) -> tuple[Chart, list[dict]]:
    calls: list[dict] = []

    def build(state: dict) -> ChartResult:
        calls.append(state)
        fig = go.Figure(go.Bar(x=["a"], y=[float(len(calls))]))
        return ChartResult(fig, pd.DataFrame({"value": [1.0]}), "t", "s", "src", ["n"])

    chart = Chart(chart_id, "test", "Counted", build, {"year": ("2023-24", "2022-23")})
    registry.REGISTRY[chart_id] = chart
    return chart, calls


def test_same_choices_same_data_are_drawn_once(monkeypatch):
    chart, calls = _counted("test-counted-once")
    monkeypatch.setattr(registry.store, "version", lambda: ("v1",))
    try:
        first = chart.render({"year": "2022-23"})
        again = chart.render({"year": "2022-23"})
        assert len(calls) == 1, "the second render came from what was kept"
        assert first.figure is not again.figure and first.notes is not again.notes
        again.figure.update_layout(title="changed by one caller")
        again.notes.append("added by one caller")
        third = chart.render({"year": "2022-23"})
        assert third.figure.layout.title.text is None and third.notes == ["n"]
        chart.render({"year": "2023-24"})
        assert len(calls) == 2, "other choices are drawn"
    finally:
        del registry.REGISTRY[chart.id]


def test_new_data_or_another_viewer_draws_again(monkeypatch):
    chart, calls = _counted("test-counted-version")
    try:
        for version in (("v1",), ("v2",), ("v2", "hidden: board")):
            monkeypatch.setattr(registry.store, "version", lambda v=version: v)
            chart.render({})
        assert len(calls) == 3
    finally:
        del registry.REGISTRY[chart.id]
