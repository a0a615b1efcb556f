"""Browser-tab titles: the page's name and the partnership's, from the profile."""

from __future__ import annotations

from collections.abc import Callable

from dashboard import store
from dashboard.ids import Page
from etl.profile import UnknownAuthority


def page_title(page: Page, name: str | None = None) -> Callable[..., str]:
    """A title for ``dash.register_page``, worked out when the page is served:
    ``Child protection plans - Safeguarding children in Worcestershire``."""
    def title(**_path) -> str:
        try:
            site = store.profile().title
        except (UnknownAuthority, store.DataUnavailable):  # a title never stops a page
            site = "Safeguarding children"
        return f"{name or page.title} - {site}"
    return title
