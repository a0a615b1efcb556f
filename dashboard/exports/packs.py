"""Committee packs: Word, PowerPoint and PDF documents of charts, for board and scrutiny papers.

A pack is a list of charts (registry id + state) or a preset. Each chart is drawn the same
way as on its page (``Chart.render``), so every finding sentence is the chart's computed
title and every table is ``ChartResult.table()``. Each image is rendered once (kaleido,
``export.to_image``) and reused in every format.

    items = packs.preset_items("annual-report")
    pack = packs.prepare(items, period="2011-12")
    docx_bytes, pptx_bytes = packs.to_docx(pack), packs.to_pptx(pack)

The CLI is ``python -m dashboard.exports.pack_cli``; the app serves ``/pack.docx`` and friends.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import pandas as pd

from dashboard import charts as registry
from dashboard.charts import Chart, ChartResult
from dashboard.exports import images as export
from dashboard.store.files import DataUnavailable
from dashboard.words import format as fmt

# kaleido's persistent server ignores plotly's per-call options and says so every time.
warnings.filterwarnings("ignore", message="The kopts argument is ignored",
                        category=UserWarning)

AUTHORITY = "Dudley"
PRESETS = {
    "themes": "Safeguarding children in Dudley: the themes at a glance",
    "annual-report": "Safeguarding children in Dudley: annual report charts",
}
CUSTOM_TITLE = "Safeguarding children in Dudley: committee pack"
FORMATS = ("docx", "pptx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
MAX_ITEMS = 100
MAX_LABEL = 120
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")


class PackError(ValueError):
    """A pack request names an unknown chart, state, preset or format."""


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing or could not convert the document."""


@dataclass(frozen=True)
class PackItem:
    """One chart in a pack: its registry id and its state (only non-default choices)."""

    chart_id: str
    state: tuple[tuple[str, str], ...] = ()

    @property
    def chart(self) -> Chart:
        return registry.get(self.chart_id)

    def state_dict(self) -> dict:
        return self.chart.state(dict(self.state))

    def to_json(self) -> dict:
        return {"id": self.chart_id, "state": dict(self.state)}


def load_registry() -> dict[str, Chart]:
    """The chart registry, filled: importing the app imports every page."""
    if not registry.REGISTRY:
        from dashboard import app  # noqa: F401
    return registry.REGISTRY


def make_item(chart_id: str, state: dict | None = None) -> PackItem:
    """A validated item: the chart must exist and every state key and value be allowed.

    Choices equal to the chart's default are dropped, so one view has one encoding."""
    load_registry()
    if not isinstance(chart_id, str) or not _ID.fullmatch(chart_id) or \
            chart_id not in registry.REGISTRY:
        raise PackError(f"unknown chart {chart_id!r}")
    chart = registry.get(chart_id)
    state = state or {}
    if not isinstance(state, dict):
        raise PackError(f"the state of {chart_id} is not a set of choices")
    kept = []
    for key, value in state.items():
        allowed = chart.options.get(key)
        if allowed is None:
            raise PackError(f"{chart_id} has no choice {key!r}")
        if value not in allowed:
            raise PackError(f"{value!r} is not a choice of {key!r} for {chart_id}")
        if value != allowed[0]:
            kept.append((key, value))
    return PackItem(chart_id, tuple(sorted(kept)))


def items_from_json(raw) -> list[PackItem]:
    """Items from the app's basket: ``[{"id": ..., "state": {...}}, ...]``."""
    if not isinstance(raw, list):
        raise PackError("a pack is a list of charts")
    if len(raw) > MAX_ITEMS:
        raise PackError(f"a pack holds at most {MAX_ITEMS} charts")
    out = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise PackError("each chart in a pack is an id and a state")
        out.append(make_item(entry.get("id"), entry.get("state")))
    return out


def encode_items(items: list[PackItem]) -> str:
    """The compact text form used in links: ``cp-trend,cp-category;show=shares``."""
    return ",".join(item.chart_id + "".join(f";{quote(k, safe='')}={quote(v, safe='')}"
                                            for k, v in item.state) for item in items)


def decode_items(text: str) -> list[PackItem]:
    """The inverse of ``encode_items``, validating every id, choice and value."""
    if not isinstance(text, str) or not text.strip():
        raise PackError("the pack is empty")
    parts = text.split(",")
    if len(parts) > MAX_ITEMS:
        raise PackError(f"a pack holds at most {MAX_ITEMS} charts")
    items = []
    for part in parts:
        chart_id, *pairs = part.strip().split(";")
        state = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key, value = unquote(key), unquote(value)
            if not sep or not _KEY.fullmatch(key) or key in state:
                raise PackError(f"bad choice {pair!r} for {chart_id!r}")
            state[key] = value
        items.append(make_item(chart_id, state))
    return items


