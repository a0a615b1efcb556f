"""Logging for every entry point, configured once; progress as a bar on a terminal.

Modules log through ``logging.getLogger(__name__)``. ``configure`` is called by the
command-line entry points only (``safeguarding …``, ``python -m etl``): on a terminal the
lines go through rich and progress is a bar; elsewhere (CI, cron, a log file) they are
plain ``LEVEL name: message`` lines and progress is one line per step.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_configured = False


def interactive(stream=None) -> bool:
    """Whether ``stream`` (standard error by default) is a terminal a person watches."""
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def configure(level: int = logging.INFO, stream=None) -> None:
    """Set up the root logger once: rich on a terminal, plain lines otherwise."""
    global _configured
    stream = stream or sys.stderr
    root = logging.getLogger()
    if _configured:
        root.setLevel(level)
        return
    if interactive(stream):
        from rich.console import Console
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(console=Console(file=stream), show_time=False,
                                               show_path=False, markup=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(message)s"))
    root.handlers[:] = [handler]
    root.setLevel(level)
    _configured = True


class Progress:
    """Steps of a long job: ``advance(text)`` after each one."""

    def __init__(self, logger: logging.Logger, bar=None, task=None):
        self.logger, self.bar, self.task = logger, bar, task
        self.done = 0
        self.total = 0

    def start(self, total: int) -> None:
        self.total = total
        if self.bar is not None:
            self.bar.update(self.task, total=total)

    def advance(self, text: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=text[:60])
            self.logger.debug(text)
        else:
            width = len(str(self.total or self.done))
            self.logger.info("[%*d/%s] %s", width, self.done, self.total or "?", text)


@contextmanager
def progress(logger: logging.Logger, title: str, quiet: bool = False,
             stream=None) -> Iterator[Progress]:
    """A progress reporter: a rich bar on a terminal, numbered log lines otherwise, or
    nothing at all when ``quiet``."""
    if quiet:
        silent = logging.getLogger(logger.name + ".quiet")
        silent.disabled = True
        yield Progress(silent)
        return
    stream = stream or sys.stderr
    if not interactive(stream):
        yield Progress(logger)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(TextColumn(title), BarColumn(), MofNCompleteColumn(),
             TextColumn("{task.description}"), TimeElapsedColumn(),
             console=Console(file=stream), transient=False) as bar:
        task = bar.add_task("", total=None)
        yield Progress(logger, bar, task)
