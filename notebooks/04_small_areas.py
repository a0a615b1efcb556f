# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Small areas: do rates rise with deprivation?
#
# **The question.** Within the authority, are the rates of children who became
# children in need (or subject to a child protection plan, or looked after)
# higher in the small areas where more children live in income-deprived
# families? And how far can the published, suppressed small-area figures
# answer that?
#
# **The data it needs.** The ETL's small-area output: `smallarea.parquet`
# (counts and rates per LSOA, ward and the whole authority, with small counts
# suppressed) and the boundaries `geo/lsoa_<code>.parquet` and
# `geo/ward_<code>.parquet`, which carry each LSOA's deprivation (IDACI 2019)
# and number of children. The ETL makes them when the external folder
# (`SAFEGUARDING_EXTERNAL_DIR`) holds the LSOA boundaries (`boundaries/`) and
# the deprivation lookups (`imd/`); without them the notebook stops after the
# setup and says what is missing. The counts come from an extract of the case
# management system in `data/local/<code>/`; with none there the ETL counts a
# **synthetic sample** instead, and the notebook says so loudly.
#
# The authority is the one `etl.config.settings().authority` names: Dudley unless
# `SAFEGUARDING_AUTHORITY` gives another ONS code.

# %% [markdown]
# ## Setup
#
# The project is installed in its environment (`make run` or `make test` set up
# `.venv`), so `etl` and `dashboard` import from anywhere: choose `.venv/bin/python`
# as the kernel. Folders and the authority come from `etl.config.settings()`.

# %%
import json
from itertools import pairwise

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
from scipy.stats import spearmanr

from dashboard import figures
from dashboard.figures import choropleth as map_figures
from dashboard.store import smallareas
from dashboard.figures import theme
from etl import config
from etl.pipeline import run
from etl.smallareas.build import ready_authorities

PROCESSED = config.settings().processed_dir
EXTERNAL = config.settings().external_dir
AUTHORITY = config.settings().authority
MEASURE = "sa_children_in_need"  # or "sa_cp_plans_started", "sa_became_looked_after"
PERIOD = None  # None: the latest year; or a year such as "2022-23"
print("Processed data:", PROCESSED)
print("External folder:", EXTERNAL)

# %% [markdown]
# ## Are the small-area figures there?
#
# If the processed data already holds them for the authority, they are used as
# they are. If not, but the boundaries are in the external folder, the ETL is
# run to build them. If neither, the notebook stops here with a message.

# %% tags=["small-areas-check"]
class NotAvailable(Exception):
    """Stops "Run all" here with a plain message rather than a traceback."""

    def _render_traceback_(self):
        return [f"Stopped: {self}"]


def small_area_summary() -> dict | None:
    path = PROCESSED / "build.json"
    built = json.loads(path.read_text()) if path.is_file() else {}
    return built.get("small_areas", {}).get(AUTHORITY)


if small_area_summary() is None:
    if AUTHORITY not in ready_authorities(config.settings().raw_dir, EXTERNAL):
        raise NotAvailable(
            f"this notebook needs the small-area figures for {AUTHORITY}, and there are "
            f"no LSOA boundaries for it in {EXTERNAL / 'boundaries'}. Put the boundaries "
            "(boundaries/lsoa11_<district code>.geojson) and the deprivation lookups "
            "(imd/) in the external folder, as etl/smallarea.py describes and the "
            "README's 'Official statistics' section explains for that folder, or set "
            "SAFEGUARDING_EXTERNAL_DIR to the folder holding them; then run this "
            "notebook again.")
    print("Building the small areas with the ETL …")
    run(config.settings().raw_dir, PROCESSED, external=EXTERNAL)
summary = small_area_summary()
if summary is None:
    raise NotAvailable(f"the ETL built no small areas for {AUTHORITY}: check that it is "
                       "listed in data/raw/authorities.csv (see the README).")
print(f"Small areas found for {summary['authority']}: {summary['lsoas']} LSOAs, "
      f"{summary['wards']} wards, {', '.join(summary['periods'])}.")

# %% [markdown]
# ## Real figures or the synthetic sample?
#
# `build.json` records where the counts came from. Read this before anything else.

