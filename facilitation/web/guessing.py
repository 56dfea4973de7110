"""Join-code guessing: an address that keeps naming workshops that do not exist, or pages it
may not open, is made to wait before it may name another code it has not joined.

Every route with a ``<code>`` in its address, the home page's join form and the live
connection are covered in one place. The wait ends by itself: the count is of wrong codes in
the last window (services/limits.py), and a refused request adds nothing to it. Two kinds of
people are never made to wait, so a guesser on the hospital Wi-Fi cannot stall a workshop:
people who already joined it (their signed cookie holds its code), and its facilitator, with
the key in their cookie or in their private link opened on another computer. Newcomers on
the same network wait at most one window.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from .. import runtime_of
from ..services import workshops as workshop_service
from ..services.access import normalise_code
from ..services.errors import NotFound, ServiceError
from ..store import Workshop
from .identity import holds
from .sender import address

# Answers that tell a guesser "not this one" (or "not for you").
FAILED = (403, 404)


def _named_code() -> str | None:
    """The workshop code this request names, if any."""
    if request.view_args and "code" in request.view_args:
        return normalise_code(str(request.view_args["code"]))
    if request.endpoint == "home.join_by_code":
        return normalise_code(request.form.get("code", ""))
    return None


def _presents_facilitator_key(code: str) -> bool:
    """True for the facilitator's private link with the right key for ``code``."""
    key = (request.view_args or {}).get("key")
    if request.endpoint != "facilitator.login" or not isinstance(key, str):
        return False
    try:
        workshop_service.facilitator_login(runtime_of(current_app), code, key)
    except ServiceError:
        return False
    return True


def _never_waits(code: str) -> bool:
    return holds(code) or _presents_facilitator_key(code)


def find_guarded(code: str) -> Workshop:
    """Look up ``code`` for the live connection: refused while the address is waiting, and a
    miss counts against it."""
    limits = runtime_of(current_app).limits
    code = normalise_code(code)
    if holds(code):
        return workshop_service.find(runtime_of(current_app), code)
    limits.check_lookup(address())
    try:
        return workshop_service.find(runtime_of(current_app), code)
    except NotFound:
        limits.lookup_failed(address())
        raise


def register(app: Flask) -> None:
    @app.before_request
    def make_guessers_wait() -> None:
        code = _named_code()
        if code is not None and not _never_waits(code):
            runtime_of(current_app).limits.check_lookup(address())

    @app.after_request
    def count_misses(response: Response) -> Response:
        # The status first: a form whose sender vanished (or was cut off as too slow)
        # cannot be read a second time, and its 400 is no miss.
        if response.status_code not in FAILED:
            return response
        code = _named_code()
        if code is not None and not holds(code):
            runtime_of(current_app).limits.lookup_failed(address())
        return response
