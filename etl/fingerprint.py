"""Fingerprints of a build's inputs, so that a run rebuilds only what they change.

Each stage of the ETL (``STAGES``) has a set of inputs, each with a hash: every file it
may read (its content, hashed with BLAKE2), the ETL's source files it runs (the
modules its entry points import, found by reading their ``import`` statements, plus the
pipeline's own modules), the settings that reach its output (folders named in notes,
the authority) and, for a stage that uses another's result, that stage's fingerprint.
A stage's fingerprint is the hash of all of them. The last build's are in its
``fingerprints.json``; a stage whose fingerprint is the same, and whose files are all
still in the current version, is reused from it.

Nothing here imports pandas or the other heavy libraries: a run with nothing to do
decides in well under a second.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

FORMAT = 2  # of fingerprints.json and the stages' pickles: a new one rebuilds everything
FILE = "fingerprints.json"
STAGE_FOLDER = "stages"  # <version>/stages/<stage>.pickle: what a stage gave, for reuse
PACKAGE = Path(__file__).resolve().parent  # etl/
STAGES = ("reports", "releases", "boundaries", "smallareas")
# The modules each stage runs (their imports are followed); SHARED, the modules that run
# or write every stage, are inputs of each (as files: following their imports would make
# every module an input of every stage).
ROOTS = {
    "reports": ("etl.reports.registry", "etl.reports.tidy", "etl.reports.derive",
                "etl.reports.checks"),
    "releases": ("etl.official.importer",),
    "boundaries": ("etl.geo.districts",),
    "smallareas": ("etl.smallareas.build", "etl.geo.authorities"),
}
SHARED = ("etl.pipeline", "etl.outputs", "etl.fingerprint", "etl.schema", "etl.config",
          "etl.io.atomic")
UPSTREAM = {"smallareas": ("releases", "boundaries")}  # it needs the authorities' lookup
_CHUNK = 1 << 20


def file_hash(path: Path) -> str:
    """BLAKE2 of the file's bytes (its size first, so a cut file never matches)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        digest.update(str(os.fstat(handle.fileno()).st_size).encode())
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def files_under(folder: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    """Every file below ``folder`` (none if it is missing), but not below ``skip`` (names
    of its direct sub-folders), nor hidden ones or caches."""
    found: list[Path] = []
    if not folder.is_dir():
        return found
    for here, dirs, files in os.walk(folder):
        top = Path(here) == folder
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                         and not (top and d in skip))
        found += [Path(here) / f for f in sorted(files) if not f.startswith(".")]
    return found


def _module_path(name: str) -> Path | None:
    parts = name.split(".")[1:]
    base = PACKAGE.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


_FROM = re.compile(r"^[ \t]*from[ \t]+(etl(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)",
                   re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n]*)", re.MULTILINE)
_NAME = re.compile(r"[A-Za-z_][\w.]*")


@lru_cache(maxsize=256)
def _imports(path: Path, stamp: tuple[int, int]) -> frozenset[str]:
    """The ``etl`` modules a source file imports, anywhere in it (functions too): its
    ``from etl… import`` and ``import etl…`` lines (``stamp``: its size and mtime)."""
    text = path.read_text(encoding="utf-8")
    names: set[str] = set()
    for module, what in _FROM.findall(text):
        names.add(module)
        listed = re.sub(r"#[^\n]*", "", what).strip("()")
        names |= {f"{module}.{n.split()[0]}" for n in listed.split(",") if n.strip()
                  and _NAME.match(n.strip())}  # a submodule, maybe
    for what in _IMPORT.findall(text):
        names |= {n.strip().split()[0] for n in what.split(",")
                  if n.strip().split(".")[0] == "etl"}
    return frozenset(names)


def code_files(roots: tuple[str, ...]) -> list[Path]:
    """The source files of ``roots`` and of every ``etl`` module they import, in turn,
    with each package's ``__init__``."""
    seen: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_path(name)
        if path is None:
            continue
        seen[name] = path
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        info = path.stat()
        todo += parents + sorted(_imports(path, (info.st_size, info.st_mtime_ns)))
    return sorted(set(seen.values()))


def environment() -> str:
    """Python's version and the installed distributions (names and versions, from the
    ``*.dist-info`` folders: no import needed)."""
    names = [sys.version]
    for entry in sys.path:
        if entry.endswith("site-packages") and os.path.isdir(entry):
            names += sorted(n for n in os.listdir(entry) if n.endswith(".dist-info"))
    return _text_hash("\n".join(names))


@dataclass(frozen=True)
class Where:
    """The folders and settings a build reads."""

    raw: Path
    external: Path | None
    local: Path
    settings_raw: Path  # config.settings().raw_dir, which the small areas name in problems
    authority: str


def _rel(path: Path, where: Where) -> str:
    for label, base in (("raw", where.raw), ("external", where.external),
                        ("local", where.local), ("etl", PACKAGE)):
        if base is not None and path.is_relative_to(base):
            return f"{label}:{path.relative_to(base).as_posix()}"
    return str(path)


