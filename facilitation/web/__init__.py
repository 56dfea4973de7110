"""HTTP routes and Socket.IO handlers: parse, identify, call a service, render."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_babel import gettext
from flask_socketio import SocketIO
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from werkzeug.routing import IntegerConverter

from .. import cycle, runtime_of, small_numbers
from ..export.files import FORMATS
from ..export.outcomes import Outcomes, public_outcomes
from ..live.fragments import PHONE_SHOWS
from ..services import seating, stories
from . import (
    deliver,
    design,
    dreams,
    errors,
    export,
    facilitator,
    guessing,
    home,
    interviews,
    lifecycle,
    live,
    participant,
    polling_posts,
    room_tools,
    security,
    sender,
    socket_guard,
    sockets,
    tables,
    themes,
)
from .links import join_link
from .method import method_globals


def _next_phase_label(key: str) -> str:
    return cycle.phase(cycle.next_phase(key)).label


def _csrf_field() -> Markup:
    """The form's CSRF token, except in a broadcast fragment: a token belongs to one session,
    so pushed forms rely on the X-CSRFToken header static/js/live/main.js adds from the page's
    own token."""
    if g.get("broadcast"):
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


def _clock(seconds: int) -> str:
    """A countdown as the room reads it: 12:05, or -0:30 once time is up."""
    sign = "-" if seconds < 0 else ""
    minutes, rest = divmod(abs(int(seconds)), 60)
    return f"{sign}{minutes}:{rest:02d}"


def _clock_words(seconds: int) -> str:
    if seconds <= 0:
        return gettext("Time is up.")
    minutes, rest = divmod(int(seconds), 60)
    if minutes and rest:
        return gettext("%(minutes)s minutes %(seconds)s seconds left.", minutes=minutes,
                       seconds=rest)
    if minutes:
        return gettext("%(minutes)s minutes left.", minutes=minutes)
    return gettext("%(seconds)s seconds left.", seconds=rest)


def _count_people(one: str, many: str, count: int, **params: object) -> Markup:
    """small_numbers.count_people for templates: the catalog's markup kept, values escaped
    (as Jinja's own ngettext does)."""
    return Markup(small_numbers.count_people(
        one, many, count, **{k: escape(v) for k, v in params.items()}))


class RecordId(IntegerConverter):
    """An id in an address: ASCII digits only, short enough for a database id (Werkzeug's
    own also takes "٣" and 10**20, which the database then refuses with an error)."""

    regex = r"[0-9]{1,18}"


def _closing_outcomes(workshop_id: int) -> Outcomes:
    """What the group decided, for the closed workshop's screens (export.outcomes)."""
    return public_outcomes(runtime_of(current_app), workshop_id)


def register(app: Flask, socketio: SocketIO) -> None:
    """Attach every blueprint, handler and hook to ``app``."""
    app.url_map.converters["int"] = RecordId  # before any route is added
    for module in (home, facilitator, participant, live, room_tools, themes, interviews,
                   dreams, design, deliver, export, lifecycle, tables):
        app.register_blueprint(module.bp)
    errors.register(app)
    security.register(app)
    sender.register(app)
    guessing.register(app)
    sockets.register(app, socketio)
    socket_guard.register(app, socketio)
    app.wsgi_app = polling_posts.WholePollingPosts(app.wsgi_app,
                                                   socketio.server.eio.max_http_buffer_size)
    app.jinja_env.globals.update(
        all_phases=cycle.PHASES, cycle_position=cycle.position,
        next_phase_label=_next_phase_label, join_link=join_link, format_clock=_clock,
        format_clock_words=_clock_words, sharing_levels=stories.SHARING,
        csrf_field=_csrf_field,
        table_size=seating.TABLE_SIZE, seat_from=seating.AUTO_FROM,
        phone_shows=PHONE_SHOWS, closing_outcomes=_closing_outcomes,
        report_downloads=[(fmt, label) for fmt, (_media, label) in FORMATS.items()],
        **method_globals())
    app.jinja_env.filters["people"] = small_numbers.people
    app.jinja_env.tests["few"] = small_numbers.few
    app.jinja_env.globals["count_people"] = _count_people
