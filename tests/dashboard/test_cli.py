"""``safeguarding``: one command with a subcommand for each job, each with its own --help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("safeguarding")


def run(*args: str, env: dict | None = None, timeout: float = 120):
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def test_the_command_is_installed_and_lists_its_subcommands():
    assert SCRIPT.is_file(), "pip install -e . installs the safeguarding command"
    result = run("--help")
    assert result.returncode == 0
    for name in ("etl", "serve", "pack", "users", "download", "sample", "authorities"):
        assert name in COMMANDS and f"    {name}" in result.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_has_its_own_help(name):
    result = run(name, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ")
    assert f"safeguarding {name}" in result.stdout.splitlines()[0]


def test_an_unknown_subcommand_is_refused():
    result = run("bake")
    assert result.returncode == 2 and "invalid choice: 'bake'" in result.stderr


def test_the_module_entry_points_still_work():
    for module in ("etl", "dashboard"):
        result = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True,
                                text=True, cwd=ROOT, timeout=120)
        assert result.returncode == 0 and result.stdout.startswith("usage: "), module


def test_authorities_lists_and_searches_the_codes(processed):
    env = {"SAFEGUARDING_PROCESSED_DIR": str(processed.path)}
    every = run("authorities", env=env)
    assert every.returncode == 0
    assert len(every.stdout.splitlines()) == 153
    assert "E08000027  Dudley  West Midlands  <- configured" in every.stdout
    found = run("authorities", "--search", "WORC", env=env)
    assert found.stdout.splitlines() == ["E10000034  Worcestershire  West Midlands"]
    none = run("authorities", "--search", "atlantis", env=env)
    assert none.returncode == 1 and "No authority matches 'atlantis'" in none.stderr


def test_serve_stops_on_an_unknown_authority_saying_how_to_find_one(processed):
    result = run("serve", "--port", "1", env={"SAFEGUARDING_PROCESSED_DIR": str(processed.path),
                                              "SAFEGUARDING_AUTHORITY": "E10000023"})
    assert result.returncode == 2
    assert "Dashboard not started" in result.stderr
    assert "use E06000065" in result.stderr and "safeguarding authorities" in result.stderr
