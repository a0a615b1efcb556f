"""Committee packs: the Word and PowerPoint files for every preset, opened and checked
against the chart registry and the Parquet files; the download route; the CLI; the PDF;
the pack page and its callbacks; a pack for another authority (Worcestershire) names it and
draws only its own figures."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from pptx import Presentation

from dashboard.charts.pack import Ids
from dashboard.ids import App, Page

from .helpers import DUDLEY, WORCESTERSHIRE, authority, ids_in, walk, words

pytestmark = pytest.mark.filterwarnings("ignore:The kopts argument:UserWarning")

# Each image sized for its place (exports.images.PAGE and SLIDE of the 1000 × 620 layout):
PAGE_SIZE = (1600, 992)  # 170 mm wide on an A4 page, at 239 pixels an inch
SLIDE_SIZE = (1161, 720)  # 5 inches tall on a 13.33-inch slide shown 1920 pixels wide


def png_size(blob: bytes) -> tuple[int, int]:
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", blob[16:24])


def number(text: str) -> float | None:
    return float(text.replace(",", "")) if text else None


@pytest.fixture(scope="module")
def packs(registry):
    from dashboard.exports import packs

    return packs


@pytest.fixture(scope="module", params=["themes", "annual-report"])
def built(request, packs):
    """Each preset rendered once, written as Word and PowerPoint."""
    items = packs.preset_items(request.param)
    pack = packs.prepare(items, title=packs.title_for(request.param), period="2011-12")
    return {"preset": request.param, "items": items, "pack": pack,
            "docx": Document(io.BytesIO(packs.to_docx(pack))),
            "pptx": Presentation(io.BytesIO(packs.to_pptx(pack)))}


@pytest.fixture(scope="module")
def parquet_rows(processed):
    """Every published row of every processed dataset, keyed as a chart's data rows are,
    its value rounded to the places its measure declares (as every output rounds it)."""
    from dashboard.words.format import rounded

    places = processed.frame("measures").set_index("measure")["decimals"]
    keys = set()
    for path in processed.path.glob("*.parquet"):
        frame = pd.read_parquet(path)
        if not {"measure", "value", "period_end", "area_code"} <= set(frame.columns):
            continue
        shown = [rounded(v, int(places.get(m, 1))) for v, m in
                 zip(frame["value"], frame["measure"], strict=True)]
        keys |= set(zip(frame["measure"], frame["area_code"], frame["breakdown_value"],
                        frame["period_end"].astype(str), shown, strict=True))
    return keys


def test_presets_follow_the_pages(packs, registry):
    pages = packs.theme_pages()
    names = [name for name, _ in pages]
    # every page with charts, in the order of the navigation, by its name
    assert names == [p.title for p in Page if registry.on_page(p)]
    assert names[:4] == [Page.OVERVIEW.title, Page.CONTACTS.title, Page.CHILDREN_IN_NEED.title,
                         Page.SECTION_47.title]
    assert [charts for _, charts in pages] == [registry.on_page(p) for p in Page
                                               if registry.on_page(p)]
    themes = [i.chart_id for i in packs.preset_items("themes")]
    assert themes == [charts[0].id for _, charts in pages]
    # each theme opens with its latest official figures (the official series lead it)
    assert "child-protection-plans-latest" in themes and "section-11-grid" in themes
    assert themes[0] == "overview-system"  # the system on one page opens the pack
    every = [i.chart_id for i in packs.preset_items("annual-report")]
    assert sorted(every) == sorted(registry.REGISTRY) and len(every) == len(set(every))
    assert all(i.state == () for i in packs.preset_items("annual-report"))


def _chart_headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"
            and not p.text.startswith("Appendix")]


def test_word_document_has_every_chart_with_its_words_and_image(built):
    document, pack = built["docx"], built["pack"]
    charts = pack.charts
    # every chart is in, except any whose data is not built here (the official releases,
    # when the test machine has none): those are named on the cover instead
    assert [c.item for c in charts] == [i for i in built["items"] if i.chart_id not in {
        chart.id for chart, _ in pack.missing}]
    assert all("dfe_" in why for _, why in pack.missing), pack.missing
    assert _chart_headings(document) == [c.chart.name for c in charts]
    texts = [p.text for p in document.paragraphs]
    for c in charts:
        result = c.chart.render(c.item.state_dict())
        assert c.finding == result.title  # the computed finding, never typed
        assert result.title in texts
        assert result.subtitle in texts
        assert f"Source: {result.source}" in texts
        for note in result.notes:
            assert f"Note: {note}" in texts
    # cover: the preset's title and the configured authority, from the profile
    assert texts[0] == packs_title(built)
    assert texts[0].startswith(f"{profile().title}: ")
    assert f"Authority: {profile().name}" in texts and "Period: 2011-12" in texts
    assert any(t.startswith("Produced: ") for t in texts)
    # one picture per chart: a 1600 × 992 PNG with alt text naming the finding
    shapes = list(document.inline_shapes)
    assert len(shapes) == len(charts)
    for shape, c in zip(shapes, charts, strict=True):
        doc_pr = shape._inline.docPr
        assert c.result.title in doc_pr.get("descr")
        assert doc_pr.get("title") == c.chart.name
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        blob = document.part.related_parts[blip.embed].blob
        assert png_size(blob) == PAGE_SIZE


def profile():
    from dashboard import store

    return store.profile()


def packs_title(built) -> str:
    from dashboard.exports import packs

    return packs.title_for(built["preset"])


def test_word_document_has_contents_and_page_numbers(built):
    document, pack = built["docx"], built["pack"]
    body = document.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC") for i in instructions)
    contents = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert contents == [f"{c.chart.name}: {c.result.title}" for c in pack.charts] + [
        "Appendix: the figures behind each chart"]
    footer = document.sections[0].footer
    assert "PAGE" in [t.text.strip() for t in footer._element.iter(qn("w:instrText"))]
    # the appendix is a landscape A4 section, with the same footer
    appendix = document.sections[-1]
    assert appendix.page_width > appendix.page_height
    assert appendix.footer.is_linked_to_previous


def _appendix_table(table) -> pd.DataFrame:
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_word_appendix_tables_are_the_chart_tables_and_the_parquet_values(built, parquet_rows):
    from dashboard.exports import packs

    document, pack = built["docx"], built["pack"]
    assert len(document.tables) == len(pack.charts)
    texts = [p.text for p in document.paragraphs]
    for table, c in zip(document.tables, pack.charts, strict=True):
        assert f"Table {c.number}: {c.chart.name}" in texts
        shown = _appendix_table(table)
        expected = c.result.table()
        shown_key, sources = packs.sources_key(expected)
        assert list(shown.columns) == list(shown_key.columns)
        if len(sources) == 1:
            assert f"Source of every figure: {sources[0]}" in texts
        else:
            for i, source in enumerate(sources, start=1):
                assert f"S{i}: {source}" in texts
        for column in ("Period", "Area", "Measure", "Breakdown", "Unit", "Status"):
            assert shown[column].tolist() == expected[column].fillna("").astype(str).tolist()
        values = [number(v) for v in shown["Value"]]
        assert values == [None if pd.isna(v) else float(v) for v in expected["Value"]]
        # and those are the Parquet figures, row for row (except figures the page works
        # out itself, such as shares or a pooled average, whose source says so)
        data = c.result.data
        for row, value in zip(data.itertuples(), values, strict=True):
            if value is None or str(row.source).startswith("Derived from"):
                continue
            assert (row.measure, row.area_code, row.breakdown_value, str(row.period_end),
                    value) in parquet_rows


def test_slides_have_the_finding_the_image_the_source_and_the_table_in_notes(built):
    deck, pack = built["pptx"], built["pack"]
    slides = list(deck.slides)
    assert len(slides) == len(pack.charts) + 1  # a title slide, then one per chart
    assert slides[0].shapes.title.text == packs_title(built)
    for slide, c in zip(slides[1:], pack.charts, strict=True):
        assert slide.shapes.title.text == c.result.title
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        picture = pictures[0]
        assert png_size(picture.image.blob) == SLIDE_SIZE
        assert c.result.title in picture._element.nvPicPr.cNvPr.get("descr")
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert f"Source: {c.result.source}" in texts
        notes = slide.notes_slide.notes_text_frame.text.split("\n")
        start = notes.index("Data table")
        header = notes[start + 1].split("\t")
        rows = [line.split("\t") for line in notes[start + 2:]]
        table = c.result.table()
        assert header == list(table.columns)
        assert len(rows) == len(table)
        assert [number(r[header.index("Value")]) for r in rows] == [
            None if pd.isna(v) else float(v) for v in table["Value"]]
        assert [r[0] for r in rows] == table["Period"].tolist()


def test_each_chart_is_drawn_once_for_each_place(built):
    """The page image goes into the document and the slide image into the slides, each
    in the order of the charts."""
    pack, deck, document = built["pack"], built["pptx"], built["docx"]
    slides = list(deck.slides)[1:]
    for slide, c in zip(slides, pack.charts, strict=True):
        picture = next(s for s in slide.shapes if s.shape_type == 13)
        assert picture.image.blob == c.images["slide"]
    blobs = [document.part.related_parts[
        shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        for shape in document.inline_shapes]
    assert blobs == [c.images["page"] for c in pack.charts]
    assert all(c.png == c.images["page"] for c in pack.charts)


def test_a_chart_without_data_is_left_out_and_named_on_the_cover(packs, registry,
                                                                 monkeypatch):
    import dataclasses

    from dashboard.store.files import DataUnavailable

    def unavailable(_state):
        raise DataUnavailable("cp_plans.parquet has not been built")

    chart = registry.get("child-protection-plans-trend")
    monkeypatch.setitem(registry.REGISTRY, "child-protection-plans-trend",
                        dataclasses.replace(chart, build=unavailable))
    items = packs.decode_items("child-protection-plans-trend,child-protection-plans-category")
    pack = packs.prepare(items, images=False)
    assert [c.chart.id for c in pack.charts] == ["child-protection-plans-category"]
    assert pack.charts[0].number == 1
    document = Document(io.BytesIO(packs.to_docx(pack)))
    assert _chart_headings(document) == ["Category of harm"]
    cover = " ".join(p.text for p in document.paragraphs[:8])
    assert "Not included, because their figures are not available: Children on plans" in cover
    with pytest.raises(packs.PackError):
        packs.prepare(items[:1], images=False)


def test_a_chosen_state_is_drawn_as_chosen(packs):
    items = packs.decode_items("child-protection-plans-category;show=shares,"
                               "child-protection-plans-trend")
    assert [i.chart_id for i in items] == ["child-protection-plans-category",
                                           "child-protection-plans-trend"]
    pack = packs.prepare(items, images=False)
    assert pack.charts[0].result.subtitle.startswith("Share of children")
    assert pack.period == "2011-12"  # the latest year in the figures
    assert pack.charts[0].png is None


def test_items_are_encoded_compactly_and_checked(packs):
    items = [packs.make_item("child-protection-plans-rates",
                             {"rate": "new", "comparator": "both"}),
             packs.make_item("section-11-org", {"org": "probation"}),
             packs.make_item("child-protection-plans-trend")]
    text = packs.encode_items(items)
    assert text == ("child-protection-plans-rates;rate=new,section-11-org;org=probation,"
                    "child-protection-plans-trend")  # defaults left out
    assert packs.decode_items(text) == items
    assert packs.items_from_json([i.to_json() for i in items]) == items
    for bad in ["nope", "../../etc/passwd", "child-protection-plans-trend;show=shares",
                "child-protection-plans-category;show=x", "child-protection-plans-category;show",
                "child-protection-plans-category;show=counts;show=shares", "", ",",
                "CP-TREND", "child-protection-plans-trend/..", "section-11-org;org=ORG-CAFCASS",
                ",".join(["child-protection-plans-trend"] * (packs.MAX_ITEMS + 1))]:
        with pytest.raises(packs.PackError):
            packs.decode_items(bad)
    for bad in [{"id": "nope"}, {"id": "child-protection-plans-trend", "state": "x"},
                "child-protection-plans-trend", None]:
        with pytest.raises(packs.PackError):
            packs.items_from_json([bad])
    with pytest.raises(packs.PackError):
        packs.preset_items("everything")
    with pytest.raises(packs.PackError):
        packs.clean_label("a\x00b", "title")
    assert packs.clean_label("  2011-12  ", "period") == "2011-12"


@pytest.fixture(scope="module")
def client(app, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_JOBS_DIR", str(tmp_path_factory.mktemp("jobs")))
        mp.setenv("DASHBOARD_PACK_LIMIT", "1000 per minute")
        yield app.server.test_client()


def fetch_pack(client, url: str, timeout: float = 180):
    """``/pack.<format>?…`` followed to its file: the redirect to its progress page, then
    its status until the builder thread has made it (or it has failed)."""
    import time

    response = client.get(url)
    if response.status_code != 303:
        return response
    job = response.headers["Location"]
    deadline = time.monotonic() + timeout
    while True:
        state = client.get(job + ".json").json
        if state["state"] in ("done", "failed"):
            return client.get(state["file"]) if state["state"] == "done" else state
        assert time.monotonic() < deadline, f"{url}: not made in {timeout} s: {state}"
        time.sleep(0.1)  # why: the pack is made by a builder thread; poll its status


def test_the_download_route_builds_a_pack(client):
    response = fetch_pack(client, "/pack.docx?items=child-protection-plans-trend,"
                          "child-protection-plans-category%3Bshow%3Dshares"
                          "&period=2010-11&title=Scrutiny+board")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="pack-custom-') and \
        disposition.endswith('.docx"')
    document = Document(io.BytesIO(response.data))
    assert _chart_headings(document) == ["Children on plans, new plans and ended plans",
                                         "Category of harm"]
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Scrutiny board" and "Period: 2010-11" in texts
    deck = fetch_pack(client, "/pack.pptx?items=child-protection-plans-trend")
    assert deck.status_code == 200
    slides = list(Presentation(io.BytesIO(deck.data)).slides)
    assert len(slides) == 2
    # no title given: the default, from the profile
    from dashboard.exports import packs

    assert slides[0].shapes.title.text == packs.title_for(None)
    preset = Document(io.BytesIO(fetch_pack(client, "/pack.docx?preset=themes").data))
    assert preset.paragraphs[0].text == packs.title_for("themes")


def test_a_made_pack_is_offered_on_its_page_and_served_from_the_cache(client):
    url = "/pack.pptx?items=section-11-org%3Borg%3Dprobation&title=Cached"
    first = client.get(url)
    assert first.status_code == 303
    job = first.headers["Location"]
    made = fetch_pack(client, url)
    assert made.status_code == 200 and made.data.startswith(b"PK")
    page = client.get(job).get_data(as_text=True)
    assert "Your committee pack is ready" in page and 'http-equiv="refresh"' not in page
    assert f'href="{job}.pptx"' in page
    state = client.get(job + ".json").json
    assert state["state"] == "done" and state["file"] == f"{job}.pptx"
    again = client.get(url)  # asked for again: the same file, at once
    assert again.status_code == 200 and again.data == made.data
    for bad in (job + ".docx", job + "x", job + ".exe", "/pack/jobs/" + "0" * 32,
                job + "/more", "/pack/other"):
        assert client.get(bad).status_code == 404, bad


def test_starting_packs_is_limited_for_each_address(client, monkeypatch):
    monkeypatch.setenv("DASHBOARD_PACK_LIMIT", "2 per minute")
    one, other = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "203.0.113.8"}
    urls = [f"/pack.pptx?items=child-protection-plans-trend&title=Limit+{n}" for n in range(3)]
    assert client.get(urls[0], environ_base=one).status_code == 303
    # the same pack again is under way or made: it starts nothing, so it is not counted
    assert client.get(urls[0], environ_base=one).status_code in (200, 303)
    assert client.get(urls[1], environ_base=one).status_code == 303
    refused = client.get(urls[2], environ_base=one)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert not refused.data.startswith(b"PK")
    assert client.get(urls[2], environ_base=other).status_code == 303  # another address


@pytest.mark.parametrize("url, status", [
    ("/pack.exe?items=child-protection-plans-trend", 404),
    ("/pack.docx.exe?items=child-protection-plans-trend", 404),
    ("/pack.docx", 400),
    ("/pack.docx?items=", 400),
    ("/pack.docx?items=not-a-chart", 400),
    ("/pack.docx?items=..%2F..%2Fetc%2Fpasswd", 400),
    ("/pack.docx?items=child-protection-plans-trend%3Bshow%3Dshares", 400),
    ("/pack.docx?items=child-protection-plans-trend&preset=themes", 400),
    ("/pack.docx?preset=../themes", 400),
    ("/pack.docx?items=child-protection-plans-trend&title=" + "x" * 200, 400),
    ("/pack.docx?items=child-protection-plans-trend&period=a%07b", 400),
    ("/pack.docx?items=child-protection-plans-trend,child-protection-plans-trend", 400),
    ("/pack.docx?items=" + ",".join(["child-protection-plans-trend"] * 61), 400),
])
def test_the_download_route_refuses_anything_unknown(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert not response.data.startswith(b"PK")


def test_the_cli_writes_the_files(registry, tmp_path, capsys):
    from dashboard.exports import pack_cli

    assert pack_cli.main(["--chart", "child-protection-plans-trend",
                          "--chart", "child-protection-plans-category;show=shares",
                          "--out", str(tmp_path), "--name", "board"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.docx", "board.pptx"]
    document = Document(tmp_path / "board.docx")
    assert len(document.inline_shapes) == 2
    assert "2 charts in" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        pack_cli.main(["--chart", "nope", "--out", str(tmp_path)])


needs_pdf_tools = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")),
    reason="needs LibreOffice and poppler-utils (apt: libreoffice-writer-nogui poppler-utils)")


@needs_pdf_tools
def test_the_pdf_has_the_cover_and_the_charts(packs, tmp_path):
    from PIL import Image

    items = packs.preset_items("themes")
    pdf = packs.build(items, ("pdf",), period="2011-12")["pdf"]
    assert pdf[:5] == b"%PDF-"
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert pages >= 2 + len(items)  # cover, contents, a page per chart, the appendix
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"Authority: {profile().name}" in text and "Page 1 of" in text
    for n in (1, 3):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", "-f", str(n), "-l",
                        str(n), str(path), str(tmp_path / f"page-{n}")], check=True)
    for name in ("page-1.png", "page-3.png"):  # the cover, and the first chart
        image = Image.open(tmp_path / name).convert("L")
        dark = sum(image.histogram()[:200])
        assert dark > 0.005 * image.width * image.height, f"{name} is blank"
    # the chart page has the picture: far more ink than a page of text
    chart_page = Image.open(tmp_path / "page-3.png").convert("L")
    assert sum(1 for n in chart_page.histogram() if n) > 50


def test_the_pdf_route_answers(client):
    response = fetch_pack(client, "/pack.pdf?items=child-protection-plans-trend")
    if shutil.which("soffice"):
        assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    else:
        assert response.status_code == 503


def test_pack_page_is_listed_in_the_navigation(app, registry):
    from dashboard.app import navigation

    assert (Page.PACK.path, Page.PACK.title) in navigation()
    assert Path(registry.__file__).parents[1].joinpath("pages", "pack.py").exists()


# -- another authority: Worcestershire, whose annual reports are not in the data ----------

def _needs_official(processed) -> None:
    if not (processed.path / "dfe_cp_plans.parquet").exists():
        pytest.skip("the official releases are not imported here")


def _dudley_sources(processed) -> set[str]:
    table = processed.frame("authorities").set_index("authority_code")
    return set(table.loc[DUDLEY, "sources"])


def _cover_texts(document) -> list[str]:
    """The Word cover: the paragraphs before the first page break."""
    texts = []
    for paragraph in document.paragraphs:
        if 'w:br w:type="page"' in paragraph._p.xml or "<w:br w:type=\"page\"/>" in \
                paragraph._p.xml:
            break
        texts.append(paragraph.text)
    return texts


def test_worcestershire_presets_hold_only_the_charts_that_can_be_drawn_for_it(packs, registry):
    """Its reports are not in the data, so each page that draws on annual reports shows
    (and each preset holds) only its charts drawn from the official statistics; pages that
    never draw on reports (benchmarking, its small-area maps) keep every chart."""
    with authority(WORCESTERSHIRE):
        every = [i.chart_id for i in packs.preset_items("annual-report")]
        themes = [i.chart_id for i in packs.preset_items("themes")]
    official = [[c.id for c in registry.on_page(p)
                 if c.official or str(p) not in registry.REPORTS] for p in Page]
    assert every == [chart_id for ids in official for chart_id in ids]
    assert "child-protection-plans-official" in every
    assert not any(chart_id.startswith(f"{Page.SECTION_11}-") for chart_id in every)
    # one chart for each page that has one to show, in the order of the pages
    pages = [registry.get(chart_id).page for chart_id in themes]
    assert pages == [p for p, ids in zip(Page, official, strict=True) if ids]
    assert set(themes) <= set(every)


@pytest.mark.parametrize("preset", ["themes", "annual-report"])
def test_a_worcestershire_pack_names_worcestershire_and_draws_its_own_figures(
        packs, processed, preset, registry):
    _needs_official(processed)
    from dashboard import store

    with authority(WORCESTERSHIRE):
        me = store.profile()
        drawable = {c.id for p in Page for c in registry.shown(p)[0]}
        title = packs.title_for(preset)
        pack = packs.prepare(packs.preset_items(preset), title=title, images=False)
        document = Document(io.BytesIO(packs.to_docx(pack)))
        deck = Presentation(io.BytesIO(packs.to_pptx(pack)))
    assert me.name == "Worcestershire"
    assert title == "Safeguarding children in Worcestershire: " + packs.PRESETS[preset]
    # Word: the title and the "Authority:" line
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == title and "Authority: Worcestershire" in texts
    # PowerPoint: the title slide
    cover = deck.slides[0]
    assert cover.shapes.title.text == title
    assert "Authority: Worcestershire" in cover.placeholders[1].text_frame.text
    cover_texts = _cover_texts(document) + [s.text_frame.text for s in cover.shapes
                                            if s.has_text_frame]
    assert len(cover_texts) > 3 and not [t for t in cover_texts if "Dudley" in t]
    # every chart drawn is one the pages show for it, from its own figures (another
    # authority's rows only as one of every authority in an official release)
    assert pack.charts and all(c.chart.id in drawable for c in pack.charts)
    assert all(c.chart.official or str(c.chart.page) not in registry.REPORTS
               for c in pack.charts)
    dudley = _dudley_sources(processed)
    for c in pack.charts:
        data = c.result.data
        assert not set(data.get("source_id", [])) & dudley, c.chart.id
        if "role" in data.columns:  # the rows of compared areas
            assert set(data.loc[data["role"] == "authority", "area_code"]) == {WORCESTERSHIRE}
        assert "Worcestershire" in c.result.title + c.result.subtitle, c.chart.id
        assert "Dudley" not in words(c.result), c.chart.id
    assert all("dfe_" in why for _, why in pack.missing), pack.missing


def test_a_chart_that_cannot_be_drawn_for_worcestershire_is_named_on_the_cover(
        packs, processed):
    _needs_official(processed)
    with authority(WORCESTERSHIRE):
        items = packs.decode_items("section-11-grid,child-protection-plans-official")
        pack = packs.prepare(items, images=False)
        document = Document(io.BytesIO(packs.to_docx(pack)))
        deck = Presentation(io.BytesIO(packs.to_pptx(pack)))
    assert [c.chart.id for c in pack.charts] == ["child-protection-plans-official"]
    assert [(c.id, why) for c, why in pack.missing] == [
        ("section-11-grid",
         "no Section 11 audit from Worcestershire's annual reports is in the data")]
    assert _chart_headings(document) == ["Child protection plans: official figures over time"]
    cover = " ".join(p.text for p in document.paragraphs[:8])
    assert ("Not included, because their figures are not available: Scores by organisation "
            "and standard (no Section 11 audit from Worcestershire's annual reports is in "
            "the data)") in cover
    assert "Not included" in deck.slides[0].placeholders[1].text_frame.text
    assert len(deck.slides) == 2


# -- the pack page -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pack_page(app):
    """The page as the app registered it: its layout, and its module for the callbacks."""
    import sys

    import dash

    entry = next(p for p in dash.page_registry.values() if p["path"] == Page.PACK.path)
    return sys.modules[entry["module"]]


def _latest_year(processed, skip: set[str]) -> str:
    """The latest financial year in the processed figures, less some reports' rows."""
    latest = ("", "")
    for path in processed.path.glob("*.parquet"):
        frame = pd.read_parquet(path)
        if not {"period_type", "period_end", "source_id"} <= set(frame.columns):
            continue
        frame = frame[(frame["period_type"] == "financial_year")
                      & ~frame["source_id"].isin(skip)]
        if not frame.empty:
            last = frame.sort_values("period_end").iloc[-1]
            latest = max(latest, (str(last["period_end"]), str(last["period"])))
    return latest[1]


