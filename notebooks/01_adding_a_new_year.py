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
# # Adding a new year of figures
#
# **The question.** Next year's annual report has arrived. How do its figures get
# into the processed data, how does the trend look once they are in, and what
# happens when a figure has been typed wrongly?
#
# **The data it needs.** Only the transcribed report tables in `data/raw/`. The
# official DfE releases are not used here.
#
# **Nothing in the project changes.** The notebook edits a *temporary copy* of
# `data/raw/` and writes the ETL's output to a temporary folder, both deleted at
# the end. For real, you would edit the CSV in `data/raw/` itself and run
# `make etl` (see *Adding next year's figures* in the README).

# %% [markdown]
# ## Setup
#
# The project is installed in its environment (`make run` or `make test` set up
# `.venv`), so `etl` and `dashboard` import from anywhere: choose `.venv/bin/python`
# as the kernel. Folders and the authority come from `etl.config.settings()`.

# %%
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from dashboard import figures
from etl import config
from etl.errors import ETLError
from etl.pipeline import run

pd.set_option("display.max_colwidth", 80)

# %% [markdown]
# ## 1. A private copy of the raw tables
#
# Everything happens under one temporary folder: `raw/` is the copy we edit,
# `processed/` is where the ETL writes.

# %%
work = Path(tempfile.mkdtemp(prefix="new-year-"))
raw = work / "raw"
out = work / "processed"
shutil.copytree(config.settings().raw_dir, raw)
print("Working in", work)

# %% [markdown]
# The table we extend is *Table 1* of the 2011-12 Safeguarding Children Board
# report: plans started, plans ended and review conferences, one column per year.
# Read it as text (`dtype=str`) so that every cell is kept exactly as written.

# %%
table = raw / "reports" / "dudley_lscb_2011_12" / "cp_table1.csv"
before = pd.read_csv(table, dtype=str, keep_default_na=False)
before

# %% [markdown]
# ## 2. Add a new year column
#
# A new year is a new column headed with the period as the report prints it, here
# `2012-13`.
#
# > **The 2012-13 figures below are made up for this demonstration.** They do not
# > come from any report; they only show the mechanics. The `note` column says so
# > too, so that the invented figures are labelled wherever the table is read.

# %%
EXAMPLE_YEAR = "2012-13"
EXAMPLE_FIGURES = {  # invented, not published anywhere
    "cp_plans_new": "320",
    "cp_plans_ceased": "300",
    "cp_review_conferences": "650",
}

edited = before.copy()
position = edited.columns.get_loc("2011-12") + 1
edited.insert(position, EXAMPLE_YEAR, edited["measure"].map(EXAMPLE_FIGURES))
edited["note"] = f"{EXAMPLE_YEAR} figures are an invented example"
edited.to_csv(table, index=False)
print(table.read_text())

# %% [markdown]
# ## 3. Rerun the ETL from Python
#
# `etl.pipeline.run(raw, out)` is what `python -m etl` calls. It returns a summary
# and the validation flags (places where published figures disagree with each
# other: kept as printed, listed in `validation_report.md`). Passing
# `external=config.settings().external_dir` would import the official releases as well;
# they are not needed here.

# %%
summary, flags = run(raw, out, external=None)
print(f"{summary['figures']:,} figures in {len(summary['datasets'])} datasets, "
      f"{len(flags)} validation flags")

# %% [markdown]
# ## 4. Read the new Parquet with pandas
#
# Each dataset is one long table: a row per measure, area, period and breakdown.

# %% tags=["new-year-rows"]
cp_plans = pd.read_parquet(out / "cp_plans.parquet")
table1 = cp_plans[cp_plans["measure"].isin(EXAMPLE_FIGURES)
                  & (cp_plans["breakdown_value"] == "Total")
                  & (cp_plans["period_type"] == "financial_year")]
new_year = table1.pivot(index="measure", columns="period", values="value")
new_year

# %% [markdown]
# ## 5. Draw the updated trend with the dashboard's own figure function
#
# `dashboard.figures.trend` takes tidy rows and draws one line per value of a
# column (here the measure's label, from `measures.parquet`, as on the dashboard).
# The new plans started each year, with the example year shaded:

# %%
labels = pd.read_parquet(out / "measures.parquet").set_index("measure")["label"]
started = table1[table1["measure"] == "cp_plans_new"]
shown = started.assign(series=started["measure"].map(labels))

fig = figures.trend(shown, series="series", height=460)
column = sorted(shown["period"].unique()).index(EXAMPLE_YEAR)  # the x axis is categorical
fig.add_vrect(x0=column - 0.5, x1=column + 0.5, fillcolor="#e6e6e6", line_width=0,
              layer="below")
fig.add_annotation(x=EXAMPLE_YEAR, y=1, yref="paper", yanchor="bottom", showarrow=False,
                   text="Invented example year")
fig.update_layout(title=f"New child protection plans, Dudley<br>"
                        f"<sup>{EXAMPLE_YEAR}: invented example figure</sup>",
                  margin={"t": 100})
fig

# %% [markdown]
# ## 6. What a mistake looks like
#
# Suppose `300` had been typed as `3O0` (a letter O instead of a zero). The ETL
# checks every cell; it stops, names the file, the row and the column of each
# problem, and writes nothing.

# %%
edited.loc[edited["measure"] == "cp_plans_ceased", EXAMPLE_YEAR] = "3O0"
edited.to_csv(table, index=False)

built_before = (out / "build.json").read_text()

# %% tags=["etl-error"]
try:
    run(raw, out, external=None)
except ETLError as err:
    error = err
    print(f"ETL stopped with {len(err.problems)} problem(s):")
    for problem in err.problems:
        print(" -", problem)
else:
    raise AssertionError("the bad value should have stopped the ETL")

# %% [markdown]
# Each problem is also available as fields, handy when there are many:

# %%
pd.DataFrame([{"file": Path(p.path).relative_to(raw), "row": p.row, "column": p.column,
               "problem": p.message} for p in error.problems])

# %% [markdown]
# The previous output is kept: `processed/` still holds the good build, with the
# example year in it, because the ETL writes everything to a staging folder first
# and only moves the files into place once every table has passed its checks.

# %% tags=["output-kept"]
unchanged = (out / "build.json").read_text() == built_before
kept = pd.read_parquet(out / "cp_plans.parquet")
still_there = kept[(kept["measure"] == "cp_plans_ceased") & (kept["period"] == EXAMPLE_YEAR)]
print("build.json unchanged:", unchanged)
print(f"cp_plans_ceased {EXAMPLE_YEAR} still reads", still_there["value"].iloc[0])

# %% [markdown]
# ## Clean up
#
# Delete the temporary folder. To add a real year, edit `data/raw/` and run
# `make etl`; the validation report in `data/processed/` then lists any totals in
# the new report that do not add up.

# %%
shutil.rmtree(work)
