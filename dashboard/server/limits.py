"""Per-client limits on the costly requests: packs started and chart downloads
(Flask-Limiter, counted by the client's address).

- ``DASHBOARD_PACK_LIMIT``: packs a client may start (default ``10 per minute;60 per
  hour``); only requests that queue a new pack count, not those answered from the
  cache, refused or checking on a pack under way. It covers ``/pack.<format>`` and the
  pack page's "Make" buttons alike.
- ``DASHBOARD_EXPORT_LIMIT``: chart downloads (CSV, Excel, PNG, SVG; default ``120 per
  minute``).
- ``DASHBOARD_API_LIMIT``: requests to the data API, ``/api/v1/`` (default ``300 per
  minute``: a script paging through a large measure a few times a second fits).
- ``DASHBOARD_LIMITS_STORAGE``: where the counts are kept (default ``memory://``: in
  each server process, so with two gunicorn workers a client may get up to twice the
  limit; ``redis://host:6379`` shares them between processes and hosts, with the
  ``redis`` package installed).

The address is the one sign-in throttling counts (``auth.client_address``): the
connection's, or behind ``DASHBOARD_TRUSTED_PROXIES`` reverse proxies the one the
outermost of them saw; without that setting every visitor behind a proxy counts as one.
A client over a limit gets 429 with ``Retry-After``.
"""

from __future__ import annotations

import logging
import os

from dash import Dash
from flask import Response, g, request
from flask_limiter import Limiter, RateLimitExceeded

from dashboard.charts.pack import Ids
from dashboard.server.auth import client_address

log = logging.getLogger(__name__)

PACK_SCOPE = "packs"
# What a client over a limit is told, and after how many seconds it may try again.
TOO_MANY = "Too many requests from your address: please wait a minute and try again"
RETRY_AFTER_S = "60"
DASH_UPDATE = "/_dash-update-component"


def pack_limit() -> str:
    return os.environ.get("DASHBOARD_PACK_LIMIT", "").strip() or "10 per minute;60 per hour"


def export_limit() -> str:
    return os.environ.get("DASHBOARD_EXPORT_LIMIT", "").strip() or "120 per minute"


def api_limit() -> str:
    return os.environ.get("DASHBOARD_API_LIMIT", "").strip() or "300 per minute"


limiter = Limiter(key_func=client_address, strategy="moving-window",
                  headers_enabled=True,
                  storage_uri=os.environ.get("DASHBOARD_LIMITS_STORAGE") or "memory://")


def queued_a_pack(_response: Response | None = None) -> bool:
    """Whether this request queued a new pack (set by whoever queued it)."""
    return bool(g.get("pack_queued"))


def packs_limited():
    """The limit on starting packs, shared by every route that starts them."""
    return limiter.shared_limit(pack_limit, scope=PACK_SCOPE, deduct_when=queued_a_pack)


def _starts_a_pack() -> bool:
    body = request.get_json(silent=True)
    return isinstance(body, dict) and f"{Ids.JOB}.data" in str(body.get("output", ""))


def register(app: Dash) -> None:
    """Limit the pack page's "Make" callback like ``/pack.<format>``, and answer a
    client over any limit with a plain 429."""
    server = app.server
    limiter.init_app(server)
    view = server.view_functions.get(DASH_UPDATE)
    if view is not None:
        server.view_functions[DASH_UPDATE] = limiter.shared_limit(
            pack_limit, scope=PACK_SCOPE, deduct_when=queued_a_pack,
            exempt_when=lambda: not _starts_a_pack())(view)

    @server.errorhandler(RateLimitExceeded)
    def _too_many(err: RateLimitExceeded) -> Response:
        log.warning("rate limit reached by %s on %s: %s", client_address(),
                    request.path, err.description)
        reply = Response(f"{TOO_MANY}.", 429, mimetype="text/plain")
        reply.headers["Retry-After"] = RETRY_AFTER_S
        reply.headers["Cache-Control"] = "no-store"
        return reply