def theme_pages() -> list[tuple[str, list[Chart]]]:
    """(page name, charts in registration order) for every page with charts, in nav order."""
    import dash

    load_registry()
    pages = getattr(dash, "page_registry", {})
    groups: dict[str, list[Chart]] = {}
    for chart in registry.REGISTRY.values():
        groups.setdefault(chart.page, []).append(chart)

    def where(charts: list[Chart]) -> tuple[float, str]:
        entry = pages.get(charts[0].build.__module__)
        return (entry.get("order", math.inf) if entry else math.inf,
                entry["name"] if entry else charts[0].page)

    ordered = sorted(groups.values(), key=lambda cs: where(cs)[0])
    return [(where(cs)[1], cs) for cs in ordered]


def page_name(chart: Chart) -> str:
    return next((name for name, charts in theme_pages() if chart in charts), chart.page)


def preset_items(preset: str) -> list[PackItem]:
    """``themes``: the first chart of each theme page; ``annual-report``: every chart."""
    if preset not in PRESETS:
        raise PackError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    pages = theme_pages()
    if preset == "themes":
        return [PackItem(charts[0].id) for _, charts in pages]
    return [PackItem(c.id) for _, charts in pages for c in charts]


def clean_label(text: str | None, what: str) -> str | None:
    """A title or period label from a user: one line of printable text, not too long."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    if not text:
        return None
    if len(text) > MAX_LABEL or not text.isprintable():
        raise PackError(f"the {what} must be one line of at most {MAX_LABEL} characters")
    return text


# --- rendering ------------------------------------------------------------------------------


@dataclass
class PackChart:
    """One chart of a pack, drawn: its result, its table and its image."""

    number: int
    item: PackItem
    chart: Chart
    result: ChartResult
    table: pd.DataFrame
    png: bytes | None

    @property
    def heading(self) -> str:
        return self.chart.name

    @property
    def finding(self) -> str:
        return self.result.title

    @property
    def alt_text(self) -> str:
        """The picture's text alternative: what it shows and where its figures are."""
        r = self.result
        return (f"Chart: {self.chart.name}. {r.title}. {r.subtitle}. "
                f"The figures are listed in appendix table {self.number}.")


@dataclass
class Pack:
    title: str
    authority: str
    period: str
    produced: dt.date
    charts: list[PackChart] = field(default_factory=list)
    missing: list[tuple[Chart, str]] = field(default_factory=list)  # not drawn, and why
    data_built: str | None = None


def _latest_period(results: list[ChartResult]) -> str:
    """The latest financial year in the pack's figures (or the latest period of any kind)."""
    frames = [r.data for r in results if not r.data.empty]
    if not frames:
        return ""
    rows = pd.concat(frames, ignore_index=True)
    years = rows[rows["period_type"] == "financial_year"]
    rows = years if not years.empty else rows
    return str(rows.sort_values("period_end")["period"].iloc[-1])


def prepare(items: list[PackItem], *, authority: str = AUTHORITY, period: str | None = None,
            title: str | None = None, produced: dt.date | None = None,
            images: bool = True) -> Pack:
    """Draw every chart once: result, table and (if ``images``) the A4 PNG.

    A chart whose processed data is not available (an official release not imported,
    say) is left out, and listed on the cover with the reason."""
    from dashboard.store import files as data

    if not items:
        raise PackError("the pack is empty")
    load_registry()
    drawn: list[PackChart] = []
    missing: list[tuple[Chart, str]] = []
    for item in items:
        chart = item.chart
        try:
            result = chart.render(item.state_dict())
            table = result.table()
        except DataUnavailable as err:
            missing.append((chart, str(err)))
            continue
        png = export.to_image(result, "png") if images else None
        drawn.append(PackChart(len(drawn) + 1, item, chart, result, table, png))
    if not drawn:
        raise PackError("none of these charts can be drawn right now: "
                        + "; ".join(f"{c.name}: {why}" for c, why in missing))
    try:
        built = data.build_info()["built_at"].replace("T", " ")[:16] + " UTC"
    except DataUnavailable:
        built = None
    return Pack(
        title=title or CUSTOM_TITLE, authority=authority,
        period=period or _latest_period([c.result for c in drawn]),
        produced=produced or dt.date.today(), charts=drawn, missing=missing, data_built=built)


