"""Answers to Dash callbacks, kept: the same request, on the same processed data, from a
viewer who may see the same datasets, gets the same bytes without running the callback
again (a page's charts are then not rebuilt and re-encoded for every visitor).

Every callback here is a pure function of its request and the processed data, so the key
is the request body and ``data.version()``, which changes whenever a processed file
does and differs between viewers who may see different datasets. Only complete 200
answers are kept, in a least-recently-used store of bounded size per worker.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import Flask, Response, g, request

from dashboard.store import files as data
from dashboard.store.files import DataUnavailable

PATH = "/_dash-update-component"
MAX_BYTES = 96 * 1024 * 1024


class Store:
    """A thread-safe LRU of response bodies, bounded by their total size."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.items: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bytes, str] | None:
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, key: tuple, body: bytes, mimetype: str) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (body, mimetype)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (old, _) = self.items.popitem(last=False)
                self.size -= len(old)


STORE = Store()


def register(server: Flask) -> None:
    @server.before_request
    def _answer_from_store():
        if request.method != "POST" or request.path != PATH:
            return None
        try:
            key = (hashlib.sha256(request.get_data()).hexdigest(), data.version())
        except DataUnavailable:
            return None
        hit = STORE.get(key)
        if hit is not None:
            return Response(hit[0], status=200, mimetype=hit[1])
        g.callback_key = key
        return None

    @server.after_request
    def _keep(response: Response) -> Response:
        key = g.pop("callback_key", None)
        if key is not None and response.status_code == 200 and \
                not response.direct_passthrough:
            STORE.put(key, response.get_data(), response.mimetype)
        return response
