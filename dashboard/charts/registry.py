"""The chart registry: every chart on every page, built the same way for the page,
its table view, its downloads and (later) committee packs.

A chart is a function of the user's choices (``state``) returning a ``ChartResult``.
Pages register theirs with ``@chart(...)``; the export routes look them up by id.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, store
from dashboard.words import format as fmt

TABLE_COLUMNS = {
    "period": "Period",
    "area_name": "Area",
    "label": "Measure",
    "breakdown_value": "Breakdown",
    "value": "Value",
    "unit": "Unit",
    "status": "Status",
    "source": "Source",
}


@dataclass
class ChartResult:
    """What one chart shows: the figure, the numbers behind it, and its words."""

    figure: go.Figure
    data: pd.DataFrame  # tidy rows from data/processed, exactly as drawn
    title: str  # the finding, in plain words
    subtitle: str  # unit and period
    source: str
    notes: list[str] = field(default_factory=list)
    # columns of the chart's own, put after the area: one row per row of ``data``, figures
    # as numbers (a suppressed one missing, never a number)
    extra: pd.DataFrame | None = None

    def places(self) -> pd.Series:
        """The decimal places of each row's value, as the measure registry declares."""
        return store.places(self.data).reset_index(drop=True)

    def values(self) -> pd.Series:
        """Each row's value rounded to its declared places: whole numbers (``Int64``) when
        every row is a count, otherwise ints for counts and floats for the rest."""
        places = self.places()
        values = [fmt.rounded(v, p) for v, p in
                  zip(self.data["value"].reset_index(drop=True), places, strict=True)]
        if len(places) and (places == 0).all():
            return pd.Series(values, dtype="Int64")
        return pd.Series(values, dtype=object)

    def _labelled(self, status: pd.Series, extra: pd.DataFrame | None) -> pd.DataFrame:
        df = self.data.reset_index(drop=True).copy()
        labels = store.measures()["label"]
        df["label"] = df["measure"].map(labels).fillna(df["measure"])
        df["value"] = self.values()
        df["status"] = status
        df["unit"] = df["unit"].map(fmt.unit_label)
        out = df[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)
        if extra is not None:
            for i, column in enumerate(extra.columns, start=2):
                out.insert(i, column, extra[column].reset_index(drop=True))
        return out

    def table(self) -> pd.DataFrame:
        """The data as a reader sees it: labelled columns, one row per figure, each value
        rounded to its declared places and each status in words."""
        status = self.data["status"].reset_index(drop=True).map(
            lambda s: fmt.STATUS_WORDS.get(s, "") if isinstance(s, str) else "")
        return self._labelled(status, self.extra_shown())

    def export_table(self) -> pd.DataFrame:
        """The data for analysts (CSV and Excel): the columns of ``table()``, but the
        status as its GSS symbol (``c``, ``x``, ``z`` …, blank for a published figure)
        and the chart's own columns as numbers."""
        status = self.data["status"].reset_index(drop=True).map(
            lambda s: s if isinstance(s, str) else "")
        return self._labelled(status, self.extra)

    def extra_shown(self) -> pd.DataFrame | None:
        """The chart's own columns as a reader sees them (a chart may word its own)."""
        return self.extra

    def export_figure(self) -> go.Figure:
        return figures.for_export(self.figure, self.title, self.subtitle, self.source,
                                  self.notes)


Choices = tuple[str, ...] | Callable[[], tuple[str, ...]]


@dataclass(frozen=True)
class Chart:
    id: str
    page: str
    name: str
    build: Callable[[dict], ChartResult]
    choices: dict[str, Choices]  # state key → allowed values (or a function giving them)
    official: bool = False  # drawn from the official statistics (for any authority)

    @property
    def options(self) -> dict[str, tuple[str, ...]]:
        """State key → allowed values, the first the default. Choices that depend on the
        data (the years a report covers, say) are worked out now, from the data."""
        return {key: tuple(allowed() if callable(allowed) else allowed)
                for key, allowed in self.choices.items()}

    def state(self, raw: dict | None) -> dict:
        """Keep only known keys with allowed values; fill defaults."""
        raw = raw or {}
        return {key: (raw.get(key) if raw.get(key) in allowed else allowed[0])
                for key, allowed in self.options.items()}

    def render(self, raw_state: dict | None = None) -> ChartResult:
        """The chart for these choices. Results are kept per builder, choices and data
        version (``store.version()``, which also differs between viewers who may see
        different datasets), as the page's cards are; each caller gets a figure and notes
        of its own."""
        state = self.state(raw_state)
        kept = _rendered(self.build, tuple(sorted(state.items())), store.version())
        mine = copy.copy(kept)
        mine.figure, mine.notes = go.Figure(kept.figure), list(kept.notes)
        return mine


REGISTRY: dict[str, Chart] = {}
RESULTS_KEPT = 256  # chart results kept in each process (a pack reuses what pages drew)


@lru_cache(maxsize=RESULTS_KEPT)
def _rendered(build: Callable[[dict], ChartResult], state_items: tuple,
              version: tuple) -> ChartResult:
    result = build(dict(state_items))
    # Line charts label the points their title names too (the peak it mentions, say).
    figures.label_lines(result.figure, mention=result.title)
    return result


def chart(chart_id: str, page: str, name: str, options: dict[str, Choices] | None = None,
          official: bool = False):
    """Register a chart builder under a stable id (it must start with its page's name).

    ``options`` gives each choice's allowed values, or a function of no arguments that
    returns them from the data; a function must always return at least one value.
    ``official``: the chart is drawn from the official statistics alone, so it is shown
    for any authority, whether or not its annual reports are in the data."""
    if not chart_id.startswith(f"{page}-"):
        raise ValueError(f"chart id {chart_id!r} does not start with its page {page!r}")

    def register(fn: Callable[[dict], ChartResult]) -> Callable[[dict], ChartResult]:
        REGISTRY[str(chart_id)] = Chart(str(chart_id), str(page), name, fn,
                                        dict(options or {}), official)
        return fn
    return register


REPORTS: dict[str, str] = {}  # page → the dataset of the annual reports' tables it draws


def reports(page: str, dataset: str) -> None:
    """Say that the charts of ``page`` not marked ``official`` draw on the annual reports'
    tables in ``dataset``."""
    REPORTS[str(page)] = dataset


def shown(page: str) -> tuple[list[Chart], bool]:
    """The charts of ``page`` that can be drawn for the configured authority, and whether
    some were left out because its annual reports have no tables on the theme. When the
    data cannot be read right now every chart is kept: each then says why itself."""
    charts = on_page(page)
    dataset = REPORTS.get(str(page))
    if dataset is None:
        return charts, False
    try:
        if store.has_reports(dataset):
            return charts, False
    except store.DataUnavailable:
        return charts, False
    return [c for c in charts if c.official], True


def get(chart_id: str) -> Chart:
    return REGISTRY[chart_id]


def on_page(page: str) -> list[Chart]:
    return [c for c in REGISTRY.values() if c.page == page]


def source_of(rows: pd.DataFrame) -> str:
    """One source line naming every document and table behind the rows."""
    sources = list(dict.fromkeys(rows["source"].dropna()))
    return "; ".join(sources) if sources else "No published figures"


def periods_of(rows: pd.DataFrame) -> str:
    rows = rows.sort_values("period_start")
    periods = rows["period"].drop_duplicates().tolist()
    if not periods:
        return ""
    return periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
