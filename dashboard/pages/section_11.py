"""Section 11 audit: layout and choices (the charts are in dashboard.charts)."""

from __future__ import annotations

import dash
from dash import html

from dashboard import store
from dashboard.charts.section_11 import (
    PAGE,
    STANDARDS,
    Ids,
    audit_period,
    organisation_choices,
    organisations,
    standard_numbers,
    summary,
)
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, report_charts, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.ui.titles import page_title

dash.register_page(__name__, path=PAGE.path, name=PAGE.title, title=page_title(PAGE),
                   order=PAGE.order)


def _standards_list(numbers: list[str]) -> html.Details:
    """The audit tool's wording of each standard the audit scored."""
    return html.Details([
        html.Summary(f"The {len(numbers)} standards in full"),
        html.Ol([html.Li(STANDARDS[n][1] if n in STANDARDS else f"Standard {n}")
                 for n in numbers], className="standards"),
    ], className="standards-list", open=True)


def _intro(name: str, period: str | None, count: int) -> str:
    duty = ("Section 11 of the Children Act 2004: their duty to safeguard and promote the "
            "welfare of children.")
    if period is None:
        return (f"How partner organisations in {name} check themselves against the standards "
                f"of {duty}")
    return (f"{period[0].upper()}{period[1:]} partner organisations in {name} checked "
            f"themselves against the {f'{count} ' if count else ''}standards of {duty} Higher "
            "scores mean more fully met.")


def layout(**query) -> html.Div:
    me = store.profile()
    state = state_from_query(query, {"org": organisation_choices()})
    shown, notice = report_charts(PAGE)
    numbers = standard_numbers() if notice is None else []
    controls = []
    if notice is None:
        choices = [(slug, name) for slug, (_code, name) in organisations().items()]
        controls = [radio(Ids.ORGANISATION, "Organisation to compare with the average",
                          choices, state["org"])]
    period = audit_period() if notice is None else None
    page = page_layout(PAGE, PAGE.title, _intro(me.name, period, len(numbers)), state,
                       controls, summary() if notice is None else [], shown=shown,
                       notice=notice)
    if numbers:
        children = list(page.children)
        first_card = next((i for i, c in enumerate(children)
                           if getattr(c, "className", None) == "slot"), len(children))
        children.insert(first_card, _standards_list(numbers))
        page.children = children
    return page


interactive(PAGE, {"org": Ids.ORGANISATION})
