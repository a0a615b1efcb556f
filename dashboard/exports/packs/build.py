"""A pack in the formats asked for, from one drawing of its charts."""

from __future__ import annotations

from dashboard.exports.packs.document import prepare
from dashboard.exports.packs.items import FORMATS, PackError, PackItem
from dashboard.exports.packs.pdf import to_pdf
from dashboard.exports.packs.powerpoint import to_pptx
from dashboard.exports.packs.word import to_docx


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
