"""gunicorn's worker for Appreciate: gevent-websocket's, serving with the same deadlines and
cap as ``python app.py`` (``-k facilitation.serving.gunicorn_worker.GuardedWorker``).

A module of its own: gunicorn runs on Linux and macOS only, and ``python app.py`` must not
need it.
"""

from __future__ import annotations

from gunicorn.workers.ggevent import GeventPyWSGIWorker

from .handler import GuardedHandler
from .server import GuardedServer


class GuardedWorker(GeventPyWSGIWorker):
    """gunicorn builds the server from these two; the limits come from the app's settings."""

    server_class = GuardedServer
    wsgi_handler = GuardedHandler