# %% tags=["synthetic-warning"]
SYNTHETIC = bool(summary["synthetic"])
print("Counts from:", summary["source"])
print("Denominator:", summary["denominator"])
if SYNTHETIC:
    print("\n" + "!" * 78 + "\n"
          "SYNTHETIC SAMPLE — NOT REAL DATA. No extract from the case management system\n"
          "was found, so the ETL counted made-up records. The generator deliberately makes\n"
          "rates rise with IDACI deprivation (etl/sample.py), so any gradient found below\n"
          "is the one it was built with: it proves nothing about real children.\n"
          + "!" * 78)
else:
    print("Real extract: the figures below are about real children (suppressed as published).")

# %% [markdown]
# ## The LSOAs and their figures
#
# The boundaries file has one row per LSOA with its deprivation (IDACI 2019: rank
# 1 is the most deprived of England's 32,844 LSOAs; decile 1 the most deprived
# tenth), its ward and its children aged 0–15. `smallarea.parquet` has a count
# and a rate per 10,000 children for each LSOA, ward and year; a suppressed cell
# (`status` "c") has no number at all.

# %%
lsoas = gpd.read_parquet(PROCESSED / "geo" / f"lsoa_{AUTHORITY}.parquet")
figures_sa = pd.read_parquet(PROCESSED / "smallarea.parquet")
figures_sa = figures_sa[figures_sa["authority_code"] == AUTHORITY]
PERIOD = PERIOD or max(summary["periods"])
label = (pd.read_parquet(PROCESSED / "measures.parquet")
         .set_index("measure").at[MEASURE, "label"])
print(f"{label}, {PERIOD}")


def wide(level: str, measure: str = MEASURE, period: str = PERIOD) -> pd.DataFrame:
    """One row per area: count, rate, status (c or none) and children."""
    rows = figures_sa[(figures_sa["geographic_level"] == level)
                      & (figures_sa["period"] == period)]
    count = rows[rows["measure"] == measure].set_index("area_code")
    rate = rows[rows["measure"] == measure + "_rate"].set_index("area_code")
    return pd.DataFrame({"count": count["value"], "rate": rate["value"],
                         "status": count["status"], "children": count["denominator"]})

# %% [markdown]
# Join the two on the LSOA code. Every LSOA should have a row, and the
# denominator the rates use should be the children in the boundaries file.

# %% tags=["joined"]
lsoa = lsoas.merge(wide("lsoa"), left_on="lsoa_code", right_index=True, how="left",
                   validate="one_to_one", suffixes=("", "_rates"))
published = lsoa[lsoa["status"] != "c"]
print(f"Joined {len(lsoa)} LSOAs: {len(published)} with a published rate, "
      f"{int((lsoa['status'] == 'c').sum())} suppressed, "
      f"{int(lsoa['children_rates'].isna().sum())} without a row.")
print("Same children in both files:", bool((lsoa["children"] == lsoa["children_rates"]).all()))

# %% [markdown]
# ## Rates by IDACI decile
#
# Pooling LSOAs by decile gives steadier rates than single LSOAs. Only
# **published** counts are added up, over the children of the LSOAs whose count
# is published: a suppressed count is not guessed at. The `suppressed` columns
# show how much is missing from each decile.

# %% tags=["decile-table"]
by_decile = lsoa.assign(hidden=lsoa["status"] == "c",
                        shown_children=lsoa["children"].where(lsoa["status"] != "c"))
deciles = by_decile.groupby("idaci_decile").agg(
    LSOAs=("lsoa_code", "size"), suppressed=("hidden", "sum"),
    children=("children", "sum"), children_published=("shown_children", "sum"),
    count_published=("count", "sum"))
deciles["% suppressed"] = 100 * deciles["suppressed"] / deciles["LSOAs"]
deciles["rate (published LSOAs)"] = (10_000 * deciles["count_published"]
                                     / deciles["children_published"])
deciles.round(1)

# %% [markdown]
# Who is hidden? The suppressed LSOAs are those with few children counted, and
# (if rates do rise with deprivation) they are the less deprived ones. That is
# why the pooled rates above, and the LSOA correlation below, lean on the LSOAs
# with *more* children counted: they are missing not at random.

# %% tags=["who-is-hidden"]
hidden = lsoa.groupby(lsoa["status"].eq("c").map({True: "suppressed", False: "published"}))
hidden[["idaci_rank", "idaci_decile", "children"]].median().rename_axis("LSOAs (median)")

# %% [markdown]
# ## LSOA level: Spearman rank correlation
#
# Does an LSOA's rate go up as its IDACI rank goes down (more deprived)? A
# Spearman correlation uses only the order of the values. Because rank 1 is the
# *most* deprived, a **negative** correlation means rates rise with deprivation.
# Only the published rates can be used.

