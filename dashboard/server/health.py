"""``/healthz``: is the processed data there and readable? For monitors and load balancers.

200 when every dataset named in build.json can be read, 503 when any cannot. To the
public that is all it says (``{"status": "ok"}`` or ``{"status": "error"}``); the
detail (when the data was built, each dataset's rows, what is wrong and why) is for a
request from this computer that no proxy passed on, and for signed-in administrators
(``dashboard.server.admins``). Each file is read through the app's own cache, so a
check costs a stat per file once the data has been read.
"""

from __future__ import annotations

import ipaddress
import logging

from flask import Flask, jsonify, request

from dashboard.server import admins
from dashboard.store import files as data

log = logging.getLogger(__name__)

REGISTRIES = ("measures", "tables", "validation")
# A request carrying any of these came through a proxy, so it is not from this computer
# even though the proxy connects from it.
FORWARDED = ("Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host")


def report() -> tuple[dict, bool]:
    """The health report, and whether everything is well."""
    try:
        build = data.build_info()
    except data.DataUnavailable as err:
        return {"status": "error", "error": str(err)}, False
    restricted = set(build.get("restricted", ()))
    names = [*build.get("datasets", {}), *build.get("lookups", {}), *REGISTRIES]
    datasets, ok = {}, True
    for name in names:
        entry: dict = {"restricted": True} if name in restricted else {}
        try:
            entry = {"status": "ok", "rows": data.check(name), **entry}
        except data.DataUnavailable as err:
            entry = {"status": "error", "error": str(err), **entry}
            ok = False
        datasets[name] = entry
    return {
        "status": "ok" if ok else "error",
        "built_at": build.get("built_at"),
        "validation_flags": build.get("validation_flags"),
        "datasets": datasets,
    }, ok


def from_this_computer() -> bool:
    """Whether the request came over loopback from this computer, not through a proxy."""
    try:
        address = ipaddress.ip_address((request.remote_addr or "").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    loopback = address.is_loopback or (mapped is not None and mapped.is_loopback)
    return loopback and not any(name in request.headers for name in FORWARDED)


def register(server: Flask) -> None:
    @server.get("/healthz")
    def healthz():
        body, ok = report()
        if not (from_this_computer() or admins.is_admin()):
            body = {"status": body["status"]}
        response = jsonify(body)
        response.status_code = 200 if ok else 503
        response.headers["Cache-Control"] = "no-store"
        return response
