"""Chart images already drawn, kept in memory for the next pack that needs them.

An image is kept under everything that decides it: the chart, its state, its size and
format, and ``store.version()``, which names the processed files' versions, the
configured authority and the restricted datasets hidden from the viewer. So an image
drawn for a signed-in viewer is never handed to a pack made for someone signed out (the
same rule as the pack's own key, ``packs.queue.job_id``), and a rebuilt dataset is
drawn afresh. Bounded by bytes (``DASHBOARD_PACK_IMAGE_CACHE_MB``), least recently used
out first.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Hashable

log = logging.getLogger(__name__)


class ImageCache:
    """A thread-safe LRU of image bytes, at most ``limit`` bytes in all, that counts
    its hits and misses."""

    def __init__(self, limit: int):
        self.limit = limit
        self.hits = self.misses = 0
        self._items: collections.OrderedDict[Hashable, bytes] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.limit:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += len(body) - (len(old) if old is not None else 0)
            self._items[key] = body
            while self._bytes > self.limit:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """Bytes held."""
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self.hits = self.misses = 0


_caches: dict[int, ImageCache] = {}
_lock = threading.Lock()


def cache() -> ImageCache:
    """This process's image cache, sized by the packs' settings."""
    from dashboard.exports import jobs

    limit = jobs.settings().image_cache_mb * 1_000_000
    with _lock:
        found = _caches.get(limit)
        if found is None:
            _caches.clear()
            found = _caches[limit] = ImageCache(limit)
        return found


def key(chart_id: str, state: tuple, version: tuple, size: Hashable, image_format: str
        ) -> tuple:
    """The cache key of one image (``version`` is ``store.version()`` of the viewer)."""
    return ("image", chart_id, tuple(state), version, size, image_format)
