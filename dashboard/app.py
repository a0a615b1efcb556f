"""The Dash application, made by ``create_app()``: nothing is built when this is imported.

Servers make it once (``dashboard.wsgi`` for gunicorn, ``safeguarding serve`` for the
development server). The pages come from ``dashboard/pages/`` (Dash's page registry, which
also gives the navigation); besides them the app has optional sign-in, security headers
and error pages, the health check and the download routes (``dashboard.server``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import dash
from dash import Dash, dcc, html

from dashboard import charts, store
from dashboard.ids import App, Page
from dashboard.server import (
    admins,
    api,
    auth,
    callback_cache,
    first_page,
    health,
    limits,
    plotlyjs,
    routes,
    security,
    static_cache,
    strict,
    warmup,
)
from dashboard.ui.address import address_store
from dashboard.ui.menu import menu_button, nav_list
from dashboard.ui.text import LICENCE

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

# Dash's own page shell, with the language set and its scripts outside a <footer>
# (a second footer landmark confuses screen readers).
INDEX = """<!DOCTYPE html>
<html lang="en-GB">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


def _footer() -> html.Footer:
    try:
        built = store.build_info()["built_at"].replace("T", " ")[:16]
        official = (" and the Department for Education's official statistics"
                    if store.build_info().get("releases") else "")
        when = (f"Data built {built} UTC from the partnership's published annual reports"
                f"{official}.")
    except store.DataUnavailable:
        when = "The processed data has not been built yet: run make etl."
    return html.Footer([html.P(when), html.P(LICENCE)], className="site-footer")


def navigation() -> list[tuple[str, str]]:
    """``(address, name)`` of every page, in order: from Dash's page registry. A theme that
    only the annual reports cover (racist incidents, say) is left out for an authority
    whose reports' tables are not in the data; its address still says why."""
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order", 0))
    by_path = {page.path: page for page in Page}
    return [(p["relative_path"], p["name"]) for p in pages
            if p["path"] not in by_path or _listed(by_path[p["path"]])]


def _listed(page: Page) -> bool:
    """Whether the navigation lists ``page``: it has a chart to show the authority."""
    shown, left_out = charts.shown(page)
    return bool(shown) or not left_out


def _nav_label(href: str, label: str):
    if href != Page.PACK.path:
        return label
    return [label, html.Span(id=App.PACK_COUNT)]  # " (3)": filled from the basket


def _header_extra() -> list:
    """Sign-in status, when sign-in is on (nothing at all when it is off)."""
    links = auth.account_links()
    return [links] if links is not None else []


def _layout(app: Dash) -> html.Div:
    """The shell around every page, with the page a full load asks for already laid out
    in it (``dashboard.server.first_page``)."""
    return html.Div([
        dcc.Location(id=App.URL, refresh="callback-nav"),
        html.A("Skip to main content", href=f"#{App.MAIN}", className="skip-link"),
        html.Header([
            html.P(store.profile().partnership, className="site-name"),
            menu_button(),
            html.Nav(nav_list([html.Li(dcc.Link(_nav_label(href, label), href=href))
                               for href, label in navigation()]),
                     **{"aria-label": "Themes"}),
            *_header_extra(),
        ], className="site-header"),
        # The committee pack basket: chart ids and states, kept for this browser tab.
        dcc.Store(id=App.PACK_BASKET, storage_type="session"),
        address_store(),
        html.Main(first_page.page_container(app), id=App.MAIN, tabIndex="-1"),
        _footer(),
    ], className="page")


def create_app() -> Dash:
    """The app for the configured authority. Raises ``etl.profile.UnknownAuthority``
    (saying how to find the right code) when the data does not know it."""
    profile = store.profile()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        serve_locally=True,
        title=profile.title,
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.layout = lambda: _layout(app)
    app.index_string = INDEX
    auth.register(app.server)
    admins.register(app.server)
    security.register(app)
    strict.register(app)  # before the kept answers: a malformed request reaches neither
    health.register(app.server)
    callback_cache.register(app.server)  # after sign-in, so a viewer's scope is known
    routes.register(app.server)
    api.register(app.server)  # the data API, /api/v1/
    limits.register(app)  # after Dash's own routes: it limits the pack page's callback
    plotlyjs.register(app.server)
    static_cache.register(app)  # scripts and styles kept by browsers
    first_page.register(app)
    warmup.register(app)  # the warm-up gives way to visitors
    log.info("Dashboard for %s (%s)", profile.name, profile.code)
    return app


def set_up(app: Dash) -> None:
    """Finish Dash's set-up now, with one request made alone. Dash sets itself up on its
    first request, and two threads doing that at once can fail ("dictionary changed size
    during iteration"): servers call this before they take requests."""
    app.server.test_client().get("/_dash-layout")
