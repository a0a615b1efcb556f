"""Server-side sessions for ``DASHBOARD_LOGIN=users``: the cookie holds only a random id.

The session itself (who, its anti-forgery token, when it started and was last used, and
a fingerprint of the account's password hash) is a row in the sign-in database
(``signin_db``), so it can be ended from anywhere: signing out deletes it; ``safeguarding
users`` deletes every session of an account it changes or removes; and a session whose
fingerprint no longer matches the accounts file (the password changed, or the account
was removed, even if added again) ends at its next request. A session also ends after
``DASHBOARD_SESSION_IDLE_MINUTES`` unused, and ``DASHBOARD_SESSION_HOURS`` after signing
in, whichever comes first.

The cookie is sent twice only: a new id when someone signs in, and its removal when they
sign out. A page's many parallel requests therefore never put back an older cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import CallbackDict

from dashboard.server.signin_db import Database
from dashboard.server.throttle import HISTORY

log = logging.getLogger(__name__)
SID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class ServerSession(CallbackDict, SessionMixin):
    """``user`` and ``csrf`` of the signed-in person; empty when nobody is."""

    def __init__(self, data: dict | None = None, sid: str | None = None):
        def changed(self):
            self.modified = True

        super().__init__(data or {}, changed)
        self.sid = sid
        self.modified = False
        self.cookie: str | None = None  # "set" (a new id) or "delete", for the response


class Sessions(SessionInterface):
    """Sessions in ``db``. ``fingerprint(account)`` is that of the account's current
    password hash, or None when there is no such account."""

    def __init__(self, db: Database, secret: str, fingerprint: Callable[[str], str | None],
                 idle: float, absolute: float):
        self.db = db
        self._secret = secret.encode("utf-8")
        self.fingerprint = fingerprint
        self.idle, self.absolute = idle, absolute
        self.touch_every = min(60.0, idle / 10)  # write "last seen" at most this often

    def key(self, sid: str) -> str:
        """The row's key: keyed with the secret, so the database alone opens nothing."""
        return hmac.new(self._secret, sid.encode("ascii"), hashlib.sha256).hexdigest()

    def _ended(self, row) -> str | None:
        now = self.db.now()
        if now - row.created >= self.absolute:
            return "signed in for longer than allowed"
        if now - row.seen >= self.idle:
            return "unused for too long"
        if not hmac.compare_digest(self.fingerprint(row.account) or "", row.fingerprint):
            return "the account was removed or its password changed"
        return None

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app), "")
        if not SID.fullmatch(sid):
            return ServerSession()
        key = self.key(sid)
        try:
            row = self.db.session(key)
            if row is None:
                return ServerSession()
            why = self._ended(row)
            if why:
                self.db.end_session(key)
                log.info("Session of %s ended: %s", row.account, why)
                return ServerSession()
            if self.db.now() - row.seen >= self.touch_every:
                self.db.touch(key)
        except SQLAlchemyError:
            log.exception("The session database cannot be read: this request is signed out")
            return ServerSession()
        return ServerSession({"user": row.account, "csrf": row.csrf}, sid)

    def begin(self, session: ServerSession, account: str) -> None:
        """Sign ``account`` in with a new session and id (any session before ends).
        Raises ``LookupError`` if the account has gone, ``SQLAlchemyError`` if the
        database cannot be written."""
        fingerprint = self.fingerprint(account)
        if fingerprint is None:
            raise LookupError(account)
        self.end(session)
        self.db.prune(self.idle, self.absolute, HISTORY)
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.db.add_session(self.key(sid), account, csrf, fingerprint)
        session.update(user=account, csrf=csrf)
        session.sid, session.cookie = sid, "set"
        log.info("%s signed in", account)

    def end(self, session: ServerSession) -> None:
        """Sign out: the session's row is deleted and its cookie removed."""
        if session.sid:
            self.db.end_session(self.key(session.sid))
            session.cookie = "delete"
            if "user" in session:
                log.info("%s signed out", session["user"])
        session.clear()
        session.sid = None

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        response.vary.add("Cookie")
        options = {"domain": self.get_cookie_domain(app), "path": self.get_cookie_path(app),
                   "secure": self.get_cookie_secure(app),
                   "httponly": self.get_cookie_httponly(app),
                   "samesite": self.get_cookie_samesite(app)}
        if session.cookie == "set":
            response.set_cookie(self.get_cookie_name(app), session.sid,
                                max_age=int(self.absolute), **options)
        elif session.cookie == "delete":
            response.delete_cookie(self.get_cookie_name(app), **options)
