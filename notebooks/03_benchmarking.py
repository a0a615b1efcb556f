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
# # Benchmarking: child protection plans against statistical neighbours
#
# **The question.** Over the last ten years, how has the authority's rate of
# children on a child protection plan (per 10,000 children, at 31 March)
# compared with its ten statistical neighbours and with England, once the
# uncertainty in each rate (its 95% confidence interval) is taken into account?
#
# **The data it needs.** The official statistics: the DfE *Characteristics of
# children in need* release, ONS population estimates and DfE's statistical
# neighbour groupings, saved in the external folder (`SAFEGUARDING_EXTERNAL_DIR`,
# see *Official statistics* in the README) and imported by the ETL into the
# `dfe_cp_plans` and `dfe_neighbours` tables. Without them the notebook stops
# after the setup and says what is missing.
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
import pandas as pd
import plotly.graph_objects as go

from dashboard import figures
from dashboard.figures import theme
from dashboard.words.format import period_words
from etl import config
from etl.official import statistics as stats
from etl.pipeline import run

PROCESSED = config.settings().processed_dir
EXTERNAL = config.settings().external_dir
AUTHORITY = config.settings().authority
ENGLAND = "E92000001"
MEASURE = "dfe_cp_plans_at_31_march_rate_per_10000"
print("Processed data:", PROCESSED)
print("Official releases:", EXTERNAL)

# %% [markdown]
# ## Are the official statistics there?
#
# If the processed data already holds them, they are used as they are. If not,
# but the releases are in the external folder, the ETL is run to import them.
# If neither, the notebook stops here with a message.

# %% tags=["releases-check"]
class NotAvailable(Exception):
    """Stops "Run all" here with a plain message rather than a traceback."""

    def _render_traceback_(self):
        return [f"Stopped: {self}"]


needed = [PROCESSED / "dfe_cp_plans.parquet", PROCESSED / "dfe_neighbours.parquet"]
if not all(p.is_file() for p in needed):
    if not (EXTERNAL / "dfe").is_dir():
        raise NotAvailable(
            f"this notebook needs the official DfE releases, and there are none in "
            f"{EXTERNAL / 'dfe'}. Download them as the README's 'Official statistics' "
            "section describes, or set SAFEGUARDING_EXTERNAL_DIR to the folder holding "
            "them, then run this notebook again.")
    print("Importing the official releases with the ETL …")
    run(config.settings().raw_dir, PROCESSED, external=EXTERNAL)
print("Official statistics found.")

# %% [markdown]
# ## The measure and the neighbours
#
# What the measure is, from the registry:

# %%
info = pd.read_parquet(PROCESSED / "measures.parquet").set_index("measure").loc[MEASURE]
info[["label", "description", "unit", "polarity"]]

# %% [markdown]
# The ten statistical neighbours: the authorities DfE judges most like this one
# (rank 1 is the closest).

# %%
neighbours = pd.read_parquet(PROCESSED / "dfe_neighbours.parquet")
neighbours = neighbours[neighbours["authority_code"] == AUTHORITY].sort_values("neighbour_rank")
if neighbours.empty:
    raise NotAvailable(f"the processed neighbours are not for {AUTHORITY}; rerun the ETL "
                       "with SAFEGUARDING_AUTHORITY set as it is now.")
neighbours[["neighbour_rank", "neighbour_name", "neighbour_code", "closeness"]]

# %% [markdown]
# ## Ten years of rates for the authority, its neighbours and England
#
# Each row of `dfe_cp_plans` carries the rate (`value`), the children on a plan
# (`numerator`), the ONS estimate of children aged 0 to 17 (`denominator`) and
# the 95% confidence interval (`lower_95`, `upper_95`).

# %%
codes = [AUTHORITY, *neighbours["neighbour_code"], ENGLAND]
plans = pd.read_parquet(PROCESSED / "dfe_cp_plans.parquet")
rows = plans[(plans["measure"] == MEASURE) & (plans["breakdown_value"] == "Total")
             & plans["area_code"].isin(codes)]
years = sorted(rows["period"].unique())[-10:]
rows = rows[rows["period"].isin(years)].copy()
name = rows.loc[rows["area_code"] == AUTHORITY, "area_name"].iloc[0]
print(f"{name}: {len(codes) - 2} neighbours and England, {years[0]} to {years[-1]}")

