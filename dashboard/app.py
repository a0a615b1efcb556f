"""The Dash application: ``create_app()`` for tests and servers, ``server`` for gunicorn.

Besides the pages: optional sign-in (``auth``), security headers and error pages
(``security``), the health check ``/healthz`` (``health``) and the download routes."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash, dcc, html

from dashboard.exports import packs
from dashboard.server import auth, callback_cache, health, routes, security
from dashboard.store import files as data
from dashboard.ui.text import LICENCE

HERE = Path(__file__).resolve().parent
NAV = [
    ("/", "Overview"),
    ("/contacts", "Contacts & referrals"),
    ("/section-47", "Section 47 & conferences"),
    ("/child-protection-plans", "Child protection plans"),
    ("/children-in-care", "Children in care"),
    ("/racist-incidents", "Racist incidents"),
    ("/training", "Training"),
    ("/section-11", "Section 11 audit"),
    ("/benchmarking", "Benchmarking"),
    ("/maps", "Small-area maps"),
    ("/about", "About the data"),
    ("/pack", "Committee pack"),
]


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
        built = data.build_info()["built_at"].replace("T", " ")[:16]
        official = (" and the Department for Education's official statistics"
                    if data.build_info().get("releases") else "")
        when = (f"Data built {built} UTC from the partnership's published annual reports"
                f"{official}.")
    except data.DataUnavailable:
        when = "The processed data has not been built yet: run make etl."
    return html.Footer([html.P(when), html.P(LICENCE)], className="site-footer")


def _nav_label(href: str, label: str):
    if href != "/pack":
        return label
    return [label, html.Span(id="pack-count")]  # " (3)": filled from the basket


def _header_extra() -> list:
    """Sign-in status, when sign-in is on (nothing at all when it is off)."""
    links = auth.account_links()
    return [links] if links is not None else []


def _layout() -> html.Div:
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        html.A("Skip to main content", href="#main", className="skip-link"),
        html.Header([
            html.P("Dudley Safeguarding Children Partnership", className="site-name"),
            html.Nav(html.Ul([html.Li(dcc.Link(_nav_label(href, label), href=href))
                              for href, label in NAV]), **{"aria-label": "Themes"}),
            *_header_extra(),
        ], className="site-header"),
        # The committee pack basket: chart ids and states, kept for this browser tab.
        dcc.Store(id="pack-basket", storage_type="session"),
        html.Main(dash.page_container, id="main", tabIndex="-1"),
        _footer(),
    ], className="page")


def create_app() -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        serve_locally=True,
        title="Safeguarding children in Dudley",
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.layout = _layout
    app.index_string = INDEX
    auth.register(app.server)
    security.register(app)
    health.register(app.server)
    callback_cache.register(app.server)  # after sign-in, so a viewer's scope is known
    routes.register(app.server)
    packs.register_routes(app.server)
    return app


app = create_app()
server = app.server


def set_up() -> None:
    """Finish Dash's set-up now, with one request made alone. Dash sets itself up on its
    first request, and two threads doing that at once can fail ("dictionary changed size
    during iteration"): servers call this before they take requests."""
    server.test_client().get("/_dash-layout")
