"""gunicorn settings for serving the dashboard: ``gunicorn -c dashboard/gunicorn_conf.py``."""

import os

bind = os.environ.get("DASHBOARD_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("DASHBOARD_WORKERS", "2"))
threads = int(os.environ.get("DASHBOARD_THREADS", "4"))
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("DASHBOARD_LOG_LEVEL", "info")
wsgi_app = "dashboard.app:server"


def post_worker_init(worker):
    """Each worker starts its image renderer at once, not on the first download."""
    from dashboard import export

    export.warm_up()
