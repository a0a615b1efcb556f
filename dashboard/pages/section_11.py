"""Section 11 audit: how partner organisations scored themselves against the 11 standards."""

from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboard import figures
from dashboard import store as data
from dashboard.charts import ChartResult, chart, periods_of, source_of
from dashboard.figures import theme
from dashboard.ui.components import radio
from dashboard.ui.pagekit import interactive, state_from_query
from dashboard.ui.pagekit import layout as page_layout
from dashboard.words import format as fmt

PAGE = "section-11"
DATASET = "section11"
dash.register_page(__name__, path="/section-11", name="Section 11 audit",
                   title="Section 11 audit", order=7)

DUDLEY = "E08000027"
# The organisations audited in 2011-12 (area codes from data/raw/areas.csv), with their
# names as the report prints them; the first is the default.
ORGS = {
    "cafcass": "ORG-CAFCASS",
    "adults-community-housing": "ORG-DUDLEY-DACH",
    "urban-environment": "ORG-DUDLEY-DUE",
    "mental-health-trust": "ORG-DWMHT",
    "childrens-services": "ORG-DUDLEY-DCS",
    "group-of-hospitals": "ORG-DUDLEY-GOH",
    "pct": "ORG-DUDLEY-PCT",
    "fire-service": "ORG-WMFS",
    "probation": "ORG-PROBATION",
    "youth-offending": "ORG-DUDLEY-YOS",
}
ORG_NAMES = {
    "ORG-CAFCASS": "Cafcass",
    "ORG-DUDLEY-DACH": "Directorate of Adults, Community & Housing",
    "ORG-DUDLEY-DUE": "Directorate of Urban Environment",
    "ORG-DWMHT": "Dudley & Walsall Mental Health Trust",
    "ORG-DUDLEY-DCS": "Dudley Directorate of Children's Services",
    "ORG-DUDLEY-GOH": "Dudley Group of Hospitals",
    "ORG-DUDLEY-PCT": "Dudley PCT",
    "ORG-WMFS": "West Midlands Fire Service",
    "ORG-PROBATION": "West Midlands Probation Service",
    "ORG-DUDLEY-YOS": "Youth Offending Services",
}
OPTIONS = {"org": tuple(ORGS)}

# The 11 standards of the audit tool, as the 2011-12 report lists them (Section 11 audits
# and Appendix 4), with short names for chart labels.
STANDARDS = {
    "1": ("Senior management commitment",
          "Senior management commitment to the importance of safeguarding children"),
    "2": ("Statement of responsibilities",
          "A clear statement of the agency's responsibilities towards children available to "
          "staff"),
    "3": ("Line of accountability",
          "A clear line of accountability within the organisation for work on safeguarding "
          "and promoting the welfare of children"),
    "4": ("Services take account of safeguarding",
          "Service development takes account of the need to safeguard and promote welfare"),
    "5": ("Services shaped by children's views",
          "Service development is informed by the views of children and families"),
    "6": ("Case decisions shaped by children's views",
          "Individual case decisions are informed by the views of children and families"),
    "7": ("Joint working: sharing with service users",
          "Effective inter-agency working enabling information sharing to service users"),
    "8": ("Staff training",
          "Staff training on safeguarding and promoting the welfare of children for all staff "
          "working with or in contact with children and families"),
    "9": ("Safe recruitment", "Safe recruitment"),
    "10": ("Joint working to safeguard children",
           "Effective inter-agency working to safeguard and promote the welfare of children"),
    "11": ("Joint working and information sharing",
           "Effective inter-agency working and information sharing in order to ensure "
           "safeguarding and promoting children's welfare"),
}
SERIES_WORDS = {"section11_standard_highest": "Highest", "section11_standard_average": "Average",
                "section11_standard_lowest": "Lowest"}
ALL_ORGS = "Average of all organisations"
OVERALL = "Overall"


def _label(standard: str) -> str:
    return f"{standard}. {STANDARDS[standard][0]}" if standard in STANDARDS else standard


def _standards(rows: pd.DataFrame) -> list[str]:
    """Standard numbers in the data, in numeric order."""
    return sorted(rows["breakdown_value"].unique(), key=lambda s: (len(s), s))


def _short(standard: str) -> str:
    return STANDARDS[standard][0] if standard in STANDARDS else f"standard {standard}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _side_bars(fig):
    """Horizontal grouped bars: every standard labelled, legend in the order the bars stand,
    and no axis title (the unit is in the subtitle and on the ticks)."""
    fig.update_yaxes(tickmode="linear", dtick=1)
    fig.update_xaxes(title=None)
    fig.update_layout(legend={"traceorder": "reversed"})
    return fig


