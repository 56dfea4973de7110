"""Every failure becomes a page (or, for htmx, a message in the page) in plain words."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_htmx import make_response as htmx_response
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError, TooMany

TITLES = {
    400: "Something in that request was not right",
    403: "You cannot do that here",
    404: "We could not find that page",
    405: "That is not something this page can do",
    409: "That cannot happen right now",
    413: "That was too much to send at once",
    429: "Slow down a little",
    500: "Something went wrong on our side",
}


def error_response(status: int, message: str):  # noqa: ANN201 - Flask response
    """A full error page, or for an htmx request a message swapped into ``#flash``."""
    title = TITLES.get(status, "Something went wrong")
    if request.headers.get("HX-Request") == "true":
        html = render_template("partials/_flash.html", message=message, error=True)
        return htmx_response(html, status, retarget="#flash", reswap="innerHTML")
    return render_template("error.html", title=title, message=message, status=status), status


def register(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):  # noqa: ANN202
        response = app.make_response(error_response(exc.status, exc.message))
        if isinstance(exc, TooMany):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):  # noqa: ANN202
        return error_response(400, "This form had expired. Please go back, reload the page "
                                   "and send it again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # noqa: ANN202
        messages = {
            404: "Check the address, or ask the facilitator for the join code.",
            413: "Please send less text at a time.",
        }
        return error_response(exc.code or 500, messages.get(exc.code or 500, exc.description or ""))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # noqa: ANN202
        # The endpoint, not the path: a path may hold a facilitator's private key.
        app.logger.exception("Unexpected error on %s %s", request.method, request.endpoint)
        return error_response(500, "Please try again in a moment. If it keeps happening, "
                                   "tell the facilitator.")
