"""The layout keeps its shape: no authority written into code, no import cycle, layers that
only look down, small modules, and one name per page."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("etl", "dashboard")
# Names and codes of particular places: the authority is configuration, never code.
LITERALS = re.compile(r"Dudley|E08000027|West Midlands|E12000005|Worcestershire|E10000034")
MAX_LINES = 400
# dashboard's layers, lowest first: a package may import only those before it (and etl).
LAYERS = ["ids", "store", "words", "figures", "charts", "exports", "ui", "pages", "server"]
ENTRY_POINTS = {"dashboard.wsgi", "dashboard.__main__", "dashboard.cli",
                "dashboard.server.gunicorn_conf"}


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                ids.add(id(body[0].value))
    return ids


def literals_in(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every string in the code (not a comment or docstring) that names
    a particular authority or region."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in skip and LITERALS.search(node.value):
            found.append((node.lineno, node.value))
    return found


def test_the_literal_check_can_fail():
    code = '"""Dudley in a docstring is fine."""\n# and in a comment: Dudley\nX = "Dudley"\n' \
           'def f():\n    """West Midlands, documented."""\n    return f"in {X}, West Midlands"\n'
    assert [line for line, _ in literals_in(code)] == [3, 6]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_authority_region_or_code_is_written_into_code(module):
    found = literals_in(MODULES[module].read_text(encoding="utf-8"))
    assert found == [], f"{MODULES[module]}: {found}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_400_lines(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[module]} has {lines} lines"


def _imports(module: str) -> set[str]:
    """Project modules that ``module`` imports (at its top or inside functions)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {m: _imports(m) for m in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _without_package_inits(graph):
    """Importing ``a.b`` runs ``a/__init__``: a package's facade importing its own modules
    is not a cycle with them."""
    return {m: {d for d in deps if not (m.startswith(d + "."))} for m, deps in graph.items()}


def test_the_cycle_check_can_fail():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    assert cycles(_without_package_inits(GRAPH)) == []


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "dashboard" and len(parts) > 1 and parts[1] in LAYERS \
        else None


def test_layers_only_import_layers_below_them():
    wrong = []
    for module, deps in GRAPH.items():
        mine = _layer(module)
        if mine is None or module in ENTRY_POINTS:
            continue
        for dep in deps:
            theirs = _layer(dep)
            if dep.startswith("dashboard") and theirs is None and dep != "dashboard":
                wrong.append((module, dep))  # e.g. the app module
            elif theirs is not None and LAYERS.index(theirs) > LAYERS.index(mine):
                wrong.append((module, dep))
    assert wrong == []


def test_etl_never_imports_the_dashboard():
    assert [(m, d) for m, deps in GRAPH.items() if m.startswith("etl")
            for d in deps if d.startswith("dashboard")] == []


def test_only_entry_points_import_the_app():
    importers = sorted(m for m, deps in GRAPH.items() if "dashboard.app" in deps)
    assert set(importers) <= ENTRY_POINTS, importers


def test_one_name_per_page():
    """Each page's charts module and page module are named for it, its address is its
    name, and every chart and control id it declares starts with its name."""
    from dashboard import charts
    from dashboard.ids import Page

    for page in Page:
        assert (ROOT / "dashboard" / "pages" / f"{page.module}.py").is_file(), page
        assert page.path == ("/" if page is Page.OVERVIEW else f"/{page}")
        module = MODULES.get(f"dashboard.charts.{page.module}")
        if module is None:
            continue
        ids = getattr(importlib.import_module(f"dashboard.charts.{page.module}"), "Ids", None)
        assert ids is not None, f"dashboard/charts/{page.module}.py declares no Ids"
        assert [i for i in ids if not i.startswith(f"{page}-")] == [], page
    for chart in charts.REGISTRY.values():
        assert chart.id.startswith(f"{chart.page}-") and chart.page in set(Page)
