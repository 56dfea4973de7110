"""The report as people read it: outcomes on the first page, themes with their cards, charts
that say their numbers in words and never draw one or two people, method notes last."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from facilitation.export.charts import Bar, bar_chart
from facilitation.export.model import build_report
from facilitation.export.summary_markdown import render_markdown
from tests.workshop_data import seed_small

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture()
def seed(runtime):
    return seed_small(runtime)


@pytest.fixture()
def facilitator(app, seed):
    browser = app.test_client()
    assert browser.get(f"/w/{seed.code}/f/{seed.key}").status_code == 302
    return browser


def _flat(text: str) -> str:
    return " ".join(text.split())


def _charts(page: str) -> dict[str, ElementTree.Element]:
    """Every chart in a page, parsed as the SVG it is, by its title."""
    charts = {}
    for markup in re.findall(r"<svg\b.*?</svg>", page, flags=re.S):
        svg = ElementTree.fromstring(markup)
        charts[svg.find(f"{SVG}title").text] = svg
    return charts


def test_the_first_page_holds_the_topic_commitments_propositions_and_themes(
        facilitator, seed) -> None:
    response = facilitator.get(f"/w/{seed.code}/export.pdf?audience=full")
    pages = [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(response.data)).pages]
    first = pages[0]
    for expected in ["At our best with each other", "Learn every bank colleague's name",
                     "مريم حداد", "27 Feb 2026", "Ask the rota", "Łucja Wróbel",
                     "We welcome every new colleague with a buddy on their first shift",
                     "We have each other's backs", "Croeso: a real welcome"]:
        assert expected in first, expected
    assert "Appreciative Inquiry starts from what already works" not in first
    everything = " ".join(pages)
    # method notes come last, after every outcome
    assert everything.index("How people left") < everything.index(
        "Appreciative Inquiry starts from what already works")


def test_themes_carry_their_cards_in_the_full_report_only(runtime, seed, facilitator) -> None:
    full = build_report(runtime, seed.workshop_id, "full")
    backs = full.discover.themes[0]
    assert [card.text for card in backs.cards] == ["Zofia stayed late for a new starter"]
    assert backs.headlines == ("REPORT-STORY: the night the team covered for Ana",
                               "ROOM-STORY: a thank-you card from a family")
    # shown under its theme, so not again in the appendix
    appendix = [card.text for section in full.appendix for card in section.cards]
    assert "Zofia stayed late for a new starter" not in appendix
    assert "A warm welcome at handover, every shift" in appendix
    page = facilitator.get(f"/w/{seed.code}/report").get_data(as_text=True)
    assert page.count("Zofia stayed late for a new starter") == 1

    public = build_report(runtime, seed.workshop_id, "public")
    assert public.discover.themes[0].cards == () and public.discover.themes[0].card_count == 1
    page = facilitator.get(f"/w/{seed.code}/report?audience=public").get_data(as_text=True)
    assert "Zofia stayed late" not in page and "ROOM-STORY" not in page
    assert "REPORT-STORY: the night the team covered for Ana" in page


def test_charts_say_their_numbers_and_never_draw_one_or_two_people(facilitator, seed) -> None:
    page = facilitator.get(f"/w/{seed.code}/report").get_data(as_text=True)
    charts = _charts(page)
    taking_part = charts["People who contributed in each phase"]
    assert taking_part.get("role") == "img"
    assert taking_part.get("aria-labelledby").split() == [
        taking_part.find(f"{SVG}title").get("id"), taking_part.find(f"{SVG}desc").get("id")]
    # Define 2, Discover 2, Dream 4, Design 4, Deliver 5: two bars are not drawn
    assert taking_part.find(f"{SVG}desc").text == (
        "Define: fewer than 3; Discover: fewer than 3; Dream: 4; Design: 4; Deliver: 5.")
    assert len(taking_part.findall(f"{SVG}rect")) == 3
    words = [text.text for text in taking_part.findall(f"{SVG}text")]
    assert words.count("fewer than 3") == 2 and "1" not in words and "2" not in words

    dreams = charts["Votes for the most popular dreams"]
    assert len(dreams.findall(f"{SVG}rect")) == 1  # 3 votes drawn; the dream with 1 is not
    assert "fewer than 3" in dreams.find(f"{SVG}desc").text

    check_out = charts["How many chose each number for “People listened to me today.”"]
    assert check_out.find(f"{SVG}desc").text.endswith("4: fewer than 3; 5 (very much): fewer than 3.")
    assert check_out.findall(f"{SVG}rect") == []
    # the same numbers as a table, under the same rule
    table = page[page.index('class="pulse-table"'):]
    table = table[:table.index("</table>")]
    assert '<td class="number">2</td>' not in table and "fewer than 3" in table


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(
    # as stored: services/text.py removes control characters and lone surrogates
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=60),
    st.integers(0, 500)), min_size=1, max_size=10))
def test_a_chart_draws_only_bars_of_three_or_more(rows: list[tuple[str, int]]) -> None:
    svg = ElementTree.fromstring(str(bar_chart("any", "A chart", [Bar(*row) for row in rows])))
    assert len(svg.findall(f"{SVG}rect")) == sum(1 for _label, count in rows if count >= 3)
    values = [text.text for text in svg.findall(f"{SVG}text")][1::2]
    assert values == [("fewer than 3" if 0 < count < 3 else str(count)) for _label, count in rows]
    assert svg.find(f"{SVG}desc").text == "; ".join(
        f"{label}: {value}" for (label, _count), value in zip(rows, values, strict=True)) + "."


@pytest.mark.parametrize("audience", ["full", "public"])
def test_markdown_keeps_the_reports_order(runtime, seed, audience) -> None:
    summary = render_markdown(build_report(runtime, seed.workshop_id, audience))
    headings = [line for line in summary.splitlines() if line.startswith("## ")]
    assert headings == ["## What we will do next", "## How we will work",
                        "## What we are at our best", "## Who took part",
                        "## Discover: the positive core", "## Dream: what we hope for",
                        "## Design: how we will work", "## Deliver: what we will do",
                        "## How people left", "## How we worked"]
    glance = summary.split("## Who took part")[0]
    assert "**مريم حداد**: Learn every bank colleague's name (27 Feb 2026)" in glance
    assert "We welcome every new colleague with a buddy on their first shift" in glance
    assert "We have each other's backs" in glance
