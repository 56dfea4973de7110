"""Small bar charts for the report, drawn here as SVG so the preview and the PDF show the same
picture without scripts or images (WeasyPrint draws inline SVG).

Each chart is an image with a title and a description that says every number in words, so a
screen reader (or a PDF's text layer) gets what the bars show; the report also prints the
numbers in a table beside it. The small-numbers rule holds here too: a bar that would stand
for one or two people is not drawn, and its label says "fewer than 3" instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..small_numbers import few, people
from ..translation import translate as _
from .model import Dream, Participation, PropositionItem, PulseQuestion

ROW_HEIGHT = 22
LABEL_WIDTH = 230
BAR_SPACE = 300
VALUE_WIDTH = 110
WIDTH = LABEL_WIDTH + BAR_SPACE + VALUE_WIDTH
LABEL_CHARACTERS = 38


@dataclass(frozen=True)
class Bar:
    label: str
    count: int


def _short(label: str) -> str:
    """Long labels (a proposition) are cut for the picture; the table beside it has them whole."""
    flat = " ".join(label.split())
    return flat if len(flat) <= LABEL_CHARACTERS else flat[: LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart(key: str, title: str, bars: Sequence[Bar]) -> Markup:
    """A horizontal bar chart, one row per bar, scaled to the largest count that is drawn;
    ``key`` names it (unique in the page) so its title and description can be referenced."""
    drawable = [bar.count for bar in bars if not few(bar.count)]
    largest = max(drawable, default=0) or 1
    height = ROW_HEIGHT * len(bars) + 4
    description = "; ".join(f"{bar.label}: {people(bar.count)}" for bar in bars) + "."
    rows = []
    for row, bar in enumerate(bars):
        y = row * ROW_HEIGHT + 2
        middle = y + ROW_HEIGHT / 2 + 4
        rows.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle:.0f}" text-anchor="end">'
                    f"{escape(_short(bar.label))}</text>")
        if bar.count and not few(bar.count):
            width = max(2, round(BAR_SPACE * bar.count / largest))
            rows.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" '
                        f'height="{ROW_HEIGHT - 6}" fill="#00594f"/>')
            end = LABEL_WIDTH + width + 6
        else:
            end = LABEL_WIDTH + 6
        rows.append(f'<text x="{end}" y="{middle:.0f}">{escape(people(bar.count))}</text>')
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="chart-{key}-title '
        f'chart-{key}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Appreciate Sans, sans-serif" font-size="12" fill="#1b1b1f">'
        f'<title id="chart-{key}-title">{escape(title)}</title>'
        f'<desc id="chart-{key}-desc">{escape(description)}</desc>'
        + "".join(rows) + "</svg>")


# --- the report's charts -----------------------------------------------------------------
VOTE_BARS = 8


def participation_chart(participation: Participation) -> Markup:
    return bar_chart("taking-part", _("People who contributed in each phase"),
                     [Bar(row.label, row.people) for row in participation.by_phase])


def votes_chart(key: str, title: str, items: Sequence[Dream | PropositionItem]) -> Markup:
    """The most-voted items (already ranked), numbered as in the list below the chart."""
    return bar_chart(key, title, [Bar(f"{place}. {item.text}", item.votes or 0)
                                  for place, item in enumerate(items[:VOTE_BARS], start=1)])


def pulse_chart(key: str, question: PulseQuestion) -> Markup:
    labels = [_("1 (not at all)"), "2", "3", "4", _("5 (very much)")]
    return bar_chart(key, _("How many chose each number for “%(statement)s”",
                            statement=question.text),
                     [Bar(label, count) for label, count in zip(labels, question.distribution,
                                                                strict=True)])
