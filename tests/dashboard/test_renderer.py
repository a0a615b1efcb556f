"""The image renderer never waits without end: a browser that stops answering fails the
images it holds within the deadline, naming how many, and the next image is drawn by a
fresh browser. Real Chromium, frozen with SIGSTOP."""

from __future__ import annotations

import concurrent.futures
import signal
import time

import psutil
import pytest

pytestmark = pytest.mark.filterwarnings("ignore:The kopts argument:UserWarning")

TINY = {"format": "png", "width": 10, "height": 10}


@pytest.fixture
def renderer():
    from dashboard.exports import renderer

    return renderer


def test_waiting_for_images_that_never_come_ends_at_the_deadline(renderer):
    never = [concurrent.futures.Future() for _ in range(3)]
    done = concurrent.futures.Future()
    done.set_result(b"\x89PNG")
    started = time.monotonic()
    with pytest.raises(renderer.RenderError, match=r"3 of 4 images were not drawn: .* 0\.5 s"):
        renderer.collect([done, *never], deadline_s=0.5)
    assert time.monotonic() - started < 5
    assert all(f.cancelled() for f in never)


def test_images_are_handed_over_in_order_as_each_finishes(renderer):
    futures = [concurrent.futures.Future() for _ in range(3)]
    heard = []
    for i in (2, 0, 1):
        futures[i].set_result(bytes([i]))
    assert renderer.collect(futures, heard.append) == [b"\x00", b"\x01", b"\x02"]
    assert sorted(heard) == [0, 1, 2]


def test_a_frozen_browser_fails_its_images_and_the_next_is_drawn_by_another(renderer):
    import plotly.graph_objects as go

    first = renderer.renderer(2)
    assert first.draw([(go.Figure(), TINY)])[0].startswith(b"\x89PNG")
    browser = psutil.Process(first._browser.subprocess.pid)
    frozen = [browser, *browser.children(recursive=True)]
    for process in frozen:
        process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(renderer.RenderError, match="2 of 2 images were not drawn"):
            first.draw([(go.Figure(), TINY)] * 2, deadline_s=3)
        assert time.monotonic() - started < 30
    finally:
        for process in frozen:
            process.send_signal(signal.SIGCONT)
    second = renderer.renderer(2)
    assert second is not first
    assert second.draw([(go.Figure(), TINY)])[0].startswith(b"\x89PNG")
