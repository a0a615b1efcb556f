"""Optional sign-in, off by default: the dashboards are public.

``DASHBOARD_LOGIN`` chooses how people sign in:

- ``off`` (default): nobody signs in; restricted datasets are shown to nobody.
- ``users``: a name and password checked against ``DASHBOARD_USERS_FILE`` (kept with
  ``safeguarding users``), throttled (``throttle``), with sessions kept on the server
  (``sessions``); needs ``DASHBOARD_SECRET_KEY`` or ``DASHBOARD_SECRET_KEY_FILE``, which
  keys the sessions' ids.
- ``proxy``: a reverse proxy in front of the app has signed the person in and names
  them in the header ``DASHBOARD_PROXY_USER_HEADER``. Only when the app cannot be
  reached except through that proxy, which must drop the header from clients.

The settings are read in ``signin_config``. Signing in lets a person see the datasets
listed in data/raw/restricted.csv; ``dashboard.store.files`` enforces that for every
page, callback, download and pack.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from dash import html
from flask import Flask, Response, abort, g, has_request_context, redirect, request, session
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError

from dashboard import store
from dashboard.server import users
from dashboard.server.sessions import SID, Sessions
from dashboard.server.signin_config import ConfigError, Settings, settings
from dashboard.server.signin_db import Database
from dashboard.server.throttle import Busy, Gate, Throttle
from etl.profile import UnknownAuthority

__all__ = ["ConfigError", "Settings", "account_links", "current", "page", "register",
           "settings", "user"]
log = logging.getLogger(__name__)
SIGNIN_COOKIE = "dashboard_signin"  # the sign-in form's anti-forgery token, before signing in


@dataclass(frozen=True)
class Signin:
    """What ``DASHBOARD_LOGIN=users`` runs on: sessions, throttling and the hashing gate."""

    sessions: Sessions
    throttle: Throttle
    gate: Gate


def current() -> Settings:
    from flask import current_app

    return current_app.extensions["dashboard_auth"]


def user() -> str | None:
    """The signed-in person's name in this request, or None."""
    return g.get("user")


def _signin() -> Signin:
    from flask import current_app

    return current_app.extensions["dashboard_signin"]


def _identify() -> None:
    conf = current()
    g.user = None
    if conf.mode == "proxy":
        name = request.headers.get(conf.proxy_header, "").strip()
        g.user = name if 0 < len(name) <= 256 and name.isprintable() else None
    elif conf.mode == "users":
        g.user = session.get("user")  # the session was checked as it was opened


def _same(sent: str | None, kept: str | None) -> bool:
    return bool(sent) and bool(kept) and hmac.compare_digest(sent.encode("utf-8"),
                                                             kept.encode("utf-8"))


def client_address() -> str:
    """The client's address: the connection's, or with ``DASHBOARD_TRUSTED_PROXIES`` set,
    the one the outermost trusted proxy saw (from X-Forwarded-For)."""
    hops = current().trusted_proxies
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    if hops and len(forwarded) >= hops and forwarded[-hops]:
        return forwarded[-hops][:64]
    return request.remote_addr or "unknown"


def safe_next(target: str | None) -> str:
    """A path on this site to go back to after signing in; anything else means home."""
    if not target:
        return "/"
    parts = urlsplit(target.replace("\\", "/"))
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or \
            parts.path.startswith("//") or any(ord(c) < 32 for c in target):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _came_from() -> str:
    """The ``next`` field, or the page the sign-in link was on (same site only)."""
    target = request.values.get("next")
    if target is None and request.referrer:
        ref = urlsplit(request.referrer)
        if ref.netloc == request.host:
            target = ref.path + (f"?{ref.query}" if ref.query else "")
    target = safe_next(target)
    return "/" if target.startswith(("/login", "/logout")) else target


PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {site}</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body><div class="page">
<header class="site-header"><p class="site-name">{partnership}</p>
</header>
<main id="main">{body}</main>
</div></body></html>"""


def _names() -> tuple[str, str]:
    """The site's title and the partnership's name, from the profile (plain words if the
    configured authority cannot be resolved: an error page must still be shown)."""
    try:
        me = store.profile()
    except (UnknownAuthority, store.DataUnavailable):
        return "Safeguarding children", "Safeguarding Children Partnership"
    return me.title, me.partnership


def page(title: str, body: str, status: int = 200) -> Response:
    """A small plain page in the site's style (sign-in, errors), escaped by the caller."""
    site, partnership = _names()
    return Response(PAGE.format(title=escape(title), body=body, site=escape(site),
                                partnership=escape(partnership)), status,
                    mimetype="text/html", headers={"Cache-Control": "no-store"})


def _login_form(target: str, token: str, error: str | None = None, name: str = "") -> str:
    problem = (f'<p class="message" role="alert">{escape(error)}</p>' if error else "")
    return f"""<h1>Sign in</h1>
<p class="intro">Sign in to see figures that are not published yet.</p>{problem}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="{escape(token)}">
<input type="hidden" name="next" value="{escape(target)}">
<div class="pack-fields">
<div class="pack-field"><label for="name">Name</label>
<input class="pack-input" id="name" name="name" autocomplete="username" required
 value="{escape(name)}"></div>
<div class="pack-field"><label for="password">Password</label>
<input class="pack-input" id="password" name="password" type="password"
 autocomplete="current-password" required></div>
</div>
<p><button class="pack-action" type="submit">Sign in</button></p>
</form>
<p><a href="/">Back to the dashboard</a></p>"""


