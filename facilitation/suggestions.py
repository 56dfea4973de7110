"""Suggest groupings of Discover cards, computed on this computer from the cards' text alone.

The facilitator accepts or rejects each suggestion, so every one says which cards it holds,
what those cards share (words quoted from them) and a short proposed name. Nothing here touches
the network or the database; callers pass in the cards, what is already grouped and what was
rejected. Pure Python and deterministic: the same cards give the same suggestions.

It groups by a small lexicon of concepts (thanks, being listened to, handovers…) plus shared
words. On cards worded unlike those it was built on, it recovers about a third of a
facilitator's themes; how the method was chosen and measured: ``bench/README-suggestions.md``.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .card_terms import CONCEPT_PREFIX, LEXICON, Lexicon, Options, Term, card_terms
from .translation import translate, translate_plural

ItemKey = tuple[str, int]

DEFAULT_MAX_GROUPS = 12


@dataclass(frozen=True)
class Suggestion:
    """A proposed group of cards and why they belong together. The label and explanation are
    put into words when read, so a board rendered once per language reads right in each."""

    items: tuple[ItemKey, ...]
    keywords: tuple[str, ...]
    signature: str
    concept: str | None = None  # the lexicon's name for what most of the cards talk about
    concept_cards: int = 0
    quoted: tuple[tuple[str, int], ...] = ()  # the words naming the concept, with card counts
    shared: tuple[tuple[str, int], ...] = ()  # other words the cards share, with card counts

    @property
    def label(self) -> str:
        if self.concept is not None:
            return self.concept
        if self.shared:
            words = [f"“{w}”" for w, _ in self.shared[:2]]
            return translate("Cards mentioning %(words)s", words=words[0] if len(words) == 1
                             else translate("%(list)s and %(last)s", list=words[0],
                                            last=words[1]))
        return translate("Cards that read alike")

    @property
    def explanation(self) -> str:
        return _explain(len(self.items), self.concept_cards, self.label, list(self.quoted),
                        list(self.shared))


@dataclass(frozen=True)
class Method:
    """One way of grouping cards; the benchmark compares several, the app uses ``CHOSEN``."""

    name: str
    description: str
    options: Options
    threshold: float  # merge two groups while their cards' mean cosine similarity is this high
    concept_weight: float = 1.0
    seeded: bool = False  # group first by each card's main concept, then cluster the rest
    lexicon: Lexicon = LEXICON


METHODS: dict[str, Method] = {method.name: method for method in (
    Method("words", "TF-IDF of the words as written, cosine, average linkage",
           Options(normalise=False, concepts=False), threshold=0.02),
    Method("normalised", "as words, plus British spelling, light stemming and typo repair",
           Options(normalise=True, concepts=False), threshold=0.02),
    Method("concepts", "as normalised, plus the concept lexicon as extra features",
           Options(normalise=True, concepts=True), threshold=0.25, concept_weight=4.0),
    Method("seeded", "each card to its main concept of the lexicon; the rest as normalised",
           Options(normalise=True, concepts=True), threshold=0.10, seeded=True),
)}
CHOSEN = METHODS["concepts"]


def signature_of(items: Collection[ItemKey]) -> str:
    """A stable name for a set of cards, so a rejected suggestion is recognised next time."""
    text = "\n".join(f"{kind}:{number}" for kind, number in sorted(items))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def suggest_groups(items: Sequence[tuple[str, int, str]], *, min_size: int = 2,
                   max_groups: int | None = DEFAULT_MAX_GROUPS,
                   method: Method = CHOSEN) -> list[Suggestion]:
    """Group ``items`` ((item_type, item_id, text) triples) into suggestions, biggest first.

    Cards that fit nowhere are left out. The order of ``items`` does not matter.
    """
    if min_size < 2:
        raise ValueError("A suggestion needs at least two cards.")
    cards = sorted(items, key=lambda item: (item[0], item[1]))
    keys = [(kind, number) for kind, number, _ in cards]
    if len(set(keys)) != len(keys):
        raise ValueError("Each card may be given only once.")
    terms = card_terms([text for _, _, text in cards], method.options, method.lexicon)
    df = _document_frequency(terms)
    idf = _idf(df, len(terms))
    if method.seeded:
        clusters = _seeded_clusters(terms, idf, method)
    else:
        clusters = _average_linkage(_vectors(terms, idf, method.concept_weight),
                                    method.threshold)
    groups = sorted((sorted(c) for c in clusters if len(c) >= min_size),
                    key=lambda c: (-len(c), c[0]))
    if max_groups is not None:
        groups = groups[:max_groups]
    return [_describe(group, keys, terms, df, method.lexicon) for group in groups]


def open_suggestions(items: Sequence[tuple[str, int, str]], *,
                     grouped: Collection[ItemKey] = (), rejected: Collection[str] = (),
                     min_size: int = 2,
                     max_groups: int | None = DEFAULT_MAX_GROUPS) -> list[Suggestion]:
    """Suggestions for the cards not yet on the wall, without any the facilitator rejected."""
    placed = set(grouped)
    refused = set(rejected)
    loose = [item for item in items if (item[0], item[1]) not in placed]
    kept = [s for s in suggest_groups(loose, min_size=min_size, max_groups=None)
            if s.signature not in refused]
    return kept if max_groups is None else kept[:max_groups]


def _document_frequency(terms: list[list[Term]]) -> Counter[str]:
    """How many cards mention each feature."""
    df: Counter[str] = Counter()
    for card in terms:
        df.update({term.feature for term in card})
    return df


def _idf(df: Counter[str], cards: int) -> dict[str, float]:
    """Smoothed inverse document frequency: words every card uses say little."""
    return {feature: math.log((1 + cards) / (1 + count)) + 1.0 for feature, count in df.items()}


def _vectors(terms: list[list[Term]], idf: dict[str, float],
             concept_weight: float) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors; concept features count ``concept_weight`` times a word."""
    vectors = []
    for card in terms:
        counts = Counter(term.feature for term in card)
        vector = {}
        for feature, count in sorted(counts.items()):
            weight = (1.0 + math.log(count)) * idf[feature]
            if feature.startswith(CONCEPT_PREFIX):
                weight *= concept_weight
            vector[feature] = weight
        norm = math.sqrt(sum(w * w for w in vector.values()))
        vectors.append({f: w / norm for f, w in vector.items()} if norm else {})
    return vectors


