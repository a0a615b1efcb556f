"""A pack in the formats asked for, from one drawing of its charts."""

from __future__ import annotations

from collections.abc import Callable

from dashboard.exports.packs.document import FORMAT_PLACES, prepare
from dashboard.exports.packs.items import FORMATS, PackError, PackItem
from dashboard.exports.packs.pdf import to_pdf
from dashboard.exports.packs.powerpoint import to_pptx
from dashboard.exports.packs.word import to_docx

WRITING = {"docx": "writing the Word document", "pptx": "writing the slides",
           "pdf": "turning the Word document into a PDF"}


def build(items: list[PackItem], formats: tuple[str, ...] = ("docx", "pptx"),
          progress: Callable[[int, int, str], None] | None = None, **options
          ) -> dict[str, bytes]:
    """Render once, write each format: ``{"docx": b"...", "pptx": b"..."}``. Images are
    drawn only at the sizes the formats need (a Word page's, a slide's).

    ``progress(done, total, step)`` hears of each chart drawn and each file written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise PackError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    places = tuple(dict.fromkeys(FORMAT_PLACES[f] for f in formats))  # each size once
    pack = prepare(items, images=places, progress=progress, **options)
    total = len(items)

    def step(ext: str) -> None:
        if progress:
            progress(total, total, WRITING[ext])

    out: dict[str, bytes] = {}
    if "docx" in formats or "pdf" in formats:
        step("docx")
        out["docx"] = to_docx(pack)
    if "pptx" in formats:
        step("pptx")
        out["pptx"] = to_pptx(pack)
    if "pdf" in formats:
        step("pdf")
        out["pdf"] = to_pdf(out["docx"])
    return {f: out[f] for f in formats}