def value_text(value) -> str:
    """A table value exactly as stored (no rounding), with thousands separators."""
    if fmt.is_missing(value):
        return ""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
        return f"{int(value):,}" if value.is_integer() else f"{value:,}"
    return str(value)


def table_rows(table: pd.DataFrame) -> list[list[str]]:
    return [[value_text(v) if column == "Value" else ("" if fmt.is_missing(v) else str(v))
             for column, v in row.items()] for _, row in table.iterrows()]


def _date_words(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _cover_lines(pack: Pack) -> list[str]:
    lines = [f"Authority: {pack.authority}"]
    if pack.period:
        lines.append(f"Period: {pack.period}")
    lines.append(f"Produced: {_date_words(pack.produced)}")
    if pack.data_built:
        lines.append(f"Figures as built from the published reports on {pack.data_built}")
    if pack.missing:
        lines.append("Not included, because their figures are not available: " + "; ".join(
            f"{chart.name} ({why})" for chart, why in pack.missing))
    return lines


# --- Word -----------------------------------------------------------------------------------


def _field(paragraph, instruction: str, placeholder: str = "1"):
    """A Word field (PAGE, NUMPAGES, TOC …) in one run sequence, showing ``placeholder``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld_char(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        return run

    fld_char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld_char("separate")
    paragraph.add_run(placeholder)
    fld_char("end")


def _toc(document, entries: list[str]) -> None:
    """A Word TOC field whose current text is the plain list of charts, so the contents read
    without updating fields; updating the field in Word adds page numbers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld_char(paragraph, kind: str) -> None:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(el)

    for i, entry in enumerate(entries):
        paragraph = document.add_paragraph(style="List Number")
        if i == 0:
            fld_char(paragraph, "begin")
            run = paragraph.add_run()
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = ' TOC \\o "1-1" \\h \\z \\u '
            run._r.append(instr)
            fld_char(paragraph, "separate")
        paragraph.add_run(entry)
        if i == len(entries) - 1:
            fld_char(paragraph, "end")


def _a4(section, landscape: bool = False) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (
        Mm(210), Mm(297))
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)


def _arial(style) -> None:
    """Arial for a style, overriding the template's theme fonts (Calibri, Cambria)."""
    from docx.oxml.ns import qn

    style.font.name = "Arial"
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _language(style, tag: str) -> None:
    """The proofing and screen-reader language of a style's text."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = style.element.get_or_add_rPr()
    lang = props.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        props.append(lang)
    lang.set(qn("w:val"), tag)


def _muted(paragraph, text: str, size: float = 10) -> None:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def sources_key(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The table with each row's source replaced by a short reference (S1, S2 …), and the
    sources in order; with a single source the column is dropped and the list has one entry.
    Keeps appendix tables narrow without losing which document each figure came from."""
    if "Source" not in table.columns:
        return table, []
    sources = list(dict.fromkeys(s for s in table["Source"] if not fmt.is_missing(s)))
    if len(sources) <= 1:
        return table.drop(columns=["Source"]), sources
    refs = {s: f"S{i}" for i, s in enumerate(sources, start=1)}
    return table.assign(Source=table["Source"].map(refs).fillna("")), sources


WIDTHS_MM = {"Period": 24, "Area": 38, "Measure": 64, "Breakdown": 45, "Value": 24,
             "Unit": 30, "Status": 26, "Source": 14}  # 257 mm: A4 landscape less margins


def _word_table(document, table: pd.DataFrame) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    shown, sources = sources_key(table)
    if len(sources) == 1:
        _muted(document.add_paragraph(), f"Source of every figure: {sources[0]}", 9)
    rows = table_rows(shown)
    columns = list(shown.columns)
    widths = [WIDTHS_MM.get(c, 24) for c in columns]
    scale = 257 / sum(widths)
    grid = document.add_table(rows=1, cols=len(columns), style="Table Grid")
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Mm(width * scale)
    header = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")  # a header row: repeated on each page, read as such
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, name in zip(header.cells, columns, strict=True):
        run = cell.paragraphs[0].add_run(str(name))
        run.bold = True
        run.font.size = Pt(8)
    for values in rows:
        for cell, value in zip(grid.add_row().cells, values, strict=True):
            run = cell.paragraphs[0].add_run(value)
            run.font.size = Pt(8)
    value_col = columns.index("Value") if "Value" in columns else -1
    for row in grid.rows:
        for i, (cell, width) in enumerate(zip(row.cells, widths, strict=True)):
            cell.width = Mm(width * scale)
            if i == value_col:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if len(sources) > 1:
        for i, source in enumerate(sources, start=1):
            _muted(document.add_paragraph(), f"S{i}: {source}", 9)


