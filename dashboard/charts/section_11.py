"""Section 11 audit: how partner organisations scored themselves against the standards.
Organisations, names, period and standards come from the partnership's own report tables;
without a Section 11 audit in them, each chart says so (``DataUnavailable``) instead."""

from __future__ import annotations

import re
from enum import StrEnum

import pandas as pd

from dashboard import figures, store
from dashboard.charts.registry import ChartResult, chart, periods_of, reports, source_of
from dashboard.figures import theme
from dashboard.ids import Page
from dashboard.words import format as fmt

PAGE = Page.SECTION_11
DATASET = "section11"  # the annual reports' tables on this theme
reports(PAGE, DATASET)
ORGANISATION_LEVEL = "organisation"  # geographic_level of the audited organisations
NO_ORGANISATION = "none"  # the only choice when the data has no organisations


class Ids(StrEnum):
    GRID = "section-11-grid"
    STANDARDS = "section-11-standards"
    ORG = "section-11-org"
    ORGANISATION = "section-11-organisation"


# The standards of the Section 11 audit tool (Children Act 2004), with short names for
# chart labels: reference wording, the same whichever partnership used the tool.
STANDARDS = {
    "1": ("Senior management commitment",
          "Senior management commitment to the importance of safeguarding children"),
    "2": ("Statement of responsibilities", "A clear statement of the agency's "
          "responsibilities towards children available to staff"),
    "3": ("Line of accountability", "A clear line of accountability within the organisation "
          "for work on safeguarding and promoting the welfare of children"),
    "4": ("Services take account of safeguarding",
          "Service development takes account of the need to safeguard and promote welfare"),
    "5": ("Services shaped by children's views",
          "Service development is informed by the views of children and families"),
    "6": ("Case decisions shaped by children's views",
          "Individual case decisions are informed by the views of children and families"),
    "7": ("Joint working: sharing with service users",
          "Effective inter-agency working enabling information sharing to service users"),
    "8": ("Staff training", "Staff training on safeguarding and promoting the welfare of "
          "children for all staff working with or in contact with children and families"),
    "9": ("Safe recruitment", "Safe recruitment"),
    "10": ("Joint working to safeguard children",
           "Effective inter-agency working to safeguard and promote the welfare of children"),
    "11": ("Joint working and information sharing", "Effective inter-agency working and "
           "information sharing in order to ensure safeguarding and promoting children's "
           "welfare"),
}
SERIES_WORDS = {"section11_standard_highest": "Highest", "section11_standard_average": "Average",
                "section11_standard_lowest": "Lowest"}
ALL_ORGS = "Average of all organisations"
OVERALL = "Overall"


def _audit() -> pd.DataFrame:
    """Every row of the partnership's latest Section 11 audit (none when its reports have
    no audit)."""
    rows = store.own_reports(store.dataset(DATASET))
    return rows[rows["period_start"] == rows["period_start"].max()]


def _select(measures: str | list[str], **options) -> pd.DataFrame:
    """``store.select`` on this theme, the latest audit only; ``DataUnavailable`` when the
    partnership's reports have no Section 11 audit."""
    audit = _audit()
    if audit.empty:
        raise store.DataUnavailable(f"no Section 11 audit from {store.profile().name}'s "
                                    "annual reports is in the data")
    rows = store.select(DATASET, measures, **options)
    return rows[rows["period_start"] == audit["period_start"].iloc[0]].reset_index(drop=True)


def audit_period() -> str | None:
    """The period of the latest audit in words (``in 2011-12``), or None."""
    try:
        first = _audit().iloc[0]
    except (store.DataUnavailable, IndexError):
        return None
    return fmt.period_words(str(first["period"]), str(first["period_type"]))


def _slug(code: str) -> str:
    """``ORG-DUDLEY-YOS`` → ``dudley-yos``: the organisation's choice value in links."""
    text = code.removeprefix("ORG-").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "organisation"


def organisations() -> dict[str, tuple[str, str]]:
    """Choice value → (area code, name) of every organisation in the partnership's latest
    audit, in order of name (the first is the default)."""
    try:
        audit = _audit()
    except store.DataUnavailable:
        return {}
    orgs = audit[audit["geographic_level"] == ORGANISATION_LEVEL]
    orgs = orgs.drop_duplicates("area_code").sort_values(["area_name", "area_code"])
    out: dict[str, tuple[str, str]] = {}
    for code, name in zip(orgs["area_code"], orgs["area_name"], strict=True):
        slug = _slug(str(code))
        while slug in out:
            slug += "-1"
        out[slug] = (str(code), str(name))
    return out


