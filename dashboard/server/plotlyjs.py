"""The browser's plotly.js: the cartesian partial bundle in ``dashboard/vendor/plotly/``
in place of the full bundle Dash serves.

Dash's charts load plotly.js from one address (``ADDRESS``) when the first chart on a page
is drawn. The dashboard draws only scatter, bar and heatmap traces, which plotly.js's own
cartesian bundle holds at a third of the full bundle's size, so that address answers
with it. Image exports are unaffected: kaleido draws them with its own plotly.js.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from flask import Flask, Response, request, send_file

log = logging.getLogger(__name__)

BUNDLE = Path(__file__).resolve().parents[1] / "vendor" / "plotly" / "plotly-cartesian.min.js"
# Where Dash's renderer tells its charts to load plotly.js from when serving locally
# (with or without the fingerprint Dash puts in script addresses).
ADDRESS = re.compile(r"/_dash-component-suites/plotly/package_data/plotly(\.v[\w.]+)?\.min\.js")
SCRIPT = "/_dash-component-suites/plotly/package_data/plotly.min.js"
MAX_AGE = 3600  # seconds a browser may reuse it without asking; then its ETag is checked


def version(path: Path = BUNDLE) -> str:
    """The plotly.js version in the bundle's header comment (``4.1.1``)."""
    with path.open(encoding="utf-8") as handle:
        head = handle.read(400)
    found = re.search(r"plotly\.js \([^)]*\) v(\d+\.\d+\.\d+)", head)
    if not found:
        raise ValueError(f"{path}: no plotly.js version in its first lines")
    return found.group(1)


def register(server: Flask) -> None:
    """Answer Dash's plotly.js address with the partial bundle."""
    log.info("Charts use plotly.js %s (cartesian bundle, %.1f MB)", version(),
             BUNDLE.stat().st_size / 1e6)

    @server.before_request
    def _partial_bundle() -> Response | None:
        if request.method not in ("GET", "HEAD") or not ADDRESS.fullmatch(request.path):
            return None
        return send_file(BUNDLE, mimetype="text/javascript", conditional=True, etag=True,
                         max_age=MAX_AGE)
