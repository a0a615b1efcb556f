"""A pack's progress and file, whichever server process is making it.

- ``GET /pack/jobs/<id>``: a plain page saying how far the pack has got ("Building: 12
  of 42 charts"), which reloads itself every few seconds (``<meta http-equiv=refresh>``:
  the page runs no script) and offers the file when it is ready;
- ``GET /pack/jobs/<id>.json``: the same for programs: ``state`` (queued, running,
  done or failed), ``done``, ``total``, ``words`` and, when ready, ``file``;
- ``GET /pack/jobs/<id>.<format>``: the finished file.

A job is shown only to a viewer who may see everything in it (``queue.visible``):
anyone else, and any unknown id, gets 404.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, abort, jsonify, send_file
from markupsafe import escape

from dashboard.exports import jobs
from dashboard.exports.packs import MEDIA_TYPES, queue
from dashboard.ids import Page
from dashboard.server.auth import page

log = logging.getLogger(__name__)

REFRESH_SECONDS = 2
_NAME = re.compile(r"(?P<id>[0-9a-f]{32})(?:\.(?P<ext>[a-z]{3,4}))?")


def page_url(status: jobs.Status) -> str:
    return f"/pack/jobs/{status.id}"


def file_url(status: jobs.Status) -> str:
    return f"/pack/jobs/{status.id}.{status.ext}"


def busy(retry_after: int) -> Response:
    """503: this server is making as many packs as it can take."""
    return Response("The server is making as many packs as it can just now. Please try "
                    "again in a minute.", 503, mimetype="text/plain",
                    headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"})


def send(status: jobs.Status) -> Response:
    """The finished file, as a download."""
    try:
        handle = open(queue.file_of(status), "rb")  # noqa: SIM115  (closed by the response)
    except OSError:
        abort(404)  # removed since (kept a day at most): asking again makes it anew
    reply = send_file(handle, mimetype=MEDIA_TYPES[status.ext], as_attachment=True,
                      download_name=status.name, max_age=0)
    reply.headers["Cache-Control"] = "no-store"
    # a fixed-pattern name (``download_name``), quoted as the chart downloads' are
    reply.headers["Content-Disposition"] = f'attachment; filename="{status.name}"'
    return reply


def _status_page(status: jobs.Status) -> Response:
    words = escape(queue.describe(status))
    if status.ready:
        kind = queue.FORMAT_WORDS[status.ext]
        body = (f"<h1>Your committee pack is ready</h1>"
                f'<p class="intro" role="status">{words}</p>'
                f'<p><a class="download" href="{file_url(status)}" download>Download the '
                f"pack ({escape(kind)}, {queue.size_words(status.size)})</a></p>")
    elif status.state == jobs.FAILED:
        body = (f'<h1>Your committee pack could not be made</h1>'
                f'<p class="intro" role="alert">{words}</p>')
    else:
        body = (f"<h1>Making your committee pack</h1>"
                f'<p class="intro" role="status">{words}.</p>'
                f"<p>This page checks again every {REFRESH_SECONDS} seconds and offers the "
                "file as soon as it is ready. You can leave it and come back.</p>")
    body += f'<p><a href="{Page.PACK.path}">Back to your pack</a></p>'
    reply = page("Your committee pack", body)
    if not status.ready and status.state != jobs.FAILED:
        html = reply.get_data(as_text=True).replace(
            "<head>", f'<head><meta http-equiv="refresh" content="{REFRESH_SECONDS}">', 1)
        reply.set_data(html)
    return reply


def status_json(status: jobs.Status) -> dict:
    out = {"id": status.id, "state": status.state, "done": status.done,
           "total": status.total, "step": status.step, "words": queue.describe(status)}
    if status.ready:
        out.update(file=file_url(status), size=status.size, name=status.name)
    else:
        out["page"] = page_url(status)
    return out


def register(server: Flask) -> None:
    @server.get("/pack/jobs/<name>")
    def pack_job(name: str) -> Response:
        match = _NAME.fullmatch(name)
        status = queue.visible(match["id"]) if match else None
        if status is None:
            abort(404)
        ext = match["ext"]
        if ext == "json":
            reply = jsonify(status_json(status))
            reply.headers["Cache-Control"] = "no-store"
            return reply
        if ext is None:
            return _status_page(status)
        if ext != status.ext or not status.ready:
            abort(404)
        return send(status)