def organisation_choices() -> tuple[str, ...]:
    """The organisation choice's values, from the data (never empty)."""
    return tuple(organisations()) or (NO_ORGANISATION,)


def _label(standard: str) -> str:
    return f"{standard}. {STANDARDS[standard][0]}" if standard in STANDARDS else standard


def _standards(rows: pd.DataFrame) -> list[str]:
    """Standard numbers in the data, in numeric order."""
    return sorted(rows["breakdown_value"].unique(), key=lambda s: (len(s), s))


def standard_numbers() -> list[str]:
    """The standards the latest audit scored (none when there is no audit)."""
    try:
        rows = _select("section11_score", breakdown="standard")
    except store.DataUnavailable:
        return []
    return _standards(rows)


def _short(standard: str) -> str:
    return STANDARDS[standard][0] if standard in STANDARDS else f"standard {standard}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _side_bars(fig):
    """Horizontal bars: every standard labelled, legend in bar order, no axis title."""
    fig.update_yaxes(tickmode="linear", dtick=1)
    fig.update_xaxes(title=None)
    fig.update_layout(legend={"traceorder": "reversed"})
    return fig


def _band_words(band: tuple) -> str:
    return band[2].split()[0].lower()


def _flags() -> pd.DataFrame:
    """The validation flags on the partnership's own figures of its latest audit."""
    try:
        flags = store.flags()
        audit = _audit()
    except store.DataUnavailable:
        return pd.DataFrame(columns=["measure", "area_code", "area_name", "difference"])
    flags = flags[flags["dataset"] == DATASET]
    keys = set(zip(audit["measure"], audit["area_code"], audit["period"],
                   audit["breakdown_value"], strict=True))
    mine = [key in keys for key in zip(flags["measure"], flags["area_code"], flags["period"],
                                       flags["breakdown_value"], strict=True)]
    return flags[mine]


def _average_flags_note(count: int, short: bool = False) -> str | None:
    """Say where the published averages per standard disagree with the scores."""
    flags = _flags()
    flags = flags[flags["measure"] == "section11_standard_average"]
    if flags.empty:
        return None
    worst = flags.loc[flags["difference"].abs().idxmax()]
    text = (f"The report's averages do not match the organisations' scores for "
            f"{len(flags)} of the {count} standards, by up to "
            f"{fmt.number(abs(worst['difference']))} percentage points")
    if short:
        return text + ". The printed averages are shown."
    return (f"{text} (standard {worst['breakdown_value']}: printed "
            f"{fmt.short(worst['published'], 'percent')}, but the scores average "
            f"{fmt.short(round(worst['expected'], 1), 'percent')}). The report does not say "
            "why. The printed averages are shown.")


def _grid_title(scored: pd.DataFrame) -> str:
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
    return title


@chart(Ids.GRID, PAGE, "Scores by organisation and standard")
def grid(state: dict) -> ChartResult:
    rows = _select("section11_score", breakdown="standard")
    if rows.empty:
        raise store.DataUnavailable("the Section 11 audit in the data has no scores")
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
    notes = ["Standards: " + "; ".join(f"{n} {_short(n)}" for n in columns) + "."]
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
    return ChartResult(fig, rows, _grid_title(scored),
                       f"Compliance score (%) on standards {columns[0]} to {columns[-1]}, "
                       f"{matrix.shape[0]} partner organisations, highest average first, "
                       f"{periods_of(rows)}", source_of(rows), notes)


def _first(rows: pd.DataFrame, measure: str) -> float | None:
    pick = rows[rows["measure"] == measure].dropna(subset=["value"])
    return None if pick.empty else float(pick["value"].iloc[0])


@chart(Ids.STANDARDS, PAGE, "Highest, lowest and average by standard")
def standards(state: dict) -> ChartResult:
    rows = _select(list(SERIES_WORDS), breakdown="standard")
    numbers = _standards(rows)
    order = [_label(s) for s in numbers]
    shown = rows.assign(standard=rows["breakdown_value"].map(_label),
                        series=rows["measure"].map(SERIES_WORDS), role="")
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
    notes = [n for n in [_average_flags_note(len(numbers))] if n]
    return ChartResult(fig, rows, title,
                       f"Compliance score (%) across the audited organisations, "
                       f"{periods_of(rows)}", source_of(rows), notes)


