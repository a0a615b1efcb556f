"""The benchmarking page's map: every authority in the region (or England) shaded by one
indicator, the configured authority outlined, counties drawn as the union of their
districts. ``dashboard.charts.benchmarking`` registers it on its page with ``register``
(this module never imports that one, so the two make no cycle)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard import figures, store
from dashboard.charts.registry import ChartResult, chart, periods_of
from dashboard.store import smallareas
from dashboard.words import format as fmt
from etl.geo import districts as boundaries
from etl.profile import Area

KEY_TITLES = {"rate_per_10000": "Per 10,000 children", "percent": "Percentage"}
MAP_TOLERANCE_M = {"region": 100, "england": 400}  # simplify more for all England
# How etl.geo.districts.match_districts drew an authority, in its own words.
SAME_CODE, COUNTY = "same code", "county: its districts"
COMPASS = {"North", "South", "East", "West"}  # regions named by it take "the"


def ordinal(n: int) -> str:
    """``2nd``, ``11th``, …; nothing for 1 (``the highest``)."""
    if n == 1:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def region_words(region: Area) -> str:
    """A region's name as it reads in a sentence: ``the North West``, ``London``."""
    return f"the {region.name}" if region.name.split()[0] in COMPASS else region.name


def names_in_words(codes: list[str], names: dict[str, str]) -> str:
    """Authorities' names as a list in words (semicolons when a name has a comma)."""
    listed = sorted(str(names.get(c, c)) for c in codes)
    if len(listed) < 2:
        return "".join(listed)
    comma = any("," in name for name in listed)
    return ("; " if comma else ", ").join(listed[:-1]) + f"{';' if comma else ''} and " \
        + listed[-1]


def boundary_source() -> str:
    """Where the boundaries come from, with the year of their district codes when known."""
    year = smallareas.district_year()
    return (f"boundaries: ONS local authority districts ({f'{year}, ' if year else ''}"
            "generalised); contains OS data © Crown copyright and database right")


def map_shapes(las: pd.DataFrame, scope: str) -> tuple[pd.DataFrame, boundaries.Match]:
    """The rings to draw for each authority in ``las``, each tagged with its ``area_code``."""
    geo = store.frame("geo_lad")
    try:
        lookup = store.frame("dfe_ltla_utla")
    except store.DataUnavailable:
        lookup = None
    match = boundaries.match_districts(las, geo, lookup)
    shapes = geo.merge(match.districts, on="lad_code", how="inner")
    return boundaries.at_tolerance(shapes, MAP_TOLERANCE_M[scope]), match


def _how_drawn(match: boundaries.Match, names: dict[str, str], region: bool) -> str | None:
    """Which authorities are drawn from other districts than their own, and how."""
    by_how = match.districts.drop_duplicates("area_code").groupby("how")["area_code"].apply(
        list).to_dict()
    counties = by_how.get(COUNTY, [])
    rebuilt = [c for how, codes in by_how.items() if how not in (SAME_CODE, COUNTY)
               for c in codes]
    drawn = []
    if counties:
        drawn.append(f"counties ({names_in_words(counties, names)}) as the union of their "
                     "districts" if region else f"the {len(counties)} counties as the union "
                     "of their districts")
    if rebuilt:
        year = smallareas.district_year()
        drawn.append(f"{names_in_words(rebuilt, names)} from the {f'{year} ' if year else ''}"
                     "districts they replaced")
    return "Drawn " + "; ".join(drawn) + "." if drawn else None


def register(page: str, chart_id: str, name: str, options: dict,
             series: Callable[[str], tuple[pd.DataFrame, pd.Series]],
             indicators: dict[str, tuple[str, str]]) -> None:
    """Add the map to ``page``: ``series(indicator)`` gives an indicator's rows (every area,
    with ``role``) and its measure; ``indicators`` its (dataset, measure)."""

    @chart(chart_id, page, name, options={"indicator": options["indicator"],
                                          "scope": options["scope"]}, official=True)
    def build(state: dict) -> ChartResult:
        rows, info = series(state["indicator"])
        return map_result(rows, info, state["scope"], store.release_source(
            indicators[state["indicator"]][0], info["unit"]))


def map_result(rows: pd.DataFrame, info: pd.Series, scope: str, source: str) -> ChartResult:
    """The map of one measure's latest figure for every authority (``rows``: every area,
    with ``role``) in the region (``scope`` ``region``) or England; ``source`` the
    release's source line (the boundaries' is added)."""
    me = store.profile()
    las = rows[rows["geographic_level"] == "local_authority"]
    mine = las[las["role"] == "authority"].dropna(subset=["value"])
    period_start = (mine if not mine.empty else las.dropna(subset=["value"]))[
        "period_start"].max()
    las = las[las["period_start"] == period_start]
    las = las[las["status"].ne("z").fillna(True)]  # "not applicable": gone by that year
    region = scope == "region" and me.region is not None
    if region:
        las = las[las["region_code"] == me.region.code]
    las = las.sort_values("area_name").reset_index(drop=True)
    shapes, match = map_shapes(las, scope)
    names = dict(zip(las["area_code"], las["area_name"], strict=True))
    unmatched = list(match.unmatched)
    on_map = f"Not drawn (no boundary for their code): " \
        f"{names_in_words(unmatched, names)}." if unmatched else None
    where = f"{me.region.name} authorities" if region else "authorities in England"
    unit = info["unit"]
    here = las[las["role"] == "authority"]
    highlight = here["area_code"].iloc[0] if len(here) else me.code
    fig = figures.polygon_map(shapes, las, highlight=highlight, unit=unit, labels=region,
                              legend_title=KEY_TITLES.get(unit, fmt.unit_label(unit)),
                              note=on_map, height=640 if region else 760,
                              decimals=4 if region else 3)
    edges = figures.class_breaks(las["value"])
    n = len(edges) - 1
    if here.empty or pd.isna(here["value"].iloc[0]):
        title = f"No figure for {me.name} in {periods_of(las)}: it is shaded as no data"
    else:
        row = here.iloc[0]
        band = figures.class_of(row["value"], edges)
        words = (f"the highest of {n} bands" if band == n - 1 else
                 f"the lowest of {n} bands" if band == 0 else
                 f"band {band + 1} of {n} (1 = lowest)")
        valued = las.dropna(subset=["value"])
        position = int((valued["value"] > row["value"]).sum()) + 1
        rank = f"{ordinal(position)} highest" if position > 1 else "highest"
        title = (f"{info['label']} {fmt.period_words(row['period'], row['period_type'])}: "
                 f"{row['area_name']} ({fmt.short(row['value'], unit)}) is in {words} "
                 f"and ranks {rank} of {len(valued)} {where}")
    blank = las.loc[las["value"].isna(), "area_code"].tolist()
    notes = [f"Shades are quantile bands of the {len(las) - len(blank)} {where} with a "
             "figure" + (f"; grey hatching: no figure published for "
                         f"{names_in_words(blank, names)}" if 0 < len(blank) <= 8 else
                         f"; grey hatching: no figure published for {len(blank)} "
                         "authorities" if blank else "") + "."]
    drawn = _how_drawn(match, names, region)
    if drawn:
        notes.append(drawn)
    notes.append(on_map or f"All {len(las)} {where} are drawn.")
    measure = info["label"] if fmt.unit_label(unit) in info["label"] else \
        f"{info['label']} ({fmt.unit_label(unit)})"
    return ChartResult(fig, las, title, f"{measure}, {periods_of(las)}, {where}",
                       f"{source}; {boundary_source()}", notes)
