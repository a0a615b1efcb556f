"""``python -m dashboard``: the development server on localhost."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="Run the dashboard's development server.")
    parser.add_argument("--host", default=os.environ.get("DASHBOARD_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DASHBOARD_PORT", 8050)))
    parser.add_argument("--debug", action="store_true",
                        help="Dash debug mode (development only: never on a shared server)")
    args = parser.parse_args()
    from . import export
    from .app import app

    export.warm_up()
    print(f"Dashboard running at http://{args.host}:{args.port}/  (Ctrl+C to stop)",
          flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