def stage_inputs(where: Where) -> dict[str, dict[str, str]]:
    """Each stage's inputs (a readable key → its hash); the same file is hashed once."""
    hashes: dict[Path, str] = {}

    def hashed(paths: list[Path]) -> dict[str, str]:
        out = {}
        for path in paths:
            if path not in hashes:
                hashes[path] = file_hash(path)
            out[_rel(path, where)] = hashes[path]
        return out

    ext = where.external
    raw_all = files_under(where.raw)
    definitions = files_under(where.raw, skip=("reports",))  # the registries, settings
    common = {"setting:raw": str(where.raw), "setting:external": str(ext),
              "setting:format": str(FORMAT), "environment": environment()}
    found = {
        "reports": hashed(raw_all),
        "releases": hashed(definitions + (files_under(ext, skip=("boundaries", "imd"))
                                          if ext else [])),
        "boundaries": hashed(files_under(ext / "boundaries") if ext else []),
        "smallareas": {**hashed(definitions + (files_under(ext / "boundaries")
                                               + files_under(ext / "imd") if ext else [])
                                + files_under(where.local)),
                       "setting:local": str(where.local),
                       "setting:settings_raw": str(where.settings_raw),
                       "setting:authority": where.authority},
    }
    if ext is not None:
        for name in ("dfe", "imd", "boundaries"):  # whether they exist changes the notes
            common[f"exists:{name}"] = str((ext / name).is_dir())
    shared = [p for p in map(_module_path, SHARED) if p is not None]
    for stage, inputs in found.items():
        inputs.update(common)
        inputs.update(hashed(sorted(set(shared) | set(code_files(ROOTS[stage])))))
    return found


def fingerprint(inputs: dict[str, str], upstream: dict[str, str] | None = None) -> str:
    """One hash of a stage's inputs and the fingerprints of the stages it uses."""
    items = sorted(inputs.items()) + sorted((f"stage:{k}", v)
                                            for k, v in (upstream or {}).items())
    return _text_hash(json.dumps(items))


def fingerprints(inputs: dict[str, dict[str, str]]) -> dict[str, str]:
    """Every stage's fingerprint, upstream stages first."""
    out: dict[str, str] = {}
    for stage in STAGES:
        out[stage] = fingerprint(inputs[stage], {u: out[u] for u in UPSTREAM.get(stage, ())})
    return out


@dataclass
class Plan:
    """What a run must rebuild, and why; the rest it reuses from ``previous``."""

    previous: Path | None  # the current version's folder, if it has fingerprints
    inputs: dict[str, dict[str, str]]
    fingerprints: dict[str, str]
    rebuild: dict[str, str] = field(default_factory=dict)  # stage → why
    missing_outputs: list[str] = field(default_factory=list)  # outputs no stage makes

    @property
    def nothing_changed(self) -> bool:
        return not self.rebuild and not self.missing_outputs

    @property
    def reuse(self) -> list[str]:
        return [s for s in STAGES if s not in self.rebuild]

    def record(self, files: dict[str, list[str]], outputs: list[str]) -> dict:
        """What fingerprints.json holds for a build that made ``files`` (stage → output
        file names) and the other ``outputs``."""
        return {"format": FORMAT, "outputs": outputs,
                "stages": {s: {"fingerprint": self.fingerprints[s], "files": files.get(s, []),
                               "inputs": self.inputs[s]} for s in STAGES}}


def read_previous(version: Path) -> dict | None:
    """The fingerprints a version recorded, or None (none, unreadable, another format)."""
    try:
        recorded = json.loads((version / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("format") != FORMAT:
        return None
    return recorded


def _why(old: dict[str, str], new: dict[str, str], upstream: list[str]) -> str:
    changed = sorted(k for k in new.keys() & old.keys() if new[k] != old[k])
    added, gone = sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys())
    words = [f"{k} changed" for k in changed] + [f"{k} is new" for k in added] + \
        [f"{k} is gone" for k in gone] + [f"stage {u} is rebuilt" for u in upstream]
    if not words:
        return "its fingerprint changed"
    more = f" (and {len(words) - 3} more)" if len(words) > 3 else ""
    return ", ".join(words[:3]) + more


def plan(where: Where, version: Path | None, full: bool = False) -> Plan:
    """Compare this run's inputs with those ``version`` (the current build) recorded."""
    inputs = stage_inputs(where)
    prints = fingerprints(inputs)
    recorded = read_previous(version) if version is not None else None
    result = Plan(version if recorded else None, inputs, prints)
    for stage in STAGES:
        old = (recorded or {}).get("stages", {}).get(stage)
        if full:
            result.rebuild[stage] = "a full build was asked for"
        elif recorded is None or not isinstance(old, dict):
            result.rebuild[stage] = "no previous build with fingerprints"
        elif old.get("fingerprint") != prints[stage]:
            upstream = [u for u in UPSTREAM.get(stage, ()) if u in result.rebuild]
            result.rebuild[stage] = _why(old.get("inputs", {}), inputs[stage], upstream)
        else:
            names = [*old.get("files", []), f"{STAGE_FOLDER}/{stage}.pickle"]
            lost = [n for n in names if not (version / n).is_file()]
            if lost:
                result.rebuild[stage] = f"{lost[0]} is missing from version {version.name}"
    if recorded is not None and not result.rebuild:
        result.missing_outputs = [n for n in recorded.get("outputs", [])
                                  if not (version / n).is_file()]
    return result
