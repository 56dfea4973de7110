"""Languages of the interface: English and Welsh (Cymraeg), chosen by each person.

Interface text is marked with ``_()`` (templates and Python alike) and translated from
``translations/<lang>/LC_MESSAGES/messages.po``. What people write is never translated: they
write in any language and script. Pushed fragments are rendered once per language (see
broadcast.py), never once per person.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations, gettext

from . import translation
from .config import PROJECT_ROOT

LANGUAGES: dict[str, str] = {"en": "English", "cy": "Cymraeg"}
DEFAULT_LANGUAGE = "en"
TRANSLATIONS = PROJECT_ROOT / "translations"


def chosen_language() -> str:
    """The person's own choice, else what their browser prefers, else English (also with no
    request at all, as for an export from the command line). A pushed fragment is rendered
    for a language, not for the person whose change caused it."""
    forced = g.get("language")
    if forced in LANGUAGES:
        return forced
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def shown_language() -> str:
    """The language being rendered now: the person's, or the one a push is rendered in."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def live_words() -> dict[str, str]:
    """What the live script (static/js/live/) says to people, in their language (handed over
    as a JSON data block, read by static/js/live/page.js)."""
    return {
        "connected": gettext("Connected"),
        "reconnecting": gettext("Reconnecting… your text is safe."),
        "sending": gettext("Sending…"),
        "shared": gettext("Shared. Thank you."),
        "still_sending": gettext("Still sending… your text is safe and will be sent when the "
                                 "connection is back."),
        "saved_offline": gettext("Saved on this phone. It will be sent when the connection is "
                                 "back."),
        "offline_flush": gettext("Sending what you wrote while offline…"),
        "refused": gettext("That could not be shared. Your text is back in the box."),
        "empty": gettext("Please write something first."),
        "one_new": gettext("1 new contribution shared."),
        "many_new": gettext("%(count)s new contributions shared.", count="{n}"),
        "now": gettext("Now: %(phase)s.", phase="{phase}"),
        "one_minute": gettext("One minute left."),
        "time_up": gettext("Time is up."),
        "left": gettext("%(clock)s left.", clock="{clock}"),
        "deleted": gettext("This workshop has been deleted"),
        # The projector's lists show what fits on the screen (static/js/live/fit.js).
        "one_more": gettext("And 1 more."),
        "many_more": gettext("And %(count)s more.", count="{n}"),
    }


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=chosen_language,
          default_translation_directories=str(TRANSLATIONS))
    app.jinja_env.globals.update(languages=LANGUAGES, current_language=chosen_language,
                                 live_words=live_words)
    # The method and the services mark their words; they are translated when shown.
    translation.install(lambda text: get_translations().ugettext(text),
                        lambda one, many, count: get_translations().ungettext(one, many, count),
                        shown_language)