def _org_title(name: str, scores: pd.DataFrame, averages: pd.DataFrame, overall, everyone
               ) -> str:
    pair = scores.merge(averages, on="breakdown_value", suffixes=("", "_avg"))
    pair = pair.dropna(subset=["value", "value_avg"])
    above = int((pair["value"] > pair["value_avg"]).sum())
    below = int((pair["value"] < pair["value_avg"]).sum())
    level = len(pair) - above - below
    title = f"{name} scored above the average on {above} of the {len(pair)} standards"
    if len(pair) < len(_standards(pd.concat([scores, averages]))):
        title += " it was scored on"
    extra = [f"below on {below}" if below else "", f"level on {level}" if level else ""]
    extra = [e for e in extra if e]
    if extra:
        title += " (" + ", ".join(extra) + ")"
    mine = _first(overall, "section11_org_average")
    all_orgs = _first(everyone, "section11_overall_average")
    if mine is not None and all_orgs is not None:
        versus = ("the same as all organisations" if mine == all_orgs else
                  f"against {fmt.short(all_orgs, 'score_percent')} for all organisations")
        title += f"; overall {fmt.short(mine, 'score_percent')}, {versus}"
    return title


@chart(Ids.ORG, PAGE, "One organisation against the average",
       options={"org": organisation_choices})
def organisation(state: dict) -> ChartResult:
    me = store.profile()
    code, name = organisations().get(state["org"], ("", ""))
    scores = _select("section11_score", areas=[code], breakdown="standard")
    averages = _select("section11_standard_average", areas=[me.code], breakdown="standard")
    overall = _select("section11_org_average", areas=[code])
    everyone = _select("section11_overall_average", areas=[me.code])
    rows = pd.concat([scores, overall, averages, everyone], ignore_index=True)
    shown = rows.assign(
        standard=rows["breakdown_value"].map(lambda s: OVERALL if s == "Total" else _label(s)),
        series=rows["area_code"].map(lambda c: name if c == code else ALL_ORGS), role="")
    order = [_label(s) for s in _standards(pd.concat([scores, averages]))] + [OVERALL]
    fig = _side_bars(figures.bars(shown, category="standard", series="series",
                                  horizontal=True, category_order=order, height=720))
    notes = []
    missing = scores[scores["value"].isna()]
    if not missing.empty:
        numbers = _standards(missing)
        notes.append(f"The report prints no score for {name} on standard"
                     f"{'s' if len(numbers) > 1 else ''} {', '.join(numbers[:-1])}"
                     f"{' and ' if len(numbers) > 1 else ''}{numbers[-1]}, so no bar is "
                     "drawn there.")
    flags = _flags()
    for _, flag in flags[(flags["measure"] == "section11_org_average")
                         & (flags["area_code"] == code)].head(1).iterrows():
        notes.append(f"The report prints {_possessive(name)} overall score as "
                     f"{fmt.short(flag['published'], 'percent')}, but the average of its "
                     f"printed scores is {fmt.short(round(flag['expected'], 1), 'percent')}. "
                     "The report does not say why; the printed figure is shown.")
    notes.append("'Overall' for all organisations is the report's average over every "
                 "criterion, not an average of the organisations' overall scores.")
    flags_note = _average_flags_note(len(_standards(averages)), short=True)
    if flags_note:
        notes.append(flags_note)
    return ChartResult(fig, rows, _org_title(name, scores, averages, overall, everyone),
                       f"Compliance score (%), {name} and all audited organisations, "
                       f"{periods_of(rows)}", source_of(rows), notes)


def summary() -> list[str]:
    """The page's findings in brief, from the latest audit's figures."""
    try:
        rows = _select(["section11_overall_average", "section11_criteria",
                        "section11_standards_with_full_score", "section11_red_criteria",
                        "section11_orgs_with_red_criteria"])
        orgs = _select("section11_org_average")
    except store.DataUnavailable:
        return []
    count, lines = len(standard_numbers()), []
    average, criteria = (_first(rows, "section11_overall_average"),
                         _first(rows, "section11_criteria"))
    if average is not None:
        where = f" on {fmt.number(criteria)} criteria" if criteria is not None else ""
        lines.append(f"{orgs['area_code'].nunique()} partner organisations audited themselves"
                     f"{where} in {periods_of(rows)}. Their average compliance score was "
                     f"{fmt.short(average, 'score_percent')}.")
    full = _first(rows, "section11_standards_with_full_score")
    if full is not None:
        lines.append(f"At least one organisation scored 100% on {fmt.number(full)} of the "
                     f"{count} standards.")
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
    wrong = [f"the averages for {n_std} of the {count} standards"] if n_std else []
    if not org_flags.empty:
        wrong.append(" and ".join(f"{_possessive(n)} overall score"
                                  for n in org_flags["area_name"]))
    if wrong:
        lines.append("Some printed figures do not match the scores beside them: "
                     + " and ".join(wrong) + ". The charts say where.")
    return lines
