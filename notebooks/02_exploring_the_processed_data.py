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
# # Exploring the processed data
#
# **The question.** What is in `data/processed/`, and how do you pull out the
# figures for a question the dashboard does not answer: pick measures by their
# metadata, filter by period and area, reshape into a table and draw your own chart?
#
# **The data it needs.** The ETL's output (`data/processed/`, or the folder named
# by `SAFEGUARDING_PROCESSED_DIR`); the notebook runs the ETL first if it is
# missing. Part 1 uses the annual reports' tables only. Part 2 uses the official
# DfE statistics (`dfe_*` datasets), which are there when the ETL ran with the
# releases in the external folder; without them the notebook stops at Part 2
# and says so.

# %% [markdown]
# ## Setup
#
# The project is installed in its environment (`make run` or `make test` set up
# `.venv`), so `etl` and `dashboard` import from anywhere: choose `.venv/bin/python`
# as the kernel. Folders and the authority come from `etl.config.settings()`.
# The processed data is built first if it is not there yet.

# %%
import json

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import theme
from etl import config
from etl.pipeline import run

pd.set_option("display.max_colwidth", 100)
PROCESSED = config.settings().processed_dir
if not (PROCESSED / "build.json").is_file():
    print(f"No processed data in {PROCESSED}: running the ETL first.")
    run(config.settings().raw_dir, PROCESSED, external=config.settings().external_dir)
print("Processed data:", PROCESSED)

# %% [markdown]
# # Part 1: the annual reports' figures
#
# ## Load every dataset
#
# `build.json` records what the last ETL run wrote: the datasets (one long table
# each), the lookups (statistical neighbours, boundaries …) and when it ran.

# %%
build = json.loads((PROCESSED / "build.json").read_text())
print("Built at", build["built_at"])
data = {name: pd.read_parquet(PROCESSED / f"{name}.parquet") for name in build["datasets"]}
lookups = {name: pd.read_parquet(PROCESSED / f"{name}.parquet") for name in build["lookups"]}
print(len(data), "datasets,", f"{sum(len(f) for f in data.values()):,} figures")
print("Lookups:", ", ".join(f"{name} ({len(frame)} rows)" for name, frame in lookups.items()))

# %% [markdown]
# One line per dataset: how many figures, measures and areas, and the years covered.

# %% tags=["datasets"]
overview = pd.DataFrame([{
    "dataset": name,
    "figures": len(frame),
    "measures": frame["measure"].nunique(),
    "areas": frame["area_code"].nunique(),
    "from": frame["period_start"].min(),
    "to": frame["period_end"].max(),
} for name, frame in data.items()]).set_index("dataset")
overview

# %% [markdown]
# Every dataset has the same columns (the *processed data contract* in the
# README); the official ones (`dfe_*`) add confidence intervals, ranks and so on.

# %%
data["cp_plans"].head(3).T

# %% [markdown]
# ## Measures and their metadata
#
# `measures.parquet` is the registry: for each measure its label, description,
# unit, polarity (whether a rise is good, bad or neither), theme, and the dataset
# and years it has figures for.

# %%
measures = pd.read_parquet(PROCESSED / "measures.parquet").set_index("measure")
measures[["label", "unit", "polarity", "theme", "first_period", "last_period"]].head(10)

# %% [markdown]
# How the measures divide by unit and polarity:

# %%
pd.crosstab(measures["unit"], measures["polarity"], margins=True)

# %% [markdown]
# Finding measures by a word in their label, and reading one in full:

# %%
referral_measures = measures[measures["label"].str.contains("referral", case=False)]
referral_measures[["label", "unit", "polarity", "dataset"]]

# %%
measures.loc["referral_source_share"]

# %% [markdown]
# `tables.parquet` says which report table (or release file) each dataset came from.

# %%
tables = pd.read_parquet(PROCESSED / "tables.parquet")
tables.loc[tables["dataset"] == "contacts", ["file", "source_table"]]

# %% [markdown]
# ## Filter by period and area
#
# A small helper: the rows of one measure, for some areas and periods. Rows with
# a breakdown (here the source of a referral) are kept; `Total` rows hold the
# headline figure where there is one.

# %%
def pick(dataset: str, measure, areas=None, periods=None) -> pd.DataFrame:
    """Rows of one measure (or a list of them), optionally for some areas and periods."""
    frame = data[dataset]
    wanted = [measure] if isinstance(measure, str) else measure
    rows = frame[frame["measure"].isin(wanted)]
    if areas is not None:
        rows = rows[rows["area_code"].isin(areas)]
    if periods is not None:
        rows = rows[rows["period"].isin(periods)]
    return rows


DUDLEY, WEST_MIDLANDS, ENGLAND = "E08000027", "E12000005", "E92000001"

# %% [markdown]
# Where referrals came from in 2019-20, in Dudley and in England (the 2019-20
# partnership report prints both):

# %%
sources = pick("contacts", "referral_source_share", areas=[DUDLEY, ENGLAND],
               periods=["2019-20"])
sources[["period", "area_name", "breakdown_value", "value", "unit"]].head(6)

# %% [markdown]
# ## Pivot
#
# One row per source of referral, one column per area, and the difference in
# percentage points.

# %% tags=["pivot"]
by_source = sources.pivot(index="breakdown_value", columns="area_name", values="value")
by_source["difference (points)"] = (by_source["Dudley"] - by_source["England"]).round(1)
by_source = by_source.sort_values("Dudley", ascending=False)
by_source

