"""Stages run side by side: the stages that need nothing of the others each run in a
forked process while this one imports the releases.

``Side(processes)``: with 1, everything runs here, in turn; with more, each stage handed
to ``run`` is forked, so that it starts with everything already imported and read (the
system shares the cores among them). ``Side.run(name, make, progress)`` starts
``make(progress)`` and gives back a function that returns its result: its value, or the
exception it raised, raised here (the same again if asked twice).
The progress a forked stage reports is kept and replayed here when its result is taken,
so that the lines come in the order of the stages. The result comes back pickled through
a pipe; a process that ends without one is an error naming the stage and its exit code.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


class StageProcessError(RuntimeError):
    """A forked stage's process ended without handing back its result."""


def _child(make: Callable[[Progress], object], writer) -> None:
    calls: list[tuple] = []
    try:
        payload = ("value", make(lambda *call: calls.append(call)), calls)
    except BaseException as err:  # any failure is handed back, and raised there
        payload = ("error", err, calls, traceback.format_exc())
    try:
        writer.send(payload)
    except Exception as err:  # the value or the error could not be pickled
        writer.send(("error", StageProcessError(f"its result could not be sent back: {err}"),
                     calls, traceback.format_exc()))
    writer.close()


def _replay(calls: list[tuple], progress: Progress | None) -> None:
    for call in calls:
        if progress:
            progress(*call)


class Side:
    """Where the independent stages run: here, or in forked processes, one per stage."""

    def __init__(self, processes: int):
        self.forking = processes > 1 and "fork" in multiprocessing.get_all_start_methods()
        self.running: dict[str, multiprocessing.process.BaseProcess] = {}

    def __enter__(self) -> Side:
        return self

    def __exit__(self, *_exc) -> None:
        """Stop any forked stage whose result was not taken (the build failed first)."""
        for process in self.running.values():
            process.kill()
            process.join()
        self.running.clear()

    def run(self, name: str, make: Callable[[Progress], object],
            progress: Progress | None) -> Callable[[], object]:
        """Start ``make`` (forked when the side forks); return what takes its result."""
        if not self.forking:
            return lambda: make(progress or (lambda *_: None))
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(make, writer), name=f"etl-{name}",
                                  daemon=True)
        process.start()
        writer.close()
        self.running[name] = process
        logger.debug("Stage %s runs in process %s", name, process.pid)

        taken: list[tuple] = []

        def receive() -> tuple:
            try:
                payload = reader.recv()
            except EOFError:
                process.join()
                return ("error", StageProcessError(
                    f"the {name} stage's process ended without a result (exit code "
                    f"{process.exitcode})"), [], "")
            finally:
                reader.close()
                self.running.pop(name, None)
            process.join()
            _replay(payload[2], progress)
            return payload

        def result() -> object:
            if not taken:  # taken once; asked again, the same value or the same error
                taken.append(receive())
                if taken[0][0] == "error":
                    logger.debug("Stage %s failed in process %s:\n%s", name, process.pid,
                                 taken[0][3])
            if taken[0][0] == "error":
                raise taken[0][1]
            return taken[0][1]
        return result


def default_processes() -> int:
    """Processes the stages may use unless the settings say: 2 with more than one core."""
    return 2 if (os.cpu_count() or 1) > 1 else 1
