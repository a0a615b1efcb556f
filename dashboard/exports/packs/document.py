"""A pack drawn: every chart's result, table and image, and the cover's words. ``build``
writes the formats asked for from one drawing."""

from __future__ import annotations

import datetime as dt
import numbers
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from dashboard import store
from dashboard.charts import Chart, ChartResult
from dashboard.exports import image_cache
from dashboard.exports import images as export
from dashboard.exports.packs.items import PackError, PackItem, title_for
from dashboard.words import format as fmt

# kaleido's persistent server ignores plotly's per-call options and says so every time.
warnings.filterwarnings("ignore", message="The kopts argument is ignored",
                        category=UserWarning)

# Where a pack's images go, and the size each is drawn at: a Word page (and the PDF made
# from it) or a slide.
PLACES = {"page": export.PAGE, "slide": export.SLIDE}
FORMAT_PLACES = {"docx": "page", "pdf": "page", "pptx": "slide"}


@dataclass
class PackChart:
    """One chart of a pack, drawn: its result, its table and its image."""

    number: int
    item: PackItem
    chart: Chart
    result: ChartResult
    table: pd.DataFrame
    images: dict[str, bytes] = field(default_factory=dict)  # place ("page", "slide") → PNG
    places: list[int] = field(default_factory=list)  # each table row's declared places

    @property
    def png(self) -> bytes | None:
        """The page image (or the only one drawn), if any."""
        return self.images.get("page") or next(iter(self.images.values()), None)

    @property
    def heading(self) -> str:
        return self.chart.name

    @property
    def finding(self) -> str:
        return self.result.title

    @property
    def alt_text(self) -> str:
        """The picture's text alternative: what it shows and where its figures are."""
        r = self.result
        return (f"Chart: {self.chart.name}. {r.title}. {r.subtitle}. "
                f"The figures are listed in appendix table {self.number}.")


@dataclass
class Pack:
    title: str
    authority: str
    period: str
    produced: dt.date
    charts: list[PackChart] = field(default_factory=list)
    missing: list[tuple[Chart, str]] = field(default_factory=list)  # not drawn, and why
    data_built: str | None = None
    partnership: str = ""  # the documents' author


def _latest_period(results: list[ChartResult]) -> str:
    """The latest financial year in the pack's figures (or the latest period of any kind)."""
    frames = [r.data for r in results if not r.data.empty]
    if not frames:
        return ""
    rows = pd.concat(frames, ignore_index=True)
    years = rows[rows["period_type"] == "financial_year"]
    rows = years if not years.empty else rows
    return str(rows.sort_values("period_end")["period"].iloc[-1])


def _places(images: bool | Iterable[str]) -> tuple[str, ...]:
    if images is True:
        return tuple(PLACES)
    if images is False:
        return ()
    chosen = tuple(dict.fromkeys(images))
    unknown = [p for p in chosen if p not in PLACES]
    if unknown:
        raise PackError(f"unknown place for images {unknown[0]!r}")
    return chosen


class _Images:
    """A pack's images: each taken from the image cache, or handed to the renderer as soon
    as its chart's figures are worked out (Chromium draws while Python works out the
    next chart), then collected and kept."""

    def __init__(self, places: tuple[str, ...]):
        self.places = places
        self.version = store.version() if places else ()  # names the viewer's hidden
        self.cache = image_cache.cache()                  # datasets, so keys never cross
        self.waiting: list[tuple[PackChart, str, tuple, object]] = []

    def add(self, c: PackChart) -> None:
        figure = None
        for place in self.places:
            key = image_cache.key(c.item.chart_id, c.item.state, self.version,
                                  PLACES[place], "png")
            body = self.cache.get(key)
            if body is not None:
                c.images[place] = body
                continue
            figure = figure if figure is not None else c.result.export_figure()
            self.waiting.append((c, place, key, export.submit(figure, PLACES[place])))

    def cancel(self) -> None:
        for *_, future in self.waiting:
            future.cancel()

    def ready(self, c: PackChart) -> bool:
        return len(c.images) == len(self.places)

    def collect(self, done: Callable[[PackChart], None]) -> None:
        """Wait for every image drawing; ``done(chart)`` once a chart has all of its."""
        def one(i: int) -> None:
            c, place, key, _ = self.waiting[i]
            c.images[place] = bodies_of[i].result()
            self.cache.put(key, c.images[place])
            if self.ready(c):
                done(c)

        bodies_of = [w[3] for w in self.waiting]
        try:
            export.collect(bodies_of, one)
        except export.RenderError as err:
            raise PackError(f"the chart images could not be drawn ({err})") from err


