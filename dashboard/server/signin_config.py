"""The sign-in settings, read from the environment here and nowhere else.

============================================  =========  ===================================
variable                                      default    what
============================================  =========  ===================================
``DASHBOARD_LOGIN``                           ``off``    ``off``, ``users`` or ``proxy``
``DASHBOARD_USERS_FILE``                                 the accounts file (``users``)
``DASHBOARD_SECRET_KEY`` or ``…_FILE``                   32+ characters, for ``users``
``DASHBOARD_PROXY_USER_HEADER``                          the proxy's header (``proxy``)
``DASHBOARD_SECURE_COOKIES``                  ``1``      cookies over HTTPS only
``DASHBOARD_SESSION_DB``                      see below  SQLAlchemy URL or SQLite file path
``DASHBOARD_SESSION_HOURS``                   ``8``      a sign-in's longest life
``DASHBOARD_SESSION_IDLE_MINUTES``            ``60``     a session unused this long ends
``DASHBOARD_SIGNIN_FAILURES``                 ``5``      wrong passwords that lock an account
``DASHBOARD_SIGNIN_ADDRESS_FAILURES``         ``20``     … that lock a client address
``DASHBOARD_SIGNIN_WINDOW_MINUTES``           ``15``     … counted over this long
``DASHBOARD_SIGNIN_LOCK_MINUTES``             ``15``     the first lock (then doubling)
``DASHBOARD_TRUSTED_PROXIES``                 ``0``      proxies in front adding
                                                         X-Forwarded-For (for the address)
============================================  =========  ===================================

The session database defaults to ``sessions.sqlite3`` beside the accounts file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL

from dashboard.server import signin_db, users
from dashboard.server.throttle import Rule

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
    idle_minutes: float = 60.0
    session_db: URL | None = None  # for ``users``
    account_rule: Rule = field(default_factory=Rule)
    address_rule: Rule = field(default_factory=lambda: Rule(failures=20, free=20))
    trusted_proxies: int = 0


def _flag(value: str, name: str) -> bool:
    value = value.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0, not {value!r}")


def _number(env, name: str, default: float, what: str, whole: bool = False) -> float:
    text = env.get(name, "").strip() or str(default)
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, not {text!r}") from None
    if value < 0 or (value == 0 and not whole):
        raise ConfigError(f"{name} must be {what} above 0, not {text!r}")
    return value


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


def _rules(env) -> tuple[Rule, Rule]:
    window = 60 * _number(env, "DASHBOARD_SIGNIN_WINDOW_MINUTES", 15, "a number of minutes")
    lock = 60 * _number(env, "DASHBOARD_SIGNIN_LOCK_MINUTES", 15, "a number of minutes")
    per_account = int(_number(env, "DASHBOARD_SIGNIN_FAILURES", 5, "a whole number", True))
    per_address = int(_number(env, "DASHBOARD_SIGNIN_ADDRESS_FAILURES", 20, "a whole number",
                              True))
    if not per_account or not per_address:
        raise ConfigError("DASHBOARD_SIGNIN_FAILURES and DASHBOARD_SIGNIN_ADDRESS_FAILURES "
                          "must be at least 1")
    return (Rule(per_account, window, lock, free=min(2, per_account)),
            Rule(per_address, window, lock, free=per_address))


def _session_db(env, users_file: Path) -> URL:
    try:
        url = signin_db.url_for(env.get("DASHBOARD_SESSION_DB"), users_file)
        signin_db.Database(url).close()
    except signin_db.DatabaseError as err:
        raise ConfigError(f"{err} (set DASHBOARD_SESSION_DB)") from None
    return url


def settings(env=None) -> Settings:
    """The sign-in settings from the environment, checked (for ``users``, the session
    database is opened, and made if missing)."""
    env = os.environ if env is None else env
    mode = env.get("DASHBOARD_LOGIN", "off").strip().lower() or "off"
    if mode not in MODES:
        raise ConfigError(f"DASHBOARD_LOGIN must be one of {', '.join(MODES)}, not {mode!r}")
    hours = _number(env, "DASHBOARD_SESSION_HOURS", 8, "a number of hours")
    idle = _number(env, "DASHBOARD_SESSION_IDLE_MINUTES", 60, "a number of minutes")
    account_rule, address_rule = _rules(env)
    proxies = int(_number(env, "DASHBOARD_TRUSTED_PROXIES", 0, "a whole number", True))
    secret = _secret(env)
    users_file = header = db = None
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
        db = _session_db(env, users_file)
    if mode == "proxy":
        header = env.get("DASHBOARD_PROXY_USER_HEADER", "").strip()
        if not _HEADER.fullmatch(header):
            raise ConfigError("DASHBOARD_LOGIN=proxy needs DASHBOARD_PROXY_USER_HEADER, the "
                              "name of the header in which the proxy names the person")
    return Settings(mode, users_file, header, secret,
                    _flag(env.get("DASHBOARD_SECURE_COOKIES", "1"), "DASHBOARD_SECURE_COOKIES"),
                    hours, idle, db, account_rule, address_rule, proxies)
