"""How close suggested groups come to a facilitator's grouping of the same cards.

Shared by ``bench/suggestions_quality.py`` and the unit tests. Definitions:

* Every card left out of all suggestions counts as a group of its own, and so does every card
  the facilitator put in no theme (``theme: null``).
* Pairwise precision: of the pairs of cards the suggestions put together, the share the
  facilitator also put together. Recall: of the facilitator's pairs, the share the suggestions
  put together. F1: their harmonic mean. (0 when there is no pair to count.)
* ARI: the Adjusted Rand Index of the two partitions (Hubert and Arabie, 1985): 1 is the same
  grouping, 0 what chance would give.
* Recovered share: a theme is recovered when one suggestion has Jaccard similarity at least
  0.5 with it (|S ∩ T| / |S ∪ T| ≥ 0.5), each suggestion recovering at most one theme (greedy,
  best Jaccard first). The share is recovered themes / themes.
* Coverage: the share of themed cards that are in some suggestion.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from math import comb
from pathlib import Path

import yaml

ItemKey = tuple[str, int]
RECOVERED_JACCARD = 0.5


@dataclass(frozen=True)
class Card:
    key: ItemKey
    text: str
    theme: str | None


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    ari: float
    recovered: float
    coverage: float


def load_cards(path: Path) -> list[Card]:
    """Cards and their facilitator's theme from a ``tests/data/discover_cards*.yaml`` file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Card((card["type"], card["id"]), card["text"], card["theme"])
            for card in data["cards"]]


def _partition(keys: Iterable[ItemKey], groups: Iterable[Collection[ItemKey]]) -> dict:
    """Cluster label per key; keys in no group get a label of their own."""
    label: dict[ItemKey, object] = {}
    for number, group in enumerate(groups):
        for key in group:
            label[key] = ("group", number)
    return {key: label.get(key, ("alone", key)) for key in keys}


def _pairs(label: dict) -> set[frozenset]:
    members: dict[object, list[ItemKey]] = {}
    for key, cluster in label.items():
        members.setdefault(cluster, []).append(key)
    return {frozenset((a, b)) for group in members.values()
            for i, a in enumerate(group) for b in group[i + 1:]}


def adjusted_rand_index(truth: dict, predicted: dict) -> float:
    """ARI of two labelings of the same keys."""
    keys = list(truth)
    cells: dict[tuple, int] = {}
    rows: dict[object, int] = {}
    cols: dict[object, int] = {}
    for key in keys:
        cell = (truth[key], predicted[key])
        cells[cell] = cells.get(cell, 0) + 1
        rows[truth[key]] = rows.get(truth[key], 0) + 1
        cols[predicted[key]] = cols.get(predicted[key], 0) + 1
    index = sum(comb(n, 2) for n in cells.values())
    sum_rows = sum(comb(n, 2) for n in rows.values())
    sum_cols = sum(comb(n, 2) for n in cols.values())
    total = comb(len(keys), 2)
    if total == 0:
        return 1.0
    expected = sum_rows * sum_cols / total
    maximum = (sum_rows + sum_cols) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def recovered_share(themes: Sequence[set[ItemKey]], suggested: Sequence[set[ItemKey]]) -> float:
    """Share of themes matched one-to-one by a suggestion with Jaccard ≥ 0.5."""
    if not themes:
        return 1.0
    candidates = sorted(
        ((len(t & s) / len(t | s), ti, si) for ti, t in enumerate(themes)
         for si, s in enumerate(suggested) if t & s),
        key=lambda c: (-c[0], c[1], c[2]))
    used_themes: set[int] = set()
    used_suggestions: set[int] = set()
    for jaccard, ti, si in candidates:
        if jaccard < RECOVERED_JACCARD:
            break
        if ti not in used_themes and si not in used_suggestions:
            used_themes.add(ti)
            used_suggestions.add(si)
    return len(used_themes) / len(themes)


def score(cards: Sequence[Card], suggested: Sequence[Collection[ItemKey]]) -> Scores:
    """Compare suggested groups with the cards' themes."""
    keys = [card.key for card in cards]
    by_theme: dict[str, set[ItemKey]] = {}
    for card in cards:
        if card.theme is not None:
            by_theme.setdefault(card.theme, set()).add(card.key)
    truth = _partition(keys, by_theme.values())
    predicted = _partition(keys, suggested)
    true_pairs, predicted_pairs = _pairs(truth), _pairs(predicted)
    hits = len(true_pairs & predicted_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 0.0
    recall = hits / len(true_pairs) if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    placed = {key for group in suggested for key in group}
    themed = [card.key for card in cards if card.theme is not None]
    return Scores(
        precision=precision, recall=recall, f1=f1,
        ari=adjusted_rand_index(truth, predicted),
        recovered=recovered_share(list(by_theme.values()), [set(g) for g in suggested]),
        coverage=sum(key in placed for key in themed) / len(themed) if themed else 1.0)
