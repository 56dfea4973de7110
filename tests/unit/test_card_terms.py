"""Word handling behind suggestions: spelling, typos, stems and concepts, quoting the cards."""

from facilitation.card_terms import (
    CONCEPT_PREFIX,
    LEXICON,
    Concept,
    Lexicon,
    Options,
    british,
    card_terms,
    stem,
)


def features(text: str, others: tuple[str, ...] = (), **options: bool) -> list[str]:
    return [term.feature for term in card_terms([text, *others], Options(**options))[0]]


def test_word_forms_meet_at_one_stem() -> None:
    for forms in (("thank", "thanks", "thanked"), ("care", "caring", "cared"),
                  ("welcome", "welcomed", "welcoming"), ("listen", "listened", "listens"),
                  ("value", "valued"), ("notice", "noticed")):
        assert len({stem(british(word)) for word in forms}) == 1, forms
    assert stem("family") == "family"
    assert stem("car") != stem("care")


def test_us_spellings_read_as_british() -> None:
    assert british("recognized") == "recognised"
    assert british("organization") == "organisation"
    assert stem(british("recognized")) == stem(british("recognised"))


def test_a_word_seen_once_is_read_as_the_word_it_misspells() -> None:
    assert features("everyone felt apreciated") == features("everyone felt appreciated")
    # Swapping one letter mostly makes another real word: "mocked" is not "mucked (in)".
    assert CONCEPT_PREFIX + "teamwork" not in features("my accent was mocked in my last job")


def test_stopwords_and_filler_are_dropped() -> None:
    assert features("I just really felt that it was lol", concepts=False) == []


def test_concepts_keep_the_words_as_written() -> None:
    [terms] = card_terms(["Got a big THANK YOU from the Matron"], Options())
    concepts = [(t.feature, t.surface) for t in terms if t.feature.startswith(CONCEPT_PREFIX)]
    assert concepts == [(CONCEPT_PREFIX + "recognition", "thank you"),
                        (CONCEPT_PREFIX + "leaders", "matron")]


def test_welsh_words_in_the_lexicon_are_recognised() -> None:
    assert CONCEPT_PREFIX + "welcome" in features("Croeso cynnes i bawb")
    assert CONCEPT_PREFIX + "recognition" in features("Diolch o galon")


def test_without_concepts_or_normalising_the_words_stay_as_written() -> None:
    assert features("Thanked the nurses", normalise=False, concepts=False) == [
        "thanked", "nurses"]


def test_a_smaller_lexicon_drops_exactly_the_named_phrases() -> None:
    smaller = LEXICON.without({("recognition", "thank")})
    assert "thank" not in smaller.concepts["recognition"].words
    assert "thanks" not in smaller.concepts["recognition"].words
    assert "thank you" in smaller.concepts["recognition"].words
    tiny = Lexicon({"quiz": Concept("Quizzes", ("pub quiz",))})
    [terms] = card_terms(["The PUB QUIZ night"], Options(), tiny)
    assert [t.feature for t in terms if t.feature.startswith(CONCEPT_PREFIX)] == [
        CONCEPT_PREFIX + "quiz"]
