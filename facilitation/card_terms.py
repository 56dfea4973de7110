"""Turn short workshop cards into comparable terms, keeping the words people actually wrote.

Cards are 5–40 words of informal British English, sometimes Welsh, with typos. Every term keeps
the text it came from (``surface``) so that an explanation only ever quotes the cards.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

CONCEPT_PREFIX = "concept:"


@dataclass(frozen=True)
class Options:
    """How much work to do on the words before comparing cards."""

    normalise: bool = True  # British spelling, light stemming, typo repair
    concepts: bool = True  # add a feature for each concept of the lexicon a card mentions


@dataclass(frozen=True)
class Term:
    """One thing a card says: ``feature`` is compared, ``surface`` is how the card wrote it.

    ``match`` is what the surface means once normalised (the stem, or the lexicon phrase), so
    that "appreciated" and "apreciated" are quoted as one word.
    """

    feature: str
    surface: str
    match: str


@dataclass(frozen=True)
class Concept:
    """A life-giving force staff often name, with words and phrases that point to it."""

    label: str
    words: tuple[str, ...]


# Grounded in the NHS People Promise (recognised and rewarded; a voice that counts; safe and
# healthy; always learning; work flexibly; a team; compassionate and inclusive) and in the
# workshop topic, "at our best with each other". Phrases match whole words in order.
# Welsh entries cover the words NHS Wales staff most often mix into English cards.
CONCEPTS: dict[str, Concept] = {
    "welcome": Concept("Feeling welcome", (
        "welcome", "welcomed", "welcoming", "belong", "belonged", "belonging", "induction",
        "new starter", "new starters", "first day", "first week", "buddy", "at home",
        "part of the team", "part of things", "one of us", "introduced", "settle in",
        "settled in", "under their wing", "croeso", "newcomer", "newly joined", "joined",
    )),
    "recognition": Concept("Thanks and recognition", (
        "thank", "thanks", "thanked", "thank you", "thankful", "appreciate", "appreciated",
        "appreciation", "recognise", "recognised", "recognition", "noticed", "praise",
        "praised", "compliment", "compliments", "nominated", "nomination", "award", "awards",
        "well done", "good job", "great job", "shout out", "shout outs", "star of the month",
        "wow card", "wow cards", "above and beyond", "acknowledged", "valued", "credit",
        "grateful", "gratitude", "made my day", "made my week", "diolch", "celebrated success",
    )),
    "teamwork": Concept("Helping each other out", (
        "help", "helped", "helping", "helps", "a hand", "mucked in", "muck in", "mucking in",
        "stuck in", "pull together", "pulled together", "pitch in", "pitched in", "chip in",
        "not my job", "worked together", "work together", "working together", "together",
        "one team", "without being asked", "came over", "step in to help", "jump in",
        "backup", "covered", "cover", "covering", "teamwork", "team work", "offers to",
        "lend a hand", "finish", "backlog",
    )),
    "voice": Concept("Being listened to", (
        "listen", "listened", "listens", "listening", "heard", "hear you out", "hear me out",
        "speak up", "speaking up", "spoke up", "raise", "raised", "raising", "concern",
        "concerns", "challenge", "challenged", "idea", "ideas", "suggestion", "suggestions",
        "suggested", "opinion", "opinions", "views", "say no", "safe to say", "blame",
        "no blame", "freedom to speak up", "worried", "worrying", "question", "questions",
        "voice", "input", "consulted", "feedback", "taken seriously", "took it seriously",
        "backed up", "gwrando", "my say", "counted",
    )),
    "care": Concept("Looking after each other", (
        "break", "breaks", "brew", "cuppa", "tea", "snack", "snacks", "food", "drink",
        "water", "check in", "checked in", "checked on", "checks on", "how are you",
        "kindness", "kind", "wellbeing", "well-being", "struggling", "struggle", "upset",
        "cried", "debrief", "hug", "look after", "looked after", "looking after",
        "looks after", "tough", "hard shift", "hard shifts", "horrendous", "difficult",
        "bad day", "stress", "stressed", "time to talk", "sat with me", "swapped shifts",
        "drove me home", "a laugh", "compassion", "had my back", "keeps you going",
        "keeps us going", "wellbeing room", "off sick", "rest",
    )),
    "learning": Concept("Learning and growing", (
        "learn", "learnt", "learned", "learning", "teach", "teaches", "teaching", "taught",
        "training", "trained", "course", "study", "studying", "educator", "education",
        "mentor", "preceptor", "preceptorship", "supervisor", "apprenticeship",
        "nursing associate", "develop", "development", "skills", "skill", "practise",
        "shadowing", "shadow", "simulation", "journal club", "e-learning", "masters",
        "degree", "uni", "university", "module", "exam", "osce", "quizzed", "competencies",
        "revalidation", "cpd", "growing", "grow", "confidence", "career", "funding",
        "dysgu", "teaching session", "teaching sessions",
    )),
    "inclusion": Concept("Fairness and inclusion", (
        "fair", "fairly", "fairness", "unfair", "equal", "equals", "equality", "equally",
        "respect", "treated the same", "the same respect", "included", "including",
        "inclusion", "inclusive", "diversity", "diverse", "racist", "racism",
        "discrimination", "accent", "background", "backgrounds", "culture", "cultural",
        "religion", "religious", "eid", "diwali", "ramadan", "prayer", "faith",
        "reasonable adjustments", "adjustments", "disability", "disabilities",
        "learning disability", "learning disabilities", "dyslexia", "neurodivergent",
        "part-time", "part time", "whatever band", "what band", "no matter", "doesn't matter",
        "where you're from", "international", "hierarchy", "favourites", "favouritism",
        "lgbt", "pronouns", "gender", "menopause", "caring responsibilities", "flexible",
        "flexibility", "cleaner or a consultant", "everyone's voice", "every role",
    )),
    "leaders": Concept("Leaders who are there", (
        "manager", "managers", "matron", "lead", "leader", "leaders", "leadership",
        "director", "exec", "executive", "chief exec", "head of nursing", "senior",
        "senior nurse", "senior nurses", "clinical lead", "visible", "approachable",
        "open door", "door is always open", "on the floor", "walkaround", "walk round",
        "rolled up her sleeves", "rolled up his sleeves", "rolled up their sleeves",
        "came down", "there with us", "knows all our names", "knows our names", "boss",
        "management",
    )),
    "communication": Concept("Handovers and communication", (
        "handover", "handovers", "huddle", "huddles", "sbar", "board round", "comms",
        "communication", "communicate", "communicates", "informed", "kept in the loop",
        "in the loop", "update", "updates", "notes", "same page", "whatsapp",
        "ring ahead", "rings ahead", "talk to each other", "handover sheet", "briefing",
        "safety brief", "information", "printed sheet", "know exactly", "same plan",
        "plans are shared", "keeps everyone informed",
    )),
    "patients": Concept("Pride in patient care", (
        "patients first", "patient centred", "person centred", "for the patient",
        "relatives", "dignity", "dementia", "end of life", "palliative",
        "proud", "pride", "cleifion", "claf", "gofal", "wedding", "birthday",
        "hold her hand", "hold his hand", "held her hand", "made it happen",
        "what matters", "hearing aids", "last wish", "independence", "walk out",
        "why i do this job", "the care", "patient experience", "pressure ulcer",
        "pressure ulcers",
    )),
}

# Function words and card filler that say nothing about a theme (English, informal, Welsh).
STOPWORDS = frozenset("""
    a about above after again against all also always am an and any anybody anyone anything are
    around as at away back be because been before being below between both but by can cannot
    could did didnt do does doesnt doing done dont down during each either else even ever every
    everybody everyone everything few for from further get gets getting go goes going gone got
    had hadnt has hasnt have havent having he her here hers herself him himself his how however
    i id if im in into is isnt it its itself ive just know knew let lets like lol made make
    makes making many may me might more most much must my myself never next no nobody none nor
    not nothing now of off often on once one only onto or other others our ours ourselves out
    over own people per pls please quite rather really said same say says see she should
    shouldnt since so some somebody someone something sometimes still such than that thats the
    their theirs them themselves then there theres these they theyre this those though tho
    through thru till to too told took u under until up upon ur us use used very was wasnt way
    we well went were werent what whats when where whether which while who whole whom whose why
    will with within without wont would wouldnt yes yet you youd youll your youre yours yourself
    youve felt feel feels feeling lot lots bit thing things time times day days week weeks
    really ve ll re s d m t y yr ar am o fy ir bob yn sy syn beth dyna da mae ac ei eu
