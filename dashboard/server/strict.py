"""Strict requests: a limit on the size of a request's body, 404 for an address that is
neither a page nor a file nor a route of the app, and every callback request checked
(``dashboard.server.callback_check``).

``DASHBOARD_MAX_REQUEST_BYTES`` (default 1048576, 1 MiB) is the largest body the app
reads; a larger one is refused with 413 before it is read. Dash answers every other
address with the app's page; here only the addresses of pages in Dash's page registry
do (with any query string, and Dash's path templates), and any other gets the site's
"Page not found" with 404.
"""

from __future__ import annotations

import logging
import os
import re
from fnmatch import fnmatchcase

import dash
from dash import Dash
from flask import abort, request

from dashboard.server import callback_check

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 1024 * 1024
MIN_REQUEST_BYTES = 16 * 1024


class ConfigError(RuntimeError):
    """DASHBOARD_MAX_REQUEST_BYTES is not a usable number of bytes."""


def max_request_bytes(env=None) -> int:
    """The largest request body the app reads, from ``DASHBOARD_MAX_REQUEST_BYTES``."""
    env = os.environ if env is None else env
    raw = env.get("DASHBOARD_MAX_REQUEST_BYTES", "").strip()
    if not raw:
        return MAX_REQUEST_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError("DASHBOARD_MAX_REQUEST_BYTES must be a whole number of bytes, "
                          f"not {raw!r}") from None
    if value < MIN_REQUEST_BYTES:
        raise ConfigError(f"DASHBOARD_MAX_REQUEST_BYTES must be at least {MIN_REQUEST_BYTES}"
                          " (callbacks send a few kilobytes)")
    return value


def is_page(path: str) -> bool:
    """Whether Dash's router shows a page (not its "not found") at ``path``: the rule of
    ``dash._pages._path_to_page``, slashes at either end ignored."""
    wanted = path.strip("/")
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template and fnmatchcase(wanted, re.sub("<.*?>", "*", template.strip("/"))):
            return True
        if wanted == page["path"].strip("/"):
            return True
    return False


def register(app: Dash) -> None:
    """The size limit, 404 for unknown addresses and the callback check."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = max_request_bytes()
    catchall = app.config.routes_pathname_prefix + "<path:path>"
    prefix = app.config.requests_pathname_prefix

    @server.before_request
    def _only_pages():
        """Dash's catch-all route serves the app at any address: only pages' pass."""
        rule = request.url_rule
        if rule is not None and rule.endpoint == catchall:
            path = request.path
            if not is_page(path[len(prefix) - 1:] if path.startswith(prefix) else path):
                abort(404)

    callback_check.register(app)
