"""The join page a newcomer opens: the same for everyone who has not joined yet but for its
CSRF token, so it is rendered once per workshop wording, address and language, and each
request puts its own token in.

A summit opens this page two thousand times in a minute. Rendering it each time (templates,
a dozen translated phrases, the forms' tokens) was a tenth of the server's work while the
room joined (bench/load.py). Only a stranger is shown it: a participant or the facilitator
is sent on before it is rendered (web/participant.py). The page shows nothing else of the
request; if it ever does, that goes in ``_key``.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import current_app, g, render_template, request
from flask_wtf.csrf import generate_csrf

from ..i18n import chosen_language
from ..store import Workshop

KEEP = 64  # pages kept: a few workshops' wordings in two languages
# Stands in for the token while the page is rendered for the cache (random, so no page
# text can be mistaken for it).
_TOKEN = "csrf-token-" + secrets.token_hex(16)


class JoinPages:
    """Rendered join pages, newest kept; the lock guards the dictionary only."""

    def __init__(self) -> None:
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, workshop: Workshop) -> str:
        """The join page for this request, with its session's own CSRF token."""
        token = generate_csrf()  # kept in the session and in g for this request
        key = _key(workshop)
        with self._lock:
            page = self._pages.get(key)
        if page is None:
            page = _render_with_token_in_place(workshop, token)
            with self._lock:
                self._pages[key] = page
                while len(self._pages) > KEEP:
                    self._pages.popitem(last=False)
        return page.replace(_TOKEN, token)


def join_page(workshop: Workshop) -> str:
    """The join page, from the app's rendered pages."""
    pages = current_app.extensions.setdefault("appreciate_join_pages", JoinPages())
    return pages.page(workshop)


def _key(workshop: Workshop) -> Hashable:
    """Everything the page shows that can differ: the workshop's wording and address, the
    reader's language and the address the language form comes back to."""
    back_to = request.full_path if request.query_string else request.path
    return (workshop.id, workshop.version, workshop.code, workshop.title,
            workshop.topic_question, chosen_language(), back_to)


def _render_with_token_in_place(workshop: Workshop, token: str) -> str:
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    setattr(g, field, _TOKEN)  # what the forms and the meta tag write, for this render
    try:
        return render_template("participant/join.html", workshop=workshop)
    finally:
        setattr(g, field, token)