""".split())  # noqa: SIM905 - a word list reads best as words

# US and informal spellings people type, written the way British staff read them.
SPELLING = {
    "color": "colour", "favor": "favour", "favorite": "favourite", "favorites": "favourites",
    "honor": "honour", "behavior": "behaviour", "labor": "labour", "neighbor": "neighbour",
    "center": "centre", "program": "programme", "mom": "mum", "incl": "including",
    "thx": "thanks", "ty": "thanks", "gr8": "great", "cos": "because", "coz": "because",
    "organization": "organisation", "practice": "practise", "pt": "patient",
    "pts": "patients",
}

IRREGULAR = {
    "learnt": "learn", "learned": "learn", "taught": "teach", "felt": "feel", "made": "make",
    "kept": "keep", "held": "hold", "told": "tell", "gave": "give", "took": "take",
    "came": "come", "went": "go", "brought": "bring", "thought": "think", "spoke": "speak",
    "heard": "hear", "sat": "sit", "drove": "drive", "left": "leave", "won": "win",
}

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_VOWELS = frozenset("aeiouy")


def _is_cvc(base: str) -> bool:
    """Short consonant-vowel-consonant stems lost an 'e' (car(e)-ing, tak(e)-ing)."""
    if len(base) < 3:
        return False
    a, b, c = base[-3], base[-2], base[-1]
    return (a not in _VOWELS and b in _VOWELS and c not in _VOWELS
            and c not in "wxy")


def stem(word: str) -> str:
    """Light English stemmer: enough to match thank/thanks/thanked, no more."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3 or not word.isascii():
        return word
    if word.endswith("iness") and len(word) > 6:
        word = word[:-5] + "y"
    elif word.endswith("ness") and len(word) > 6:
        word = word[:-4]
    elif word.endswith(("ies", "ied")) and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if not any(ch in _VOWELS for ch in base):
                break
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            elif len(base) == 3 and _is_cvc(base):
                base += "e"
            word = base
            break
    if word.endswith("ly") and len(word) >= 6 and word[-3] != "i":
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def british(word: str) -> str:
    """Spell ``word`` the British way: -ise not -ize, and the common US forms."""
    if word in SPELLING:
        return SPELLING[word]
    if len(word) >= 6 and word.isascii():
        word = re.sub(r"iz(e|ed|es|ing|ation)$", r"is\1", word)
        word = re.sub(r"yz(e|ed|es|ing)$", r"ys\1", word)
    return word


