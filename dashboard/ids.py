"""Names declared once: every page's name, and the ids the app shell uses.

A page has one name across its modules (``dashboard/charts/<module>.py``,
``dashboard/pages/<module>.py``), its address and the prefix of every component and chart
id on it: ``Page.SECTION_47`` is ``section-47``, in ``section_47.py``, at
``/section-47``, with ids ``section-47-…``. Each page's own ids are a ``StrEnum`` named
``Ids`` in its charts module.
"""

from __future__ import annotations

from enum import StrEnum


class Page(StrEnum):
    """The pages, in the order the navigation lists them."""

    OVERVIEW = "overview"
    CONTACTS = "contacts"
    CHILDREN_IN_NEED = "children-in-need"
    SECTION_47 = "section-47"
    CHILD_PROTECTION_PLANS = "child-protection-plans"
    CHILDREN_IN_CARE = "children-in-care"
    RACIST_INCIDENTS = "racist-incidents"
    TRAINING = "training"
    SECTION_11 = "section-11"
    BENCHMARKING = "benchmarking"
    EXPLORE = "explore"
    MAPS = "maps"
    ABOUT = "about"
    DATA = "data"
    API = "api"
    PACK = "pack"

    @property
    def path(self) -> str:
        return "/" if self is Page.OVERVIEW else f"/{self.value}"

    @property
    def module(self) -> str:
        """The module name of its charts and its page: ``section_47``."""
        return self.value.replace("-", "_")

    @property
    def title(self) -> str:
        """Its name in the navigation, headings and committee packs."""
        return TITLES[self]

    @property
    def order(self) -> int:
        return list(Page).index(self)

    def id(self, name: str) -> str:
        """A component id on this page: ``Page.TRAINING.id("programme")``."""
        return f"{self.value}-{name}"

    @classmethod
    def of_module(cls, module: str) -> Page:
        """The page whose charts or layout live in ``module`` (``dashboard.pages.maps``)."""
        leaf = module.rsplit(".", 1)[-1]
        return next(p for p in cls if p.module == leaf)


TITLES = {
    Page.OVERVIEW: "Overview",
    Page.CONTACTS: "Contacts & referrals",
    Page.CHILDREN_IN_NEED: "Children in need",
    Page.SECTION_47: "Section 47 & conferences",
    Page.CHILD_PROTECTION_PLANS: "Child protection plans",
    Page.CHILDREN_IN_CARE: "Children in care",
    Page.RACIST_INCIDENTS: "Racist incidents",
    Page.TRAINING: "Training",
    Page.SECTION_11: "Section 11 audit",
    Page.BENCHMARKING: "Benchmarking",
    Page.EXPLORE: "Explore the statistics",
    Page.MAPS: "Small-area maps",
    Page.ABOUT: "About the data",
    Page.DATA: "Data catalogue",
    Page.API: "Data API",
    Page.PACK: "Committee pack",
}


class App(StrEnum):
    """Ids of the shell around every page."""

    URL = "url"
    ADDRESS = "address"  # the query of the page's choices (ui/address.py)
    MAIN = "main"
    PACK_BASKET = "pack-basket"
    PACK_COUNT = "pack-count"
    MENU = "menu-button"
    NAV = "nav-list"
    # The ``type`` of pattern-matching ids used on every page.
    CHOICE = "choice"  # a choice button: {"type", "control", "value"}
    TABLE_OPEN = "table-open"  # "View as table" of a long table: {"type", "item"}
    TABLE_SLOT = "table-slot"
