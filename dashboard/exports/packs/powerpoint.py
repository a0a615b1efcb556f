"""The PowerPoint deck of a pack: a title slide, then one slide per chart."""

from __future__ import annotations

import io

from dashboard.exports.packs.document import Pack, PackChart, _cover_lines, table_rows


def notes_text(c: PackChart) -> str:
    """Speaker notes: the chart's words and its data table as tab-separated text."""
    lines = [c.heading, c.result.title, c.result.subtitle, f"Source: {c.result.source}",
             *[f"Note: {n}" for n in c.result.notes], "", "Data table",
             "\t".join(c.table.columns)]
    lines += ["\t".join(row) for row in table_rows(c.table, c.places)]
    return "\n".join(lines)


def to_pptx(pack: Pack) -> bytes:
    """The PowerPoint deck: a title slide, then one slide per chart."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    deck.core_properties.title = pack.title
    deck.core_properties.author = pack.partnership

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
        image = c.images.get("slide") or c.png
        if image:
            height = Inches(5.0)
            width = int(height * 1000 / 620)
            picture = slide.shapes.add_picture(io.BytesIO(image), (deck.slide_width - width)
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
