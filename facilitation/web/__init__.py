"""HTTP routes and Socket.IO handlers: parse, identify, call a service, render."""

from __future__ import annotations

from flask import Flask
from flask_socketio import SocketIO

from .. import cycle
from ..services import seating
from . import errors, facilitator, home, live, participant, security, sockets, tables
from .links import join_link


def _next_phase_label(key: str) -> str:
    return cycle.phase(cycle.next_phase(key)).label


def register(app: Flask, socketio: SocketIO) -> None:
    """Attach every blueprint, handler and hook to ``app``."""
    for module in (home, facilitator, participant, live, tables):
        app.register_blueprint(module.bp)
    errors.register(app)
    security.register(app)
    sockets.register(socketio)
    app.jinja_env.globals.update(
        all_phases=cycle.PHASES, cycle_position=cycle.position,
        next_phase_label=_next_phase_label, join_link=join_link,
        table_size=seating.TABLE_SIZE, seat_from=seating.AUTO_FROM)
