"""Interface words that the method and the services hand to people, in each person's language.

``cycle.py`` and the services know nothing of Flask, yet their messages and labels reach
people. They write them in English, marked with ``N_`` (or as the first argument of a service
error, which the extractor also reads), and the words are translated here at the moment they
are shown. ``i18n.init_app`` installs Flask-Babel's functions; without an app (plain unit tests,
the command line) the English stays as written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import format_date


def _english(text: str) -> str:
    return text


def _english_plural(one: str, many: str, count: int) -> str:
    return one if count == 1 else many


def _english_language() -> str:
    return "en"


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural
_language: Callable[[], str] = _english_language


def N_(text: str) -> str:
    """Mark ``text`` for translation without translating it yet."""
    return text


class Term(str):
    """A marked word used inside another message (a field's name, say): translated with it."""


def install(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str],
            language: Callable[[], str]) -> None:
    """Use the app's translation functions and its current language (a code such as "cy")
    from now on (called once by ``i18n.init_app``)."""
    global _gettext, _ngettext, _language
    _gettext, _ngettext, _language = gettext, ngettext, language


def translate(text: str, **params: object) -> str:
    """``text`` in the current person's language, with ``%(name)s`` placeholders filled."""
    params = {k: translate(v) if isinstance(v, Term) else v for k, v in params.items()}
    translated = _gettext(text)
    return translated % params if params else translated


def translate_plural(one: str, many: str, count: int, **params: object) -> str:
    """The form of ``one``/``many`` that ``count`` needs in the person's language."""
    return _ngettext(one, many, count) % {"num": count, **params}


class TranslatedError(Exception):
    """An error written in English with its values kept apart, so that ``message`` comes out
    in the language of whoever reads it, however late it is shown."""

    def __init__(self, text: str, **params: object) -> None:
        super().__init__(text % params if params else text)
        self.text, self.params = text, params

    @property
    def message(self) -> str:
        return translate(self.text, **self.params)


# Babel's own names and patterns: Welsh month and day names come from CLDR, not from our
# catalog, and English is written the British way ("4 Sept 2025").
BABEL_LOCALES: dict[str, str] = {"en": "en_GB", "cy": "cy"}


def _locale() -> str:
    return BABEL_LOCALES.get(_language(), BABEL_LOCALES["en"])


def say_day(day: date) -> str:
    """A date as people say it: 'Friday 31 July 2026' ('Dydd Gwener 31 Gorffennaf 2026')."""
    return format_date(day, "EEEE d MMMM y", locale=_locale())


def month_year(day: date) -> str:
    """'March 2027', for a dream's horizon."""
    return format_date(day, "LLLL y", locale=_locale())


def short_day(day: date) -> str:
    """'4 Nov 2025', for table cells."""
    return format_date(day, "d MMM y", locale=_locale())
