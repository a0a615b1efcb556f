"""Today's position: for each theme the newest figure from either source (the Department
for Education's official statistics or the partnership's annual reports), with the year
it covers, the source it comes from, its change on the figure before and how it compares
with England, all in words worked out from the data.

Which themes there are, and the measures of each, are data (``overview.toml``, read by
``dashboard.charts.overview``); this module turns one theme into what its tile shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, store
from dashboard.charts.benchmarking import VERDICT_WORDS
from dashboard.ids import Page
from dashboard.store.series import year_ending_march
from dashboard.words import format as fmt
from dashboard.words.headlines import ARROWS, judged, movement


@dataclass(frozen=True)
class Theme:
    """One tile of today's position: its heading id and name, the page that says more (with
    its choices in ``query``), and the (dataset, measure) of each source it may come from."""

    tile: str
    name: str
    page: Page
    query: str = ""
    official: tuple[str, str] | None = None
    report: tuple[str, str] | None = None

    @property
    def href(self) -> str:
        return self.page.path + (f"?{self.query}" if self.query else "")

    @property
    def link(self) -> str:
        return f"More on {lower_first(self.name)}"


def lower_first(text: str) -> str:
    """``Section 47 …`` → ``section 47 …`` (the first letter only)."""
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, eq=False)
class Position:
    """What one theme's tile shows. ``error`` says why its figures cannot be read right
    now; ``kind`` is None when neither source has published a figure."""

    theme: Theme
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # the series shown, oldest first
    kind: str | None = None  # "official" or "report"
    label: str = ""  # the measure's label: "Children in need per 10,000 children"
    number: str = ""  # the figure: "316"
    unit: str = ""  # its unit in words beside it: "per 10,000 children"
    when: str = ""  # "Year to 31 March 2024" or "On 31 March 2024"
    source: str = ""  # the document's title
    change: str | None = None  # "Down 4% on the year before (on 31 March 2023): …"
    direction: str | None = None  # up, down or flat
    judgement: str | None = None  # better, worse or neutral
    england: str | None = None  # "Lower than England (331.2 per 10,000 children there)"
    verdict: str | None = None  # the significance verdict, as the ETL computed it
    error: str | None = None

    @property
    def latest(self) -> pd.Series:
        return self.rows.iloc[-1]

    @property
    def provenance(self) -> str | None:
        """Why a figure from an annual report leads a theme (None for official figures)."""
        if self.kind != "report":
            return None
        if self.theme.official is None:
            return "Only the annual reports count this, so this is the newest figure there is."
        return "Newer than the latest official statistics on this theme."

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction or "", "")

    def sparkline(self) -> go.Figure | None:
        """The series as a tiny trend line, when there is more than one figure."""
        return figures.sparkline(year_ending_march(self.rows)) if len(self.rows) > 1 \
            else None


def series(dataset: str, measure: str) -> pd.DataFrame:
    """The authority's published figures of one measure, oldest first."""
    rows = store.select(dataset, measure, areas=[store.profile().code])
    return rows.dropna(subset=["value"]).sort_values("period_end", kind="stable") \
        .reset_index(drop=True)


def newest(theme: Theme) -> tuple[str, tuple[str, str], pd.DataFrame] | None:
    """(kind, (dataset, measure), rows) of the source whose latest figure covers the later
    year, the official one when both cover the same; None when neither has a figure.
    Raises ``DataUnavailable`` when no source can be read and one could not be."""
    found, problem = [], None
    for kind, spec in (("official", theme.official), ("report", theme.report)):
        if spec is None:
            continue
        try:
            rows = series(*spec)
        except store.DataUnavailable as err:
            problem = problem or err
            continue
        if not rows.empty:
            found.append((rows["period_end"].iloc[-1], kind == "official", kind, spec, rows))
    if not found:
        if problem is not None:
            raise problem
        return None
    _, _, kind, spec, rows = max(found, key=lambda f: (f[0], f[1]))
    return kind, spec, rows


def source_title(row: pd.Series) -> str:
    """The title of the document a row comes from (its source line when it has none)."""
    tables = store.tables()
    titles = tables.loc[tables["source_id"] == row.get("source_id"), "source_title"]
    return str(titles.iloc[0]) if len(titles) else str(row["source"])


