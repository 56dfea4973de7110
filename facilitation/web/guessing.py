"""Join-code guessing: an address that keeps naming workshops that do not exist, or pages it
may not open, is made to wait before it may name another code it has not joined.

Every route with a ``<code>`` in its address, the home page's join form and the live
connection are covered in one place. People who already joined a workshop (their signed
cookie holds its code) are never slowed down, so a guesser on the hospital Wi-Fi cannot stall
a room that is already running; newcomers on the same network wait at most a minute or so.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from .. import runtime_of
from ..services import workshops as workshop_service
from ..services.access import normalise_code
from ..services.errors import NotFound
from ..store import Workshop
from .identity import holds

# Answers that tell a guesser "not this one" (or "not for you").
FAILED = (403, 404)


def _address() -> str:
    return request.remote_addr or "unknown"


def _named_code() -> str | None:
    """The workshop code this request names, if any."""
    if request.view_args and "code" in request.view_args:
        return normalise_code(str(request.view_args["code"]))
    if request.endpoint == "home.join_by_code":
        return normalise_code(request.form.get("code", ""))
    return None


def find_guarded(code: str) -> Workshop:
    """Look up ``code`` for the live connection: refused while the address is waiting, and a
    miss counts against it."""
    limits = runtime_of(current_app).limits
    code = normalise_code(code)
    if holds(code):
        return workshop_service.find(runtime_of(current_app), code)
    limits.check_join(_address())
    try:
        return workshop_service.find(runtime_of(current_app), code)
    except NotFound:
        limits.join_failed(_address())
        raise


def register(app: Flask) -> None:
    @app.before_request
    def make_guessers_wait() -> None:
        code = _named_code()
        if code is not None and not holds(code):
            runtime_of(current_app).limits.check_join(_address())

    @app.after_request
    def count_misses(response: Response) -> Response:
        # The status first: a form whose sender vanished (or was cut off as too slow)
        # cannot be read a second time, and its 400 is no miss.
        if response.status_code not in FAILED:
            return response
        code = _named_code()
        if code is not None and not holds(code):
            runtime_of(current_app).limits.join_failed(_address())
        return response
