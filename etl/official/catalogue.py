"""The curated releases, read from ``data/raw/releases.toml`` and checked.

Each ``[[release]]`` names how a kind of Explore Education Statistics file is recognised
(``signature``: columns it must have) and its ``[[release.item]]`` entries, one measure
each (see ``definitions.Item``). An item with ``parts`` (``[column, label]`` pairs) stands
for one item per part: the same measure broken down by ``breakdown``. ``[renamed]`` lists
columns spelt more than one way over the years; ``[levels]`` the area columns of each
geographic level the generic import reads. A bad file gives problems naming the file, the
line and the key, before anything is read.
"""

from __future__ import annotations

import logging
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from etl.errors import ETLError, Problem
from etl.official.definitions import Item, Release

logger = logging.getLogger(__name__)

FILE = "releases.toml"
KINDS = ("count", "percent", "rate")
_RELEASE_KEYS = {"key": str, "title": str, "publication": str, "source_id": str,
                 "dataset": str, "signature": list, "mid_year": bool, "year_end": str,
                 "item": list}
_ITEM_KEYS = {"measure": str, "kind": str, "columns": list, "denominator": list,
              "published": str, "decimals": int, "snapshot": bool, "when": dict,
              "lait": str, "denominator_when": dict, "breakdown": str, "part": str,
              "parts": list, "unit": str}
_REQUIRED_RELEASE = ("key", "title", "publication", "source_id", "dataset", "signature",
                     "item")


class _Lines:
    """Where in the text each release and item starts, for messages."""

    def __init__(self, text: str):
        lines = text.splitlines()
        self.releases = [i for i, line in enumerate(lines, 1)
                         if re.match(r"\s*\[\[release\]\]", line)]
        self.items = [i for i, line in enumerate(lines, 1)
                      if re.match(r"\s*\[\[release\.item\]\]", line)]

    def release(self, index: int) -> int | None:
        return self.releases[index] if index < len(self.releases) else None

    def item(self, release_index: int, item_index: int) -> int | None:
        start = self.release(release_index) or 0
        end = self.release(release_index + 1) or 10 ** 9
        inside = [i for i in self.items if start < i < end]
        return inside[item_index] if item_index < len(inside) else start or None


def _typed(table: dict, keys: dict[str, type], path: Path, line: int | None, what: str,
           problems: list[Problem]) -> bool:
    ok = True
    for key, value in table.items():
        if key not in keys:
            problems.append(Problem(path, f"{what}: unknown key '{key}' (known: "
                                    f"{', '.join(keys)})", line, key))
            ok = False
        elif not isinstance(value, keys[key]) or (keys[key] is int and isinstance(value, bool)):
            problems.append(Problem(path, f"{what}: '{key}' must be "
                                    f"{keys[key].__name__}, not {value!r}", line, key))
            ok = False
        elif keys[key] is list and key != "item" and key != "parts" and not all(
                isinstance(v, str) and v for v in value):
            problems.append(Problem(path, f"{what}: '{key}' must be a list of column names",
                                    line, key))
            ok = False
    return ok


def _pairs(table: dict | None) -> tuple[tuple[str, str], ...] | None:
    if not table:
        return None
    return tuple((str(k), str(v)) for k, v in table.items())


def _items(raw: dict, path: Path, line: int | None, what: str,
           problems: list[Problem]) -> list[Item]:
    """One item, or one per part."""
    count = len(problems)
    if not _typed(raw, _ITEM_KEYS, path, line, what, problems):
        return []
    for key in ("measure", "kind"):
        if key not in raw:
            problems.append(Problem(path, f"{what}: '{key}' is required", line, key))
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        problems.append(Problem(path, f"{what}: kind '{kind}' is not one of "
                                f"{', '.join(KINDS)}", line, "kind"))
    parts = raw.get("parts")
    if parts is not None:
        if "breakdown" not in raw:
            problems.append(Problem(path, f"{what}: 'parts' needs a 'breakdown' name", line,
                                    "breakdown"))
        if not parts or not all(isinstance(p, list) and len(p) == 2 and
                                all(isinstance(x, str) and x for x in p) for p in parts):
            problems.append(Problem(path, f"{what}: 'parts' must be [column, label] pairs",
                                    line, "parts"))
    elif not raw.get("columns"):
        problems.append(Problem(path, f"{what}: 'columns' (or 'parts') is required", line,
                                "columns"))
    if kind == "percent" and not raw.get("denominator") and not raw.get("published"):
        problems.append(Problem(path, f"{what}: a percent needs 'denominator' or "
                                "'published'", line, "denominator"))
    if len(problems) > count:
        return []
    common = {
        "measure": raw["measure"], "kind": kind,
        "denominator": tuple(raw.get("denominator", ())), "published": raw.get("published"),
        "decimals": raw.get("decimals", 1), "snapshot": raw.get("snapshot", False),
        "when": _pairs(raw.get("when")), "lait": raw.get("lait"),
        "denominator_when": (_pairs(raw.get("denominator_when")) or (None,))[0],
        "as_unit": raw.get("unit"),
    }
    if parts is not None:
        return [Item(columns=(column,), breakdown=(raw["breakdown"], label), **common)
                for column, label in parts]
    breakdown = (raw["breakdown"], raw["part"]) if "part" in raw else None
    return [Item(columns=tuple(raw["columns"]), breakdown=breakdown, **common)]


