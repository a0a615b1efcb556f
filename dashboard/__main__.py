"""``python -m dashboard``: the development server, on this computer only by default.

For a shared server use gunicorn (see the README, *Running in production*). Dash's debug
mode runs code sent from the browser's error screen, so ``--debug`` is refused unless
the server listens on this computer alone (127.0.0.1, ::1 or localhost).
"""

from __future__ import annotations

import argparse
import os

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="Run the dashboard's development server.")
    parser.add_argument("--host", default=os.environ.get("DASHBOARD_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DASHBOARD_PORT", 8050)))
    parser.add_argument("--debug", action="store_true",
                        help="Dash debug mode: development only, and only on 127.0.0.1")
    args = parser.parse_args(argv)
    local = args.host in LOOPBACK
    if args.debug and not local:
        parser.error(f"--debug is refused with --host {args.host}: debug mode lets anyone "
                     "who can reach the server run code on it. Use it on 127.0.0.1 only.")
    if local:  # browsers send plain-http cookies to this computer; elsewhere, https only
        os.environ.setdefault("DASHBOARD_SECURE_COOKIES", "0")
    else:
        print("Warning: the development server is not meant for a shared server; use "
              "gunicorn (see the README, Running in production).", flush=True)
    from dashboard.app import app, set_up
    from dashboard.exports import images as export

    set_up()
    export.warm_up()
    print(f"Dashboard running at http://{args.host}:{args.port}/  (Ctrl+C to stop)",
          flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
