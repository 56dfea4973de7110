"""Wording advice for propositions and dreams: it notices, it never refuses."""

from __future__ import annotations

import pytest

from facilitation.statement_advice import proposition_hints, tense_hints


def checks(text: str) -> list[str]:
    return [hint.check for hint in proposition_hints(text)]


def test_a_good_statement_gets_no_advice() -> None:
    assert proposition_hints("We greet every new starter by name on their first shift.") == []
    assert proposition_hints("We're quick to thank each other.") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Every new starter is greeted by name.", ["we"]),
    ("We will greet every new starter by name.", ["present"]),
    ("We should thank each other more.", ["present"]),
    ("We are going to huddle every morning.", ["present"]),
    ("We hope to share decisions.", ["present"]),
    ("We'll share the rota early.", ["present"]),
    ("We leverage our synergies.", ["plain"]),
    ("We communicate organisationally.", ["plain"]),
    ("Managers should utilise stakeholders going forward.", ["we", "present", "plain"]),
])
def test_each_rule_is_noticed(text: str, expected: list[str]) -> None:
    assert checks(text) == expected


def test_words_that_merely_contain_a_future_word_are_fine() -> None:
    assert tense_hints("We show goodwill and are willing to help.") == []


def test_advice_names_the_words_to_look_at_and_a_plainer_one() -> None:
    (present,) = tense_hints("We will and should.")
    assert "“will”" in present.text and "“should”" in present.text
    (plain,) = proposition_hints("We utilise the huddle.")
    assert "“utilise” (perhaps “use”)" in plain.text


def test_long_statements_get_a_gentle_nudge() -> None:
    text = "We " + " ".join(["share"] * 45)
    assert checks(text) == ["short"]
    assert "46 words" in proposition_hints(text)[0].text
