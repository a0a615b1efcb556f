"""The analysts' notebooks: committed clean, paired with their .py, and run top to bottom.

Every notebook in ``notebooks/`` is found automatically. Each is executed from its
plain-text (.py) twin in a temporary working copy, by a kernel running this
test's own Python, against the ETL output of the session fixture ``processed``
(built with the official releases from ``SAFEGUARDING_EXTERNAL_DIR``). A second
run without the releases checks that a notebook needing them stops with a plain
message (by raising an exception named ``NotAvailable``) rather than failing.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pandas as pd
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from dashboard.words.format import period_words
from etl.pipeline import run

DUDLEY = "E08000027"
REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
CELL_TIMEOUT = 300  # seconds; the slowest cell (an ETL run) takes a few
KERNEL = "safeguarding-tests"
FIX = "run `.venv/bin/python tests/notebooks/clean_notebooks.py`"

NAMES = sorted({p.stem for p in NOTEBOOKS.glob("*.ipynb")}
               | {p.stem for p in NOTEBOOKS.glob("*.py")})


# ---------------------------------------------------------------- committed files

def test_notebooks_are_found():
    assert NAMES, f"no notebooks in {NOTEBOOKS}"
    config = (NOTEBOOKS / "jupytext.toml").read_text(encoding="utf-8")
    assert 'formats = "ipynb,py:percent"' in config


@pytest.mark.parametrize("name", NAMES)
def test_paired(name):
    missing = [f"{name}{s}" for s in (".ipynb", ".py") if not (NOTEBOOKS / f"{name}{s}").exists()]
    assert not missing, f"notebooks/{missing[0]} is missing: {FIX}"
    header = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    assert "format_name: percent" in header and "# %%" in header, (
        f"notebooks/{name}.py is not a jupytext percent-format notebook")


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    dirty = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
             and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, f"{name}.ipynb has outputs or execution counts in cells {dirty}: {FIX}"


def _cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str, list]]:
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", [])))
            for c in notebook.cells]


@pytest.mark.parametrize("name", NAMES)
def test_ipynb_and_py_in_sync(name):
    ipynb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    text = jupytext.read(NOTEBOOKS / f"{name}.py")
    a, b = _cells(ipynb), _cells(text)
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        assert x == y, f"{name}: cell {i} differs between .ipynb and .py: {FIX}"
    assert len(a) == len(b), f"{name}: {len(a)} cells in .ipynb, {len(b)} in .py: {FIX}"


@pytest.mark.parametrize("name", NAMES)
def test_opens_by_stating_question_and_data(name):
    first = jupytext.read(NOTEBOOKS / f"{name}.py").cells[0]
    assert first.cell_type == "markdown", f"{name} should open with a markdown cell"
    words = first.source.lower()
    assert first.source.startswith("# ") and "question" in words and "data" in words, (
        f"{name}'s first cell should have a title and say what question it answers and "
        "which data it needs")


# ---------------------------------------------------------------- running them

@pytest.fixture(scope="session")
def kernel_specs(tmp_path_factory) -> KernelSpecManager:
    """A kernel spec that runs this very interpreter (the project's .venv), whatever
    other kernels the machine has."""
    folder = tmp_path_factory.mktemp("kernels") / KERNEL
    folder.mkdir()
    (folder / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (safeguarding tests)", "language": "python"}))
    return KernelSpecManager(kernel_dirs=[str(folder.parent)])


def execute(notebook: nbformat.NotebookNode, workdir: Path, specs: KernelSpecManager,
            env: dict[str, str]) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel started in ``workdir``; raise at the first error."""
    manager = AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)
    client = NotebookClient(notebook, km=manager, kernel_name=KERNEL, timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute(env={**os.environ, **env})
    return notebook


def working_copy(name: str, workdir: Path) -> nbformat.NotebookNode:
    """The notebook as its .py states it, saved to ``workdir`` (never run in notebooks/)."""
    workdir.mkdir(parents=True, exist_ok=True)
    notebook = jupytext.read(NOTEBOOKS / f"{name}.py")
    nbformat.write(notebook, workdir / f"{name}.ipynb")
    return notebook


@pytest.fixture(scope="session")
def executed(processed, kernel_specs, tmp_path_factory):
    """Each notebook run once per session with the official releases; cached by name."""
    cache: dict[str, nbformat.NotebookNode] = {}
    env = {"SAFEGUARDING_PROCESSED_DIR": str(processed.path)}

    def get(name: str) -> nbformat.NotebookNode:
        if name not in cache:
            workdir = tmp_path_factory.mktemp(name)
            notebook = working_copy(name, workdir)
            try:
                execute(notebook, workdir, kernel_specs, env)
            finally:
                nbformat.write(notebook, workdir / f"{name}.ipynb")  # outputs, for a look
            cache[name] = notebook
        return cache[name]

    return get


@pytest.mark.parametrize("name", NAMES)
def test_runs_top_to_bottom(name, executed):
    try:
        notebook = executed(name)
    except CellExecutionError as err:
        pytest.fail(f"{name} failed:\n{err}")
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{name}: some cells did not run"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name}: {errors[0]['ename']}: {errors[0]['evalue']}"


def test_kernel_is_this_python(kernel_specs, tmp_path):
    """The notebooks run on the interpreter running the tests (the project's .venv)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, etl; print(sys.executable); print(etl.__file__)")])
    execute(notebook, tmp_path, kernel_specs, {})
    executable, etl_file = text(notebook.cells[0]).splitlines()
    assert Path(executable).resolve() == Path(sys.executable).resolve()
    assert Path(etl_file).resolve().parent == REPO / "etl"


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_import_the_installed_package(name):
    """No set-up cell that edits sys.path: the kernel's environment has the project
    installed (test_kernel_is_this_python), so the imports work from any folder."""
    source = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    assert "sys.path" not in source and "def project_root" not in source, name
    assert re.search(r"^from (etl|dashboard)[ .]", source, re.M), name


@pytest.fixture(scope="session")
def without_releases(tmp_path_factory) -> dict[str, str]:
    """An ETL output built from the reports alone, and an external folder with nothing."""
    base = tmp_path_factory.mktemp("no-releases")
    (base / "external").mkdir()
    run(REPO / "data" / "raw", base / "processed", external=None)
    return {"SAFEGUARDING_PROCESSED_DIR": str(base / "processed"),
            "SAFEGUARDING_EXTERNAL_DIR": str(base / "external")}


# Notebooks known to need the releases, and the tagged cell where they should stop.
STOPS_WITHOUT_RELEASES = {"02_exploring_the_processed_data": "official-check",
                          "03_benchmarking": "releases-check",
                          "04_small_areas": "small-areas-check"}


@pytest.mark.parametrize("name", NAMES)
def test_without_releases_runs_or_stops_plainly(name, kernel_specs, without_releases,
                                                tmp_path):
    notebook = working_copy(name, tmp_path)
    try:
        execute(notebook, tmp_path, kernel_specs, without_releases)
    except CellExecutionError as err:
        assert err.ename == "NotAvailable", f"{name} failed without the releases:\n{err}"
        stopped = [c for c in notebook.cells if c.cell_type == "code"
                   and any(o.output_type == "error" for o in c.outputs)]
        message = "\n".join(stopped[0].outputs[-1]["traceback"])
        assert message.startswith("Stopped: ") and "Traceback" not in message, message
        assert "README" in message
        if name in STOPS_WITHOUT_RELEASES:
            assert stopped[0] is tagged(notebook, STOPS_WITHOUT_RELEASES[name])
    else:
        assert name not in STOPS_WITHOUT_RELEASES, f"{name} should have stopped"


# ---------------------------------------------------------------- what they show

def tagged(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    cells = [c for c in notebook.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def text(cell: nbformat.NotebookNode) -> str:
    """Everything a cell printed or displayed, as plain text."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def table(cell: nbformat.NotebookNode) -> pd.DataFrame:
    """The DataFrame a cell displayed, read back from its HTML."""
    html = next(o.data["text/html"] for o in cell.outputs if "text/html" in o.get("data", {}))
    frame = pd.read_html(io.StringIO(html), index_col=0)[0]
    if isinstance(frame.columns, pd.MultiIndex):  # a named index adds a second header row
        frame.columns = frame.columns.get_level_values(0)
    for column in frame.columns:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.notna().sum() == frame[column].notna().sum():
            frame[column] = numbers
    return frame


def test_new_year_reaches_the_parquet_and_a_bad_value_is_caught(executed):
    notebook = executed("01_adding_a_new_year")
    rows = table(tagged(notebook, "new-year-rows"))
    assert "2012-13" in rows.columns and "2011-12" in rows.columns
    assert rows.loc["cp_plans_new", "2012-13"] == 320
    assert rows.loc["cp_plans_new", "2011-12"] == 310  # the published figure is untouched
    error = text(tagged(notebook, "etl-error"))
    assert "cp_table1.csv, row 3, column '2012-13'" in error
    assert "'3O0' is not a number" in error
    kept = text(tagged(notebook, "output-kept"))
    assert "build.json unchanged: True" in kept
    assert "still reads 300.0" in kept


def test_exploring_lists_datasets_and_pivots(executed, processed):
    notebook = executed("02_exploring_the_processed_data")
    datasets = table(tagged(notebook, "datasets"))
    built = json.loads((processed.path / "build.json").read_text())
    assert set(datasets.index) == set(built["datasets"])
    assert datasets.loc["cp_plans", "figures"] == len(processed.frame("cp_plans"))
    pivot = table(tagged(notebook, "pivot"))
    assert pivot.loc["Police", "Dudley"] == 23.7 and pivot.loc["Police", "England"] == 28.7
    years = table(tagged(notebook, "official-pivot"))
    assert {"Dudley", "West Midlands", "England"} <= set(years.index)
    assert "2023-24" in years.columns


def test_benchmarking_table_and_summary(executed, processed):
    notebook = executed("03_benchmarking")
    neighbours = processed.frame("dfe_neighbours")
    names = set(neighbours.loc[neighbours["authority_code"] == DUDLEY, "neighbour_name"])
    assert len(names) == 10
    latest = table(tagged(notebook, "latest-table"))
    assert len(latest) == 12
    assert set(latest.index) == names | {"Dudley", "England"}
    dudley = latest.loc["Dudley"]
    assert dudley["lower_95"] < dudley["rate"] < dudley["upper_95"]
    rates = processed.rows("dfe_cp_plans", "dfe_cp_plans_at_31_march_rate_per_10000")
    last = rates.sort_values("period").iloc[-1]
    assert dudley["rate"] == pytest.approx(last["value"], abs=0.05)
    ten = table(tagged(notebook, "ten-year-table"))
    assert len(ten.columns) == 10 and len(ten) == 13  # 11 authorities, the group, England
    summary = text(tagged(notebook, "summary"))
    when = period_words(last["period"], "snapshot")
    assert summary.startswith(f"{when[0].upper()}{when[1:]}, Dudley had {last['value']:.1f} "
                              "children on a child protection plan per 10,000")
    assert "of its 10 statistical neighbours had a higher rate" in summary


def _lsoa_figures(processed, measure: str, period: str) -> pd.DataFrame:
    """Dudley's LSOA rows for one measure and year, read straight from the ETL output."""
    rows = processed.frame("smallarea")
    return rows[(rows["authority_code"] == DUDLEY) & (rows["geographic_level"] == "lsoa")
                & (rows["measure"] == measure) & (rows["period"] == period)]


def test_small_areas_join_deciles_and_correlations(executed, processed):
    notebook = executed("04_small_areas")
    built = json.loads((processed.path / "build.json").read_text())["small_areas"][DUDLEY]
    lsoas = pd.read_parquet(processed.path / "geo" / f"lsoa_{DUDLEY}.parquet")
    assert built["lsoas"] == len(lsoas) == 201
    period = max(built["periods"])
    rates = _lsoa_figures(processed, "sa_children_in_need_rate", period)
    counts = _lsoa_figures(processed, "sa_children_in_need", period)
    shown = rates[rates["status"] != "c"]

    joined = text(tagged(notebook, "joined"))
    assert joined.startswith(f"Joined 201 LSOAs: {len(shown)} with a published rate, "
                             f"{201 - len(shown)} suppressed, 0 without a row.")
    assert "Same children in both files: True" in joined

    deciles = table(tagged(notebook, "decile-table"))
    assert deciles["LSOAs"].sum() == 201
    assert deciles["suppressed"].sum() == 201 - len(shown)
    assert deciles["count_published"].sum() == counts["value"].sum()  # NaN (c) skipped
    assert deciles["children"].sum() == lsoas["children"].sum()

    out = text(tagged(notebook, "lsoa-correlation"))
    found = re.search(r"\((\d+) of 201 LSOAs with a published rate\): "
                      r"Spearman rho = (-?\d\.\d{3}), p = ", out)
    assert found, out
    n, rho = int(found[1]), float(found[2])
    assert n == len(shown) and -1 <= rho <= 1
    ranks = lsoas.set_index("lsoa_code")["idaci_rank"].reindex(shown["area_code"])
    expected = pd.Series(shown["value"].to_numpy()).corr(
        pd.Series(ranks.to_numpy()), method="spearman")
    assert rho == pytest.approx(expected, abs=5e-4)

    ward = text(tagged(notebook, "ward-correlation"))
    found = re.search(r"\((\d+) of 24 wards with a published rate\): "
                      r"Spearman rho = (-?\d\.\d{3})", ward)
    assert found, ward
    assert 0 < int(found[1]) <= 24 and -1 <= float(found[2]) <= 1

    tests = table(tagged(notebook, "all-tests"))
    assert len(tests) == 3 * len(built["periods"]) * 2  # measures × years × levels
    row = tests[(tests["measure"] == "sa_children_in_need") & (tests["period"] == period)
                & (tests["level"] == "LSOA")]
    assert row["rho"].tolist() == [rho] and row["areas"].tolist() == [n]


def test_small_areas_say_when_the_figures_are_synthetic(executed, processed):
    notebook = executed("04_small_areas")
    built = json.loads((processed.path / "build.json").read_text())["small_areas"][DUDLEY]
    assert built["synthetic"]  # the session's ETL ran without extracts (conftest)
    warning = text(tagged(notebook, "synthetic-warning"))
    assert "SYNTHETIC SAMPLE — NOT REAL DATA" in warning
    assert "proves nothing about real children" in warning
    summary = text(tagged(notebook, "summary"))
    assert summary.startswith("SYNTHETIC SAMPLE — NOT REAL DATA")
    assert "across Dudley's 201 LSOAs" in summary
    rho = float(re.search(r"rho = (-?\d\.\d+)", text(tagged(notebook, "lsoa-correlation")))[1])
    assert rho < -0.5  # the gradient the generator was built with is found
