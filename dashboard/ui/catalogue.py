"""Tables of text and links written as one escaped HTML block (as ``ui.tables`` does:
Dash draws a long table of components slowly), in their keyboard-reachable scroll box."""

from __future__ import annotations

import logging
from html import escape

from dash import dcc

from dashboard.ui.tables import scroll_box

log = logging.getLogger(__name__)


def _cell(value) -> str:
    """A cell: text, or ``(text, href)`` for a link."""
    if isinstance(value, tuple):
        text, href = value
        return f'<td><a href="{escape(href, quote=True)}">{escape(str(text))}</a></td>'
    return f"<td>{escape(' '.join(str(value).split()))}</td>"


def link_table(caption: str, columns: list[str], rows: list[list], table_id: str | None = None):
    """A ``data-table`` with ``caption`` and a header cell per column."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    markup = (f'<table class="data-table"><caption>{escape(caption)}</caption>'
              f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    extra = {"id": table_id} if table_id else {}
    return scroll_box(dcc.Markdown(markup, dangerously_allow_html=True, dedent=False,
                                   className="table-markup", **extra), caption)
