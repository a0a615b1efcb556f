"""A pack's images: drawn in several tabs of one Chromium at once, exactly as when drawn
one at a time; kept for the next pack under a key that holds the viewer's hidden datasets
and the data's version; and one that cannot be drawn fails its pack clearly, leaving no
file. Real packs, real Chromium, the files opened and their pictures read back."""

from __future__ import annotations

import io
import struct

import flask
import pytest
from docx import Document
from pptx import Presentation

from tests.jobs_waiting import wait_for as wait_job

pytestmark = pytest.mark.filterwarnings("ignore:The kopts argument:UserWarning")

RESTRICTED = "racist_incidents"
RESTRICTED_CHART = "racist-incidents-trend"
PAIR = "child-protection-plans-trend,child-protection-plans-category"


@pytest.fixture(scope="module")
def packs(registry):
    from dashboard.exports import packs

    return packs


@pytest.fixture
def cache(packs):
    """The process's image cache, emptied (and its counts reset) for the test."""
    from dashboard.exports import image_cache

    image_cache.cache().clear()
    yield image_cache.cache()
    image_cache.cache().clear()


def drawn():
    from dashboard.exports import renderer

    return renderer.renderer().drawn


def png_size(blob: bytes) -> tuple[int, int]:
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", blob[16:24])


