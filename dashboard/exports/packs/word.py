"""The Word document of a pack: cover, contents, a section per chart and an appendix of
every chart's figures."""

from __future__ import annotations

import io

import pandas as pd

from dashboard.exports.packs.document import Pack, _cover_lines, table_rows
from dashboard.words import format as fmt


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
        paragraph = _paragraph(document, "", "List Number")
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


def _word_table(document, table: pd.DataFrame, places: list[int] | None = None) -> None:
    """The figures as a Word table: a bold header row repeated on each page, 8 pt text,
    values right-aligned. The first body row is made with python-docx and copied for
    the others (one XML copy a row instead of hundreds of python-docx calls)."""
    import copy

    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    shown, sources = sources_key(table)
    if len(sources) == 1:
        _muted(document.add_paragraph(), f"Source of every figure: {sources[0]}", 9)
    rows = table_rows(shown, places)
    columns = list(shown.columns)
    widths = [WIDTHS_MM.get(c, 24) for c in columns]
    scale = 257 / sum(widths)
    grid = document.add_table(rows=1, cols=len(columns))
    grid._tbl.tblPr.style = _style_id(document, "Table Grid")
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
    value_col = columns.index("Value") if "Value" in columns else -1
    for i, (cell, width) in enumerate(zip(header.cells, widths, strict=True)):
        cell.width = Mm(width * scale)
        if i == value_col:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if rows:
        first = grid.add_row()
        for i, (cell, width) in enumerate(zip(first.cells, widths, strict=True)):
            cell.width = Mm(width * scale)
            paragraph = cell.paragraphs[0]
            if i == value_col:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.add_run("-").font.size = Pt(8)
        template = first._tr
        texts = list(template.iter(qn("w:t")))
        for t in texts:
            t.set(qn("xml:space"), "preserve")
        last = template
        for values in rows[1:]:
            row = copy.deepcopy(template)
            for t, value in zip(row.iter(qn("w:t")), values, strict=True):
                t.text = value
            last.addnext(row)
            last = row
        for t, value in zip(texts, rows[0], strict=True):
            t.text = value
    if len(sources) > 1:
        for i, source in enumerate(sources, start=1):
            _muted(document.add_paragraph(), f"S{i}: {source}", 9)


def _style_id(document, name: str) -> str:
    """A style's id, looked up once a document: python-docx searches every style on each
    lookup, by name or by style (to leave out the default style's id)."""
    found = getattr(document, "_pack_styles", None)
    if found is None:
        found = document._pack_styles = {}
    if name not in found:
        found[name] = document.styles[name].style_id
    return found[name]


def _paragraph(document, text: str, style: str):
    """A paragraph of ``text`` in a style that is not the default one."""
    paragraph = document.add_paragraph(text)
    paragraph._p.style = _style_id(document, style)
    return paragraph


def _heading(document, text: str, level: int):
    return _paragraph(document, text, f"Heading {level}")


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
    core.title, core.author = pack.title, pack.partnership
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
        heading = _heading(document, c.heading, 1)
        heading.paragraph_format.page_break_before = True
        finding = document.add_paragraph()
        run = finding.add_run(c.finding)
        run.bold = True
        run.font.size = Pt(13)
        image = c.images.get("page") or c.png
        if image:
            doc_pr = document.add_picture(io.BytesIO(image), width=Mm(170))._inline.docPr
            doc_pr.set("descr", c.alt_text)
            doc_pr.set("title", c.heading)
        _muted(document.add_paragraph(), c.result.subtitle)
        _muted(document.add_paragraph(), f"Source: {c.result.source}")
        for note in c.result.notes:
            _muted(document.add_paragraph(), f"Note: {note}")
        _muted(document.add_paragraph(), f"The figures are in appendix table {c.number}.")

    appendix = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(appendix, landscape=True)
    _heading(document, "Appendix: the figures behind each chart", 1)
    document.add_paragraph("Values are as published (or, where the source says 'Derived', "
                           "as calculated from published figures), rounded to the decimal "
                           "places each measure declares; a blank value has its reason in "
                           "the Status column.")
    for c in pack.charts:
        _heading(document, f"Table {c.number}: {c.heading}", 2)
        _muted(document.add_paragraph(), c.result.subtitle)
        _word_table(document, c.table, c.places)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