# %% [markdown]
# ## The latest year, as a table
#
# Sorted from the highest rate. `compared_with_england` applies the Fingertips
# rule: *higher* or *lower* when the 95% interval leaves out England's rate,
# *similar* when it includes it (the polarity of this measure is neutral, so
# neither is called better or worse). `rank` is among all local authorities,
# 1 = the highest rate.

# %% tags=["latest-table"]
latest = rows[rows["period"] == years[-1]]
table = (latest.set_index("area_name")
         [["value", "lower_95", "upper_95", "numerator", "denominator",
           "compared_with_england", "rank", "rank_of"]]
         .rename(columns={"value": "rate", "numerator": "children on a plan",
                          "denominator": "children aged 0-17"})
         .fillna({"compared_with_england": "(benchmark)"})
         .sort_values("rate", ascending=False))
table.round(1)

# %% [markdown]
# The intervals come from Byar's method in `etl/stats.py`. Recomputing the
# authority's from its count and population gives the same limits:

# %%
mine = latest[latest["area_code"] == AUTHORITY].iloc[0]
low, high = stats.byar_rate(mine["numerator"], mine["denominator"], per=10_000, level=0.95)
print(f"{name} {years[-1]}: {mine['value']:.1f} per 10,000 "
      f"(95% CI {float(low):.1f} to {float(high):.1f}); "
      f"stored {mine['lower_95']:.1f} to {mine['upper_95']:.1f}")

# %% [markdown]
# ## The neighbours as one group
#
# Adding up the ten neighbours' children on plans and their populations gives one
# rate for the group, with its own (narrower) interval. A neighbour whose count
# was suppressed in a year is left out of that year.

# %%
group = (rows[rows["area_code"].isin(neighbours["neighbour_code"])]
         .dropna(subset=["numerator", "denominator"])
         .groupby(["period", "period_start"], as_index=False)[["numerator", "denominator"]]
         .sum())
group["value"] = group["numerator"] / group["denominator"] * 10_000
group["lower_95"], group["upper_95"] = stats.byar_rate(group["numerator"],
                                                       group["denominator"])
group = group.assign(area_code="NEIGHBOURS", area_name="Statistical neighbours (combined)",
                     unit="rate_per_10000")
group[["period", "value", "lower_95", "upper_95"]].round(1)

# %% [markdown]
# ## Ten years as a chart
#
# The authority, the neighbours combined and England, drawn with the dashboard's
# own `figures.trend`; the shaded bands are the 95% confidence intervals.

# %%
shown = pd.concat([rows[rows["area_code"].isin([AUTHORITY, ENGLAND])], group],
                  ignore_index=True)
shown["order"] = shown["area_code"].map({AUTHORITY: 0, "NEIGHBOURS": 1, ENGLAND: 2})
shown = shown.sort_values(["order", "period_start"])
fig = figures.trend(shown, series="area_name", height=500)
figures.add_band(fig, group, "lower_95", "upper_95", "Neighbours: 95% interval",
                 theme.SERIES[1])
figures.add_band(fig, shown[shown["area_code"] == AUTHORITY], "lower_95", "upper_95",
                 f"{name}: 95% interval", theme.SERIES[0])
fig.update_layout(title=f"Children on a child protection plan at 31 March, per 10,000 "
                        f"children<br><sup>{name}, its statistical neighbours combined and "
                        "England, with 95% confidence intervals</sup>", margin={"t": 110})
fig

# %% [markdown]
# ## Every neighbour in the latest year
#
# Each authority's rate with its 95% interval as a line; the dashed line is England.

# %%
ordered = latest.sort_values("value")
is_me = ordered["area_code"] == AUTHORITY
is_england = ordered["area_code"] == ENGLAND
england = float(ordered.loc[is_england, "value"].iloc[0])
fig = go.Figure(go.Scatter(
    x=ordered["value"], y=ordered["area_name"], mode="markers+text",
    text=[f"{v:.1f}" for v in ordered["value"]], textposition="top center",
    error_x={"type": "data", "array": ordered["upper_95"] - ordered["value"],
             "arrayminus": ordered["value"] - ordered["lower_95"], "color": "#595959"},
    marker={"size": [14 if m else 9 for m in is_me],
            "symbol": ["diamond" if m else "square" if e else "circle"
                       for m, e in zip(is_me, is_england)],
            "color": [theme.SERIES[0] if m else theme.INK if e else "#595959"
                      for m, e in zip(is_me, is_england)]},
    showlegend=False))
