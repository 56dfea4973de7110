"""Compare the ways of suggesting Discover groups against a facilitator's grouping.

    python bench/suggestions_quality.py            # the table: methods × scores, both card sets
    python bench/suggestions_quality.py --sweep    # how each method's threshold was chosen

Scores are defined in ``bench/grouping_metrics.py``; what they mean and the figures measured
are in ``bench/README-suggestions.md``. Thresholds are tuned on the main set only; the held-out
set checks that the choice carries over to cards nobody tuned on.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that the plain `python bench/…` command finds the app

# ruff: noqa: E402 (imports after the path is set)
from bench.grouping_metrics import RECOVERED_JACCARD, Card, load_cards, score
from facilitation.card_terms import CONCEPT_PREFIX, LEXICON, Lexicon, Options, card_terms
from facilitation.suggestions import CHOSEN, METHODS, Method, suggest_groups

MAIN = ROOT / "tests" / "data" / "discover_cards.yaml"
HOLDOUT = ROOT / "tests" / "data" / "discover_cards_holdout.yaml"
HOLDOUT2 = ROOT / "tests" / "data" / "discover_cards_holdout2.yaml"
TIMED_CARDS = 300
TIMED_RUNS = 9
THRESHOLDS = (0.02, 0.05, 0.08, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40)
CONCEPT_WEIGHTS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


def items_of(cards: list[Card]) -> list[tuple[str, int, str]]:
    return [(card.key[0], card.key[1], card.text) for card in cards]


def timing_items(cards: list[Card]) -> list[tuple[str, int, str]]:
    """300 cards: all the sets, repeated under new ids (a busy room repeats itself too)."""
    return [(card.key[0], number, card.text)
            for number, card in enumerate((cards * (TIMED_CARDS // len(cards) + 1))[:TIMED_CARDS])]


def median_seconds(items: list[tuple[str, int, str]]) -> dict[str, float]:
    """Median time of each method, runs interleaved so that machine noise hits all alike."""
    runs: dict[str, list[float]] = {name: [] for name in METHODS}
    for _ in range(TIMED_RUNS):
        for name, method in METHODS.items():
            start = time.perf_counter()
            suggest_groups(items, method=method)
            runs[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in runs.items()}


def fired(cards: list[Card], lexicon: Lexicon) -> set[tuple[str, str]]:
    """(concept, phrase) pairs of the lexicon that match at least one of ``cards``."""
    out = set()
    for terms in card_terms([card.text for card in cards], Options(), lexicon):
        out |= {(t.feature.removeprefix(CONCEPT_PREFIX), t.match) for t in terms
                if t.feature.startswith(CONCEPT_PREFIX)}
    return out


def blind_lexicon(main: list[Card], holdout: list[Card]) -> Lexicon:
    """The lexicon less every phrase that matches only held-out cards.

    The same person wrote the held-out cards and, afterwards, the lexicon, so some phrases may
    echo held-out wording. Dropping all of them is a pessimistic stand-in for a lexicon
    written without ever seeing those cards.
    """
    return LEXICON.without(fired(holdout, LEXICON) - fired(main, LEXICON))


def row(label: str, set_name: str, cards: list[Card], method: Method, seconds: float,
        baseline: float) -> None:
    suggestions = suggest_groups(items_of(cards), method=method)
    s = score(cards, [set(x.items) for x in suggestions])
    print(f"{label:<11} {set_name:<8} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f} "
          f"{s.ari:5.2f} {s.recovered:6.0%} {s.coverage:6.0%} {len(suggestions):6d} "
          f"{seconds * 1000:7.1f} {seconds / baseline:7.2f}")


def table(main: list[Card], holdout: list[Card], holdout2: list[Card]) -> None:
    timed = timing_items(main + holdout + holdout2)
    seconds = median_seconds(timed)
    baseline = seconds["words"]
    blind = blind_lexicon(main, holdout)
    dropped = len(fired(holdout, LEXICON) - fired(main, LEXICON))
    print(f"main: {len(main)} cards (the lexicon was written with them in view); holdout: "
          f"{len(holdout)} other cards; blind: holdout with the lexicon less the {dropped} "
          f"phrases that match only held-out cards; holdout2: {len(holdout2)} cards written "
          f"after the lexicon was frozen.\nTime: median of {TIMED_RUNS} runs on "
          f"{len(timed)} cards, and its ratio to the words method. Chosen: {CHOSEN.name}.\n")
    header = (f"{'method':<11} {'set':<8} {'P':>5} {'R':>5} {'F1':>5} {'ARI':>5} "
              f"{'recov':>6} {'cover':>6} {'groups':>6} {'ms/300':>7} {'×words':>7}")
    print(header)
    print("-" * len(header))
    for method in METHODS.values():
        took = seconds[method.name]
        row(method.name, "main", main, method, took, baseline)
        row(method.name, "holdout", holdout, method, took, baseline)
        row(method.name, "blind", holdout, dataclasses.replace(method, lexicon=blind),
            took, baseline)
        row(method.name, "holdout2", holdout2, method, took, baseline)
    print()
    for method in METHODS.values():
        print(f"{method.name:<11} {method.description} (threshold {method.threshold}"
              + (f", concept weight {method.concept_weight}" if method.concept_weight != 1
                 else "") + ")")
    print("\nA theme the lexicon does not know: each theme's concept removed in turn, main set.")
    for method in METHODS.values():
        if method.options.concepts:
            print(f"{method.name:<11} themes still recovered: "
                  f"{unknown_theme_recovery(main, method)}")
    grounded = keywords_grounded(main + holdout + holdout2)
    print(f"\nKeywords of the chosen method found in their own cards' text: {grounded:.0%}")


def unknown_theme_recovery(cards: list[Card], method: Method) -> str:
    """How many themes are still recovered when the lexicon lacks their concept."""
    themes = sorted({card.theme for card in cards if card.theme})
    recovered = []
    for theme in themes:
        lexicon = Lexicon({n: c for n, c in LEXICON.concepts.items() if n != theme})
        variant = dataclasses.replace(method, lexicon=lexicon)
        members = {card.key for card in cards if card.theme == theme}
        best = max((len(members & set(s.items)) / len(members | set(s.items))
                    for s in suggest_groups(items_of(cards), method=variant)), default=0.0)
        if best >= RECOVERED_JACCARD:
            recovered.append(theme)
    return f"{len(recovered)} of {len(themes)}" + (f" ({', '.join(recovered)})"
                                                    if recovered else "")


def keywords_grounded(cards: list[Card]) -> float:
    """Share of shown keywords that occur, as written, in a card of their suggestion."""
    text = {card.key: card.text.casefold() for card in cards}
    found = total = 0
    for subset in (cards[: len(cards) // 2], cards[len(cards) // 2:], cards):
        for suggestion in suggest_groups(items_of(subset)):
            for keyword in suggestion.keywords:
                total += 1
                found += any(keyword in text[key] for key in suggestion.items)
    return found / total if total else 1.0


def sweep(main: list[Card]) -> None:
    """Pairwise F1 and recovered share on the main set for every threshold (and weight)."""
    print("Main set only. Each cell: pairwise F1 / recovered share.\n")
    print(f"{'method':<11} {'weight':>6} " + " ".join(f"{t:>9.2f}" for t in THRESHOLDS))
    for method in METHODS.values():
        weights = CONCEPT_WEIGHTS if method.options.concepts and not method.seeded else (1.0,)
        for weight in weights:
            cells = []
            for threshold in THRESHOLDS:
                variant = dataclasses.replace(method, threshold=threshold, concept_weight=weight)
                suggestions = suggest_groups(items_of(main), method=variant)
                s = score(main, [set(x.items) for x in suggestions])
                cells.append(f"{s.f1:4.2f}/{s.recovered:4.0%}")
            print(f"{method.name:<11} {weight:6.1f} " + " ".join(f"{c:>9}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true",
                        help="show the threshold sweep on the main set instead of the table")
    args = parser.parse_args()
    main_cards = load_cards(MAIN)
    if args.sweep:
        sweep(main_cards)
    else:
        table(main_cards, load_cards(HOLDOUT), load_cards(HOLDOUT2))


if __name__ == "__main__":
    main()
