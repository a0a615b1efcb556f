"""Security headers on every response, and error pages that give nothing away.

The Content-Security-Policy lets the page load scripts, styles, images and data from
this server only. Dash writes two small scripts into the page (the renderer's start and
any clientside callbacks): they are allowed by their hashes, not by 'unsafe-inline'.
"""

from __future__ import annotations

import threading

from dash import Dash
from dash.exceptions import DependencyException, InvalidResourceError
from flask import Response
from markupsafe import escape
from werkzeug.exceptions import HTTPException, NotFound

from dashboard.server.auth import page

# Checked in Chromium on every page (tests/dashboard/test_security.py): Dash's renderer
# and Plotly add <style> elements and style attributes as they draw, and Plotly draws
# parts of some charts as data: images. Neither can run code, and nothing may be loaded
# from, or sent to, any other server. Scripts need no 'unsafe-inline' or 'unsafe-eval'.
POLICY = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
MESSAGES = {
    400: ("Bad request", "That request could not be understood."),
    403: ("Sign in needed", "These figures are not published yet: sign in to see them."),
    404: ("Page not found", "There is no page at this address."),
    405: ("Not allowed", "That cannot be done at this address."),
    413: ("Too large", "That request was too large to be read."),
    503: ("Not available", "The figures are not available right now. Please try again "
                           "later."),
}
SERVER_ERROR = ("Something went wrong", "Something went wrong on the server. It has been "
                "noted; please try again later.")


def error_page(code: int) -> Response:
    title, text = MESSAGES.get(code, SERVER_ERROR if code >= 500 else MESSAGES[400])
    return page(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>"
                       '<p><a href="/">Go to the overview</a></p>', code)


def register(app: Dash) -> None:
    """Add the headers to every response and replace Flask's and Dash's error pages."""
    server = app.server
    lock = threading.Lock()
    policy: list[str] = []

    def csp() -> str:
        if not policy:
            with lock:
                if not policy:  # after Dash has gathered its inline scripts
                    policy.append(POLICY.format(hashes=" ".join(app.csp_hashes())))
        return policy[0]

    @server.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = csp()
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @server.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        if err.code is None or err.code < 400:
            return err
        return error_page(err.code)

    # Dash answers a bad script address with the list of every file it serves.
    server.register_error_handler(InvalidResourceError, lambda _err: error_page(404))
    server.register_error_handler(DependencyException, lambda _err: error_page(404))
    server.register_error_handler(NotFound, lambda _err: error_page(404))
