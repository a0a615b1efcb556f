"""Who administers the dashboard: ``DASHBOARD_ADMINS``, a comma-separated list of the
names people sign in with (or that the proxy gives, with ``DASHBOARD_LOGIN=proxy``).

Signed in, an administrator sees what is kept from the public: today, the detail of
``/healthz`` from any address. Unset, nobody is an administrator.
"""

from __future__ import annotations

import logging
import os

from flask import Flask, current_app

from dashboard.server import auth

log = logging.getLogger(__name__)

EXTENSION = "dashboard_admins"


def names(env=None) -> frozenset[str]:
    """The administrators' names, from the environment."""
    env = os.environ if env is None else env
    return frozenset(n.strip() for n in env.get("DASHBOARD_ADMINS", "").split(",")
                     if n.strip())


def register(server: Flask, admins: frozenset[str] | None = None) -> None:
    server.extensions[EXTENSION] = names() if admins is None else admins
    with server.app_context():
        sign_in = auth.current().mode
    if server.extensions[EXTENSION] and sign_in == "off":
        log.warning("DASHBOARD_ADMINS is set but sign-in is off: nobody can sign in as "
                    "an administrator")


def is_admin() -> bool:
    """Whether the person signed in to this request is an administrator."""
    name = auth.user()
    return name is not None and name in current_app.extensions.get(EXTENSION, ())
