"""What runs once before an app is used, apart from building it (``create_app`` only wires).

- ``prepare``: bring the database schema up to date. Every command does this first.
- ``start_serving``: everything a live server does once when it starts: prepare, forget the
  live connections a stopped server left counted, delete workshops past their retention
  period (and keep doing so every hour), and start the background jobs (the collector's
  housekeeping, the heartbeat and the watchdog). ``python app.py`` calls it, and so does
  ``served_app``, the factory gunicorn loads, once per worker process.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import broadcaster_of, config, create_app, runtime_of, server_lock, socketio_of
from .live import collector
from .services import lifecycle, presence


def prepared(overrides: dict[str, object] | None = None) -> Flask:
    """A new app with its schema up to date: what every command and test starts from."""
    return prepare(create_app(overrides))


def prepare(app: Flask) -> Flask:
    """Bring the database schema up to date (safe at every start, and from several
    processes at once on PostgreSQL)."""
    runtime = runtime_of(app)
    runtime.store.migrate((plan.name, activity.key) for plan in runtime.plans.values()
                          for activity in plan.activities.values() if not activity.anonymous)
    return app


def start_serving(app: Flask) -> Flask:
    """Prepare ``app`` and start what a live server runs for its whole life."""
    runtime = runtime_of(app)
    socketio = socketio_of(app)
    sqlite = runtime.store.engine.dialect.name == "sqlite"
    if sqlite:
        # One process owns a SQLite file (server_lock.py): held before anything changes,
        # the schema included.
        app.extensions["appreciate_folder_lock"] = server_lock.hold(
            Path(str(app.config["DATA_DIR"])), str(app.config.get("SERVED_AT", "serving")))
    prepare(app)
    if sqlite:
        # Nobody is connected until browsers reconnect.
        presence.forget_all_connections(runtime)
    days = config.retention_days(app.config)
    if days:
        with app.app_context():
            lifecycle.delete_expired(runtime, days)
        socketio.start_background_task(_delete_expired_periodically, app, days)
    collector.settle()
    broadcaster = broadcaster_of(app)
    socketio.start_background_task(collector.tend, broadcaster.batcher.idle_for, socketio.sleep)
    broadcaster.start_live_tasks()
    # Pages listen for the beat only when one is sent (static/js/live/connection.js).
    app.config["BEATING"] = True
    return app


def served_app() -> Flask:
    """The app as gunicorn serves it (``'facilitation.startup:served_app()'``), configured
    by the APPRECIATE_* environment variables."""
    return start_serving(create_app())


def _delete_expired_periodically(app: Flask, days: int) -> None:
    """The retention period, applied while the app runs (it is also applied at start)."""
    socketio = socketio_of(app)
    while True:
        socketio.sleep(float(app.config["RETENTION_CHECK_SECONDS"]))
        try:
            with app.app_context():
                lifecycle.delete_expired(runtime_of(app), days)
        except Exception:  # a busy database now is no reason to stop checking later
            app.logger.exception("Deleting expired workshops failed; trying again later")