fig.add_vline(x=england, line={"dash": "dash", "color": theme.INK, "width": 1})
fig.update_layout(title=f"Children on a plan per 10,000 children, {years[-1]}<br>"
                        "<sup>with 95% confidence intervals; dashed line: England</sup>",
                  template=theme.TEMPLATE, xaxis_title="Rate per 10,000 children aged 0-17",
                  height=560, margin={"t": 90})
fig.update_yaxes(type="category", gridcolor="#eeeeee")
fig

# %% [markdown]
# ## Ten years as a table
#
# Rates for every area and year, the authority first, then its neighbours in
# order of closeness, the neighbours combined and England.

# %% tags=["ten-year-table"]
order = [name, *neighbours["neighbour_name"], group["area_name"].iloc[0], "England"]
ten_years = (pd.concat([rows, group], ignore_index=True)
             .pivot(index="area_name", columns="period", values="value")
             .reindex(order))
ten_years.round(1)

# %% [markdown]
# ## Year by year: is the difference bigger than chance?
#
# For each year, the authority against England (the Fingertips rule above) and
# against the neighbours combined (whether the two intervals overlap).

# %% tags=["verdicts"]
me = rows[rows["area_code"] == AUTHORITY].sort_values("period").set_index("period")
nb = group.set_index("period")
verdicts = pd.DataFrame({
    name: me["value"],
    "95% interval": me["lower_95"].round(1).astype(str) + " to "
                    + me["upper_95"].round(1).astype(str),
    "neighbours combined": nb["value"].round(1),
    "England": rows[rows["area_code"] == ENGLAND].set_index("period")["value"],
    "against England": me["compared_with_england"],
    "intervals overlap (neighbours)": (me["lower_95"] <= nb["upper_95"])
                                      & (nb["lower_95"] <= me["upper_95"]),
})
verdicts

# %% [markdown]
# ## What overlapping intervals do and do not tell you
#
# When two 95% confidence intervals **do not overlap**, the two rates are
# significantly different: chance alone (the year-to-year variation in how many
# children happen to need a plan) is an unlikely explanation. When they **do
# overlap**, that does *not* show the rates are the same: two intervals can
# overlap a little while the difference between the rates is still significant,
# so overlap is a cautious test that misses some real differences. Comparing an
# authority with England here asks only whether England's rate lies inside the
# authority's interval. With twelve areas over ten years, a few "significant"
# differences are to be expected by chance alone. And an interval only measures
# random variation: neither kind of check says *why* rates differ (need,
# thresholds, recording practice), nor whether a higher rate is good or bad.

# %% [markdown]
# ## In one paragraph

# %% tags=["summary"]
others = latest[latest["area_code"].isin(neighbours["neighbour_code"])]
lowest, highest = others.loc[others["value"].idxmin()], others.loc[others["value"].idxmax()]
combined = group.iloc[-1]
above = int((others["value"] > mine["value"]).sum())
against = {"higher": "higher than", "lower": "lower than", "similar": "similar to"}
when, first = period_words(years[-1], "snapshot"), period_words(years[0], "snapshot")
sentences = [
    f"{when[0].upper()}{when[1:]}, {name} had {mine['value']:.1f} children on a child "
    f"protection plan per 10,000 (95% CI {mine['lower_95']:.1f} to {mine['upper_95']:.1f}), "
    f"{against[mine['compared_with_england']]} England's {england:.1f}.",
    f"{above} of its 10 statistical neighbours had a higher rate; they ranged from "
    f"{lowest['value']:.1f} ({lowest['area_name']}) to {highest['value']:.1f} "
    f"({highest['area_name']}), and were {combined['value']:.1f} combined "
    f"(95% CI {combined['lower_95']:.1f} to {combined['upper_95']:.1f}).",
    f"At the start of the ten years ({first}) {name}'s rate was {me['value'].iloc[0]:.1f}.",
]
print(" ".join(sentences))
