"""The WSGI application for gunicorn: ``gunicorn -c dashboard/server/gunicorn_conf.py``
(which names ``dashboard.wsgi:server``). Importing this module makes the app."""

from dashboard.app import create_app

app = create_app()
server = app.server