def _fold(word: str) -> str:
    """Case-fold and drop apostrophes so that didn't, didnt and DIDN'T are one word."""
    word = unicodedata.normalize("NFKC", word).casefold().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "")


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _is_typo_of(word: str, known: str) -> bool:
    """One letter missed, doubled or added, or two neighbours swapped, after the first letter.

    Swapping one letter for another is left out: it mostly turns one real word into another
    (mocked/mucked, stock/stuck, short/shout), which is a different word, not a typo.
    """
    if word[0] != known[0] or word == known:
        return False
    if len(word) == len(known):
        diff = [i for i in range(len(word)) if word[i] != known[i]]
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and word[diff[0]] == known[diff[1]] and word[diff[1]] == known[diff[0]])
    if abs(len(word) - len(known)) != 1:
        return False
    short, long_ = sorted((word, known), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(1, len(long_)))


def _typo_repairs(counts: Counter[str], dictionary: set[str]) -> dict[str, str]:
    """Map a word seen once to the known word it misspells (apreciated → appreciated).

    Known words are the lexicon's and those written at least twice in these cards; short
    words are left alone because one letter changes their meaning (ward/word, care/core).
    """
    known = dictionary | {w for w, n in counts.items() if n >= 2}
    index: dict[str, list[str]] = {}
    for word in sorted(known):
        if len(word) >= 5:
            for key in _deletions(word) | {word}:
                index.setdefault(key, []).append(word)
    repairs: dict[str, str] = {}
    for word, n in sorted(counts.items()):
        if n != 1 or word in known or len(word) < 5 or not word.isascii():
            continue
        candidates = sorted({c for key in _deletions(word) | {word} for c in index.get(key, ())
                             if _is_typo_of(word, c)},
                            key=lambda c: (-counts.get(c, 0), c))
        if candidates:
            repairs[word] = candidates[0]
    return repairs


