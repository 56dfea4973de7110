"""Gentle wording advice for dreams and provocative propositions.

The method asks for statements that start with "We", are in the present tense and use plain
words. These checks only advise: nothing a person writes is ever refused because of them.
Pure Python, so the advice can be read and tested without Flask or a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .translation import translate

# Words that put a statement in the future or make it a wish instead of a fact.
FUTURE_PHRASES: tuple[str, ...] = (
    "will", "shall", "should", "would", "could", "going to", "hope to", "hoping to", "want to",
    "wish", "aim to", "plan to", "try to", "one day", "in future", "in the future", "we'll",
)

# Office words that have a plainer everyday version (the plainer words are the advice).
JARGON: dict[str, str] = {
    "leverage": "use",
    "utilise": "use",
    "utilize": "use",
    "synergy": "working together",
    "synergies": "working together",
    "stakeholder": "the people involved",
    "stakeholders": "the people involved",
    "paradigm": "way of thinking",
    "holistic": "whole",
    "empower": "let",
    "empowered": "trusted",
    "facilitate": "help",
    "optimise": "improve",
    "optimize": "improve",
    "proactive": "early",
    "proactively": "early",
    "robust": "strong",
    "streamline": "simplify",
    "actionable": "practical",
    "bandwidth": "time",
    "deliverables": "results",
    "workstream": "piece of work",
    "workstreams": "pieces of work",
    "cascade": "pass on",
    "cascaded": "passed on",
    "best practice": "what works",
    "going forward": "from now on",
    "touch base": "talk",
    "key performance indicators": "measures",
    "kpis": "measures",
}

LONG_WORD = 14  # letters; "organisational" and longer read hard on a small screen
MAX_WORDS = 40

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Hint:
    """One piece of advice: ``check`` names the rule, ``text`` says it in plain words."""

    check: str
    text: str


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![A-Za-z']){re.escape(phrase)}(?![A-Za-z])", text) is not None


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def tense_hints(text: str) -> list[Hint]:
    """Advice when a statement speaks of the future instead of as if it is already true."""
    lowered = _normal(text)
    found = [p for p in FUTURE_PHRASES if _contains(lowered, p)]
    if not found:
        return []
    words = ", ".join(f"“{p}”" for p in found[:3])
    return [Hint("present", translate("Say it as if it is already true: try “we welcome” rather "
                                      "than “we will welcome”. Words to look at: %(words)s.",
                                      words=words))]


def proposition_hints(text: str) -> list[Hint]:
    """Advice for a provocative proposition; an empty list means it reads well."""
    lowered = _normal(text)
    hints: list[Hint] = []
    if lowered and not re.match(r"^we(\b|')", lowered):
        hints.append(Hint("we", translate("Try starting with “We…”, so it is about all of us.")))
    hints.extend(tense_hints(text))
    jargon = [word for word in JARGON if _contains(lowered, word)]
    long_words = sorted({w for w in _WORD.findall(text) if len(w) >= LONG_WORD}, key=len,
                        reverse=True)
    plainer = [translate("“%(word)s” (perhaps “%(plain)s”)", word=word, plain=JARGON[word])
               for word in jargon[:3]]
    plainer += [f"“{word}”" for word in long_words[:max(0, 3 - len(plainer))]]
    if plainer:
        hints.append(Hint("plain", translate("Everyday words help everyone own it. Could these be "
                                             "plainer? %(words)s.", words=", ".join(plainer))))
    count = len(_WORD.findall(text))
    if count > MAX_WORDS:
        hints.append(Hint("short", translate("It has %(count)s words. A shorter statement, "
                                             "%(most)s words or fewer, is easier to remember.",
                                             count=count, most=MAX_WORDS)))
    return hints