def test_every_id_on_the_pack_page_is_declared_and_starts_with_its_name(pack_page):
    ids = ids_in(pack_page.layout())
    assert ids and set(ids) <= set(Ids)
    assert [i for i in Ids if not i.startswith(f"{Page.PACK}-")] == []
    assert App.PACK_BASKET.startswith(f"{Page.PACK}-") and App.PACK_COUNT.startswith(
        f"{Page.PACK}-")


def test_the_pack_page_cover_defaults_come_from_the_profile_and_the_data(
        pack_page, packs, processed):
    layout = pack_page.layout()
    fields = {c.id: c for c in walk(layout) if type(c).__name__ == "Input"}
    assert fields[Ids.TITLE].placeholder == packs.title_for(None) == (
        f"{profile().title}: {packs.CUSTOM}")
    assert fields[Ids.PERIOD].placeholder == f"for example {_latest_year(processed, set())}"
    with authority(WORCESTERSHIRE):
        layout = pack_page.layout()
        title = packs.title_for(None)
    fields = {c.id: c for c in walk(layout) if type(c).__name__ == "Input"}
    assert fields[Ids.TITLE].placeholder == title == ("Safeguarding children in "
                                                       "Worcestershire: committee pack")
    assert fields[Ids.PERIOD].placeholder == (
        f"for example {_latest_year(processed, _dudley_sources(processed))}")
    texts = [c for c in walk(layout) if isinstance(c, str)]
    texts += [v for c in walk(layout) if hasattr(c, "to_plotly_json")
              for v in c.to_plotly_json()["props"].values() if isinstance(v, str)]
    assert any("Worcestershire" in t for t in texts)
    assert not [t for t in texts if "Dudley" in t]
    intro = next(c.children for c in walk(layout) if getattr(c, "className", None) == "intro")
    assert "Worcestershire" in intro