def parse_releases(text: str, path: Path) -> tuple[tuple[Release, ...], dict, dict]:
    """The releases, renamed columns and level columns in a releases file's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        raise ETLError([Problem(path, f"not valid TOML: {err}",
                                int(found.group(1)) if found else None)]) from None
    lines, problems, releases = _Lines(text), [], []
    unknown = set(data) - {"release", "renamed", "levels"}
    for key in sorted(unknown):
        problems.append(Problem(path, f"unknown table '{key}' (known: release, renamed, "
                                "levels)", None, key))
    keys, measures = set(), {}
    for r, raw in enumerate(data.get("release", [])):
        line = lines.release(r)
        what = f"release {raw.get('key', r + 1)!r}"
        if not _typed(raw, _RELEASE_KEYS, path, line, what, problems):
            continue
        missing = [k for k in _REQUIRED_RELEASE if k not in raw]
        for key in missing:
            problems.append(Problem(path, f"{what}: '{key}' is required", line, key))
        if missing:
            continue
        if raw["key"] in keys:
            problems.append(Problem(path, f"{what}: key listed twice", line, "key"))
        keys.add(raw["key"])
        year_end = raw.get("year_end", "03-31")
        if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", year_end):
            problems.append(Problem(path, f"{what}: year_end must be MM-DD, not "
                                    f"{year_end!r}", line, "year_end"))
        items: list[Item] = []
        for i, item in enumerate(raw["item"]):
            at = lines.item(r, i)
            if not isinstance(item, dict):
                problems.append(Problem(path, f"{what}: item {i + 1} must be a table", at))
                continue
            made = _items(item, path, at, f"{what}, item {item.get('measure', i + 1)!r}",
                          problems)
            for one in made:
                if one.breakdown is None and one.measure in measures:
                    problems.append(Problem(path, f"{what}: measure '{one.measure}' is also "
                                            f"made by release {measures[one.measure]!r}",
                                            at, "measure"))
            for one in made:
                measures.setdefault(one.measure, raw["key"])
            items += made
        releases.append(Release(raw["key"], raw["title"], raw["publication"],
                                raw["source_id"], raw["dataset"], tuple(raw["signature"]),
                                tuple(items), raw.get("mid_year", False), year_end))
    renamed = {k: tuple(v) for k, v in data.get("renamed", {}).items()}
    levels = {k: tuple(v) for k, v in data.get("levels", {}).items()}
    for name, value in (*renamed.items(), *levels.items()):
        if not all(isinstance(v, str) for v in value):
            problems.append(Problem(path, f"'{name}' must list column names", None, name))
    if problems:
        raise ETLError(problems)
    return tuple(releases), renamed, levels


@lru_cache(maxsize=8)
def _load(path: Path, stamp: tuple[int, int]) -> tuple[tuple[Release, ...], dict, dict]:
    return parse_releases(path.read_text(encoding="utf-8"), path)


def load(path: Path) -> tuple[tuple[Release, ...], dict, dict]:
    """``(releases, renamed, levels)`` from a releases file (cached while it is unchanged)."""
    if not path.is_file():
        raise ETLError([Problem(path, "the curated releases file is missing (it lists how "
                                "each known DfE release is read)")])
    info = path.stat()
    return _load(path, (info.st_mtime_ns, info.st_size))


def releases_file(raw: Path) -> Path:
    return raw / FILE


def __getattr__(name: str):
    """``RELEASES``, ``RENAMED`` (columns spelt more than one way over the years, by the
    name the definitions use) and ``FACTORS`` (the assessment factors' columns and
    labels), from the configured raw folder's releases file, read when first asked for."""
    if name not in ("RELEASES", "RENAMED", "FACTORS"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from etl import config
    releases, renamed, _ = load(releases_file(config.settings().raw_dir))
    if name == "RELEASES":
        return releases
    if name == "RENAMED":
        return renamed
    return tuple((i.columns[0], i.breakdown[1]) for r in releases for i in r.items
                 if i.breakdown and i.measure == "dfe_assessment_factor_pct")
