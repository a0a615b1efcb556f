"""Command line: ``safeguarding-etl`` or ``python -m etl``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from etl import config
from etl.errors import ContractError, ETLError
from etl.pipeline import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="safeguarding-etl",
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
    raw = (args.raw or config.settings().raw_dir).resolve()
    out = (args.out or config.settings().processed_dir).resolve()
    external = (args.external or config.settings().external_dir).resolve()

    def progress(i: int, n: int, text: str) -> None:
        if not args.quiet:
            print(f"[{i:>{len(str(n))}}/{n}] {text}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    try:
        summary, flags = run(raw, out, progress, external)
    except ETLError as err:
        where = ("in what it was about to write (etl/schema.py)"
                 if isinstance(err, ContractError) else "in the input")
        print(f"ETL stopped: {len(err.problems)} problem(s) {where}; nothing in {out} "
              "was changed.", file=sys.stderr)
        for problem in err.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    for note in summary["notes"]:
        print(note, file=sys.stderr)
    print(f"Wrote {summary['figures']:,} figures in {len(summary['datasets'])} datasets to "
          f"{out} in {seconds:.2f} s.")
    if len(flags):
        print(f"Validation: {len(flags)} flag(s) where published figures disagree "
              f"(see {out / 'validation_report.md'}):")
        for message in flags["message"]:
            print(f"  - {message}")
    else:
        print("Validation: no disagreements found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