# %% tags=["lsoa-correlation"]
rho, p = spearmanr(published["idaci_rank"], published["rate"])
print(f"LSOA level ({len(published)} of {len(lsoa)} LSOAs with a published rate): "
      f"Spearman rho = {rho:.3f}, p = {p:.2g}")

# %% [markdown]
# ## Ward level: published ward counts
#
# Ward figures are added up from *all* their LSOAs' counts (suppressed ones
# included) before suppression, so far fewer are hidden. A ward's deprivation is
# the average IDACI rank of its LSOAs, weighted by their children.

# %% tags=["ward-table"]
def ward_table(measure: str = MEASURE, period: str = PERIOD) -> pd.DataFrame:
    ranks = lsoa.assign(weighted=lsoa["idaci_rank"] * lsoa["children"]).groupby("ward_code")
    table = pd.DataFrame({"ward": ranks["ward_name"].first(), "LSOAs": ranks.size(),
                          "idaci_rank": ranks["weighted"].sum() / ranks["children"].sum()})
    return table.join(wide("ward", measure, period)).sort_values("idaci_rank")


wards = ward_table()
wards.round(1)

# %% tags=["ward-correlation"]
shown = wards[wards["status"] != "c"]
w_rho, w_p = spearmanr(shown["idaci_rank"], shown["rate"])
print(f"Ward level ({len(shown)} of {len(wards)} wards with a published rate): "
      f"Spearman rho = {w_rho:.3f}, p = {w_p:.2g}")

# %% [markdown]
# ## Every measure and year: how many tests?
#
# The same two tests for each measure and year. With this many, some small p
# values are expected by chance alone: a Bonferroni threshold (0.05 divided by
# the number of tests) is a rough guard.

# %% tags=["all-tests"]
def test_one(measure: str, period: str, level: str) -> dict:
    table = (lsoa[["lsoa_code", "idaci_rank"]].join(wide("lsoa", measure, period),
                                                    on="lsoa_code")
             if level == "LSOA" else ward_table(measure, period))
    shown = table[table["status"] != "c"]
    r, pv = spearmanr(shown["idaci_rank"], shown["rate"])
    return {"measure": measure, "period": period, "level": level, "areas": len(shown),
            "suppressed": len(table) - len(shown), "rho": round(r, 3), "p": pv}


tests = pd.DataFrame([test_one(m, y, lv) for m in smallareas.MEASURES.values()
                      for y in summary["periods"] for lv in ("LSOA", "ward")])
threshold = 0.05 / len(tests)
tests["below Bonferroni"] = tests["p"] < threshold
print(f"{len(tests)} tests; Bonferroni threshold {threshold:.4f}")
tests

# %% [markdown]
# Compare each LSOA row with the ward row below it and with how many LSOAs are
# suppressed. The synthetic sample has the same gradient built into every
# measure, yet with it the measures with most LSOAs suppressed (the rarer events)
# show much weaker LSOA correlations than their wards do: that is the bias of
# dropping the suppressed LSOAs, seen directly.

# %% [markdown]
# ## A map of the LSOA rates
#
# Drawn with the dashboard's own `map_figures.area_map` (plotly): areas with none
# in the lightest shade, the rest in quartiles; suppressed LSOAs grey and hatched;
# wards outlined thick.

# %%
shapes = smallareas.shapes("lsoa").rename(columns={"lsoa_code": "area_code"})
rates = lsoa.set_index("lsoa_code").reindex(shapes["area_code"])
edges = figures.class_breaks(published.loc[published["rate"] > 0, "rate"], 4)
classes = {code: (map_figures.SUPPRESSED if s == "c" else None if pd.isna(r)
                  else 0 if r == 0 else 1 + figures.class_of(r, edges))
           for code, r, s in zip(rates.index, rates["rate"], rates["status"], strict=True)}
key = ["0 (none)"] + [f"{a:.0f} to {b:.0f}"
                      for a, b in pairwise(edges)]
hover = {code: f"{row['lsoa_name']} ({row['ward_name']})<br>IDACI decile "
               f"{row['idaci_decile']}<br>rate: "
               + ("c (suppressed)" if row["status"] == "c" else f"{row['rate']:.0f}")
         for code, row in rates.iterrows()}
