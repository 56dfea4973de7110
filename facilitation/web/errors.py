"""Every failure becomes a page (or, for htmx, a message in the page) in plain words."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_htmx import make_response as htmx_response
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError, TooMany
from ..translation import N_

TITLES = {
    400: N_("Something in that request was not right"),
    403: N_("You cannot do that here"),
    404: N_("We could not find that page"),
    405: N_("That is not something this page can do"),
    409: N_("That cannot happen right now"),
    413: N_("That was too much to send at once"),
    429: N_("Slow down a little"),
    500: N_("Something went wrong on our side"),
}

OTHER_TITLE = N_("Something went wrong")
# Werkzeug's own descriptions are English and technical: people get plain words instead.
HTTP_FALLBACK = N_("Please go back, reload the page and try again. If it keeps happening, tell "
                   "the facilitator.")


def error_response(status: int, message: str) -> ResponseReturnValue:
    """A full error page, or for an htmx request a message swapped into ``#flash``."""
    title = gettext(TITLES.get(status, OTHER_TITLE))
    if request.headers.get("HX-Request") == "true":
        html = render_template("partials/_flash.html", message=message, error=True)
        return htmx_response(html, status, retarget="#flash", reswap="innerHTML")
    return render_template("error.html", title=title, message=message, status=status), status


def register(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError) -> ResponseReturnValue:
        response = app.make_response(error_response(exc.status, exc.message))
        if isinstance(exc, TooMany):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError) -> ResponseReturnValue:
        return error_response(400, gettext("This form had expired. Please go back, reload "
                                           "the page and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        messages = {
            404: N_("Check the address, or ask the facilitator for the join code."),
            413: N_("Please send less text at a time."),
        }
        code = exc.code or 500
        return error_response(code, gettext(messages.get(code, HTTP_FALLBACK)))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        # The endpoint, not the path: a path may hold a facilitator's private key.
        app.logger.exception("Unexpected error on %s %s", request.method, request.endpoint)
        return error_response(500, gettext("Please try again in a moment. If it keeps "
                                           "happening, tell the facilitator."))
