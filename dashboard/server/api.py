"""The read-only data API under ``/api/v1/``, for analysts' own tools (Power BI, R,
Excel, pandas): the datasets, the measures with their metadata, and the figures, as JSON
or CSV (``format=csv`` or the ``.csv`` address).

It serves what the pages may show the same viewer, read through ``dashboard.store``:
a restricted dataset is answered with 401 until the viewer signs in (the pages say the
same: not published yet, sign in), a suppressed figure keeps its symbol with no value,
and another partnership's report rows are never served. Errors are JSON naming the bad
parameter. Every answer carries an ETag made from the version of the processed data (and
the viewer's scope) and the request, so a client's repeat request gets 304. Requests are
limited per client address (``DASHBOARD_API_LIMIT``, ``dashboard.server.limits``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import math
from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
from flask import Blueprint, Flask, Response, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import MethodNotAllowed

from dashboard.server import openapi
from dashboard.server.limits import RETRY_AFTER_S, TOO_MANY, api_limit, limiter
from dashboard.store import catalogue, files

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
DEFAULT_LIMIT, MAX_LIMIT = 1000, 10000
MAX_TEXT = 200  # the longest value of one filter
FILTERS = ("measure", "dataset", "area", "level", "period", "breakdown", "breakdown_value")
PAGING = ("limit", "offset")
FORMATS = ("json", "csv")
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv"

api = Blueprint("api_v1", __name__, url_prefix=PREFIX)
limiter.limit(api_limit)(api)  # once, however many apps register the blueprint


class ApiError(Exception):
    """An answer other than 200: its status, message and the parameter at fault."""

    def __init__(self, status: int, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


def _json_value(value):
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else \
            value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _dump(body) -> bytes:
    return json.dumps(body, default=_json_value, ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def error_response(err: ApiError) -> Response:
    body = {"error": {"status": err.status, "message": err.message}}
    if err.parameter:
        body["error"]["parameter"] = err.parameter
    reply = Response(_dump(body), err.status, mimetype=JSON_TYPE)
    reply.headers["Cache-Control"] = "no-store"
    if err.status == 401:
        reply.headers["WWW-Authenticate"] = 'Cookie realm="dashboard", sign-in="/login"'
    return reply


def _args(allowed: tuple[str, ...]) -> dict[str, str]:
    """The query's parameters, each at most once and all known: else 400 naming it."""
    out = {}
    for name in request.args:
        if name not in (*allowed, "format"):
            raise ApiError(400, f"unknown parameter {name!r}; known: "
                                f"{', '.join((*allowed, 'format'))}", name)
        values = request.args.getlist(name)
        if len(values) > 1:
            raise ApiError(400, f"{name} given {len(values)} times; give it once "
                                "(several values separated by commas)", name)
        out[name] = values[0]
    return out


def _format(args: dict[str, str], suffix: str | None) -> str:
    wanted = args.pop("format", None)
    if wanted is not None and wanted not in FORMATS:
        raise ApiError(400, f"format must be one of {', '.join(FORMATS)}, not {wanted!r}",
                       "format")
    if suffix and wanted and wanted != suffix:
        raise ApiError(400, f"format={wanted} contradicts the .{suffix} address", "format")
    return suffix or wanted or "json"


def _values(args: dict[str, str], name: str) -> tuple[str, ...]:
    raw = args.get(name)
    if raw is None:
        return ()
    values = tuple(v.strip() for v in raw.split(","))
    if not all(values) or any(len(v) > MAX_TEXT or not v.isprintable() for v in values):
        raise ApiError(400, f"{name} must be one or more values separated by commas, each "
                            f"1 to {MAX_TEXT} printable characters", name)
    return values


