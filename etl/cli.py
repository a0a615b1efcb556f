"""Command line: ``safeguarding etl`` or ``python -m etl``.

Progress goes to standard error (a bar on a terminal, ``[ 3/40] …`` lines otherwise, none
with ``--quiet``), as do the build's notes and, when it stops, its problems; the summary
(``Wrote …``, ``Validation: …``) goes to standard output. All of it through ``etl.log``.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import time
from pathlib import Path

from etl import config, fingerprint, log
from etl.errors import ContractError, ETLError
from etl.io import atomic, versions
from etl.io.versions import current

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None, prog: str = "safeguarding etl") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Turn the annual reports' tables in data/raw, and the official releases "
                    "in the external folder's dfe/, into tidy, checked Parquet.",
    )
    parser.add_argument("--raw", type=Path, default=None,
                        help="raw data folder (default: data/raw or $SAFEGUARDING_RAW_DIR)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: data/processed or "
                             "$SAFEGUARDING_PROCESSED_DIR)")
    parser.add_argument("--external", type=Path, default=None,
                        help="folder holding the official releases in dfe/ (default: "
                             "data/external or $SAFEGUARDING_EXTERNAL_DIR)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--full", action="store_true",
                        help="rebuild every stage, even those whose inputs have not changed")
    args = parser.parse_args(argv)
    log.configure()
    started = time.perf_counter()
    settings = config.settings()
    raw = (args.raw or settings.raw_dir).resolve()
    out = (args.out or settings.processed_dir).resolve()
    external = (args.external or settings.external_dir).resolve()
    where = fingerprint.Where(raw, external, settings.local_dir, settings.raw_dir,
                              settings.authority)
    previous = current(out) if (out / versions.CURRENT).exists() else None
    plan = fingerprint.plan(where, previous, full=args.full)
    if plan.nothing_changed:
        _relink(out, previous)
        inputs = len({k for i in plan.inputs.values() for k in i})
        log.result(logger, f"Nothing changed: {inputs} inputs are as version "
                           f"{previous.name} recorded; nothing was written "
                           f"({time.perf_counter() - started:.2f} s).")
        return 0
    for stage, why in plan.rebuild.items():  # a first build (nothing to compare) is quiet
        logger.log(logging.INFO if plan.previous is not None else logging.DEBUG,
                   "Rebuilding %s: %s.", stage, why)
    if plan.missing_outputs:
        logger.info("Rewriting the joined outputs: %s is missing from version %s.",
                    plan.missing_outputs[0], previous.name)
    if plan.reuse:
        logger.info("Reusing %s from version %s.", ", ".join(plan.reuse), previous.name)
    from etl.pipeline import run  # pandas and the rest: only when there is work to do

    # None of what the imports made is ever garbage: set it aside, so that the collector no
    # longer walks it at each full collection (and the forked stages share its pages)
    gc.freeze()

    try:
        with log.progress(logger, "ETL", quiet=args.quiet) as steps:
            summary, flags = run(raw, out, steps.step, external, plan=plan)
    except ETLError as err:
        where = ("in what it was about to write (etl/schema.py)"
                 if isinstance(err, ContractError) else "in the input")
        logger.error("ETL stopped: %d problem(s) %s; nothing in %s was changed.",
                     len(err.problems), where, out)
        for problem in err.problems:
            logger.error("  - %s", problem)
        return 1
    seconds = time.perf_counter() - started
    version = current(out)
    for note in summary["notes"]:
        logger.warning("%s", note)
    log.result(logger, f"Wrote {summary['figures']:,} figures in {len(summary['datasets'])} "
                       f"datasets to {out / 'current'} (version {version.name}) in "
                       f"{seconds:.2f} s.")
    if len(flags):
        log.result(logger, f"Validation: {len(flags)} flag(s) where published figures "
                           f"disagree (see {version / 'validation_report.md'}):")
        for message in flags["message"]:
            log.result(logger, f"  - {message}")
    else:
        log.result(logger, "Validation: no disagreements found.")
    return 0


def _relink(out: Path, version: Path) -> None:
    """Give back any per-file link (``out/<name>``) that was deleted."""
    names = [p.name for p in version.iterdir()]
    if any(not (out / n).is_symlink() for n in names if n not in atomic.KEPT):
        with versions.locked(out):
            atomic.link_files(out, current(out))


if __name__ == "__main__":
    sys.exit(main())
