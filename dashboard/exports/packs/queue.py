"""Packs made in the background (``dashboard.exports.jobs``), for the web app.

A pack asked for in a web request is made by a builder thread, with exactly the figures
the person asking may see: the job keeps the request's viewer (signed in or not), and
its key holds the restricted datasets left out for that viewer, the data's version,
the charts, the format and the cover's words. So a finished pack is served again only
to someone who may see everything in it (``visible``), and a pack asked for twice is
made once.

    status, queued = queue.start(queue.Order(items, "docx", title="Board"))
    queue.describe(status)  # "Building: 12 of 42 charts"
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace

from flask import current_app, g, has_request_context

from dashboard import store
from dashboard.exports import jobs
from dashboard.exports.packs.build import build
from dashboard.exports.packs.items import (
    PackError,
    PackItem,
    download_name,
    encode_items,
)
from dashboard.exports.packs.pdf import PdfUnavailable

log = logging.getLogger(__name__)

FORMAT_WORDS = {"docx": "Word document", "pptx": "PowerPoint deck", "pdf": "PDF document"}
Busy = jobs.Busy


@dataclass(frozen=True)
class Order:
    """What a pack request asks for: charts, format and the cover's words."""

    items: tuple[PackItem, ...]
    ext: str
    title: str
    period: str | None = None
    preset: str | None = None


def _scope() -> tuple[tuple[str, ...], tuple]:
    """The restricted datasets this viewer may not see, and the data's version."""
    return tuple(sorted(store.hidden())), store.version()


def job_id(order: Order) -> str:
    hidden, version = _scope()
    return jobs.key("pack", encode_items(list(order.items)), order.ext, order.title,
                    order.period, hidden, version)


@contextlib.contextmanager
def _as_viewer(app, user: str | None, held) -> Iterator[None]:
    """Inside a builder thread: a request context with the asking viewer, so that the
    store hides what it hid in their request (outside a request it hides nothing), and
    reads the version of the data that the pack's key names."""
    if app is None:
        with store.files.pinned():
            yield
        return
    with app.test_request_context("/"):
        g.user = user
        g.processed_version = held
        yield


def start(order: Order) -> tuple[jobs.Status, bool]:
    """The order's job, and whether this call queued it (unless it is made or under way
    already). Raises ``jobs.Busy`` when this server's queue is full."""
    hidden, _ = _scope()
    app = current_app._get_current_object() if has_request_context() else None
    user = g.get("user") if has_request_context() else None
    held = store.files.folder()  # the version job_id's key names
    items = list(order.items)

    def work(progress: jobs.Progress) -> bytes:
        with _as_viewer(app, user, held):
            try:
                return build(items, (order.ext,), progress=progress, title=order.title,
                             period=order.period)[order.ext]
            except PackError as err:
                raise jobs.Failed(f"This pack cannot be made: {err}.") from None
            except PdfUnavailable as err:
                log.warning("PDF pack failed: %s", err)
                raise jobs.Failed("The PDF could not be made on this server.") from None

    status, queued = jobs.start(job_id(order), work, ext=order.ext, total=len(items),
                                hidden=hidden, name=download_name(order.preset, order.ext))
    if has_request_context():
        g.pack_queued = queued  # counted by the per-client limit (dashboard.server.limits)
    return status, queued


def visible(job: str) -> jobs.Status | None:
    """A job's state, if the current viewer may see its file: it must leave out at least
    every restricted dataset this viewer may not see."""
    status = jobs.read(job)
    if status is None or not set(store.hidden()) <= set(status.hidden):
        return None
    if not jobs.current(status) and status.state != jobs.FAILED:
        return replace(status, state=jobs.FAILED, error=(
            "This pack is no longer kept, or was not finished: please ask for it again."))
    return status


def file_of(status: jobs.Status):
    """The finished file's path."""
    return jobs.file_path(status)


def describe(status: jobs.Status) -> str:
    """Where a job has got to, in words: ``Building: 12 of 42 charts``."""
    if status.state == jobs.QUEUED:
        return "Waiting to start: other packs are being made first."
    if status.state == jobs.RUNNING:
        said = f"Building: {status.done} of {status.total} chart{'s' if status.total != 1 else ''}"
        return said + (f", {status.step}" if status.step not in ("", "charts") else "")
    if status.state == jobs.DONE:
        return f"Your pack is ready ({size_words(status.size)})."
    return status.error or "The pack could not be made."


def size_words(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1e3))} kB"
