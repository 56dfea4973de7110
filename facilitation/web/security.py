"""Security headers on every response; scripts only from our own files (no inline script).

The one inline element is the stylesheet (templates/base.html): in the page itself, a phone
on a slow network paints after one round trip instead of two. The policy allows exactly that
text, by its hash, and no other inline style.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response, request
from markupsafe import Markup

from ..config import PROJECT_ROOT

STYLESHEET = (PROJECT_ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
STYLESHEET_HASH = "'sha256-{}'".format(
    base64.b64encode(hashlib.sha256(STYLESHEET.encode("utf-8")).digest()).decode("ascii"))

# Pages that show nothing anyone shared and no private link: a phone may keep them in its
# back/forward cache (and show them at once on Back). Every other page is never stored, so
# nobody's words stay on a shared computer's disk.
PUBLIC_PAGES = frozenset({"home.index", "home.start", "home.accessibility", "home.short_join",
                          "home.join_by_code", "participant.join"})

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {STYLESHEET_HASH}",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def register(app: Flask) -> None:
    """Add the headers to every response, and the stylesheet to the templates."""
    app.jinja_env.globals["inline_stylesheet"] = Markup(STYLESHEET)

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Same-origin only: no address (which may hold a private link) reaches another
        # site, while our own forms still say where they come from, as CSRF checks over
        # HTTPS require.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:  # over TLS (directly, or behind a proxy with --behind-proxy)
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            public = request.endpoint in PUBLIC_PAGES
            response.headers.setdefault("Cache-Control", "no-cache" if public else "no-store")
        return response