def docx_pictures(body: bytes) -> list[tuple[str, bytes]]:
    """(alt text, PNG) of each picture in the Word document, in order."""
    document = Document(io.BytesIO(body))
    return [(shape._inline.docPr.get("descr"), document.part.related_parts[
        shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob)
        for shape in document.inline_shapes]


def pptx_pictures(body: bytes) -> list[tuple[str, bytes]]:
    """(alt text, PNG) of each picture on the slides, in order."""
    deck = Presentation(io.BytesIO(body))
    return [(shape._element.nvPicPr.cNvPr.get("descr"), shape.image.blob)
            for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]


def test_images_drawn_in_several_tabs_are_those_drawn_one_at_a_time(packs, cache,
                                                                    monkeypatch):
    from dashboard.exports import images, renderer

    items = packs.preset_items("themes")
    files = {}
    for tabs in (1, 3):
        monkeypatch.setenv("DASHBOARD_PACK_TABS", str(tabs))
        cache.clear()
        assert renderer.renderer().tabs == tabs
        pack = packs.prepare(items, title="Board", period="2011-12")
        files[tabs] = {"docx": docx_pictures(packs.to_docx(pack)),
                       "pptx": pptx_pictures(packs.to_pptx(pack))}
        assert cache.hits == 0 and cache.misses == 2 * len(pack.charts)
    titles = [c.result.title for c in pack.charts]
    assert len(titles) >= 5, "the themes preset draws a chart for each theme"
    for ext, size in (("docx", images.PAGE), ("pptx", images.SLIDE)):
        one, three = files[1][ext], files[3][ext]
        assert len(one) == len(three) == len(titles)
        for (alt_one, png_one), (alt_three, png_three), title in zip(one, three, titles,
                                                                     strict=True):
            assert title in alt_one and title in alt_three, "pictures in chart order"
            assert png_size(png_one) == png_size(png_three) == size.pixels
            assert png_one == png_three, f"{ext}: {title} drawn differently in 3 tabs"


def test_a_second_pack_of_the_same_charts_reuses_their_images(packs, cache, monkeypatch):
    items = packs.decode_items(PAIR)
    before = drawn()
    first = packs.prepare(items, title="First", images=("page",))
    assert (cache.hits, cache.misses, drawn() - before) == (0, 2, 2)
    # another title and a slide deck too: the page images are reused, the slides drawn
    second = packs.prepare(items, title="Second", images=("page", "slide"))
    assert (cache.hits, cache.misses, drawn() - before) == (2, 4, 4)
    assert [c.images["page"] for c in second.charts] == [c.images["page"] for c in
                                                         first.charts]
    # the data rebuilt (a new version): every image is drawn afresh
    from dashboard import store

    version = store.version()
    monkeypatch.setattr(store, "version", lambda: (*version, "rebuilt"))
    packs.prepare(items, title="Third", images=("page",))
    assert (cache.hits, cache.misses, drawn() - before) == (2, 6, 6)


def test_the_cache_is_bounded_by_bytes(packs):
    from dashboard.exports.image_cache import ImageCache

    small = ImageCache(limit=10)
    for n in range(5):
        small.put(n, b"abcd")
    assert len(small) == 2 and small.size == 8 and small.get(0) is None
    assert small.get(4) == b"abcd"
    small.put("big", b"x" * 11)  # larger than the whole cache: not kept
    assert small.get("big") is None


def test_an_image_drawn_for_a_signed_in_viewer_is_never_given_to_a_signed_out_one(
        packs, cache, monkeypatch):
    from dashboard.exports.packs import queue
    from dashboard.store import files

    monkeypatch.setattr(files, "restricted", lambda: frozenset({RESTRICTED}))
    items = packs.decode_items(f"{RESTRICTED_CHART},child-protection-plans-trend")
    order = queue.Order(tuple(items), "docx", title="Board")
    app = flask.Flask(__name__)

    def pack_as(user):
        with app.test_request_context("/"):
            flask.g.user = user
            return packs.prepare(items, title="Board", images=("page",)), queue.job_id(order)

    member, member_job = pack_as("member")
    assert [c.chart.id for c in member.charts] == [RESTRICTED_CHART,
                                                   "child-protection-plans-trend"]
    assert cache.misses == 2
    public, public_job = pack_as(None)
    assert member_job != public_job, "the pack's key holds the viewer's hidden datasets"
    assert [c.chart.id for c in public.charts] == ["child-protection-plans-trend"]
    assert cache.hits == 0, "no image drawn for the member is reused for the public"
    assert cache.misses == 3
    restricted_png = member.charts[0].images["page"]
    assert all(png != restricted_png for _, png in docx_pictures(packs.to_docx(public)))
    # a second member's pack reuses the member's images
    pack_as("member")
    assert cache.hits == 2


def wait_for(job_id: str, state: str):
    """The job's state once it is ``state`` (a real builder thread draws its images)."""
    return wait_job(job_id, state, timeout=120)


def test_an_image_that_cannot_be_drawn_fails_the_pack_and_leaves_no_file(
        packs, registry, cache, monkeypatch, tmp_path):
    import dataclasses

    from dashboard.exports import jobs
    from dashboard.exports.packs import queue

    monkeypatch.setenv("DASHBOARD_JOBS_DIR", str(tmp_path))
    monkeypatch.setenv("DASHBOARD_PACK_TABS", "3")
    chart = registry.get("child-protection-plans-category")

    def broken(state):
        result = chart.build(state)
        # a figure the browser's page refuses ("non-array figure data")
        result.export_figure = lambda: {"data": "not a list", "layout": {}}
        return result

    monkeypatch.setitem(registry.REGISTRY, chart.id, dataclasses.replace(chart, build=broken))
    items = packs.decode_items("child-protection-plans-trend,child-protection-plans-category,"
                               "child-protection-plans-rates")
    with pytest.raises(packs.PackError, match="image 2 of 3 could not be drawn"):
        packs.prepare(items, images=("page",))
    status, queued = queue.start(queue.Order(tuple(items), "pptx", title="Broken"))
    assert queued
    failed = wait_for(status.id, jobs.FAILED)
    assert "could not be drawn" in failed.error and "non-array figure data" in failed.error
    assert not jobs.file_path(failed).exists()
    assert not list(tmp_path.glob("*.pptx")) and not list(tmp_path.glob(".*.tmp"))
    # the tab that failed was reloaded: the renderer draws the next pack whole
    monkeypatch.setitem(registry.REGISTRY, chart.id, chart)
    cache.clear()
    pack = packs.prepare(items, images=("slide",))
    assert [png_size(c.images["slide"]) for c in pack.charts] == [(1161, 720)] * 3
