"""Plain Flask routes beside the Dash app: chart downloads and committee packs.

Only names from the chart registry and known formats are accepted, so a download address
can never name a file; restricted figures need a signed-in user (``dashboard.store.files``).
Packs are made in the background (``dashboard.exports.packs.queue``): the request that
asks for one is answered at once, with the file if it is made already, else with the
address of its progress page (``dashboard.server.pack_jobs``)."""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, abort, redirect, request

from dashboard import charts
from dashboard.exports import images as export
from dashboard.exports.packs import (
    FORMATS,
    PackError,
    clean_label,
    query_items,
    queue,
    soffice,
    title_for,
)
from dashboard.server import pack_jobs
from dashboard.server.limits import export_limit, limiter, packs_limited
from dashboard.store.files import DataUnavailable, Restricted

log = logging.getLogger(__name__)
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def register(server: Flask) -> None:
    register_downloads(server)
    register_packs(server)
    pack_jobs.register(server)


def register_downloads(server: Flask) -> None:
    @server.get("/export/<chart_id>.<ext>")
    @limiter.limit(export_limit)
    def export_chart(chart_id: str, ext: str) -> Response:
        if not _NAME.fullmatch(chart_id) or chart_id not in charts.REGISTRY:
            abort(404)
        if ext not in export.MEDIA_TYPES:
            abort(404)
        chart = charts.get(chart_id)
        try:
            result = chart.render(request.args.to_dict())
        except Restricted:
            abort(403)
        except DataUnavailable:
            abort(503)
        body = export.render(result, ext)
        filename = f"{chart_id}.{ext}"
        return Response(body, mimetype=export.MEDIA_TYPES[ext], headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        })

    @server.get("/export/<path:_rest>")
    @server.get("/pack.<path:_rest>")
    @server.get("/pack/<path:_rest>")
    def not_a_download(_rest: str) -> Response:
        """Anything else under a download address is not found (rather than the app's
        page, which Dash serves at any other address)."""
        abort(404)


def register_packs(server: Flask) -> None:
    """``GET /pack.docx|pptx|pdf?items=<chart id>[;key=value…],…`` (or ``preset=``), with
    optional ``title`` and ``period`` for the cover. Every chart id, choice and format is
    checked against the registry; anything else is refused (400). The answer is the file
    if it is made already, else 303 to the pack's progress page, or 503 with
    ``Retry-After`` when this server is making as many packs as it can take."""
    @server.get("/pack.<ext>")
    @packs_limited()
    def pack_download(ext: str) -> Response:
        if ext not in FORMATS:
            abort(404)
        if ext == "pdf" and not soffice():
            return Response("PDF packs are not available on this server.", 503,
                            mimetype="text/plain")
        try:
            items, preset = query_items(request.args)
            title = clean_label(request.args.get("title"), "title") or title_for(preset)
            period = clean_label(request.args.get("period"), "period")
            order = queue.Order(tuple(items), ext, title, period, preset)
            status, _ = queue.start(order)
        except PackError as err:
            return Response(f"Bad pack request: {err}", 400, mimetype="text/plain")
        except queue.Busy as err:
            return pack_jobs.busy(err.retry_after)
        except DataUnavailable:
            abort(503)
        if status.ready:
            return pack_jobs.send(status)
        return redirect(pack_jobs.page_url(status), 303)
