"""Command line: ``safeguarding etl`` or ``python -m etl``.

Progress goes to standard error (a bar on a terminal, ``[ 3/40] …`` lines otherwise, none
with ``--quiet``), as do the build's notes and, when it stops, its problems; the summary
(``Wrote …``, ``Validation: …``) goes to standard output. All of it through ``etl.log``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from etl import config, log
from etl.errors import ContractError, ETLError
from etl.io.versions import current
from etl.pipeline import run

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
    args = parser.parse_args(argv)
    log.configure()
    raw = (args.raw or config.settings().raw_dir).resolve()
    out = (args.out or config.settings().processed_dir).resolve()
    external = (args.external or config.settings().external_dir).resolve()

    started = time.perf_counter()
    try:
        with log.progress(logger, "ETL", quiet=args.quiet) as steps:
            summary, flags = run(raw, out, steps.step, external)
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


if __name__ == "__main__":
    sys.exit(main())