def _average_linkage(vectors: list[dict[str, float]], threshold: float) -> list[list[int]]:
    """Agglomerative clustering: join the closest pair of groups while their mean cosine
    similarity is at least ``threshold``.

    Only pairs sharing a feature get a similarity (inverted index), and a heap holds the
    candidate joins, so a few hundred cards take milliseconds rather than seconds.
    """
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, vector in enumerate(vectors):
        for feature, weight in vector.items():
            postings.setdefault(feature, []).append((index, weight))
    links: dict[int, dict[int, float]] = {i: {} for i in range(len(vectors))}
    for feature in sorted(postings):
        posting = postings[feature]
        for a, (i, wi) in enumerate(posting):
            for j, wj in posting[a + 1:]:
                links[i][j] = links[i].get(j, 0.0) + wi * wj
                links[j][i] = links[j].get(i, 0.0) + wi * wj
    members = {i: [i] for i in range(len(vectors))}
    heap = [(-s, i, j) for i, row in links.items() for j, s in row.items()
            if i < j and s >= threshold]
    heapq.heapify(heap)
    next_id = len(vectors)
    while heap:
        _, i, j = heapq.heappop(heap)
        if i not in members or j not in members:
            continue
        new = next_id
        next_id += 1
        members[new] = members.pop(i) + members.pop(j)
        row_i, row_j = links.pop(i), links.pop(j)
        merged: dict[int, float] = {}
        for row in (row_i, row_j):
            for other, total in row.items():
                if other not in (i, j):
                    merged[other] = merged.get(other, 0.0) + total
        links[new] = merged
        for other, total in sorted(merged.items()):
            row = links[other]
            row.pop(i, None)
            row.pop(j, None)
            row[new] = total
            mean = total / (len(members[new]) * len(members[other]))
            if mean >= threshold:
                heapq.heappush(heap, (-mean, other, new))
    return list(members.values())


