"""Who is asking, as the limits count it: this browser's device id and its network address.

The device id is a long-lived random id in the signed session cookie, made on the browser's
first visit and kept across joins of any workshop, so joining again from the same browser
meets the same allowance instead of a fresh one (services/limits.py). It is never stored
with anything anyone shares. A script that throws its cookies away gets a new id each time,
and so meets only the limits per address.
"""

from __future__ import annotations

import secrets

from flask import Flask, request, session

DEVICE = "d"


def device_id() -> str | None:
    """This browser's device id (made on this request if it came without one)."""
    device = session.get(DEVICE)
    return device if isinstance(device, str) else None


def address() -> str:
    """The client's address (the proxy's forwarded one with --behind-proxy)."""
    return request.remote_addr or "unknown"


def register(app: Flask) -> None:
    @app.before_request
    def give_each_browser_a_device_id() -> None:
        if request.endpoint != "static" and device_id() is None:
            session[DEVICE] = secrets.token_urlsafe(16)
            session.permanent = True
