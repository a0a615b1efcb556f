"""``/healthz``: is the processed data there and readable? For monitors and load balancers.

200 when every dataset named in build.json can be read, 503 (with the failing datasets
and why) when any cannot. Each file is read through the app's own cache, so a check
costs a stat per file once the data has been read.
"""

from __future__ import annotations

from flask import Flask, jsonify

from dashboard.store import files as data

REGISTRIES = ("measures", "tables", "validation")


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


def register(server: Flask) -> None:
    @server.get("/healthz")
    def healthz():
        body, ok = report()
        response = jsonify(body)
        response.status_code = 200 if ok else 503
        response.headers["Cache-Control"] = "no-store"
        return response
