"""The system on one page: in the latest year, how many children per 10,000 reached each
step of children's social care, from a referral to starting to be looked after, for the
authority against England, from the official statistics, with the levels of need that
the steps belong to.

The steps, the levels of need and their words are data (``overview.toml``); this module
registers the chart that draws them (``register``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import figures, store
from dashboard.charts.registry import ChartResult, chart
from dashboard.store.official import RATE_NOTE
from dashboard.words import format as fmt

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten"}
ROLE_ORDER = {"authority": 0, "england": 1}


@dataclass(frozen=True)
class Step:
    """One step: its name, and the dataset of its rate per 10,000 and of its count."""

    name: str
    dataset: str
    rate: str
    count: str


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    words: str


@dataclass(frozen=True)
class Continuum:
    """The levels of need, the level every step belongs to, and the words about them: the
    chart's note says ``before``; the page also prints each level's words and
    ``domestic_abuse`` (how police reports of domestic abuse are often graded)."""

    levels: tuple[Level, ...]
    statutory: int
    before: str
    domestic_abuse: str
    no_further_action: tuple[str, str]  # (dataset, measure) quoted in the note

    def key(self) -> list[str]:
        """The key drawn on the chart: a heading, then one line per level."""
        return ["Levels of need", *(f"{lv.number} {lv.name}" + (
            ": every step here" if lv.number == self.statutory else "") for lv in self.levels)]

    def note(self) -> str:
        """``Every step is level 4 of the four levels of need …``: the chart's note."""
        levels = "; ".join(f"{lv.number} {lower_first(lv.name)}" for lv in self.levels)
        return (f"Every step is level {self.statutory} of the {_count(len(self.levels))} "
                f"levels of need that partnerships use ({levels}). {self.before}")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _count(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


def latest_rows(steps: tuple[Step, ...]) -> pd.DataFrame:
    """Each step's rate and count for the authority and England, in the latest year the
    authority has a rate for any step (years are matched by the day they end, so that a
    count on 31 March goes with the year that ends then). One row per step, area and
    measure, in the order of the steps, the authority first and each rate before its
    count; ``step`` names the step. Raises ``DataUnavailable`` when there is none."""
    me = store.profile()
    areas = [me.code, me.england.code]
    frames = []
    for i, step in enumerate(steps):
        rows = store.select(step.dataset, [step.rate, step.count], areas=areas)
        frames.append(rows.assign(step=step.name, _step=i,
                                  _kind=(rows["measure"] == step.count).astype(int)))
    every = pd.concat(frames, ignore_index=True)
    rates = {s.rate for s in steps}
    mine = every[(every["role"] == "authority") & every["measure"].isin(rates)
                 & every["value"].notna()]
    if mine.empty:
        raise store.DataUnavailable(f"no official figures for {me.name} have been imported")
    at = every[every["period_end"] == mine["period_end"].max()]
    at = at.assign(_role=at["role"].map(ROLE_ORDER).fillna(len(ROLE_ORDER)))
    return at.sort_values(["_step", "_role", "_kind"], kind="stable") \
        .drop(columns=["_step", "_role", "_kind"]).reset_index(drop=True)


def drawn(rows: pd.DataFrame, steps: tuple[Step, ...]) -> pd.DataFrame:
    """One row per step and area: the rate as ``value``, with its ``count``."""
    rates = rows[rows["measure"].isin({s.rate for s in steps})]
    counts = rows[rows["measure"].isin({s.count for s in steps})]
    count = counts.set_index(["step", "area_code"])["value"]
    keys = list(zip(rates["step"], rates["area_code"], strict=True))
    return rates.assign(count=[count.get(k) for k in keys])[
        ["step", "area_name", "role", "value", "count", "status", "period", "period_type"]]


def finding(frame: pd.DataFrame, steps: tuple[Step, ...]) -> str:
    """``below England's rate at every step`` or ``below England's rate at three of the
    six steps and above it at three``: the authority's rates against England's."""
    ours = frame[frame["role"] == "authority"].set_index("step")["value"]
    theirs = frame[frame["role"] == "england"].set_index("step")["value"]
    both = [(ours[s.name], theirs[s.name]) for s in steps
            if s.name in ours.index and s.name in theirs.index
            and pd.notna(ours[s.name]) and pd.notna(theirs[s.name])]
    if not both:
        return "no step has figures for both to compare"
    below = sum(a < b for a, b in both)
    above = sum(a > b for a, b in both)
    total = len(both)
    if below == total or above == total:
        side = "below" if below else "above"
        return f"{side} England's rate at every step"
    parts = []
    if below:
        parts.append(f"below England's rate at {_count(below)} of the {_count(total)} steps")
    if above:
        parts.append(f"above it at {_count(above)}" if parts else
                     f"above England's rate at {_count(above)} of the {_count(total)} steps")
    same = total - below - above
    if same:
        parts.append(f"the same at {_count(same)}")
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]


