"""Suggested Discover groupings: quality on fixed card sets, honesty of explanations, and the
rules a facilitator relies on (rejected stays rejected, grouped cards stay put)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bench.grouping_metrics import load_cards, score
from facilitation.suggestions import (
    CHOSEN,
    METHODS,
    Suggestion,
    open_suggestions,
    signature_of,
    suggest_groups,
)

DATA = Path(__file__).resolve().parent.parent / "data"
MAIN = load_cards(DATA / "discover_cards.yaml")
HOLDOUT2 = load_cards(DATA / "discover_cards_holdout2.yaml")


def items_of(cards) -> list[tuple[str, int, str]]:
    return [(card.key[0], card.key[1], card.text) for card in cards]


def test_the_app_uses_the_method_the_benchmark_chose() -> None:
    assert CHOSEN is METHODS["concepts"]


def test_chosen_method_recovers_the_facilitators_grouping_of_the_main_set() -> None:
    # Measured 0.93 pairwise F1 and 10 of 10 themes; the lexicon was written with this set in
    # view, so these are training figures: they catch regressions, they do not promise quality.
    result = score(MAIN, [set(s.items) for s in suggest_groups(items_of(MAIN))])
    assert result.f1 >= 0.90
    assert result.recovered >= 0.9
    assert result.ari >= 0.88


def test_cards_written_after_the_lexicon_still_form_some_right_groups() -> None:
    # Measured 0.17 pairwise F1 and 3 of 10 themes on cards the lexicon never saw; the words-only
    # baseline gets 0.13 and none. See bench/README-suggestions.md.
    result = score(HOLDOUT2, [set(s.items) for s in suggest_groups(items_of(HOLDOUT2))])
    assert result.f1 >= 0.15
    assert result.recovered >= 0.2


def test_same_cards_in_any_order_give_the_same_suggestions() -> None:
    items = items_of(MAIN)
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    assert suggest_groups(shuffled) == suggest_groups(items)
    assert suggest_groups(items) == suggest_groups(items)


def test_every_keyword_is_quoted_from_the_cards_and_named_in_the_explanation() -> None:
    text = {card.key: card.text.casefold() for card in MAIN + HOLDOUT2}
    for cards in (MAIN, HOLDOUT2):
        suggestions = suggest_groups(items_of(cards))
        assert suggestions
        for suggestion in suggestions:
            assert suggestion.keywords, suggestion
            for keyword in suggestion.keywords:
                assert any(keyword in text[key] for key in suggestion.items), (keyword, suggestion)
                assert f"“{keyword}”" in suggestion.explanation
            counts = [int(n) for n in re.findall(r"\((\d+) cards?\)", suggestion.explanation)]
            assert counts and all(1 <= n <= len(suggestion.items) for n in counts)


def test_explanation_gives_the_group_size_and_a_short_plain_label() -> None:
    thanks = [("contribution", 1, "Matron said thank you after a horrible night"),
              ("contribution", 2, "A patient's daughter thanked the whole team by name"),
              ("contribution", 3, "I felt appreciated when my manager noticed the extra hours"),
              ("contribution", 4, "The car park barrier is broken again")]
    [suggestion] = suggest_groups(thanks)
    assert suggestion.items == (("contribution", 1), ("contribution", 2), ("contribution", 3))
    assert suggestion.label == "Thanks and recognition"
    assert suggestion.explanation == (
        "All 3 cards talk about thanks and recognition: “appreciated” (1 card), "
        "“noticed” (1 card) and “thanked” (1 card).")
    assert len(suggestion.label) <= 40


def test_cards_without_a_known_concept_are_grouped_by_the_words_they_share() -> None:
    items = [("story", 1, "Friday quiz with the radio on"),
             ("story", 2, "The radio quiz at lunch is brilliant"),
             ("story", 3, "Radiology fixed the scanner booking system")]
    [suggestion] = suggest_groups(items)
    assert suggestion.items == (("story", 1), ("story", 2))
    assert suggestion.label == "Cards mentioning “quiz” and “radio”"
    assert suggestion.explanation == "Both cards share “quiz” (2 cards) and “radio” (2 cards)."


def test_signature_names_the_set_of_cards_whatever_the_order() -> None:
    keys = [("story", 4), ("contribution", 12), ("contribution", 3)]
    assert signature_of(keys) == signature_of(list(reversed(keys)))
    assert signature_of(keys) != signature_of(keys[:2])
    # A stored rejection must still match after an upgrade: the signature format is fixed.
    assert signature_of([("contribution", 1), ("story", 2)]) == "e7419a15a663bb37"
    for suggestion in suggest_groups(items_of(MAIN)):
        assert suggestion.signature == signature_of(suggestion.items)


def test_a_rejected_suggestion_is_not_shown_again_and_the_others_stay() -> None:
    items = items_of(MAIN)
    before = open_suggestions(items)
    rejected = before[0]
    after = open_suggestions(items, rejected={rejected.signature})
    assert rejected.signature not in {s.signature for s in after}
    assert {s.signature for s in before[1:]} <= {s.signature for s in after}


def test_cards_already_grouped_by_the_facilitator_are_left_out() -> None:
    items = items_of(MAIN)
    first = open_suggestions(items)[0]
    grouped = set(first.items) | {("contribution", 3), ("story", 30)}
    after = open_suggestions(items, grouped=grouped)
    assert after
    assert not grouped & {key for s in after for key in s.items}


@pytest.mark.parametrize("size", [0, 1])
def test_too_few_cards_give_no_suggestion(size: int) -> None:
    assert suggest_groups(items_of(MAIN)[:size]) == []
    assert open_suggestions(items_of(MAIN)[:size]) == []


def test_two_cards_form_a_suggestion_only_when_they_share_something() -> None:
    alike = [("contribution", 1, "Thank you cards from matron"),
             ("contribution", 2, "Being thanked by name at handover")]
    unlike = [("contribution", 1, "Thank you cards from matron"),
              ("contribution", 2, "Uniforms are too hot in summer")]
    [suggestion] = suggest_groups(alike)
    assert isinstance(suggestion, Suggestion)
    assert len(suggestion.items) == 2
    assert suggest_groups(unlike) == []


def test_other_scripts_empty_text_and_emoji_do_not_break_it() -> None:
    items = [("contribution", 1, "شكرا لكل الفريق على الترحيب"),
             ("contribution", 2, "شكرا لكل الفريق على الترحيب"),
             ("contribution", 3, "谢谢大家的帮助"),
             ("contribution", 4, "सबने मेरा स्वागत किया"),
             ("contribution", 5, "Diolch yn fawr i'r tîm 🙏"),
             ("contribution", 6, ""),
             ("contribution", 7, "🙏🙏🙏"),
             ("contribution", 8, "Dziękuję za pomoc na nocnej zmianie")]
    suggestions = suggest_groups(items)
    assert [s.items for s in suggestions] == [(("contribution", 1), ("contribution", 2))]
    assert "“شكرا”" in suggestions[0].explanation


def test_min_size_and_max_groups_are_respected() -> None:
    items = items_of(MAIN)
    assert all(len(s.items) >= 9 for s in suggest_groups(items, min_size=9))
    assert any(len(s.items) < 9 for s in suggest_groups(items))
    assert len(suggest_groups(items, max_groups=3)) == 3
    assert len(suggest_groups(items, max_groups=None)) >= len(suggest_groups(items))
    with pytest.raises(ValueError, match="at least two"):
        suggest_groups(items, min_size=1)


def test_a_card_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="only once"):
        suggest_groups([("story", 1, "a"), ("story", 1, "b")])