def _seeded_clusters(terms: list[list[Term]], idf: dict[str, float],
                     method: Method) -> list[list[int]]:
    """Each card joins the concept it mentions most (ties: the one it mentions first); cards
    with no concept are clustered on their words."""
    by_concept: dict[str, list[int]] = {}
    rest: list[int] = []
    for index, card in enumerate(terms):
        concepts = [t.feature for t in card if t.feature.startswith(CONCEPT_PREFIX)]
        if concepts:
            counts = Counter(concepts)
            best = max(counts.values())
            main = next(c for c in concepts if counts[c] == best)
            by_concept.setdefault(main, []).append(index)
        else:
            rest.append(index)
    words = [[t for t in terms[i] if not t.feature.startswith(CONCEPT_PREFIX)] for i in rest]
    clusters = _average_linkage(_vectors(words, idf, 1.0), method.threshold)
    return list(by_concept.values()) + [[rest[i] for i in c] for c in clusters]


def _describe(group: list[int], keys: list[ItemKey], terms: list[list[Term]],
              df: Counter[str], lexicon: Lexicon) -> Suggestion:
    """Name a group and say, quoting its cards, what they have in common."""
    size, total = len(group), len(terms)
    cards_with: Counter[str] = Counter()
    match_cards: dict[str, Counter[str]] = {}
    surfaces: dict[str, Counter[str]] = {}
    for index in group:
        card = terms[index]
        cards_with.update({term.feature for term in card})
        for feature, match in sorted({(term.feature, term.match) for term in card}):
            match_cards.setdefault(feature, Counter())[match] += 1
        for term in card:
            surfaces.setdefault(term.match, Counter())[term.surface] += 1

    def written(match: str) -> str:
        return min(surfaces[match].items(), key=lambda s: (-s[1], s[0]))[0]

    concepts = sorted((f for f in cards_with if f.startswith(CONCEPT_PREFIX)),
                      key=lambda f: (-cards_with[f], f))
    main = next((c for c in concepts[:1] if cards_with[c] >= max(2, (size + 1) // 2)), None)
    quoted: list[tuple[str, int]] = []
    quoted_words: set[str] = set()
    if main is not None:
        for match, n in sorted(match_cards[main].items(), key=lambda m: (-m[1], m[0]))[:3]:
            quoted.append((written(match), n))
            quoted_words.update(match.split())
    # A shared word must be at least twice as common in the group as in the other cards:
    # "ward" on three cards of ten explains nothing when every fifth card says "ward".
    words = sorted((f for f in cards_with if not f.startswith(CONCEPT_PREFIX)
                    and f not in quoted_words and cards_with[f] >= 2
                    and cards_with[f] * (total - size) >= 2 * (df[f] - cards_with[f]) * size),
                   key=lambda f: (-cards_with[f], df[f], f))
    shared = [(written(f), cards_with[f]) for f in words[:2 if main else 3]]
    keywords = tuple(surface for surface, _ in quoted + shared)
    return Suggestion(
        items=tuple(keys[i] for i in group), keywords=keywords,
        signature=signature_of([keys[i] for i in group]),
        concept=lexicon.concepts[main.removeprefix(CONCEPT_PREFIX)].label if main else None,
        concept_cards=cards_with[main] if main else 0, quoted=tuple(quoted), shared=tuple(shared))


def _explain(size: int, concept_cards: int, label: str,
             quoted: list[tuple[str, int]], shared: list[tuple[str, int]]) -> str:
    """Plain English, with counts, so nobody has to trust a score."""
    sentences = []
    if concept_cards:
        if concept_cards == size:
            who = (translate("Both cards") if size == 2
                   else translate("All %(size)s cards", size=size))
        else:
            who = translate("%(some)s of these %(size)s cards", some=concept_cards, size=size)
        sentences.append(translate("%(who)s talk about %(topic)s: %(words)s.", who=who,
                                   topic=label.lower(), words=_counted(quoted)))
        if shared:
            sentences.append(translate("They also share %(words)s.", words=_counted(shared)))
    elif shared:
        sentences.append(translate("Both cards share %(words)s.", words=_counted(shared))
                         if size == 2 else
                         translate("These %(size)s cards share %(words)s.", size=size,
                                   words=_counted(shared)))
    else:
        sentences.append(translate("These %(size)s cards use similar words.", size=size))
    return " ".join(sentences)


def _counted(words: list[tuple[str, int]]) -> str:
    parts = [translate_plural("“%(word)s” (%(num)s card)", "“%(word)s” (%(num)s cards)", n,
                              word=surface) for surface, n in words]
    if len(parts) == 1:
        return parts[0]
    return translate("%(list)s and %(last)s", list=", ".join(parts[:-1]), last=parts[-1])