def counting_note(frame: pd.DataFrame) -> str:
    snapshots = frame.loc[frame["period_type"] == "snapshot", "step"].drop_duplicates()
    when = f" ({', '.join(lower_first(s) for s in snapshots)})" if len(snapshots) else ""
    return (f"Each step is counted on its own for the year{when}, not as one group of "
            "children followed through, so a later bar can be longer than an earlier one.")


def built(steps: tuple[Step, ...]) -> tuple[tuple[Step, ...], tuple[Step, ...]]:
    """The steps whose dataset this build has, and those whose release was never imported
    (a step is left out then, and the note says so; a dataset that was built but cannot be
    read now still stops the chart with its message)."""
    datasets = set(store.build_info().get("datasets", {}))
    return (tuple(s for s in steps if s.dataset in datasets),
            tuple(s for s in steps if s.dataset not in datasets))


def referrals_note(continuum: Continuum, end, missing: tuple[Step, ...]) -> str | None:
    """The steps left out because no release counts them, and the share of referrals
    closed at once (with no further action)."""
    me = store.profile()
    text = ""
    if missing:
        names = ", ".join(lower_first(s.name) for s in missing)
        text = f"Not shown, because no release that counts them has been imported: {names}."
    dataset, measure = continuum.no_further_action
    try:
        rows = store.select(dataset, measure, areas=[me.code, me.england.code])
    except store.DataUnavailable:
        return text or None
    rows = rows[rows["period_end"] == end]
    said = {}
    for role in ("authority", "england"):
        row = rows[rows["role"] == role]
        if not row.empty:
            said[role] = fmt.value(row["value"].iloc[0], "percent", row["status"].iloc[0])
    if len(said) == 2:
        text += (f" Referrals closed with no further action that year: {said['authority']} "
                 f"in {me.name}, {said['england']} in {me.england.name}.")
    return text.strip() or None


def gaps_note(frame: pd.DataFrame, steps: tuple[Step, ...]) -> str | None:
    """The steps with no figure for the authority that year, and why (its GSS status)."""
    mine = frame[frame["role"] == "authority"].set_index("step")
    gaps = [f"{lower_first(s.name)} ({fmt.value(None, 'count', mine['status'].get(s.name))})"
            for s in steps if pd.isna(mine["value"].get(s.name))]
    return f"No figure for {store.profile().name} that year: {'; '.join(gaps)}." if gaps \
        else None


def release_sources(datasets: list[str]) -> list[str]:
    """The publications the steps come from, once each, in the order of the steps (each row
    of the table view names its own file)."""
    tables = store.tables()
    titles = tables[tables["dataset"].isin(datasets)].assign(
        _order=lambda t: t["dataset"].map({d: i for i, d in enumerate(datasets)}))
    found = titles.sort_values("_order", kind="stable")["source_title"]
    return list(dict.fromkeys(found)) or ["Department for Education official statistics"]


def register(page: str, chart_id: str, name: str, steps: tuple[Step, ...],
             continuum: Continuum) -> None:
    """Register the chart of ``steps`` on ``page``."""

    @chart(chart_id, page, name, official=True)
    def build(state: dict) -> ChartResult:
        me = store.profile()
        shown, missing = built(steps)
        rows = latest_rows(shown)
        frame = drawn(rows, shown)
        fig = figures.steps(frame, [s.name for s in shown], continuum.key())
        first = rows.iloc[0]
        yearly = rows[rows["period_type"] != "snapshot"]
        basis = yearly.iloc[0] if not yearly.empty else first
        when = fmt.year_words(basis["period"], basis["period_type"], basis["period_end"])
        notes = [continuum.note(), counting_note(frame)]
        notes += [n for n in (referrals_note(continuum, first["period_end"], missing),
                              gaps_note(frame, shown)) if n]
        sources = release_sources([s.dataset for s in shown])
        return ChartResult(
            fig, rows, f"{me.name}, {when}: {finding(frame, shown)}",
            f"Children per 10,000 aged 0 to 17 at each step: {me.name} and "
            f"{me.england.name}, {when}",
            "; ".join([*sources, RATE_NOTE]), notes)
