"""``safeguarding serve`` (or ``python -m dashboard``): the development server, on this
computer only by default.

For a shared server use gunicorn (see the README, *Running in production*). Dash's debug
mode runs code sent from the browser's error screen, so ``--debug`` is refused unless
the server listens on this computer alone (127.0.0.1, ::1 or localhost).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from etl import log as logs

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
log = logging.getLogger(__name__)


def main(argv: list[str] | None = None, prog: str = "safeguarding serve") -> int:
    parser = argparse.ArgumentParser(prog=prog,
                                     description="Run the dashboard's development server.")
    parser.add_argument("--host", default=os.environ.get("DASHBOARD_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DASHBOARD_PORT", 8050)))
    parser.add_argument("--debug", action="store_true",
                        help="Dash debug mode: development only, and only on 127.0.0.1")
    args = parser.parse_args(argv)
    logs.configure()
    local = args.host in LOOPBACK
    if args.debug and not local:
        parser.error(f"--debug is refused with --host {args.host}: debug mode lets anyone "
                     "who can reach the server run code on it. Use it on 127.0.0.1 only.")
    if local:  # browsers send plain-http cookies to this computer; elsewhere, https only
        os.environ.setdefault("DASHBOARD_SECURE_COOKIES", "0")
    else:
        log.warning("The development server is not meant for a shared server; use "
                    "gunicorn (see the README, Running in production).")
    from dashboard.app import create_app, set_up
    from dashboard.server import warmup
    from etl.profile import UnknownAuthority

    try:
        app = create_app()
    except UnknownAuthority as err:
        print(f"Dashboard not started: {err}", file=sys.stderr)
        return 2
    set_up(app)
    warmup.warm_up(app)
    log.info("Dashboard running at http://%s:%s/  (Ctrl+C to stop)", args.host, args.port)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main(prog="python -m dashboard"))
