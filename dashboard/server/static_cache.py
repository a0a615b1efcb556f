"""How long a browser may keep the app's scripts and styles without asking again.

Dash gives a year to the scripts whose address carries its fingerprint, but answers the
rest with an ETag alone, so that every page load asks for each of them again and waits for
the "not modified": the assets (``/assets/style.css?m=<mtime>``, whose scripts come
before Dash's own in the page), the chunks its components load when first drawn
(``async-graph.js``, ``async-markdown.js`` …) and the favicon, seven requests a page load.
Measured side by side (``tests/benchmarks/bench_pages.py --against``), pages draw in the
same time without them; the server has that much less to answer.

- An asset addressed with its modification time (``?m=``, as Dash's pages address them)
  gets another address when it changes: kept ``ASSET_MAX_AGE``.
- An unfingerprinted chunk of Dash's, and the favicon (addressed with Dash's version, not
  its own), are kept ``CHUNK_MAX_AGE`` (as the plotly.js bundle,
  ``dashboard.server.plotlyjs``), then checked with their ETag again: after an upgrade of
  Dash, a browser may run the old chunk for up to that long.
"""

from __future__ import annotations

import logging

from dash import Dash
from flask import Response, request

log = logging.getLogger(__name__)

ASSET_MAX_AGE = 365 * 24 * 3600  # seconds: the address changes with the file
CHUNK_MAX_AGE = 3600  # seconds, then the ETag is checked
SUITES = "/_dash-component-suites/"
FAVICON = "/_favicon.ico"


def register(app: Dash) -> None:
    """Give the assets and Dash's unfingerprinted chunks their time in browsers' caches."""
    assets = app.get_asset_url("")
    prefix = app.config.requests_pathname_prefix.rstrip("/")
    suites, favicon = prefix + SUITES, prefix + FAVICON

    @app.server.after_request
    def _kept(response: Response) -> Response:
        if request.method not in ("GET", "HEAD") or response.status_code not in (200, 304):
            return response
        if request.path.startswith(assets) and request.args.get("m"):
            response.cache_control.no_cache = None  # Flask's static files say ask each time
            response.cache_control.public = True
            response.cache_control.max_age = ASSET_MAX_AGE
        elif (request.path.startswith(suites) or request.path == favicon) \
                and response.cache_control.max_age is None:
            response.cache_control.public = True
            response.cache_control.max_age = CHUNK_MAX_AGE
        return response
