"""gunicorn settings for serving the dashboard: ``gunicorn -c dashboard/server/gunicorn_conf.py``.

Every setting can be changed by environment variable (see the README, *Running in
production*); command-line options such as ``-b`` override them too.
"""

import os

bind = os.environ.get("DASHBOARD_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("DASHBOARD_WORKERS", "2"))
threads = int(os.environ.get("DASHBOARD_THREADS", "4"))
worker_class = "gthread"
# A worker that stops answering its master for this long is restarted. Packs are made by
# each worker's builder threads, never in a request (dashboard.exports.jobs).
timeout = int(os.environ.get("DASHBOARD_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Refuse oversized request lines and headers before they reach the app.
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("DASHBOARD_ACCESS_LOG", "-")
errorlog = os.environ.get("DASHBOARD_ERROR_LOG", "-")
loglevel = os.environ.get("DASHBOARD_LOG_LEVEL", "info")
# Who asked, when, what, the answer and how long it took (in microseconds); never cookies.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
wsgi_app = "dashboard.wsgi:server"


def on_starting(server):
    """Check the settings once, before any worker starts, and stop if incomplete (for
    accounts this also makes the session database's tables, if missing)."""
    from dashboard.server import auth, strict

    try:
        auth.settings()
        strict.max_request_bytes()
    except (auth.ConfigError, strict.ConfigError) as err:
        raise SystemExit(f"Dashboard not started: {err}") from None


def post_worker_init(worker):
    """Each worker finishes Dash's set-up and starts its image renderer before it takes
    a request (see ``dashboard.app.set_up``)."""
    from dashboard.app import set_up
    from dashboard.server import warmup
    from dashboard.wsgi import app

    set_up(app)
    warmup.warm_up(app)