def _form(target: str, error: str | None = None, name: str = "", status: int = 200,
          retry_after: int | None = None) -> Response:
    """The sign-in page. Its anti-forgery token is also in a cookie of its own (the
    session starts only once someone has signed in): a post must carry both."""
    token = request.cookies.get(SIGNIN_COOKIE, "")
    fresh = not SID.fullmatch(token)
    token = secrets.token_urlsafe(32) if fresh else token
    reply = page("Sign in", _login_form(target, token, error, name), status)
    if fresh:
        reply.set_cookie(SIGNIN_COOKIE, token, path="/login", httponly=True, samesite="Lax",
                         secure=current().secure_cookies)
    if retry_after:
        reply.headers["Retry-After"] = str(retry_after)
    return reply


def _later(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return (f"{seconds} second{'s' * (seconds != 1)}" if seconds < 60 else
            f"{minutes} minute{'s' * (minutes != 1)}")


def _check(name: str, password: str, target: str) -> Response | None:
    """None when ``password`` is ``name``'s; otherwise the page refusing it. A refused
    attempt (waiting, locked or busy) hashes nothing."""
    signin, conf = _signin(), current()
    address = client_address()
    wait = signin.throttle.wait(name, address)
    if wait:
        return _form(target, "Too many wrong passwords: please try again in "
                     f"{_later(wait)}.", name, 429, wait)
    try:
        with signin.gate:
            ok = users.verify(conf.users_file, name, password)
    except Busy:
        log.warning("Sign-in for %s from %s turned away: busy checking another", name, address)
        return _form(target, "The server is busy: please try again in a few seconds.", name,
                     503, 5)
    if not ok:
        signin.throttle.failed(name, address)
        return _form(target, "That name and password do not match an account.", name, 401)
    signin.throttle.succeeded(name)
    return None


def _login() -> Response:
    conf = current()
    target = _came_from()
    if conf.mode == "proxy":
        if user():
            return redirect(target, 303)
        return page("Sign in", "<h1>Sign in</h1><p>Sign in through your organisation's "
                    "sign-in page, then come back to this site.</p>", 401)
    if request.method == "GET":
        return _form(target)
    name = request.form.get("name", "").strip()
    if not _same(request.form.get("csrf"), request.cookies.get(SIGNIN_COOKIE)):
        return _form(target, "The form had expired: please sign in again.", name, 400)
    if not users.NAME.fullmatch(name):
        return _form(target, "That name and password do not match an account.", name, 401)
    try:
        refused = _check(name, request.form.get("password", ""), target)
        if refused is not None:
            return refused
        _signin().sessions.begin(session, name)
    except LookupError:  # removed while the password was checked
        return _form(target, "That name and password do not match an account.", name, 401)
    except SQLAlchemyError:
        log.exception("The session database cannot be used: sign-in refused")
        return page("Sign in", "<h1>Sign in</h1><p>Signing in is not possible right now. "
                    "Please try again later.</p>", 503)
    reply = redirect(target, 303)
    reply.delete_cookie(SIGNIN_COOKIE, path="/login", httponly=True, samesite="Lax",
                        secure=conf.secure_cookies)
    return reply


def _logout() -> Response:
    """Sign out, with the token from the form's body only (never the address)."""
    if not _same(request.form.get("csrf"), session.get("csrf")):
        abort(400)
    try:
        _signin().sessions.end(session)
    except SQLAlchemyError:
        log.exception("The session database cannot be used: sign-out failed")
        abort(503)
    return redirect("/", 303)


def account_links():
    """The header's "Signed in as … / Sign out" or "Sign in", or None when login is off."""
    if not has_request_context():
        return None
    conf = current()
    name = user()
    if conf.mode == "off" or (conf.mode == "proxy" and not name):
        return None
    if not name:
        return html.P(html.A("Sign in", href="/login"), className="account")
    parts = [f"Signed in as {name} "]
    if conf.mode == "users":
        # The button sends the token in the form's body (csrf=…), never in the address.
        parts.append(html.Form(html.Button("Sign out", type="submit", name="csrf",
                                           value=session.get("csrf", ""),
                                           className="pack-action"),
                               action="/logout", method="post"))
    return html.Div(parts, className="account")


def register(server: Flask, conf: Settings | None = None,
             database: Database | None = None) -> Settings:
    """Cookie settings, who is asking (``flask.g.user``) and, for accounts, server-side
    sessions, /login and /logout. Raises ``ConfigError`` for incomplete settings, so a
    server does not start half-configured. ``database`` replaces the configured one
    (tests give one with their own clock)."""
    conf = conf or settings()
    server.extensions["dashboard_auth"] = conf
    server.config.update(
        SESSION_COOKIE_NAME="dashboard_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=conf.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=conf.session_hours),
        # Sent only when it changes: a page's many parallel requests then cannot put
        # back an older cookie (dashboard.server.sessions sends it at sign-in and out).
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    if conf.secret_key:
        server.secret_key = conf.secret_key
    if conf.mode == "users":
        db = database or Database(conf.session_db)
        sessions = Sessions(db, conf.secret_key, lambda name: users.fingerprint(
            conf.users_file, name), conf.idle_minutes * 60, conf.session_hours * 3600)
        server.session_interface = sessions
        server.extensions["dashboard_signin"] = Signin(
            sessions, Throttle(db, conf.account_rule, conf.address_rule), Gate())
    server.before_request(_identify)
    if conf.mode != "off":
        server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    if conf.mode == "users":
        server.add_url_rule("/logout", "logout", _logout, methods=["POST"])
    return conf