def _callback(client, output_part: str, outputs, inputs, state, changed):
    deps = client.get("/_dash-dependencies").json
    output = next(d["output"] for d in deps if output_part in d["output"])
    body = {"output": output, "outputs": outputs, "inputs": inputs, "state": state,
            "changedPropIds": [changed]}
    reply = client.post("/_dash-update-component", json=body)
    assert reply.status_code == 200, reply.data
    return reply.json["response"]


def _key(id_: dict) -> str:
    return json.dumps(id_, sort_keys=True, separators=(",", ":"))


def test_add_to_pack_on_any_card_and_the_pack_page_callbacks(client, pack_page):
    """The callbacks on the pack page serve every card's "Add to pack" button, the count in
    the navigation and the Move / Remove buttons."""
    basket = [{"id": "child-protection-plans-trend", "state": {}}]
    added = {"type": Ids.ADD.value, "item": "section-11-org;org=probation"}
    other = {"type": Ids.ADD.value, "item": "child-protection-plans-trend"}
    status = [{"id": {**i, "type": Ids.STATUS.value}, "property": "children"}
              for i in (added, other)]
    response = _callback(
        client, f'"type":"{Ids.STATUS}"', [{"id": App.PACK_BASKET.value, "property": "data"},
                                           status],
        [[{"id": added, "property": "n_clicks", "value": 1},
          {"id": other, "property": "n_clicks", "value": 0}]],
        [{"id": App.PACK_BASKET.value, "property": "data", "value": basket}],
        _key(added) + ".n_clicks")
    stored = response[App.PACK_BASKET]["data"]
    assert stored == [*basket, {"id": "section-11-org", "state": {"org": "probation"}}]
    said = response[_key({**added, "type": Ids.STATUS.value})]["children"]
    assert said == "Added \u201cOne organisation against the average\u201d to your pack: 2 charts."
    # (the count in the navigation is worked out in the browser: test_pack_browser.py)
    # the list on the pack page, and a move up
    contents = pack_page._contents(stored)
    headings = [c.children for c in walk(contents[0]) if type(c).__name__ == "H3"]
    assert headings == ["Children on plans, new plans and ended plans",
                        "One organisation against the average"]
    assert [c.id for c in walk(contents[0]) if type(c).__name__ == "H3"] == [
        f"{Ids.ITEM}-0", f"{Ids.ITEM}-1"]
    buttons = [c.id for part in contents for c in walk(part)
               if isinstance(getattr(c, "id", None), dict)]
    assert len(buttons) == 7 and all(b["type"] == Ids.ACTION for b in buttons)
    up = {"type": Ids.ACTION.value, "action": "up", "index": 1}
    response = _callback(
        client, f"{Ids.ANNOUNCE}.children",
        [{"id": App.PACK_BASKET.value, "property": "data"},
         {"id": Ids.ANNOUNCE.value, "property": "children"},
         {"id": Ids.FOCUS.value, "property": "data"}],
        [[{"id": up, "property": "n_clicks", "value": 1}]],
        [{"id": App.PACK_BASKET.value, "property": "data", "value": stored}],
        _key(up) + ".n_clicks")
    assert [e["id"] for e in response[App.PACK_BASKET]["data"]] == [
        "section-11-org", "child-protection-plans-trend"]
    assert "to position 1 of 2" in response[Ids.ANNOUNCE]["children"]
    made = [c.id for part in pack_page._downloads(stored, None, None) for c in walk(part)
            if type(c).__name__ == "Button"]
    assert made[:2] == [{"type": Ids.MAKE, "ext": "docx"}, {"type": Ids.MAKE, "ext": "pptx"}]
