"""The start-up warm-up draws every chart's default view, then as many other views of
each as DASHBOARD_WARM_VIEWS says, into the card cache."""

from __future__ import annotations

from dashboard.server import warmup
from dashboard.ui import components


def test_views_per_chart_follows_the_setting(monkeypatch):
    monkeypatch.delenv("DASHBOARD_WARM_VIEWS", raising=False)
    assert warmup.views_per_chart() == warmup.WARM_VIEWS_PER_CHART
    for value, expected in (("0", 0), ("3", 3), ("-2", 0), ("many", 40)):
        monkeypatch.setenv("DASHBOARD_WARM_VIEWS", value)
        assert warmup.views_per_chart() == expected


def test_the_warm_up_fills_the_card_cache(monkeypatch, registry):
    monkeypatch.setenv("DASHBOARD_WARM_VIEWS", "2")
    components._cached_card.cache_clear()
    warmup.warm_up().join(timeout=600)
    cached = components._cached_card.cache_info().currsize
    charts = list(registry.REGISTRY.values())
    with_choices = [c for c in charts if c.options]
    # each chart's default view, and up to two views of every chart with choices (the
    # first of which is its default again)
    assert len(charts) <= cached <= len(charts) + len(with_choices)
    assert cached > len(charts)


def test_the_warm_up_can_be_turned_off(monkeypatch, registry):
    monkeypatch.setenv("DASHBOARD_WARM_UP", "0")
    assert not warmup.enabled()
    components._cached_card.cache_clear()
    assert warmup.warm_up() is None
    assert components._cached_card.cache_info().currsize == 0
    monkeypatch.delenv("DASHBOARD_WARM_UP")
    assert warmup.enabled()  # on unless turned off