def _band_words(band: tuple) -> str:
    return band[2].split()[0].lower()


def _key_note() -> str:
    return "Standards: " + "; ".join(f"{n} {short}" for n, (short, _) in STANDARDS.items()) + "."


def _flags() -> pd.DataFrame:
    try:
        flags = data.flags()
    except data.DataUnavailable:
        return pd.DataFrame(columns=["dataset", "measure"])
    return flags[flags["dataset"] == DATASET]


def _average_flags_note(short: bool = False) -> str | None:
    """Say where the published averages per standard disagree with the scores."""
    flags = _flags()
    flags = flags[flags["measure"] == "section11_standard_average"]
    if flags.empty:
        return None
    worst = flags.loc[flags["difference"].abs().idxmax()]
    text = (f"The report's averages do not match the organisations' scores for "
            f"{len(flags)} of the {len(STANDARDS)} standards, by up to "
            f"{fmt.number(abs(worst['difference']))} percentage points")
    if short:
        return text + ". The printed averages are shown."
    return (f"{text} (standard {worst['breakdown_value']}: printed "
            f"{fmt.short(worst['published'], 'percent')}, but the scores average "
            f"{fmt.short(round(worst['expected'], 1), 'percent')}). The report does not say "
            "why. The printed averages are shown.")


def _org_flag(code: str) -> pd.Series | None:
    flags = _flags()
    hit = flags[(flags["measure"] == "section11_org_average") & (flags["area_code"] == code)]
    return None if hit.empty else hit.iloc[0]


@chart("section-11-grid", PAGE, "Scores by organisation and standard")
def s11_grid(state: dict) -> ChartResult:
    rows = data.select(DATASET, "section11_score", breakdown="standard")
    columns = _standards(rows)
    matrix = rows.pivot(index="area_name", columns="breakdown_value", values="value")
    matrix = matrix.reindex(columns=columns)
    matrix = matrix.loc[matrix.mean(axis=1).sort_values(ascending=False).index]
    fig = figures.banded_heatmap(matrix, height=600)
    # Room on the right for the grade key (kept in exports too); the standards are named
    # in the subtitle instead of an axis title that would crowd it in exports.
    fig.update_traces(textfont_size=11)
    fig.update_layout(margin={"r": 190})
    fig.update_xaxes(title=None)
    scored = rows.dropna(subset=["value"])
    bands = theme.S11_BANDS
    counts = [int(((scored["value"] >= lo) & (scored["value"] < hi)).sum())
              for lo, hi, _, _ in bands]
    parts = [f"{n} {_band_words(b)}" for n, b in zip(reversed(counts), reversed(bands),
                                                       strict=True) if n]
    if parts:
        number, word = parts[0].split(" ", 1)
        parts[0] = f"{number} were {word}"
    none = [_band_words(b) for n, b in zip(counts, bands, strict=True) if not n]
    listed = (", ".join(parts[:-1]) + " and " + parts[-1]) if len(parts) > 1 else "".join(parts)
    title = (f"Of {len(scored)} scores, {listed}"
             + (f"; none was {' or '.join(none)}" if none else ""))
    low = scored[scored["value"] < bands[1][1]]
    if not low.empty:
        per = low.groupby("breakdown_value").size()
        per = per[per == per.max()]
        which = _standards(pd.DataFrame({"breakdown_value": per.index}))
        named = " and ".join(f"standard {n} ({_short(n).lower()})" for n in which)
        title += (f". {named[0].upper()}{named[1:]} had the most scores below "
                  f"{_band_words(bands[2])} ({per.max()}"
                  f"{' each' if len(which) > 1 else ''})")
    notes = [_key_note()]
    gaps = rows[rows["value"].isna()]
    if not gaps.empty:
        where = "; ".join(f"{org}: standard{'s' if len(g) > 1 else ''} "
                          + ", ".join(_standards(g))
                          for org, g in gaps.groupby("area_name"))
        notes.append(f"'No score': the report prints none ({where}). These are gaps, not "
                     "zeros.")
    cut = ", ".join(f"{_band_words(b)} under {fmt.short(b[1], 'percent')}"
                    for b in bands[:-1])
    notes.append("Each score averages several criteria graded 25%, 50%, 75% or 100% (so "
                 f"single red criteria do not show), and is coloured by its nearest grade: {cut}"
                 f", green {fmt.short(bands[-1][0], 'percent')} or more.")
    return ChartResult(fig, rows, title,
                       f"Compliance score (%) on standards 1 to 11, {matrix.shape[0]} partner "
                       f"organisations, highest average first, {periods_of(rows)}",
                       source_of(rows), notes)