def prepare(items: list[PackItem], *, authority: str | None = None,
            period: str | None = None, title: str | None = None,
            produced: dt.date | None = None, images: bool | Iterable[str] = True,
            progress: Callable[[int, int, str], None] | None = None) -> Pack:
    """Draw every chart once: result, table and its images (``images``: True for every
    place in ``PLACES``, False for none, or the places wanted).

    ``authority`` (on the cover) and ``title`` default to the partnership profile's. A
    chart whose processed data is not available (an official release not imported, say)
    is left out, and listed on the cover with the reason. ``progress(done, total, step)``
    hears of each chart's figures worked out and each chart's images drawn (each half of
    a chart's step; a background job reports it, see ``packs.queue``)."""
    if not items:
        raise PackError("the pack is empty")
    places = _places(images)
    drawn: list[PackChart] = []
    missing: list[tuple[Chart, str]] = []
    steps = [0]
    total = len(items)

    def step(units: int = 1) -> None:
        steps[0] += units
        if progress:  # a chart counts once begun; the last once every image is in
            shown = min((steps[0] + 1) // 2, total if steps[0] >= 2 * total else total - 1)
            progress(shown, total, "charts")

    if progress:
        progress(0, total, "charts")
    pictures = _Images(places)
    try:
        for item in items:
            chart = item.chart
            try:
                result = chart.render(item.state_dict())
                table = result.table()
            except store.DataUnavailable as err:
                missing.append((chart, str(err)))
                step(2)
                continue
            c = PackChart(len(drawn) + 1, item, chart, result, table,
                          places=result.places().tolist())
            drawn.append(c)
            step()  # its figures worked out (said before the renderer may have to start)
            pictures.add(c)
            if pictures.ready(c):
                step()
    except BaseException:
        pictures.cancel()
        raise
    pictures.collect(lambda _c: step())
    if progress:
        progress(total, total, "charts")
    if not drawn:
        raise PackError("none of these charts can be drawn right now: "
                        + "; ".join(f"{c.name}: {why}" for c, why in missing))
    try:
        built = store.build_info()["built_at"].replace("T", " ")[:16] + " UTC"
    except store.DataUnavailable:
        built = None
    return Pack(
        title=title or title_for(None), authority=authority or store.profile().name,
        partnership=store.profile().partnership,
        period=period or _latest_period([c.result for c in drawn]),
        produced=produced or dt.date.today(), charts=drawn, missing=missing, data_built=built)


def value_text(value, places: int | None = None) -> str:
    """A table value to its declared ``places`` (as stored when not given), with
    thousands separators."""
    if fmt.is_missing(value):
        return ""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if places is not None:
            return fmt.figure(value, places)
        value = float(value)
        return f"{int(value):,}" if value.is_integer() else f"{value:,}"
    return str(value)


def table_rows(table: pd.DataFrame, places: list[int] | None = None) -> list[list[str]]:
    """The table's cells as text, each value to its row's ``places`` when given."""
    return [[value_text(v, None if not places else int(places[i])) if column == "Value"
             else ("" if fmt.is_missing(v) else str(v)) for column, v in row.items()]
            for i, (_, row) in enumerate(table.iterrows())]


def _date_words(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _cover_lines(pack: Pack) -> list[str]:
    lines = [f"Authority: {pack.authority}"]
    if pack.period:
        lines.append(f"Period: {pack.period}")
    lines.append(f"Produced: {_date_words(pack.produced)}")
    if pack.data_built:
        lines.append(f"Figures as built from the published reports on {pack.data_built}")
    if pack.missing:
        lines.append("Not included, because their figures are not available: " + "; ".join(
            f"{chart.name} ({why})" for chart, why in pack.missing))
    return lines
