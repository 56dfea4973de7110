"""Addresses people are given: the join link for phones and the facilitator's private link.

Phones cannot reach ``localhost``, so the join link uses, in order: the configured public
address, the local-network address the server found at start-up, or the address in use.
"""

from __future__ import annotations

import io

import segno
from flask import current_app, request, url_for


def base_url() -> str:
    configured = current_app.config.get("PUBLIC_URL") or current_app.config.get("LAN_URL")
    return str(configured or request.host_url).rstrip("/")


def join_link(code: str) -> str:
    return base_url() + url_for("home.short_join", code=code)


def facilitator_link(code: str, key: str) -> str:
    return base_url() + url_for("facilitator.login", code=code, key=key)


def qr_svg(data: str, scale: int = 8) -> str:
    """An SVG QR code drawn on the server: no network and no script needed to show it."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, dark="#000", light="#fff",
                                     xmldecl=False, svgns=True, omitsize=True)
    return buffer.getvalue().decode("ascii")