def _whole(args: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ApiError(400, f"{name} must be a whole number from {low} to {high}, not "
                            f"{raw!r}", name)
    return number


def _etag(fmt: str) -> str:
    key = repr((files.version(), request.path, sorted(request.args.items(multi=True)), fmt))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _answer(fmt: str, make: Callable[[], tuple[bytes, dict[str, str]]],
            filename: str) -> Response:
    """The answer made by ``make`` (body, extra headers), or 304 when the client has it."""
    tag = _etag(fmt)
    headers = {"Cache-Control": "private, no-cache", "Vary": "Cookie"}
    if tag in request.if_none_match:
        reply = Response(status=304, headers=headers)
        reply.set_etag(tag)
        return reply
    body, extra = make()
    mimetype = CSV_TYPE if fmt == "csv" else JSON_TYPE
    reply = Response(body, 200, mimetype=mimetype, headers={**headers, **extra})
    if fmt == "csv":
        reply.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    reply.set_etag(tag)
    return reply


def _csv(frame: pd.DataFrame) -> bytes:
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\r\n")
    return out.getvalue().encode("utf-8")


def _flat(records: list[dict]) -> pd.DataFrame:
    """Records with lists joined by ``|`` and mappings as JSON, for a CSV."""
    def cell(value):
        if isinstance(value, list):
            return "|".join(map(str, value))
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return value
    return pd.DataFrame([{k: cell(v) for k, v in r.items()} for r in records])


def _listing(records: list[dict], fmt: str, name: str) -> Response:
    def make():
        if fmt == "csv":
            return _csv(_flat(records)), {}
        return _dump({"data": records, "total": len(records)}), {}
    return _answer(fmt, make, name)


def _url(args: dict[str, str], **changes) -> str:
    query = {**args, **{k: str(v) for k, v in changes.items()}}
    return f"{request.host_url.rstrip('/')}{request.path}?{urlencode(query)}"


def _records(frame: pd.DataFrame) -> bytes:
    """The rows as a JSON array (pandas writes it: nulls for missing values)."""
    out = frame.copy()
    for column in ("period_start", "period_end"):
        out[column] = [None if pd.isna(v) else str(v)[:10] for v in out[column]]
    return out.to_json(orient="records", force_ascii=False, double_precision=15).encode()


@api.get("/")
def index() -> Response:
    """Where everything is."""
    root = request.host_url.rstrip("/") + PREFIX
    body = {"datasets": f"{root}/datasets", "measures": f"{root}/measures",
            "figures": f"{root}/figures?measure=<id>", "openapi": f"{root}/openapi.json",
            "examples": request.host_url.rstrip("/") + "/api"}
    return _answer("json", lambda: (_dump(body), {}), "index")


@api.get("/openapi.json")
def openapi_document() -> Response:
    return _answer("json", lambda: (_dump(openapi.document()), {}), "openapi")


@api.get("/datasets")
@api.get("/datasets.<suffix>")
def datasets(suffix: str | None = None) -> Response:
    fmt = _format(_args(()), _suffix(suffix))
    return _listing(catalogue.datasets(), fmt, "datasets")


@api.get("/measures")
@api.get("/measures.<suffix>")
def measures(suffix: str | None = None) -> Response:
    args = _args(("dataset",))
    fmt = _format(args, _suffix(suffix))
    wanted = _values(args, "dataset")
    records = [m for m in catalogue.measures() if not wanted or m["dataset"] in wanted]
    return _listing(records, fmt, "measures")


@api.get("/measures/<measure_id>")
def one_measure(measure_id: str) -> Response:
    fmt = _format(_args(()), None)
    if fmt != "json":
        raise ApiError(400, "one measure is given as JSON only", "format")
    record = catalogue.measure(measure_id)
    return _answer("json", lambda: (_dump(record), {}), measure_id)


def _suffix(suffix: str | None) -> str | None:
    if suffix is not None and suffix not in FORMATS:
        raise ApiError(404, f"there is nothing at {request.path}")
    return suffix


@api.get("/figures")
@api.get("/figures.<suffix>")
def figures(suffix: str | None = None) -> Response:
    """Figures filtered by measure, dataset, area, level, period and breakdown, a page
    at a time (``limit``, ``offset``); JSON with the total and links to the next and
    previous pages, or CSV with them in ``X-Total-Count`` and ``Link``."""
    args = _args((*FILTERS, *PAGING))
    fmt = _format(args, _suffix(suffix))
    query = catalogue.Query(**{name: _values(args, name) for name in FILTERS})
    limit = _whole(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _whole(args, "offset", 0, 0, 10**9)
    _check_levels(query.level)

    def make():
        try:
            page, total = catalogue.figures(query, limit, offset)
        except catalogue.BadQuery as err:
            raise ApiError(400, str(err), err.parameter) from None
        following = _url(args, offset=offset + limit) if offset + limit < total else None
        before = _url(args, offset=max(offset - limit, 0)) if offset > 0 else None
        links = {"self": _url(args, offset=offset), "next": following, "prev": before}
        headers = {"X-Total-Count": str(total)}
        rel = [f'<{url}>; rel="{name}"' for name, url in links.items() if url and name != "self"]
        if rel:
            headers["Link"] = ", ".join(rel)
        if fmt == "csv":
            return _csv(page), headers
        rest = _dump({"total": total, "limit": limit, "offset": offset, "links": links})
        return b'{"data": ' + _records(page) + b", " + rest[1:], headers
    return _answer(fmt, make, "figures")


def _check_levels(levels: tuple[str, ...]) -> None:
    known = {lv for entry in catalogue.measures() for lv in entry["levels"]}
    unknown = [lv for lv in levels if lv not in known]
    if unknown:
        raise ApiError(400, f"unknown geographic level {unknown[0]!r}; known: "
                            f"{', '.join(sorted(known))}", "level")


@api.get("/<path:_rest>")
def nothing_here(_rest: str) -> Response:
    raise ApiError(404, f"there is nothing at {request.path}; see {PREFIX}/openapi.json")


@api.errorhandler(ApiError)
def _api_error(err: ApiError) -> Response:
    return error_response(err)


@api.errorhandler(catalogue.NotFound)
def _not_found(err: catalogue.NotFound) -> Response:
    return error_response(ApiError(404, str(err), err.parameter))


@api.errorhandler(files.Restricted)
def _restricted(err: files.Restricted) -> Response:
    return error_response(ApiError(401, f"the dataset {err.dataset} is not published yet: "
                                        "sign in (/login) to read it"))


@api.errorhandler(files.DataUnavailable)
def _unavailable(err: files.DataUnavailable) -> Response:
    log.warning("api: %s: %s", request.path, err)
    reply = error_response(ApiError(503, f"the figures are not available right now: {err}"))
    reply.headers["Retry-After"] = "60"
    return reply


@api.errorhandler(RateLimitExceeded)
def _too_many(err: RateLimitExceeded) -> Response:
    log.warning("api: rate limit reached on %s: %s", request.path, err.description)
    reply = error_response(ApiError(429, TOO_MANY))
    reply.headers["Retry-After"] = RETRY_AFTER_S
    return reply


def _wrong_method(err: MethodNotAllowed):
    """405 under the API's address as JSON, naming the methods it answers (the API is
    read-only); elsewhere Flask's own answer. Routing fails before any blueprint is
    chosen, so this is the app's handler."""
    if not (request.path == PREFIX or request.path.startswith(PREFIX + "/")):
        return err
    allowed = sorted(set(err.valid_methods or ("GET", "HEAD")) - {"OPTIONS"})
    reply = error_response(ApiError(405, f"{request.method} is not answered here: the API "
                                         f"is read-only ({', '.join(allowed)})"))
    reply.headers["Allow"] = ", ".join(allowed)
    return reply


def register(server: Flask) -> None:
    """The blueprint (limited per client address), and JSON for a method it refuses."""
    server.register_blueprint(api)
    server.register_error_handler(MethodNotAllowed, _wrong_method)