# %% [markdown]
# The same pattern across years: the 2011-12 report's Table 1 (children through
# strategy discussions, Section 47 enquiries and conferences), one row per stage
# in the order a child passes through them, one column per year, labelled from
# the registry.

# %%
STAGES = ["strategy_discussions", "s47_required", "s47_enquiries", "icpc_required",
          "icpcs", "icpc_to_plan"]
s47 = pick("s47", STAGES, areas=[DUDLEY])
s47 = s47[s47["period_type"] == "financial_year"]
(s47.pivot(index="measure", columns="period", values="value")
    .reindex(STAGES)
    .rename(index=measures["label"]))

# %% [markdown]
# ## A chart of your own
#
# A dot plot (plotly) of the referral sources: each source on its own line, a
# dot for Dudley and a diamond for England, labelled with its value so nothing
# depends on colour. `theme.TEMPLATE` gives it the dashboard's fonts and colours.

# %%
shown = by_source.iloc[::-1]  # largest at the top
outer = {"Dudley": shown["Dudley"] >= shown["England"],  # label the outer side of each pair
         "England": shown["England"] > shown["Dudley"]}
fig = go.Figure()
for area, symbol, colour in [("England", "diamond", "#000000"), ("Dudley", "circle", "#0072B2")]:
    fig.add_trace(go.Scatter(
        x=shown[area], y=shown.index, name=area, mode="markers+text",
        marker={"symbol": symbol, "size": 12, "color": colour},
        text=[f"{v:.1f}%" for v in shown[area]],
        textposition=["middle right" if o else "middle left" for o in outer[area]]))
fig.update_layout(title="Where referrals came from, 2019-20: Dudley and England",
                  xaxis_title="Share of referrals (%)", height=560, margin={"t": 100},
                  template=theme.TEMPLATE)
fig

# %% [markdown]
# # Part 2: the official statistics, for every authority
#
# The `dfe_*` datasets hold the same figures for every local authority, region and
# England. They are only there when the ETL ran with the releases in the external
# folder (see *Official statistics* in the README).

# %% tags=["official-check"]
class NotAvailable(Exception):
    """Stops "Run all" here with a plain message rather than a traceback."""

    def _render_traceback_(self):
        return [f"Stopped: {self}"]


if "dfe_referrals" not in data:
    raise NotAvailable(
        f"the official statistics are not in {PROCESSED}. Save the DfE releases in "
        f"{config.settings().external_dir / 'dfe'} (see the README) and rerun the ETL (make etl).")
print("Official statistics found:", ", ".join(n for n in data if n.startswith("dfe_")))

# %% [markdown]
# ## Filter by period and area
#
# Referrals per 10,000 children in 2023-24 for every authority in the West
# Midlands, with the region and England for reference. `region_code` places each
# authority in its region; `status` holds the symbol when DfE published no figure.

# %%
referrals = pick("dfe_referrals", "dfe_referrals_rate_per_10000", periods=["2023-24"])
west_midlands = referrals[(referrals["region_code"] == WEST_MIDLANDS)
                          | referrals["area_code"].isin([WEST_MIDLANDS, ENGLAND])]
(west_midlands[["area_name", "geographic_level", "value", "status", "rank", "rank_of"]]
 .sort_values("value", ascending=False))

# %% [markdown]
# ## Pivot across years
#
# Dudley, the West Midlands and England, one column per year.

# %% tags=["official-pivot"]
three = pick("dfe_referrals", "dfe_referrals_rate_per_10000",
             areas=[DUDLEY, WEST_MIDLANDS, ENGLAND])
three.pivot(index="area_name", columns="period", values="value")

# %% [markdown]
# ## A question the dashboard does not answer
#
# Do authorities that receive more referrals also start more child protection
# plans? One point per authority for 2023-24; Dudley is labelled. Hover over a
# point for its name.

# %%
started = pick("dfe_cp_plans", "dfe_cp_plans_started_rate_per_10000", periods=["2023-24"])
keys = ["area_code", "area_name"]
both = (referrals[referrals["geographic_level"] == "local_authority"][[*keys, "value"]]
        .merge(started[[*keys, "value"]], on=keys, suffixes=("_referrals", "_plans"))
        .dropna())
print(len(both), "authorities with both figures; correlation",
      round(both["value_referrals"].corr(both["value_plans"]), 2))

# %%
dudley = both[both["area_code"] == DUDLEY]
fig = go.Figure(go.Scatter(
    x=both["value_referrals"], y=both["value_plans"], mode="markers", text=both["area_name"],
    marker={"color": "#b3b3b3", "size": 8}, name="Local authorities",
    hovertemplate="%{text}: %{x:.0f} referrals, %{y:.1f} plans started<extra></extra>"))
fig.add_trace(go.Scatter(
    x=dudley["value_referrals"], y=dudley["value_plans"], mode="markers+text", text=["Dudley"],
    textposition="top center", marker={"color": "#0072B2", "size": 14, "symbol": "diamond"},
    name="Dudley"))
fig.update_layout(title="Referrals and child protection plans started, per 10,000 children, "
                        "2023-24", xaxis_title="Referrals per 10,000 children",
                  yaxis_title="Plans started per 10,000 children", template=theme.TEMPLATE,
                  height=480, margin={"t": 100})
fig
