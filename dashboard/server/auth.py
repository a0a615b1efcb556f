"""Optional sign-in, off by default: the dashboards are public.

``DASHBOARD_LOGIN`` chooses how people sign in:

- ``off`` (default): nobody signs in; restricted datasets are shown to nobody.
- ``users``: a name and password checked against ``DASHBOARD_USERS_FILE`` (kept with
  ``safeguarding users``); needs ``DASHBOARD_SECRET_KEY`` or
  ``DASHBOARD_SECRET_KEY_FILE`` to sign the session cookie.
- ``proxy``: a reverse proxy in front of the app has signed the person in and names
  them in the header ``DASHBOARD_PROXY_USER_HEADER``. Only when the app cannot be
  reached except through that proxy, which must drop the header from clients.

Signing in lets a person see the datasets listed in data/raw/restricted.csv;
``dashboard.store.files`` enforces that for every page, callback, download and pack.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from dash import html
from flask import Flask, Response, abort, g, has_request_context, redirect, request, session
from markupsafe import escape

from dashboard import store
from dashboard.server import users
from etl.profile import UnknownAuthority

MODES = ("off", "users", "proxy")
_HEADER = re.compile(r"[A-Za-z0-9-]{1,64}")
MIN_SECRET = 32


class ConfigError(RuntimeError):
    """The sign-in settings in the environment are incomplete or contradictory."""


@dataclass(frozen=True)
class Settings:
    mode: str = "off"
    users_file: Path | None = None
    proxy_header: str | None = None
    secret_key: str | None = None
    secure_cookies: bool = True
    session_hours: float = 8.0


def _flag(value: str, name: str) -> bool:
    value = value.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0, not {value!r}")


def _secret(env) -> str | None:
    key = env.get("DASHBOARD_SECRET_KEY", "").strip()
    path = env.get("DASHBOARD_SECRET_KEY_FILE", "").strip()
    if key and path:
        raise ConfigError("set DASHBOARD_SECRET_KEY or DASHBOARD_SECRET_KEY_FILE, not both")
    if path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip()
        except OSError as err:
            raise ConfigError(f"DASHBOARD_SECRET_KEY_FILE cannot be read: {err}") from None
    if key and len(key) < MIN_SECRET:
        raise ConfigError(f"the secret key needs at least {MIN_SECRET} characters: make one "
                          "with  python -c \"import secrets; print(secrets.token_hex(32))\"")
    return key or None


def settings(env=None) -> Settings:
    """The sign-in settings from the environment, checked."""
    env = os.environ if env is None else env
    mode = env.get("DASHBOARD_LOGIN", "off").strip().lower() or "off"
    if mode not in MODES:
        raise ConfigError(f"DASHBOARD_LOGIN must be one of {', '.join(MODES)}, not {mode!r}")
    try:
        hours = float(env.get("DASHBOARD_SESSION_HOURS", "8"))
    except ValueError:
        raise ConfigError("DASHBOARD_SESSION_HOURS must be a number of hours") from None
    secret = _secret(env)
    users_file = header = None
    if mode == "users":
        path = env.get("DASHBOARD_USERS_FILE", "").strip()
        if not path:
            raise ConfigError("DASHBOARD_LOGIN=users needs DASHBOARD_USERS_FILE (make it with "
                              "safeguarding users add NAME)")
        if not secret:
            raise ConfigError("DASHBOARD_LOGIN=users needs DASHBOARD_SECRET_KEY or "
                              "DASHBOARD_SECRET_KEY_FILE, the same for every worker")
        users_file = Path(path)
        try:
            users.load(users_file)
        except users.UsersFileError as err:
            raise ConfigError(str(err)) from None
    if mode == "proxy":
        header = env.get("DASHBOARD_PROXY_USER_HEADER", "").strip()
        if not _HEADER.fullmatch(header):
            raise ConfigError("DASHBOARD_LOGIN=proxy needs DASHBOARD_PROXY_USER_HEADER, the "
                              "name of the header in which the proxy names the person")
    return Settings(mode, users_file, header, secret,
                    _flag(env.get("DASHBOARD_SECURE_COOKIES", "1"), "DASHBOARD_SECURE_COOKIES"),
                    hours)


def current() -> Settings:
    from flask import current_app

    return current_app.extensions["dashboard_auth"]


def user() -> str | None:
    """The signed-in person's name in this request, or None."""
    return g.get("user")


def _identify() -> None:
    conf = current()
    g.user = None
    if conf.mode == "proxy":
        name = request.headers.get(conf.proxy_header, "").strip()
        g.user = name if 0 < len(name) <= 256 and name.isprintable() else None
    elif conf.mode == "users" and "user" in session:
        if users.exists(conf.users_file, session["user"]):
            g.user = session["user"]
        else:  # the account was removed since
            session.clear()


def _csrf() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok(sent: str | None) -> bool:
    return bool(sent) and "csrf" in session and hmac.compare_digest(
        sent.encode("utf-8"), session["csrf"].encode("utf-8"))


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


def _login_form(target: str, error: str | None = None, name: str = "") -> str:
    problem = (f'<p class="message" role="alert">{escape(error)}</p>' if error else "")
    return f"""<h1>Sign in</h1>
<p class="intro">Sign in to see figures that are not published yet.</p>{problem}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="{escape(_csrf())}">
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


def _login() -> Response:
    conf = current()
    target = _came_from()
    if conf.mode == "proxy":
        if user():
            return redirect(target, 303)
        return page("Sign in", "<h1>Sign in</h1><p>Sign in through your organisation's "
                    "sign-in page, then come back to this site.</p>", 401)
    if request.method == "GET":
        return page("Sign in", _login_form(target))
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    if not _csrf_ok(request.form.get("csrf")):
        return page("Sign in", _login_form(target, "The form had expired: please sign in "
                                                   "again.", name), 400)
    if not users.NAME.fullmatch(name) or not users.verify(conf.users_file, name, password):
        return page("Sign in", _login_form(target, "That name and password do not match an "
                                                   "account.", name), 401)
    session.clear()  # a fresh session: nothing carried over from before signing in
    session.permanent = True
    session["user"] = name
    _csrf()  # now, so that no later request need change the cookie
    return redirect(target, 303)


def _logout() -> Response:
    if not _csrf_ok(request.args.get("csrf") or request.form.get("csrf")):
        abort(400)
    session.clear()
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
        parts.append(html.Form(html.Button("Sign out", type="submit", className="pack-action"),
                               action="/logout?" + urlencode({"csrf": _csrf()}),
                               method="post"))
    return html.Div(parts, className="account")


def register(server: Flask, conf: Settings | None = None) -> Settings:
    """Cookie settings, who is asking (``flask.g.user``) and, for accounts, /login and
    /logout. Raises ``ConfigError`` for incomplete settings, so a server does not start
    half-configured."""
    conf = conf or settings()
    server.extensions["dashboard_auth"] = conf
    server.config.update(
        SESSION_COOKIE_NAME="dashboard_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=conf.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=conf.session_hours),
        # Sent only when it changes: a page's many parallel requests then cannot put
        # back an older cookie; a sign-in lasts DASHBOARD_SESSION_HOURS from signing in.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    if conf.secret_key:
        server.secret_key = conf.secret_key
    server.before_request(_identify)
    if conf.mode != "off":
        server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    if conf.mode == "users":
        server.add_url_rule("/logout", "logout", _logout, methods=["POST"])
    return conf