def _first(rows: pd.DataFrame, measure: str) -> float | None:
    pick = rows[rows["measure"] == measure].dropna(subset=["value"])
    return None if pick.empty else float(pick["value"].iloc[0])


@chart("section-11-standards", PAGE, "Highest, lowest and average by standard")
def s11_standards(state: dict) -> ChartResult:
    rows = data.select(DATASET, list(SERIES_WORDS), breakdown="standard")
    order = [_label(s) for s in _standards(rows)]
    shown = rows.assign(standard=rows["breakdown_value"].map(_label),
                        series=rows["measure"].map(SERIES_WORDS))
    shown["series"] = pd.Categorical(shown["series"], ["Lowest", "Average", "Highest"],
                                     ordered=True)
    shown = shown.sort_values("series")
    fig = _side_bars(figures.bars(shown, category="standard", series="series",
                                  horizontal=True, category_order=order, height=820))
    averages = rows[rows["measure"] == "section11_standard_average"].dropna(subset=["value"])
    if averages.empty:
        title = "No published averages for the Section 11 standards"
    else:
        ranked = averages.sort_values("value")
        low, high = ranked.iloc[0], ranked.iloc[-1]
        title = (f"Standard {high['breakdown_value']} "
                 f"({_short(high['breakdown_value']).lower()}) had the "
                 f"highest average score ({fmt.value(high['value'], high['unit'])}) and "
                 f"standard {low['breakdown_value']} "
                 f"({_short(low['breakdown_value']).lower()}) the lowest "
                 f"({fmt.value(low['value'], low['unit'])})")
    notes = [n for n in [_average_flags_note()] if n]
    return ChartResult(fig, rows, title,
                       f"Compliance score (%) across the audited organisations, "
                       f"{periods_of(rows)}", source_of(rows), notes)


@chart("section-11-org", PAGE, "One organisation against the average", options=OPTIONS)
def s11_org(state: dict) -> ChartResult:
    code = ORGS[state["org"]]
    scores = data.select(DATASET, "section11_score", areas=[code], breakdown="standard")
    averages = data.select(DATASET, "section11_standard_average", areas=[DUDLEY],
                           breakdown="standard")
    overall = data.select(DATASET, "section11_org_average", areas=[code])
    everyone = data.select(DATASET, "section11_overall_average", areas=[DUDLEY])
    name = ORG_NAMES[code] if scores.empty else scores["area_name"].iloc[0]
    rows = pd.concat([scores, overall, averages, everyone], ignore_index=True)
    shown = rows.assign(
        standard=rows["breakdown_value"].map(lambda s: OVERALL if s == "Total" else _label(s)),
        series=rows["area_code"].map(lambda c: name if c == code else ALL_ORGS))
    order = [_label(s) for s in _standards(pd.concat([scores, averages]))] + [OVERALL]
    fig = _side_bars(figures.bars(shown, category="standard", series="series",
                                  horizontal=True, category_order=order, height=720))
    pair = scores.merge(averages, on="breakdown_value", suffixes=("", "_avg"))
    pair = pair.dropna(subset=["value", "value_avg"])
    above = int((pair["value"] > pair["value_avg"]).sum())
    below = int((pair["value"] < pair["value_avg"]).sum())
    level = len(pair) - above - below
    title = f"{name} scored above the average on {above} of the {len(pair)} standards"
    if len(pair) < len(STANDARDS):
        title += " it was scored on"
    extra = [f"below on {below}" if below else "", f"level on {level}" if level else ""]
    extra = [e for e in extra if e]
    if extra:
        title += " (" + ", ".join(extra) + ")"
    mine, all_orgs = _first(overall, "section11_org_average"), _first(
        everyone, "section11_overall_average")
    if mine is not None and all_orgs is not None:
        versus = ("the same as all organisations" if mine == all_orgs else
                  f"against {fmt.short(all_orgs, 'score_percent')} for all organisations")
        title += f"; overall {fmt.short(mine, 'score_percent')}, {versus}"
    notes = []
    missing = scores[scores["value"].isna()]
    if not missing.empty:
        numbers = _standards(missing)
        notes.append(f"The report prints no score for {name} on standard"
                     f"{'s' if len(numbers) > 1 else ''} {', '.join(numbers[:-1])}"
                     f"{' and ' if len(numbers) > 1 else ''}{numbers[-1]}, so no bar is "
                     "drawn there.")
    flag = _org_flag(code)
    if flag is not None:
        notes.append(f"The report prints {_possessive(name)} overall score as "
                     f"{fmt.short(flag['published'], 'percent')}, but the average of its "
                     f"printed scores is {fmt.short(round(flag['expected'], 1), 'percent')}. "
                     "The report does not say why; the printed figure is shown.")
    notes.append("'Overall' for all organisations is the report's average over every "
                 "criterion, not an average of the organisations' overall scores.")
    flags_note = _average_flags_note(short=True)
    if flags_note:
        notes.append(flags_note)
    return ChartResult(fig, rows, title,
                       f"Compliance score (%), {name} and all audited organisations, "
                       f"{periods_of(rows)}", source_of(rows), notes)


