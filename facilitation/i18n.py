"""Languages of the interface: English and Welsh (Cymraeg), chosen by each person.

Interface text is marked with ``_()`` (templates and Python alike) and translated from
``translations/<lang>/LC_MESSAGES/messages.po``. What people write is never translated: they
write in any language and script. Pushed fragments are rendered once per language (see
broadcast.py), never once per person.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel

from .config import PROJECT_ROOT

LANGUAGES: dict[str, str] = {"en": "English", "cy": "Cymraeg"}
DEFAULT_LANGUAGE = "en"
TRANSLATIONS = PROJECT_ROOT / "translations"


def chosen_language() -> str:
    """The person's own choice, else what their browser prefers, else English."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request:
        return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=chosen_language,
          default_translation_directories=str(TRANSLATIONS))
    app.jinja_env.globals.update(languages=LANGUAGES, current_language=chosen_language)
