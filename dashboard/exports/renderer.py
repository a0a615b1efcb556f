"""One Chromium per server process drawing chart images in a few tabs at once.

kaleido's own sync server takes one image at a time, and reloads its page (plotly.js,
4.8 MB to parse) after every image. Here a ``kaleido.Kaleido`` browser with ``tabs``
tabs runs on an event loop in a thread of its own; any thread hands it figures, and a
pack's images are drawn in every tab at once. A tab is reloaded only every
``RELOAD_EVERY`` images (``Plotly.toImage`` draws into a scratch element it removes),
so memory stays flat without paying for a reload each time.

    images = renderer().draw([(figure, {"format": "png", "width": 1000, ...}), ...])
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import os
import shutil
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

WRAPPER = Path(__file__).resolve().parent.parent / "bin" / "chromium-headless"
RELOAD_EVERY = 25  # images a tab draws between reloads of its page
TIMEOUT_S = 90  # an image not drawn in this time fails (kaleido's own default)


class RenderError(RuntimeError):
    """An image could not be drawn: names which one and why."""


def _browser_path() -> None:
    """Point kaleido at Chromium with the flags that keep it off the network."""
    if "BROWSER_PATH" not in os.environ and shutil.which("chromium"):
        os.environ["BROWSER_PATH"] = str(WRAPPER)


def _browser_class():
    import kaleido

    class Browser(kaleido.Kaleido):
        """kaleido's browser, reloading a tab's page only every ``RELOAD_EVERY`` images,
        or after an image failed (a page left mid-drawing)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.uses: dict[int, int] = {}

        async def _return_kaleido_tab(self, tab) -> None:
            uses = self.uses.get(id(tab), 0) + 1
            failed = sys.exc_info()[1] is not None  # called in kaleido's ``finally``
            if uses >= RELOAD_EVERY or failed:
                uses = 0
                await tab.reload()
            self.uses[id(tab)] = uses
            await self.tabs_ready.put(tab)

    return Browser


class Renderer:
    """A browser with ``tabs`` tabs on its own event loop thread; ``draw`` from any thread."""

    def __init__(self, tabs: int):
        self.tabs = max(1, tabs)
        self.drawn = 0  # images drawn by this renderer (a count for tests and benchmarks)
        self._loop = asyncio.new_event_loop()
        self._ready = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._run, name="image-renderer", daemon=True)
        self._thread.start()
        try:  # raises if the browser could not start, or did not answer in time
            self._ready.result(timeout=TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            self.close()
            raise RenderError(f"the image renderer did not start in {TIMEOUT_S} s") from None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            _browser_path()
            browser = _browser_class()(n=self.tabs, mathjax=False, timeout=TIMEOUT_S)
            self._loop.run_until_complete(browser.open())
        except BaseException as err:  # handed to the thread that waits
            self._ready.set_exception(RenderError(f"the image renderer did not start: {err}"))
            return
        self._browser = browser
        self._ready.set_result(None)
        self._loop.run_forever()
        self._loop.run_until_complete(browser.close())

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and self._loop.is_running()

    def submit(self, figure, opts: dict) -> concurrent.futures.Future:
        """Start drawing one image in the next free tab; the future gives its bytes (or
        raises ``RenderError``). Python may go on working out the next figure meanwhile:
        Chromium draws in processes of its own."""
        async def one() -> bytes:
            try:
                body = await self._browser.calc_fig(figure, opts=dict(opts))
            except Exception as err:  # said in the error, with its cause
                raise RenderError(str(err) or type(err).__name__) from err
            if not _looks_right(body, opts):
                raise RenderError("the browser gave back no image (too large to draw?)")
            self.drawn += 1
            return body

        return asyncio.run_coroutine_threadsafe(one(), self._loop)

    def draw(self, figures: Sequence[tuple[object, dict]],
             done: Callable[[int], None] | None = None,
             deadline_s: float = TIMEOUT_S) -> list[bytes]:
        """Each ``(figure, opts)`` drawn, in order, using every tab. ``done(i)`` hears of
        each image finished (in the calling thread). The first failure cancels the rest
        and raises ``RenderError`` naming the image."""
        return collect([self.submit(figure, opts) for figure, opts in figures], done,
                       deadline_s)

    def close(self) -> None:
        if self.alive:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)


def collect(futures: Sequence[concurrent.futures.Future],
            done: Callable[[int], None] | None = None,
            deadline_s: float = TIMEOUT_S) -> list[bytes]:
    """The images of submitted drawings, in order, waiting for each; ``done(i)`` hears of
    each as it is ready. The first failure cancels the rest and raises ``RenderError``
    saying which image it was; so does a browser that finishes no image for
    ``deadline_s`` seconds (its renderer is then dropped: the next image starts another)."""
    index = {id(f): i for i, f in enumerate(futures)}
    pending = set(futures)
    try:
        while pending:
            finished, pending = concurrent.futures.wait(
                pending, timeout=deadline_s, return_when=concurrent.futures.FIRST_COMPLETED)
            if not finished:
                _drop_stuck()
                raise RenderError(f"{len(pending)} of {len(futures)} images were not drawn: "
                                  f"the browser finished none in {deadline_s:g} s")
            for future in sorted(finished, key=lambda f: index[id(f)]):
                i = index[id(future)]
                err = future.exception()
                if err is not None:
                    raise RenderError(f"image {i + 1} of {len(futures)} could not be drawn: "
                                      f"{err}") from err
                if done:
                    done(i)
    finally:
        for future in futures:
            future.cancel()
    return [f.result() for f in futures]


def _looks_right(body: bytes, opts: dict) -> bool:
    """Whether the bytes are an image of the format asked for (Chromium hands back a
    few empty bytes for a canvas it cannot make)."""
    kind = opts.get("format", "png")
    if kind == "png":
        return body.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "svg":
        return b"<svg" in body[:512]
    return bool(body)


_renderers: dict[int, Renderer] = {}
_lock = threading.Lock()


@atexit.register
def _close_all() -> None:
    """Close the browser cleanly when the process ends (not mid-drawing on its way out)."""
    for found in list(_renderers.values()):
        found.close()


def _drop_stuck() -> None:
    """Forget this process's renderer (its browser stopped answering) and close it."""
    with _lock:
        found = _renderers.pop(os.getpid(), None)
    if found is not None:
        log.warning("the image renderer stopped answering: closing it")
        threading.Thread(target=found.close, name="image-renderer-close", daemon=True).start()


def renderer(tabs: int | None = None) -> Renderer:
    """This process's renderer, started on first use (each forked worker starts its own)
    and again if its browser has gone. ``tabs`` defaults to the packs' setting."""
    if tabs is None:
        from dashboard.exports import jobs

        tabs = jobs.settings().tabs
    with _lock:
        found = _renderers.get(os.getpid())
        if found is None or not found.alive or found.tabs != tabs:
            if found is not None:
                found.close()
            found = _renderers[os.getpid()] = Renderer(tabs)
            log.info("image renderer started with %d tabs", found.tabs)
        return found
