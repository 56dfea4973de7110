"""The small-numbers rule, in one place: any number drawn from fewer than ``FEWEST`` people is
shown as "fewer than 3", on every page, fragment, report and export (README, "Small
numbers"). With one or two people, whoever knows who took part can tell what each said."""

from __future__ import annotations

from .translation import N_, translate, translate_plural

FEWEST = 3
FEWER_THAN = N_("fewer than 3")


def few(count: int) -> bool:
    """True for 1 or 2 people."""
    return 0 < count < FEWEST


def people(count: int) -> str:
    """A number of people as it may be shown: "fewer than 3" for 1 or 2."""
    return translate(FEWER_THAN) if few(count) else str(count)


def count_people(one: str, many: str, count: int, **params: object) -> str:
    """``one``/``many`` for ``count`` people, with ``%(num)s`` following the rule: the plural
    sentence, saying "fewer than 3", for 1 or 2."""
    return translate_plural(one, many, FEWEST if few(count) else count, num=people(count),
                            **params)