def to_docx(pack: Pack) -> bytes:
    """The Word document: cover, contents, one section per chart, data appendix."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm, Pt

    document = Document()
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "TOC Heading"):
        _arial(document.styles[name])
    document.styles["Normal"].font.size = Pt(11)
    _language(document.styles["Normal"], "en-GB")
    core = document.core_properties
    core.title, core.author = pack.title, f"{pack.authority} Safeguarding Children Partnership"
    core.subject = f"{pack.authority}, {pack.period}" if pack.period else pack.authority
    _a4(document.sections[0])

    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = 1  # centre
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    document.add_paragraph(pack.title, style="Title")
    for line in _cover_lines(pack):
        document.add_paragraph(line, style="Subtitle" if line == _cover_lines(pack)[0]
                               else None)
    document.add_paragraph(
        "Each chart's heading sentence is worked out from the figures by the dashboard, the "
        "same way as on its page. The figures behind every chart are in the appendix.")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_paragraph("Contents", style="TOC Heading")
    _toc(document, [f"{c.heading}: {c.finding}" for c in pack.charts]
         + ["Appendix: the figures behind each chart"])

    for c in pack.charts:
        heading = document.add_heading(c.heading, level=1)
        heading.paragraph_format.page_break_before = True
        finding = document.add_paragraph()
        run = finding.add_run(c.finding)
        run.bold = True
        run.font.size = Pt(13)
        if c.png:
            document.add_picture(io.BytesIO(c.png), width=Mm(170))
            doc_pr = document.inline_shapes[-1]._inline.docPr
            doc_pr.set("descr", c.alt_text)
            doc_pr.set("title", c.heading)
        _muted(document.add_paragraph(), c.result.subtitle)
        _muted(document.add_paragraph(), f"Source: {c.result.source}")
        for note in c.result.notes:
            _muted(document.add_paragraph(), f"Note: {note}")
        _muted(document.add_paragraph(), f"The figures are in appendix table {c.number}.")

    appendix = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(appendix, landscape=True)
    document.add_heading("Appendix: the figures behind each chart", level=1)
    document.add_paragraph("Values are exactly as published (or, where the source says "
                           "'Derived', as calculated from published figures); a blank value "
                           "has its reason in the Status column.")
    for c in pack.charts:
        document.add_heading(f"Table {c.number}: {c.heading}", level=2)
        _muted(document.add_paragraph(), c.result.subtitle)
        _word_table(document, c.table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PowerPoint -----------------------------------------------------------------------------


def notes_text(c: PackChart) -> str:
    """Speaker notes: the chart's words and its data table as tab-separated text."""
    lines = [c.heading, c.result.title, c.result.subtitle, f"Source: {c.result.source}",
             *[f"Note: {n}" for n in c.result.notes], "", "Data table",
             "\t".join(c.table.columns)]
    lines += ["\t".join(row) for row in table_rows(c.table)]
    return "\n".join(lines)


