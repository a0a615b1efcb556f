"""Logging (etl/log.py): plain numbered lines without a terminal, a progress bar with one.

The words and streams are those the command always had: progress, notes and errors on
standard error, the summary on standard output."""

from __future__ import annotations

import fcntl
import logging
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

from etl import log

ROOT = Path(__file__).resolve().parents[2]
ESCAPE = "\x1b"
PROGRESS_LINE = re.compile(r"^\[ *(\d+)/(\d+)\] \S")


def _command(tmp_path: Path) -> list[str]:
    # the report tables only (no releases): quick, and the same progress and summary
    return [sys.executable, "-m", "etl", "--out", str(tmp_path / "out"),
            "--external", str(tmp_path / "no-external")]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
                        "COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    return env


def test_on_a_terminal_progress_is_a_bar(tmp_path):
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(_command(tmp_path), cwd=ROOT, env=_environment(),
                            stdin=child, stdout=child, stderr=child)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the terminal closed: the command has finished
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.wait(timeout=120) == 0
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert ESCAPE in screen  # drawn, not printed line by line
    assert "━" in screen  # rich's bar
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    done = re.findall(r"ETL ━+ (\d+)/(\d+)", plain)
    assert done and done[-1][0] == done[-1][1], "the bar does not end full"
    assert not any(PROGRESS_LINE.match(line) for line in plain.splitlines())
    assert "No official releases:" in plain  # a note, through rich
    assert "Wrote " in plain and "Validation: " in plain


def test_without_a_terminal_progress_is_numbered_lines(tmp_path):
    proc = subprocess.run(_command(tmp_path), cwd=ROOT, env=_environment(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert ESCAPE not in proc.stderr and ESCAPE not in proc.stdout
    lines = proc.stderr.splitlines()
    steps = [PROGRESS_LINE.match(line) for line in lines if line.startswith("[")]
    assert steps and all(steps)
    numbers = [int(m.group(1)) for m in steps]
    assert numbers == list(range(1, len(numbers) + 1))
    assert {m.group(2) for m in steps} == {str(len(numbers))}
    assert lines[len(numbers):] == [line for line in lines if line.startswith("No official")]
    assert proc.stdout.startswith("Wrote ") and "\nValidation: " in proc.stdout


def test_configured_twice_a_line_is_written_once_to_the_stream_of_the_moment(capsys):
    logger = logging.getLogger("etl.test_log")
    log.configure()
    log.configure()
    logger.warning("a note")
    log.result(logger, "a result with 100% of %s")
    logger.debug("not shown")
    captured = capsys.readouterr()
    assert captured.err == "a note\n"
    assert captured.out == "a result with 100% of %s\n"


def test_progress_without_a_terminal_numbers_each_step(capsys):
    logger = logging.getLogger("etl.test_log")
    log.configure()
    with log.progress(logger, "Test") as steps:
        steps.start(12)
        steps.advance("first")
        steps.step(10, 12, "tenth")
    with log.progress(logger, "Test", quiet=True) as steps:
        steps.step(1, 2, "never said")
    assert capsys.readouterr().err == "[ 1/12] first\n[10/12] tenth\n"
