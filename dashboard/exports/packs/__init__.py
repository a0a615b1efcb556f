"""Committee packs: Word, PowerPoint and PDF documents of charts, for board and scrutiny papers.

A pack is a list of charts (registry id + state) or a preset. Each chart is drawn the same
way as on its page (``Chart.render``), so every finding sentence is the chart's computed
title and every table is ``ChartResult.table()``. Each image is rendered once
(``exports.images.to_image``) and reused in every format.

    items = packs.preset_items("annual-report")
    pack = packs.prepare(items, period="2023-24")
    docx_bytes, pptx_bytes = packs.to_docx(pack), packs.to_pptx(pack)

The command line is ``safeguarding pack`` (made at once); the app makes packs in the
background (``packs.queue``, on ``dashboard.exports.jobs``) and serves ``/pack.docx`` and
friends (``dashboard.server.routes``, ``dashboard.server.pack_jobs``).
"""

from dashboard.exports.packs.build import build
from dashboard.exports.packs.document import (
    Pack,
    PackChart,
    prepare,
    table_rows,
    value_text,
)
from dashboard.exports.packs.items import (
    CUSTOM,
    FORMATS,
    MAX_ITEMS,
    MAX_LABEL,
    MEDIA_TYPES,
    PRESETS,
    PackError,
    PackItem,
    clean_label,
    decode_items,
    download_name,
    encode_items,
    items_from_json,
    load_registry,
    make_item,
    page_name,
    preset_items,
    query_items,
    theme_pages,
    title_for,
)
from dashboard.exports.packs.pdf import PdfUnavailable, soffice, to_pdf
from dashboard.exports.packs.powerpoint import notes_text, to_pptx
from dashboard.exports.packs.word import sources_key, to_docx

__all__ = [
    "CUSTOM",
    "FORMATS",
    "MAX_ITEMS",
    "MAX_LABEL",
    "MEDIA_TYPES",
    "PRESETS",
    "Pack",
    "PackChart",
    "PackError",
    "PackItem",
    "PdfUnavailable",
    "build",
    "clean_label",
    "decode_items",
    "download_name",
    "encode_items",
    "items_from_json",
    "load_registry",
    "make_item",
    "notes_text",
    "page_name",
    "prepare",
    "preset_items",
    "query_items",
    "soffice",
    "sources_key",
    "table_rows",
    "theme_pages",
    "title_for",
    "to_docx",
    "to_pdf",
    "to_pptx",
    "value_text",
]
