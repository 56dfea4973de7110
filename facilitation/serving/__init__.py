"""The HTTP server: pywsgi with gevent-websocket's handler, as Flask-SocketIO would start it,
with an end to every wait and a cap on connections per address, so slow clients are cut off
(see handler.py for the deadlines, server.py for the cap, limits.py for the numbers).

``python app.py`` serves with ``serve``; gunicorn with ``gunicorn_worker.GuardedWorker``.
"""

from __future__ import annotations

from flask import Flask

from .server import GuardedServer


def serve(app: Flask, host: str, port: int) -> None:
    """Serve ``app`` until the process is stopped (no access log: phones poll often)."""
    GuardedServer((host, port), app, log=None).serve_forever()