class Lexicon:
    """Concepts prepared for matching: each phrase as normalised words, longest first."""

    def __init__(self, concepts: Mapping[str, Concept]) -> None:
        self.concepts = dict(concepts)
        self.words = {_fold(w) for concept in self.concepts.values()
                      for phrase in concept.words for w in _WORD.findall(phrase)}
        self._phrases = {normalise: self._prepare(normalise) for normalise in (True, False)}

    @staticmethod
    def _normalised(phrase: str, normalise: bool) -> tuple[str, ...]:
        return tuple(stem(british(_fold(w))) if normalise else _fold(w)
                     for w in _WORD.findall(phrase))

    def _prepare(self, normalise: bool) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for name, concept in self.concepts.items():
            for phrase in concept.words:
                words = self._normalised(phrase, normalise)
                if words and (words, name) not in by_first.get(words[0], ()):
                    by_first.setdefault(words[0], []).append((words, name))
        for candidates in by_first.values():
            candidates.sort(key=lambda p: (-len(p[0]), p))
        return by_first

    def phrases(self, normalise: bool) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """(words, concept name) pairs by first word, longest first; ``Term.match`` of a
        concept term is its words joined by spaces."""
        return self._phrases[normalise]

    def without(self, matches: Collection[tuple[str, str]]) -> Lexicon:
        """This lexicon less the phrases given as (concept name, ``Term.match``) pairs."""
        drop = set(matches)
        return Lexicon({
            name: Concept(concept.label, tuple(
                phrase for phrase in concept.words
                if (name, " ".join(self._normalised(phrase, True))) not in drop))
            for name, concept in self.concepts.items()})


LEXICON = Lexicon(CONCEPTS)


def card_terms(texts: Sequence[str], options: Options,
               lexicon: Lexicon = LEXICON) -> list[list[Term]]:
    """The terms of each card, in order: words (stopwords dropped) and, if asked, concepts.

    Typo repair looks at all ``texts`` together, so terms depend on the whole set of cards.
    """
    tokenised: list[list[tuple[str, int, int]]] = []
    counts: Counter[str] = Counter()
    for text in texts:
        tokens = []
        for match in _WORD.finditer(text):
            folded = _fold(match.group())
            if folded:
                tokens.append((folded, match.start(), match.end()))
                counts[folded] += 1
        tokenised.append(tokens)
    repairs = _typo_repairs(counts, lexicon.words) if options.normalise else {}
    phrases = lexicon.phrases(options.normalise)
    result: list[list[Term]] = []
    for text, tokens in zip(texts, tokenised, strict=True):
        keys = []
        for folded, _, _ in tokens:
            word = british(repairs.get(folded, folded)) if options.normalise else folded
            keys.append(stem(word) if options.normalise else word)
        terms = [Term(key, text[start:end].casefold(), key)
                 for key, (folded, start, end) in zip(keys, tokens, strict=True)
                 if folded not in STOPWORDS and key not in STOPWORDS and len(key) > 1]
        if options.concepts:
            terms.extend(_concept_terms(text, tokens, keys, phrases))
        result.append(terms)
    return result


def _concept_terms(text: str, tokens: list[tuple[str, int, int]], keys: list[str],
                   phrases: dict[str, list[tuple[tuple[str, ...], str]]]) -> list[Term]:
    """Concept mentions, left to right, the longest phrase at each word; no word counts twice."""
    found: list[Term] = []
    i = 0
    while i < len(keys):
        for words, name in phrases.get(keys[i], ()):
            size = len(words)
            if tuple(keys[i:i + size]) == words:
                surface = text[tokens[i][1]:tokens[i + size - 1][2]].casefold()
                found.append(Term(CONCEPT_PREFIX + name, surface, " ".join(words)))
                i += size
                break
        else:
            i += 1
    return found