def when(row: pd.Series) -> str:
    return upper_first(fmt.year_words(row["period"], row["period_type"], row["period_end"]))


def change_words(rows: pd.DataFrame, polarity: str) -> tuple[str, str, str] | None:
    """(words, direction, judgement) of the latest figure against the one before: ``Down 16%
    on the year before (year to 31 March 2023): a fall is neither good nor bad in
    itself``."""
    if len(rows) < 2:
        return None
    last, prev = rows.iloc[-1], rows.iloc[-2]
    direction, size = movement(last["value"], prev["value"], last["unit"])
    judgement, meaning = judged(direction, polarity)
    before = fmt.year_words(prev["period"], prev["period_type"], prev["period_end"])
    a_year = pd.Timestamp(prev["period_end"]) + pd.DateOffset(years=1) == \
        pd.Timestamp(last["period_end"])
    if not a_year:
        against = f"the figure before ({before})"
    elif prev["period_type"] == "snapshot":
        against = f"a year earlier ({before.removeprefix('on ')})"
    else:
        against = f"the year before ({before})"
    moved = "No change" if direction == "flat" else f"{upper_first(direction)} {size}"
    return f"{moved} on {against}: {meaning}", direction, judgement


def england_words(dataset: str, measure: str, last: pd.Series) -> tuple[str | None, str | None]:
    """(words, verdict): how the latest figure compares with England's for the same year,
    from the significance verdict the ETL worked out when there is one."""
    me = store.profile()
    rows = store.select(dataset, measure, areas=[me.england.code])
    rows = rows[(rows["period_end"] == last["period_end"]) & rows["value"].notna()]
    figure = fmt.value(rows["value"].iloc[0], rows["unit"].iloc[0]) if len(rows) else None
    verdict = last.get("compared_with_england")
    if isinstance(verdict, str) and verdict in VERDICT_WORDS and verdict != "not compared":
        words = upper_first(VERDICT_WORDS[verdict])
        return (f"{words} ({figure} in {me.england.name})" if figure else words), verdict
    if figure:
        return f"{me.england.name}: {figure} the same year", None
    return None, None


def position(theme: Theme) -> Position:
    """The tile of one theme, or (when its figures cannot be read) why not."""
    try:
        picked = newest(theme)
        if picked is None:
            return Position(theme)
        kind, (dataset, measure), rows = picked
        info = store.measure(measure)
        last = rows.iloc[-1]
        unit = last["unit"]
        change = change_words(rows, info["polarity"])
        england, verdict = england_words(dataset, measure, last)
    except store.DataUnavailable as err:
        return Position(theme, error=str(err))
    words, direction, judgement = change or (None, None, None)
    return Position(
        theme, rows, kind, label=info["label"], number=fmt.short(last["value"], unit),
        unit="" if unit == "count" or unit in fmt.PERCENT_UNITS else fmt.unit_label(unit),
        when=when(last), source=source_title(last), change=words, direction=direction,
        judgement=judgement, england=england, verdict=verdict)


def missing_reports(pos: Position) -> bool:
    """A tile with no figures because its theme is only in the annual reports, and the
    authority's reports are not in the data."""
    theme = pos.theme
    return pos.error is None and pos.kind is None and theme.official is None and \
        theme.report is not None and not store.has_reports(theme.report[0])


NO_REPORTS = ("No tables from {name}'s annual reports are in the data yet, so today's "
              "position comes from the official statistics alone, and the themes that only "
              "the reports cover are not shown: {what}. About the data says how to add a "
              "report's tables.")


def listed(names: list[str]) -> str:
    words = [lower_first(n) for n in names]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def positions(themes: tuple[Theme, ...]) -> tuple[list[Position], str | None]:
    """The tiles to draw, and a notice naming the themes left out because the authority's
    annual reports are not in the data (None when every theme is drawn)."""
    every = [position(theme) for theme in themes]
    gone = [missing_reports(p) for p in every]
    shown = [p for p, out in zip(every, gone, strict=True) if not out]
    missing = [p.theme.name for p, out in zip(every, gone, strict=True) if out]
    if not missing:
        return shown, None
    return shown, NO_REPORTS.format(name=store.profile().name, what=listed(missing))
