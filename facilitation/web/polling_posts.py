"""A long-polling POST's body is read whole before engine.io sees it.

engine.io reads the body itself and logs any failure with its traceback: a phone that
vanished half-way through a post, or a client the server cut off for sending too slowly
(facilitation/serving), would write a stack to the log each time. Here a body that ends
early is answered 400 in one line and nothing is logged; engine.io gets the whole body.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CUT_SHORT = b"The request ended before its body did.\n"


class WholePollingPosts:
    """WSGI middleware in front of engine.io for POSTs under ``path``."""

    def __init__(self, wsgi_app: WSGIApplication, largest: int, path: str = "/socket.io") -> None:
        self._wsgi_app, self._largest, self._path = wsgi_app, largest, path

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and \
                str(environ.get("PATH_INFO", "")).startswith(self._path):
            length = _length(environ)
            if 0 < length <= self._largest:  # engine.io answers a bigger one without reading
                try:
                    body = environ["wsgi.input"].read(length)
                except OSError:
                    body = b""
                if len(body) < length:
                    start_response("400 Bad Request", [("Content-Type", "text/plain"),
                                                       ("Content-Length", str(len(CUT_SHORT)))])
                    return [CUT_SHORT]
                environ["wsgi.input"] = io.BytesIO(body)
        return self._wsgi_app(environ, start_response)


def _length(environ: WSGIEnvironment) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
