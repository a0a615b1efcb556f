"""Logging for every entry point, configured once; progress as a bar on a terminal.

Modules log through ``logging.getLogger(__name__)``. ``configure`` is called by the
command-line entry points only (``python -m etl``, ``python -m etl.geo download``,
``python -m etl.smallareas.sample``). The lines say what they always said, on the same
streams: a command's results (``result``) on standard output; notes, errors and progress
on standard error. Elsewhere than on a terminal (CI, cron, a log file, a test capturing
output) each is a plain line, the message alone, and progress is one numbered line per
step (``[ 3/40] text``); the handler looks ``sys.stdout`` and ``sys.stderr`` up as it
writes each line, so a redirection made after ``configure`` (pytest's ``capsys``) gets
them. On a terminal, standard error goes through rich and progress is a bar.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

STDOUT = "to_stdout"  # a record with this attribute set is a result: standard output
_console = None  # the rich console of standard error on a terminal, once configured


def interactive(stream=None) -> bool:
    """Whether ``stream`` (standard error by default) is a terminal a person watches."""
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def _is_result(record: logging.LogRecord) -> bool:
    return bool(getattr(record, STDOUT, False))


class StandardStreams(logging.Handler):
    """Plain lines: results to ``sys.stdout``, the rest to ``sys.stderr`` (or ``stream``),
    whichever they are when the line is written."""

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = sys.stdout if _is_result(record) else (self.stream or sys.stderr)
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # logging must never stop the program
            self.handleError(record)


def result(logger: logging.Logger, message: str, *args) -> None:
    """Log a result of the command (``Wrote …``): standard output, at INFO."""
    logger.info(message, *args, extra={STDOUT: True})


def configure(level: int = logging.INFO, stream=None) -> None:
    """Set up the root logger: rich on a terminal, plain lines otherwise.

    Calling it again replaces what the last call set up (no line is written twice)."""
    global _console
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_etl_log", False)]:
        root.removeHandler(old)
    plain = StandardStreams(stream)
    handlers: list[logging.Handler] = [plain]
    _console = None
    if interactive(stream):
        from rich.console import Console
        from rich.logging import RichHandler

        _console = Console(file=stream or sys.stderr)
        fancy = RichHandler(console=_console, show_time=False, show_path=False,
                            markup=False)
        fancy.setFormatter(logging.Formatter("%(message)s"))
        fancy.addFilter(lambda record: not _is_result(record))
        plain.addFilter(_is_result)
        handlers.append(fancy)
    for handler in handlers:
        handler._etl_log = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)


class Progress:
    """Steps of a long job: ``step(i, n, text)`` (or ``advance(text)``) after each one."""

    def __init__(self, logger: logging.Logger | None, bar=None, task=None):
        self.logger, self.bar, self.task = logger, bar, task
        self.done = 0
        self.total = 0

    def start(self, total: int) -> None:
        self.total = total
        if self.bar is not None:
            self.bar.update(self.task, total=total)

    def advance(self, text: str) -> None:
        self.step(self.done + 1, self.total, text)

    def step(self, done: int, total: int, text: str) -> None:
        """Step ``done`` of ``total`` (0: not known) is over; ``text`` says what it was."""
        self.done, self.total = done, total or self.total
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=self.total or None,
                            description=text[:60])
            if self.logger is not None:
                self.logger.debug(text)
        elif self.logger is not None:
            width = len(str(self.total or self.done))
            self.logger.info("[%*d/%s] %s", width, self.done, self.total or "?", text)


@contextmanager
def progress(logger: logging.Logger, title: str, quiet: bool = False,
             stream=None) -> Iterator[Progress]:
    """A progress reporter: a rich bar on a terminal, numbered log lines otherwise, or
    nothing at all when ``quiet``."""
    if quiet:
        yield Progress(None)
        return
    stream = stream or sys.stderr
    if not interactive(stream):
        yield Progress(logger)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    console = _console if _console is not None and _console.file is stream \
        else Console(file=stream)
    with Bar(TextColumn(title), BarColumn(bar_width=30), MofNCompleteColumn(),
             TimeElapsedColumn(), TextColumn("{task.description}"),
             console=console, transient=False) as bar:
        task = bar.add_task("", total=None)
        yield Progress(logger, bar, task)
