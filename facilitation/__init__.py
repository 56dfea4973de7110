"""Appreciate: live Appreciative Inquiry workshops for a room full of phones."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_compress import Compress
from flask_htmx import HTMX
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from . import i18n
from .live.broadcast import SocketBroadcaster
from .live.coalesce import DELIVERY_BUDGET
from .plans import load_plans
from .services import Runtime
from .services.limits import Limits
from .store import Store


def create_app(overrides: dict[str, object] | None = None) -> Flask:
    """Build the app: settings, database, plans, Socket.IO and the blueprints. It only wires:
    the schema, the counts a stopped server left and the background jobs are for
    facilitation.startup, once per command or server."""
    app = Flask(__name__, template_folder=str(settings.PROJECT_ROOT / "templates"),
                static_folder=str(settings.PROJECT_ROOT / "static"))
    _configure(app, overrides or {})
    socketio = _socketio(app)
    _runtime(app, socketio)
    CSRFProtect(app)
    HTMX(app)
    i18n.init_app(app)
    Compress(app)  # phones on poor hospital Wi-Fi: pages and scripts travel compressed

    from .web import register

    register(app, socketio)
    return app


def _configure(app: Flask, overrides: dict[str, object]) -> None:
    """Embedded defaults, then the environment, then the caller's overrides; a setting that
    makes no sense is refused here, in plain words, before anything starts."""
    app.config.update(settings.from_environment())
    app.config.update(overrides)
    data_dir = Path(str(app.config["DATA_DIR"])).resolve()
    # What people wrote and the key are the owner's alone: a new folder is 0700, and the
    # files in it 0600 (the database, store/database.py; the key, config.secret_key).
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config["DATA_DIR"] = str(data_dir)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(data_dir)
    if "SESSION_COOKIE_SECURE" not in overrides:
        app.config["SESSION_COOKIE_SECURE"] = settings.cookies_need_tls(app.config)
    app.config["RETENTION_DAYS"] = settings.retention_days(app.config)  # refused if wrong
    if not app.config.get("SOCKETIO_ASYNC_MODE"):
        app.config["SOCKETIO_ASYNC_MODE"] = settings.async_mode()
    # Tests read a push straight after the call that caused it, so they coalesce only if asked.
    app.config.setdefault("PUSH_WINDOW", 0.0 if app.config.get("TESTING")
                          else settings.DEFAULT_PUSH_WINDOW)


def _socketio(app: Flask) -> SocketIO:
    socketio = SocketIO(app, async_mode=app.config["SOCKETIO_ASYNC_MODE"],
                        message_queue=app.config.get("MESSAGE_QUEUE"),
                        manage_session=False, max_http_buffer_size=64 * 1024,
                        ping_interval=float(app.config["PING_INTERVAL"]),
                        ping_timeout=float(app.config["PING_TIMEOUT"]),
                        # Each event runs in the greenlet that read it, in the order sent.
                        # A task per event would start behind a big room's queued deliveries
                        # (measured: 48 ms median from arrival to handler at 2,000 phones,
                        # against 6 ms this way; bench/load.py).
                        async_handlers=False)
    if app.config["BEHIND_PROXY"]:
        # Outside Flask-SocketIO, so the Socket.IO handshake sees the public scheme and host
        # (its same-origin check) just as Flask does.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
    return socketio


def _runtime(app: Flask, socketio: SocketIO) -> Runtime:
    """What the services are handed: the store, the plans, the broadcaster and the limits."""
    broadcaster = SocketBroadcaster(app, socketio, float(app.config["PUSH_WINDOW"]),
                                    int(app.config.get("PUSH_BUDGET") or DELIVERY_BUDGET),
                                    float(app.config["HEARTBEAT_EVERY"]))
    runtime = Runtime(store=Store(settings.database_url(app.config)),
                      plans=load_plans(Path(str(app.config["PLANS_DIR"]))),
                      broadcaster=broadcaster,
                      limits=Limits.for_app(app.config))
    broadcaster.runtime = runtime
    app.extensions["appreciate"] = runtime
    app.extensions["appreciate_live"] = broadcaster
    return runtime


def runtime_of(app: Flask) -> Runtime:
    """The services' runtime attached to ``app``."""
    return app.extensions["appreciate"]


def socketio_of(app: Flask) -> SocketIO:
    """The Socket.IO server attached to ``app``."""
    return app.extensions["socketio"]


def broadcaster_of(app: Flask) -> SocketBroadcaster:
    """The live layer attached to ``app``: pushes, departures, heartbeat."""
    return app.extensions["appreciate_live"]