def _summary() -> list[str]:
    try:
        rows = data.select(DATASET, ["section11_overall_average", "section11_criteria",
                                  "section11_standards_with_full_score",
                                  "section11_red_criteria",
                                  "section11_orgs_with_red_criteria"])
        orgs = data.select(DATASET, "section11_org_average")
    except data.DataUnavailable:
        return []
    lines = []
    average, criteria = (_first(rows, "section11_overall_average"),
                         _first(rows, "section11_criteria"))
    period = periods_of(rows)
    if average is not None:
        where = f" on {fmt.number(criteria)} criteria" if criteria is not None else ""
        lines.append(f"{orgs['area_code'].nunique()} partner organisations audited themselves"
                     f"{where} in {period}. Their average compliance score was "
                     f"{fmt.short(average, 'score_percent')}.")
    full = _first(rows, "section11_standards_with_full_score")
    if full is not None:
        lines.append(f"At least one organisation scored 100% on {fmt.number(full)} of the "
                     f"{len(STANDARDS)} standards.")
    ranked = orgs.dropna(subset=["value"]).sort_values("value")
    if not ranked.empty:
        top = ranked.iloc[-1]
        lines.append(f"{top['area_name']} had the highest overall score "
                     f"({fmt.short(top['value'], 'score_percent')}).")
    red, red_orgs = (_first(rows, "section11_red_criteria"),
                     _first(rows, "section11_orgs_with_red_criteria"))
    if red is not None and red_orgs is not None:
        lines.append(f"{fmt.number(red)} criteria were scored red (25%), in "
                     f"{fmt.number(red_orgs)} organisations.")
    flags = _flags()
    n_std = int((flags["measure"] == "section11_standard_average").sum())
    org_flags = flags[flags["measure"] == "section11_org_average"]
    wrong = []
    if n_std:
        wrong.append(f"the averages for {n_std} of the {len(STANDARDS)} standards")
    if not org_flags.empty:
        wrong.append(" and ".join(f"{_possessive(n)} overall score"
                                  for n in org_flags["area_name"]))
    if wrong:
        lines.append("Some printed figures do not match the scores beside them: "
                     + " and ".join(wrong) + ". The charts say where.")
    return lines


def _standards_list() -> html.Details:
    return html.Details([
        html.Summary("The 11 standards in full"),
        html.Ol([html.Li(full) for _, full in STANDARDS.values()], className="standards"),
    ], className="standards-list", open=True)


def layout(**query) -> html.Div:
    state = state_from_query(query, OPTIONS)
    choices = [(slug, ORG_NAMES[code]) for slug, code in ORGS.items()]
    controls = [radio("section-11-organisation", "Organisation to compare with the average", choices,
                      state["org"])]
    page = page_layout(PAGE, "Section 11 audit",
                       "In 2011-12 partner organisations checked themselves against the 11 "
                       "standards of Section 11 of the Children Act 2004: their duty to "
                       "safeguard and promote the welfare of children. Higher scores mean "
                       "more fully met.", state, controls, _summary())
    children = list(page.children)
    first_card = next((i for i, c in enumerate(children)
                       if getattr(c, "className", None) == "slot"), len(children))
    children.insert(first_card, _standards_list())
    page.children = children
    return page


interactive(PAGE, {"org": "section-11-organisation"})
