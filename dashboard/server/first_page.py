"""The page asked for, laid out on the server in the app's first answer.

On a full load the browser asks for ``/_dash-layout`` from the page it is showing, and
sends that page's address as the ``Referer`` (the app's ``Referrer-Policy`` is
``same-origin``). Dash's own page container is empty there, and its router fills it with
a second request (a callback fired when ``dcc.Location`` reads the address on mount);
only then are the charts drawn. Here the container comes filled instead: the page's
layout for that address and query, its title, and a ``dcc.Location`` whose ``pathname``
and ``search`` are already set, so that nothing fires on mount and every chart is drawn
from the first answer. Navigation inside the app (``dcc.Link``) still goes through Dash's
router, with the same ids.

Without a usable ``Referer`` (a proxy that strips it, an address that is not a page) the
container is Dash's empty one, and the router lays the page out as before.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import dash
from dash import Dash, dcc, html
from dash._pages import _parse_query_string, _path_to_page  # the router's own rules
from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE
from flask import has_request_context, request

log = logging.getLogger(__name__)

LAYOUT_PATH = "_dash-layout"


def asked_for(app: Dash) -> tuple[str, str] | None:
    """``(pathname, search)`` of the page whose layout this request asks for, from its
    ``Referer``; ``None`` outside a request for the layout, or without a referring page."""
    if not has_request_context() or not request.path.endswith("/" + LAYOUT_PATH):
        return None
    referer = request.headers.get("Referer", "")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.host:
        return None  # another site's page: lay out nothing from it
    path = parts.path or "/"
    if not (path + "/").startswith(app.config.requests_pathname_prefix):
        return None  # not an address of this app
    return path, f"?{parts.query}" if parts.query else ""


def laid_out(app: Dash, pathname: str, search: str) -> tuple[object, str] | None:
    """The page at ``pathname`` with the query ``search``, and its title, as Dash's router
    would lay them out; ``None`` when no page is there (the router then says so)."""
    page, variables = _path_to_page(app.strip_relative_path(pathname))
    if not page:
        return None
    layout, title = page.get("layout", ""), page["title"]
    if callable(layout):
        layout = layout(**{**(variables or {}), **_parse_query_string(search)})
    if callable(title):
        title = title(**(variables or {}))
    return layout, title


def page_container(app: Dash) -> html.Div:
    """Dash's page container, holding the page the request asks for when it says which
    (``dash.page_container``, to be filled by the router, when it does not)."""
    where = asked_for(app)
    page = laid_out(app, *where) if where is not None else None
    if page is None:
        return dash.page_container
    (pathname, search), (layout, title) = where, page
    return html.Div([
        dcc.Location(id=_ID_LOCATION, refresh="callback-nav", pathname=pathname, search=search),
        html.Div(layout, id=_ID_CONTENT, disable_n_clicks=True),
        dcc.Store(id=_ID_STORE, data={"title": title}),
        html.Div(id=_ID_DUMMY, disable_n_clicks=True),
    ])


def register(app: Dash) -> None:
    """The layout's answer depends on the referring page: no cache may keep one for
    another (Dash sends it without caching headers)."""
    @app.server.after_request
    def _not_kept(response):
        if request.path.endswith("/" + LAYOUT_PATH):
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Referer")
        return response
