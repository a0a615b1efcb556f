"""``safeguarding``: one command for everything.

    safeguarding etl          rebuild data/processed from data/raw and the official releases
    safeguarding serve        run the dashboard (development server)
    safeguarding pack         write a committee pack (Word, PowerPoint, PDF)
    safeguarding users        keep the sign-in accounts
    safeguarding download     fetch an authority's LSOA boundaries
    safeguarding sample       write a synthetic small-area extract
    safeguarding authorities  list the authorities the data knows, with their codes

``safeguarding <command> --help`` describes each. Every command reads the same settings
(``etl.config``): the authority comes from ``SAFEGUARDING_AUTHORITY`` or
``data/raw/settings.toml``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


def _etl(argv: list[str]) -> int:
    from etl.cli import main

    return main(argv)


def _serve(argv: list[str]) -> int:
    from dashboard.__main__ import main

    return main(argv)


def _pack(argv: list[str]) -> int:
    from dashboard.exports.pack_cli import main

    return main(argv)


def _users(argv: list[str]) -> int:
    from dashboard.server.users import main

    main(argv)
    return 0


def _download(argv: list[str]) -> int:
    from etl.geo.lsoa import download_main

    return download_main(argv)


def _sample(argv: list[str]) -> int:
    from etl.smallareas.sample import main

    return main(argv)


def _authorities(argv: list[str]) -> int:
    """List the authorities the data knows (after the ETL: all of England's), or those
    whose name or code contains some text."""
    parser = argparse.ArgumentParser(
        prog="safeguarding authorities",
        description="List the children's services authorities the data knows, with the ONS "
                    "code that SAFEGUARDING_AUTHORITY (or data/raw/settings.toml) takes.")
    parser.add_argument("--search", metavar="TEXT", help="only those whose name or code "
                        "contains TEXT (any case)")
    args = parser.parse_args(argv)
    from dashboard.store.profile import authorities
    from etl import config
    from etl.profile import search

    rows = search(authorities(), args.search)
    configured = config.settings().authority
    for row in rows.itertuples(index=False):
        mark = "  <- configured" if row.authority_code == configured else ""
        region = f"  {row.region_name}" if isinstance(row.region_name, str) else ""
        print(f"{row.authority_code}  {row.authority_name}{region}{mark}")
    if rows.empty:
        print(f"No authority matches {args.search!r}." if args.search else
              "No authorities are known yet: run 'safeguarding etl' with the official "
              "releases in the external folder.", file=sys.stderr)
        return 1
    return 0


COMMANDS: dict[str, tuple[Callable[[list[str]], int], str]] = {
    "etl": (_etl, "rebuild data/processed from data/raw and the official releases"),
    "serve": (_serve, "run the dashboard's development server (gunicorn for a shared one)"),
    "pack": (_pack, "write a committee pack of charts as Word, PowerPoint or PDF"),
    "users": (_users, "add, remove or list the dashboard's sign-in accounts"),
    "download": (_download, "fetch an authority's LSOA boundaries from the ONS"),
    "sample": (_sample, "write a synthetic small-area extract for trying the maps"),
    "authorities": (_authorities, "list the authorities the data knows, with their codes"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="safeguarding", description="Safeguarding children partnership dashboard: "
        "the ETL, the dashboard, committee packs and their settings.",
        epilog="Run 'safeguarding <command> --help' for a command's options.")
    commands = parser.add_subparsers(dest="command", metavar="<command>", required=True)
    for name, (_, help_text) in COMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=False)
    if not argv or argv[0] not in COMMANDS:
        parser.parse_args(argv)  # prints the help or the error, and exits
        return 2
    run, _ = COMMANDS[argv[0]]
    return run(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