fig = map_figures.area_map(shapes, classes, figures._palette(len(key)), key, hover,
                           "<b>Rate per 10,000</b>", outlines=smallareas.shapes("ward"),
                           note="Synthetic sample — not real data" if SYNTHETIC else None)
fig.update_layout(title=f"{label}, {PERIOD}, per 10,000 children, by LSOA",
                  margin={"t": 50})
fig

# %% [markdown]
# ## Rate against IDACI rank
#
# Each dot is an LSOA with a published rate. The grey ticks along the bottom
# mark where the suppressed LSOAs sit on the deprivation scale (their rates are
# unknown, **not** zero).

# %%
hidden_lsoas = lsoa[lsoa["status"] == "c"]
fig = go.Figure([
    go.Scatter(x=published["idaci_rank"], y=published["rate"], mode="markers",
               name="published LSOA rate", text=published["lsoa_name"],
               marker={"color": theme.SERIES[0], "size": 7, "opacity": 0.7}),
    go.Scatter(x=hidden_lsoas["idaci_rank"], y=[0] * len(hidden_lsoas), mode="markers",
               name="suppressed LSOA (rate unknown)", text=hidden_lsoas["lsoa_name"],
               marker={"color": "#595959", "symbol": "line-ns-open", "size": 16}),
])
fig.update_layout(template=theme.TEMPLATE, height=520, margin={"t": 80},
                  legend={"orientation": "v", "x": 0.99, "xanchor": "right", "y": 0.99,
                          "yanchor": "top", "bgcolor": "rgba(255,255,255,0.9)"},
                  title=f"{label}, {PERIOD}: rate per 10,000 against IDACI rank"
                        + ("<br><sup>SYNTHETIC SAMPLE — NOT REAL DATA</sup>"
                           if SYNTHETIC else ""),
                  xaxis_title="IDACI 2019 rank (1 = most deprived LSOA in England)",
                  yaxis_title="Rate per 10,000 children aged 0–15")
fig

# %% [markdown]
# ## What the correlations do and do not show
#
# - **Suppressed LSOAs are missing not at random.** The hidden counts are the
#   small ones (1 to 5, plus others hidden so those cannot be worked out), so
#   the LSOAs left are those with more children counted. Dropping them cuts off
#   the low end of the rates, unevenly across deprivation, which biases the
#   LSOA-level correlation (usually towards a weaker one). The ward figures,
#   with few suppressions, are the better check.
# - **Areas, not children.** A gradient between areas does not mean that
#   children in poorer families are more often in need: poorer and better-off
#   families live in both kinds of area (the *ecological fallacy*).
# - **The denominator is not quite the children counted.** Rates divide by
#   children aged 0–15 in mid-2015 (the Indices of Deprivation 2019
#   denominators), while the counts may include 16–17 year olds and are for
#   later years; areas that have grown or changed since look higher.
# - **Deprivation is from 2019.** IDACI 2019 uses data from around 2015–16;
#   the years counted here are later, and areas change.
# - **Many tests.** Three measures, three years and two levels make eighteen
#   tests; one small p value among them is weak evidence on its own.
# - **Correlation is not cause.** Deprivation travels with much else (housing,
#   services nearby, how cases are found and recorded); a correlation says
#   nothing about which of these matters.
# - **Synthetic data proves nothing.** If the figures are the synthetic sample,
#   the gradient is the one the generator put in.

# %% [markdown]
# ## In one paragraph

# %% tags=["summary"]
top, bottom = deciles.index.min(), deciles.index.max()
sentences = [
    "SYNTHETIC SAMPLE — NOT REAL DATA: these figures are made up and the gradient was "
    "put in by the generator." if SYNTHETIC else "",
    f"In {PERIOD}, across {summary['authority']}'s {len(lsoa)} LSOAs, the pooled published "
    f"rate of {label.lower()} was {deciles.at[top, 'rate (published LSOAs)']:.0f} per "
    f"10,000 children in IDACI decile {top} (the most deprived here) and "
    f"{deciles.at[bottom, 'rate (published LSOAs)']:.0f} in decile {bottom}.",
    f"The Spearman correlation with IDACI rank was {rho:.2f} across the {len(published)} "
    f"LSOAs with a published rate ({len(lsoa) - len(published)} suppressed) and "
    f"{w_rho:.2f} across {len(shown)} wards (negative: higher rates in more deprived areas).",
]
print(" ".join(s for s in sentences if s))