def to_pptx(pack: Pack) -> bytes:
    """The PowerPoint deck: a title slide, then one slide per chart."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    deck.core_properties.title = pack.title
    deck.core_properties.author = f"{pack.authority} Safeguarding Children Partnership"

    cover = deck.slides.add_slide(deck.slide_layouts[0])
    title, subtitle = cover.shapes.title, cover.placeholders[1]
    title.left, title.top, title.width, title.height = (Inches(0.75), Inches(1.2),
                                                       Inches(11.83), Inches(2.2))
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        Inches(0.75), Inches(3.7), Inches(11.83), Inches(2.8))
    title.text = pack.title
    subtitle.text = "\n".join(_cover_lines(pack))
    for shape, size in ((title, 40), (subtitle, 20)):
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(size)

    for c in pack.charts:
        slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
        title = slide.shapes.title
        title.left, title.top = Inches(0.5), Inches(0.25)
        title.width, title.height = Inches(12.33), Inches(1.2)
        title.text = c.finding
        for paragraph in title.text_frame.paragraphs:
            paragraph.alignment = 1  # left
            for run in paragraph.runs:
                run.font.size = Pt(24 if len(c.finding) < 130 else 20)
        if c.png:
            height = Inches(5.0)
            width = int(height * 1000 / 620)
            picture = slide.shapes.add_picture(io.BytesIO(c.png), (deck.slide_width - width)
                                               // 2, Inches(1.55), width, height)
            props = picture._element.nvPicPr.cNvPr
            props.set("descr", c.alt_text)
            props.set("title", c.heading)
            props.set("name", f"Chart: {c.heading}")
        box = slide.shapes.add_textbox(Inches(0.5), Inches(6.6), Inches(12.33), Inches(0.8))
        box.text_frame.word_wrap = True
        box.text_frame.text = f"Source: {c.result.source}"
        for run in box.text_frame.paragraphs[0].runs:
            run.font.size = Pt(11)
        slide.notes_slide.notes_text_frame.text = notes_text(c)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def soffice() -> str | None:
    """LibreOffice's command, if installed (Debian: libreoffice-writer-nogui)."""
    return os.environ.get("SAFEGUARDING_SOFFICE") or shutil.which("soffice") or \
        shutil.which("libreoffice")


def to_pdf(docx: bytes, timeout: float = 180) -> bytes:
    """The Word document converted by LibreOffice, headless, with a private profile."""
    command = soffice()
    if not command:
        raise PdfUnavailable("PDF packs need LibreOffice "
                             "(apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="pack-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "pack.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(
                [command, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                 "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(folder),
                 str(source)], check=True, capture_output=True, timeout=timeout)
        except (OSError, subprocess.SubprocessError) as err:
            raise PdfUnavailable(f"LibreOffice could not convert the pack: {err}") from err
        out = folder / "pack.pdf"
        if not out.exists():
            raise PdfUnavailable("LibreOffice did not write the PDF")
        return out.read_bytes()


def build(items: list[PackItem], formats: tuple[str, ...] = ("docx", "pptx"), **options
          ) -> dict[str, bytes]:
    """Render once, write each format: ``{"docx": b"...", "pptx": b"..."}``."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise PackError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    pack = prepare(items, images=True, **options)
    out: dict[str, bytes] = {}
    if "docx" in formats or "pdf" in formats:
        out["docx"] = to_docx(pack)
    if "pptx" in formats:
        out["pptx"] = to_pptx(pack)
    if "pdf" in formats:
        out["pdf"] = to_pdf(out["docx"])
    return {f: out[f] for f in formats}


# --- web ------------------------------------------------------------------------------------


def download_name(preset: str | None, ext: str, day: dt.date | None = None) -> str:
    """A fixed-pattern file name: nothing from the request but a known preset name."""
    day = day or dt.date.today()
    return f"pack-{preset or 'custom'}-{day:%Y-%m-%d}.{ext}"


def query_items(args) -> tuple[list[PackItem], str | None]:
    """Items from a request's ``items`` (encoded list) or ``preset``: one or the other."""
    preset, text = args.get("preset"), args.get("items")
    if (preset is None) == (text is None):
        raise PackError("give either items or preset")
    if preset is not None:
        return preset_items(preset), preset
    return decode_items(text), None


def register_routes(server) -> None:
    """``GET /pack.docx|pptx|pdf?items=cp-trend,cp-category;show=shares`` (or ``preset=``),
    with optional ``title`` and ``period`` for the cover. Every chart id, choice and
    format is checked against the registry; anything else is refused."""
    from flask import Response, abort, request

    @server.get("/pack.<ext>")
    def pack_download(ext: str) -> Response:
        if ext not in FORMATS:
            abort(404)
        if ext == "pdf" and not soffice():
            return Response("PDF packs are not available on this server.", 503,
                            mimetype="text/plain")
        try:
            items, preset = query_items(request.args)
            title = clean_label(request.args.get("title"), "title") or (
                PRESETS[preset] if preset else CUSTOM_TITLE)
            period = clean_label(request.args.get("period"), "period")
            body = build(items, (ext,), title=title, period=period)[ext]
        except PackError as err:
            return Response(f"Bad pack request: {err}", 400, mimetype="text/plain")
        except PdfUnavailable:
            return Response("The PDF could not be made on this server.", 503,
                            mimetype="text/plain")
        return Response(body, mimetype=MEDIA_TYPES[ext], headers={
            "Content-Disposition": f'attachment; filename="{download_name(preset, ext)}"',
            "Cache-Control": "no-store",
        })
