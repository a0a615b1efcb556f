"""The official indicators the theme pages lead with and the benchmarking page lists.

They are data, in ``indicators.toml`` beside this module: adding an indicator to a page is
a few lines there (and its measure in ``data/raw/measures.csv``), not code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

FILE = "indicators.toml"


@dataclass(frozen=True)
class Indicator:
    """One official measure, the pages that lead with it, and its annual-report twin."""

    slug: str
    dataset: str
    measure: str
    pages: tuple[str, ...] = ()
    benchmarking: bool = True
    report: tuple[str, str] | None = None


def load(text: str) -> dict[str, Indicator]:
    """The indicators defined in ``text`` (TOML), in the order given."""
    out = {}
    for slug, spec in tomllib.loads(text).items():
        unknown = set(spec) - {"dataset", "measure", "pages", "benchmarking", "report"}
        if unknown or not {"dataset", "measure"} <= set(spec):
            raise ValueError(f"{FILE}: [{slug}] needs dataset and measure and takes only "
                             f"pages, benchmarking and report (found {sorted(spec)})")
        report = spec.get("report")
        if report is not None and len(report) != 2:
            raise ValueError(f"{FILE}: [{slug}] report must be [dataset, measure]")
        out[slug] = Indicator(slug, spec["dataset"], spec["measure"],
                              tuple(spec.get("pages", ())), bool(spec.get("benchmarking",
                                                                          True)),
                              tuple(report) if report else None)
    return out


INDICATORS = load(resources.files(__package__).joinpath(FILE).read_text(encoding="utf-8"))


def for_page(page: str) -> dict[str, Indicator]:
    """The indicators ``page`` leads with, in order."""
    return {slug: i for slug, i in INDICATORS.items() if str(page) in i.pages}


def benchmarked() -> dict[str, Indicator]:
    """The indicators on the benchmarking page."""
    return {slug: i for slug, i in INDICATORS.items() if i.benchmarking}
