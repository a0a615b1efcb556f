"""Helpers shared by the dashboard tests: what a figure draws, the states a chart can be in,
walking a Dash layout, and switching the configured authority."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from dashboard.charts import TABLE_COLUMNS

DUDLEY, WORCESTERSHIRE = "E08000027", "E10000034"
ENGLAND = "E92000001"


def drawn_values(figure, bands: bool = True) -> list[float]:
    """Every value drawn (bar lengths or line heights), gaps left out; without ``bands``,
    not the edges of shaded confidence intervals."""
    values = []
    for trace in figure.data:
        if not bands and getattr(trace, "fill", None) == "toself":
            continue
        axis = trace.x if getattr(trace, "orientation", None) == "h" else trace.y
        values += [v for v in (axis if axis is not None else []) if v is not None
                   and not (isinstance(v, float) and math.isnan(v))]
    return values


def states(chart) -> list[dict]:
    """The default state and each single choice changed from it."""
    return [{}] + [{key: value} for key, values in chart.options.items() for value in values]


def every_state(chart) -> list[dict]:
    """Every combination of the chart's choices."""
    options = chart.options
    return [dict(zip(options, combo, strict=True))
            for combo in itertools.product(*options.values())]


def assert_drawn(chart, state: dict):
    """The chart draws values, has rows behind them and the standard table; returns the
    result."""
    result = chart.render(state)
    assert result.figure.data, f"{chart.id} {state} drew nothing"
    assert drawn_values(result.figure) or any(
        len(t.x if t.x is not None else []) for t in result.figure.data), \
        f"{chart.id} {state} drew no values"
    assert not result.data.empty, f"{chart.id} {state} has no rows"
    assert list(result.table().columns) == list(TABLE_COLUMNS.values())
    return result


def words(result) -> str:
    """Everything a reader reads about a chart: title, subtitle, source and notes."""
    return " ".join([result.title, result.subtitle, result.source, *result.notes])


def walk(component) -> Iterator:
    """Every component in a Dash layout, depth first."""
    yield component
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str | int | float):
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        yield from walk(child)


def _is_table(component) -> bool:
    """A table view's table (one dcc.Markdown of HTML: dashboard/ui/tables.py) or an
    html.Table (the About page's)."""
    from dash import dcc, html

    return isinstance(component, html.Table) or (
        isinstance(component, dcc.Markdown) and component.className == "table-markup")


def texts_of(component, tables: bool = True) -> str:
    """Every text in a layout; without ``tables``, leaving out the tables (a table of
    every authority in a region names them all)."""
    def texts(c):
        if isinstance(c, str):
            yield c
            return
        if not tables and _is_table(c):
            return
        children = getattr(c, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None:
                yield from texts(child)

    return " ".join(texts(component))


def ids_in(component) -> list:
    """The ids of every component in a layout that has one."""
    return [c.id for c in walk(component) if getattr(c, "id", None) is not None]


@contextmanager
def authority(code: str) -> Iterator[None]:
    """Make ``code`` the configured authority inside the block (as SAFEGUARDING_AUTHORITY
    does for a server)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAFEGUARDING_AUTHORITY", code)
        yield


def registered(page) -> dict:
    """A page's entry in Dash's page registry (the ``app`` fixture must have made the app;
    importing a page module again would register it twice)."""
    import dash

    from dashboard.ids import Page

    path = Page(page).path
    return next(p for p in dash.page_registry.values() if p["path"] == path)


def layout_of(page, **query):
    """The layout the app serves for ``page`` with these choices in its address."""
    return registered(page)["layout"](**query)


def latest_year(processed, code: str) -> int:
    """The year of the authority's newest official figure (a year ending 31 March)."""
    cin = processed.frame("dfe_children_in_need")
    mine = cin[(cin["area_code"] == code)].dropna(subset=["value"])
    return int(str(mine["period_end"].max())[:4])


def assert_official_series_only(tree, text: str, shown, notice: str | None, lead: list,
                                indicator: str) -> None:
    """A theme page for an authority without its reports: only the official series ``lead``
    are shown, the notice says so, and the one control is the choice of indicator."""
    assert [c.id for c in shown] == lead
    assert notice is not None and notice in text
    assert "shows the official statistics only" in notice
    cards = [i for i in ids_in(tree) if isinstance(i, str) and i.endswith("-card")]
    assert cards == [f"{c}-card" for c in lead]
    controls = {i["control"] for i in ids_in(tree) if isinstance(i, dict) and "control" in i}
    assert controls == {indicator}


def drawn_afresh() -> None:
    """Forget the chart registry's kept results, so the next render reads the data (and
    module settings) as they are now: for a test that changes them between renders under
    the same data version."""
    from dashboard.charts import registry

    registry._rendered.cache_clear()


def assert_ids_named_for(page: str, layout) -> None:
    """Every id in a page's layout starts with the page's name, or is one of the app's
    (a choice names its control, a pack button the chart item it adds)."""
    from dashboard.ids import App

    app_ids = {str(i) for i in App}
    found = ids_in(layout)
    assert found
    for i in found:
        value = (i.get("control") or i.get("item")) if isinstance(i, dict) else i
        assert value in app_ids or str(value).startswith(f"{page}-"), i


def assert_official_only_for_worcestershire(page: str, lead: list, indicator: str,
                                            registry) -> None:
    """Inside ``authority(WORCESTERSHIRE)``: a theme page whose charts come from Dudley's
    reports shows Worcestershire only its official series ``lead``, with the notice, and
    no chart asked for directly gives anything of Dudley's."""
    from dashboard.ui.pagekit import report_charts

    tree = layout_of(page)
    text = texts_of(tree)
    (intro,) = [c.children for c in walk(tree) if getattr(c, "className", None) == "intro"]
    assert "Worcestershire" in intro
    assert "Dudley" not in text
    shown, notice = report_charts(page)
    assert_official_series_only(tree, text, shown, notice, lead, indicator)
    for c in shown:
        result = c.render({})
        assert "Worcestershire" in result.title and not result.data.empty
    for c in registry.on_page(page):
        for state in states(c):
            result = c.render(state)
            assert c.id in lead or result.data.empty, c.id
            assert "Dudley" not in words(result), c.id


def assert_no_report_charts_for_worcestershire(page: str, layout, registry) -> None:
    """Inside ``authority(WORCESTERSHIRE)``: a page made only of Dudley's report tables
    names Worcestershire, says it has no tables from its reports, and draws no chart."""
    from dashboard import store

    assert store.profile().name == "Worcestershire"
    text = texts_of(layout)
    assert "Worcestershire" in text
    assert "Dudley" not in text
    assert "No tables from Worcestershire's annual reports" in text
    shown = next(c.data for c in walk(layout) if getattr(c, "id", None) == f"{page}-shown")
    assert shown == []  # the page has no official chart: only the notice
    assert [c for c in walk(layout) if str(getattr(c, "id", "")).endswith("-card")] == []
    for chart_id in shown:  # none today; any official chart would name the authority
        result = registry.get(chart_id).render({})
        assert "Worcestershire" in result.title + result.subtitle
        assert "Dudley" not in words(result)
