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
import secrets
from urllib.parse import urlsplit

import dash
from dash import Dash, dcc, html
from dash._pages import _parse_query_string, _path_to_page  # the router's own rules
from dash._utils import to_json  # how Dash encodes a layout
from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE
from flask import g, has_request_context, request

from dashboard.server import callback_cache
from dashboard.store import files as data

log = logging.getLogger(__name__)

LAYOUT_PATH = "_dash-layout"
# Where the page's JSON goes in the shell's: a string no page can contain.
MARKER = f"first-page-{secrets.token_hex(16)}"
KEPT = callback_cache.Store(max_bytes=64 * 1024 * 1024)  # pages' JSON, per worker


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


def content(app: Dash, pathname: str, search: str) -> bytes | None:
    """The JSON of the page at ``pathname`` with the query ``search`` (``laid_out``),
    kept until a processed file changes: the key the router's kept answers have
    (``data.version()``, which also tells apart viewers who may see different datasets),
    since a page is a pure function of its address and the data as every callback is
    (``dashboard.server.callback_cache``). ``None`` when no page is there."""
    try:
        key = (pathname, search, data.version())
    except data.DataUnavailable:
        key = None
    hit = KEPT.get(key) if key is not None else None
    if hit is not None:
        return hit[0]
    page = laid_out(app, pathname, search)
    if page is None:
        return None
    body = to_json(page[0]).encode()
    if key is not None:
        KEPT.put(key, body, "application/json")
    return body


def page_container(app: Dash) -> html.Div:
    """Dash's page container, holding the page the request asks for when it says which
    (``dash.page_container``, to be filled by the router, when it does not). The page's
    own JSON, kept, goes into the answer in place of a marker (``register``): it is
    neither laid out nor encoded again for every visitor."""
    where = asked_for(app)
    if where is None:
        return dash.page_container
    pathname, search = where
    entry, variables = _path_to_page(app.strip_relative_path(pathname))
    body = content(app, pathname, search) if entry else None
    if body is None:
        return dash.page_container
    g.first_page = body
    title = entry["title"]
    return html.Div([
        dcc.Location(id=_ID_LOCATION, refresh="callback-nav", pathname=pathname, search=search),
        html.Div(MARKER, id=_ID_CONTENT, disable_n_clicks=True),
        dcc.Store(id=_ID_STORE, data={
            "title": title(**(variables or {})) if callable(title) else title}),
        html.Div(id=_ID_DUMMY, disable_n_clicks=True),
    ])


def register(app: Dash) -> None:
    """The page's JSON put in place of its marker in the layout's answer; and since that
    answer depends on the referring page, no cache may keep one for another (Dash sends
    it without caching headers)."""
    @app.server.after_request
    def _with_page(response):
        if not request.path.endswith("/" + LAYOUT_PATH):
            return response
        body = g.pop("first_page", None)
        if body is not None and response.status_code == 200:
            shell = response.get_data()
            marker = f'"{MARKER}"'.encode()
            if shell.count(marker) != 1:
                raise RuntimeError("the page's marker is not in the layout once")
            response.set_data(shell.replace(marker, body))
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Referer")
        return response
