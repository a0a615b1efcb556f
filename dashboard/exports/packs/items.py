"""What a pack holds: charts by registry id and state, presets, and the text forms used in
links, the basket and the command line. Every id, choice and value is checked against the
chart registry."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from dashboard import charts as registry
from dashboard import store
from dashboard.charts import Chart
from dashboard.ids import Page

PRESETS = {
    "themes": "the themes at a glance",
    "annual-report": "annual report charts",
}
CUSTOM = "committee pack"
FORMATS = ("docx", "pptx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
# At most this many charts in a pack asked for by list (a preset has every chart, however
# many): every chart once and a few other views. Each chart takes about half a second of
# a core to draw as an A4 picture, so this keeps one pack to half a minute or so.
MAX_ITEMS = 60
MAX_LABEL = 120
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")


class PackError(ValueError):
    """A pack request names an unknown chart, state, preset or format."""


def title_for(preset: str | None) -> str:
    """A pack's default title: ``Safeguarding children in Worcestershire: committee pack``."""
    return f"{store.profile().title}: {PRESETS.get(preset, CUSTOM) if preset else CUSTOM}"


@dataclass(frozen=True)
class PackItem:
    """One chart in a pack: its registry id and its state (only non-default choices)."""

    chart_id: str
    state: tuple[tuple[str, str], ...] = ()

    @property
    def chart(self) -> Chart:
        return registry.get(self.chart_id)

    def state_dict(self) -> dict:
        return self.chart.state(dict(self.state))

    def to_json(self) -> dict:
        return {"id": self.chart_id, "state": dict(self.state)}


def load_registry() -> dict[str, Chart]:
    """The chart registry (importing ``dashboard.charts`` fills it)."""
    return registry.REGISTRY


def make_item(chart_id: str, state: dict | None = None) -> PackItem:
    """A validated item: the chart must exist and every state key and value be allowed.

    Choices equal to the chart's default are dropped, so one view has one encoding."""
    load_registry()
    if not isinstance(chart_id, str) or not _ID.fullmatch(chart_id) or \
            chart_id not in registry.REGISTRY:
        raise PackError(f"unknown chart {chart_id!r}")
    chart = registry.get(chart_id)
    state = state or {}
    if not isinstance(state, dict):
        raise PackError(f"the state of {chart_id} is not a set of choices")
    kept = []
    for key, value in state.items():
        allowed = chart.options.get(key)
        if allowed is None:
            raise PackError(f"{chart_id} has no choice {key!r}")
        if value not in allowed:
            raise PackError(f"{value!r} is not a choice of {key!r} for {chart_id}")
        if value != allowed[0]:
            kept.append((key, value))
    return PackItem(chart_id, tuple(sorted(kept)))


def items_from_json(raw) -> list[PackItem]:
    """Items from the app's basket: ``[{"id": ..., "state": {...}}, ...]``."""
    if not isinstance(raw, list):
        raise PackError("a pack is a list of charts")
    if len(raw) > MAX_ITEMS:
        raise PackError(f"a pack holds at most {MAX_ITEMS} charts")
    out = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise PackError("each chart in a pack is an id and a state")
        out.append(make_item(entry.get("id"), entry.get("state")))
    return _once(out)


def _once(items: list[PackItem]) -> list[PackItem]:
    """The items, refused if any view is asked for twice."""
    seen = set()
    for item in items:
        if item in seen:
            raise PackError(f"{item.chart_id} is in the pack twice with the same choices")
        seen.add(item)
    return items


def encode_items(items: list[PackItem]) -> str:
    """The compact text form used in links: ``section-47-counts,section-47-funnel;year=…``."""
    return ",".join(item.chart_id + "".join(f";{quote(k, safe='')}={quote(v, safe='')}"
                                            for k, v in item.state) for item in items)


def decode_items(text: str) -> list[PackItem]:
    """The inverse of ``encode_items``, validating every id, choice and value."""
    if not isinstance(text, str) or not text.strip():
        raise PackError("the pack is empty")
    parts = text.split(",")
    if len(parts) > MAX_ITEMS:
        raise PackError(f"a pack holds at most {MAX_ITEMS} charts")
    items = []
    for part in parts:
        chart_id, *pairs = part.strip().split(";")
        state = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key, value = unquote(key), unquote(value)
            if not sep or not _KEY.fullmatch(key) or key in state:
                raise PackError(f"bad choice {pair!r} for {chart_id!r}")
            state[key] = value
        items.append(make_item(chart_id, state))
    return _once(items)


def theme_pages(drawable: bool = False) -> list[tuple[str, list[Chart]]]:
    """(page name, charts in registration order) for every page with charts, in the order
    of the navigation. ``drawable``: only the charts each page shows for the configured
    authority (``charts.shown``: those drawn from its own reports or the official
    statistics), and only pages that have some."""
    groups: dict[str, list[Chart]] = {}
    for chart in registry.REGISTRY.values():
        groups.setdefault(chart.page, []).append(chart)
    ordered = sorted(groups, key=lambda page: Page(page).order)
    out = []
    for page in ordered:
        charts = registry.shown(page)[0] if drawable else groups[page]
        if charts:
            out.append((Page(page).title, charts))
    return out


def page_name(chart: Chart) -> str:
    return Page(chart.page).title


def preset_items(preset: str) -> list[PackItem]:
    """``themes``: the first chart of each theme page; ``annual-report``: every chart; of
    those each page shows for the configured authority."""
    if preset not in PRESETS:
        raise PackError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    pages = theme_pages(drawable=True)
    if preset == "themes":
        return [PackItem(charts[0].id) for _, charts in pages]
    return [PackItem(c.id) for _, charts in pages for c in charts]


def clean_label(text: str | None, what: str) -> str | None:
    """A title or period label from a user: one line of printable text, not too long."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    if not text:
        return None
    if len(text) > MAX_LABEL or not text.isprintable():
        raise PackError(f"the {what} must be one line of at most {MAX_LABEL} characters")
    return text


def download_name(preset: str | None, ext: str, day: dt.date | None = None) -> str:
    """A fixed-pattern file name: nothing from the request but a known preset name."""
    day = day or dt.date.today()
    return f"pack-{preset or 'custom'}-{day:%Y-%m-%d}.{ext}"


def query_items(args) -> tuple[list[PackItem], str | None]:
    """Items from a request's ``items`` (encoded list) or ``preset``: one or the other."""
    preset, text = args.get("preset"), args.get("items")
    if (preset is None) == (text is None):
        raise PackError("give either items or preset")
    if preset is not None:
        return preset_items(preset), preset
    return decode_items(text), None
