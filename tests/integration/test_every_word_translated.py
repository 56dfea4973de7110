"""No interface text escapes translation: a pseudo-language shows every marked word.

The test builds, at test time, a catalog in which every message is its English wrapped in
⟦…⟧, points the app at it, drives a workshop through every phase and renders each page and
fragment that participants, the facilitator and the projector can fetch. Any letter left outside
the markers must be something the test typed itself or the plan's own content (plans are
written by people, in their own language).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask.testing import FlaskClient

from facilitation import runtime_of
from facilitation.card_terms import LEXICON
from facilitation.services import (
    activities,
    contributions,
    deliver,
    design,
    dreams,
    moderation,
    pairs,
    pulse,
    seating,
    stories,
    themes,
    votes,
)
from facilitation.services import workshops as workshop_service
from facilitation.startup import prepared
from tests.translation_catalog import extract

from .discover_room import discover_room
from .method_room import facilitator_client, participant_client
from .room import csrf_from

PLAN = "at-our-best-with-each-other"
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
URL = re.compile(r"https?://\S+")
LETTERS = re.compile(r"[^\W\d_]+")
SPOKEN_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder", "hx-confirm")
# Names, not words: the product, the languages as each calls itself, and the chooser's label,
# which is in both languages on purpose so that anyone can find it.
ALWAYS_ALLOWED = ("Language / Iaith", "Appreciate", "English", "Cymraeg")
# Dates are written by Babel from CLDR's names for the language, not from our catalog.
WELSH = Locale("cy")
DATE_NAMES = tuple({*WELSH.days["format"]["wide"].values(),
                    *WELSH.months["format"]["wide"].values(),
                    *WELSH.months["stand-alone"]["wide"].values(),
                    *WELSH.months["format"]["abbreviated"].values()})


def write_pseudo_catalog(directory: Path) -> None:
    """A Welsh catalog whose every message is the English in markers (plurals included)."""
    catalog = Catalog(locale="cy")
    for message in extract():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            one, many = message.id
            forms = tuple(f"⟦{one}⟧" if index == 1 else f"⟦{many}⟧"
                          for index in range(catalog.num_plurals))
            catalog.add(message.id, forms)
        else:
            catalog.add(message.id, f"⟦{message.id}⟧")
    target = directory / "cy" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)


class VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes and the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        self.pieces += [value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.pieces.append(data)


def plan_content(value: object) -> set[str]:
    """Every string a plan holds: titles, prompts, questions, agreements, areas…"""
    if isinstance(value, str):
        return {value}
    if dataclasses.is_dataclass(value):
        return set().union(*(plan_content(getattr(value, f.name))
                             for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return set().union(set(), *(plan_content(v) for v in value.values()))
    if isinstance(value, list | tuple):
        return set().union(set(), *(plan_content(v) for v in value))
    return set()


class Inspector:
    """Reads pages and remembers every word that is neither marked nor allowed."""

    def __init__(self, plan_texts: set[str]) -> None:
        self.allowed = set(ALWAYS_ALLOWED) | set(DATE_NAMES) | plan_texts
        self.problems: list[str] = []
        self.pages = 0

    def typed(self, *texts: str) -> None:
        """Content the test itself wrote: shown as written, never translated."""
        self.allowed.update(texts)

    def read(self, where: str, html: str) -> None:
        parser = VisibleText()
        parser.feed(html)
        text = " \n ".join(parser.pieces)
        previous = None
        while previous != text:
            previous, text = text, MARKED.sub(" ", text)
        text = URL.sub(" ", text)
        for allowed in sorted(self.allowed, key=len, reverse=True):
            text = text.replace(allowed, " ")
        self.pages += 1
        for line in text.splitlines():
            if LETTERS.search(line):
                self.problems.append(f"{where}: {line.strip()!r}")

    def get(self, client: FlaskClient, path: str, status: int = 200) -> str:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == status, (path, response.status_code, html[-1500:])
        self.read(path, html)
        return html


def in_pseudo_welsh(client: FlaskClient) -> FlaskClient:
    with client.session_transaction() as session:
        session["lang"] = "cy"
    return client


@pytest.fixture()
def pseudo_app(tmp_path: Path) -> Iterator[Flask]:
    write_pseudo_catalog(tmp_path / "pseudo")
    app = prepared({"DATA_DIR": str(tmp_path / "data"), "TESTING": True,
                      "SOCKETIO_ASYNC_MODE": "threading",
                      "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "pseudo")})
    yield app
    runtime_of(app).store.dispose()


def test_every_page_in_every_state_shows_only_marked_words(pseudo_app: Flask) -> None:
    app, rt = pseudo_app, runtime_of(pseudo_app)
    # Suggested theme names come from the English concept lexicon of the (English-only)
    # suggestion engine; accepted, they become theme names that the facilitator can rename.
    look = Inspector(plan_content(list(rt.plans.values()))
                     | {concept.label for concept in LEXICON.concepts.values()})
    names = ("Ana", "Bo")
    look.typed(*names)

    stranger = in_pseudo_welsh(app.test_client())
    for path in ("/", "/start", "/accessibility"):
        look.get(stranger, path)
    look.get(stranger, "/no-such-page", 404)
    look.get(stranger, "/w/ZZZZZZ/", 404)
    look.get(stranger, "/language", 405)
    expired = stranger.post("/language", data={"lang": "cy"}, headers={"HX-Request": "true"})
    assert expired.status_code == 400
    look.read("expired form, as an htmx message", expired.get_data(as_text=True))

    room = discover_room(rt)  # in the interview: move it back to the lobby first
    f = room.facilitator
    for _ in range(2):
        workshop_service.move(rt, f, "back")
    for name in (*names, None, None):
        room.arrive(name)
    look.typed(room.code)
    facilitator = in_pseudo_welsh(facilitator_client(app, rt, room))
    phones = [in_pseudo_welsh(participant_client(app, room.code, p)) for p in room.people]
    look.get(stranger, f"/w/{room.code}/join")
    look.get(phones[0], f"/w/{room.code}/facilitate", 403)

    def every_view(*extra: str) -> None:
        for path in ("/define", "/lobby", "/facilitate", "/projector", "/state",
                     "/state?view=projector", "/report", "/report?audience=public", "/delete",
                     *extra):
            look.get(facilitator, f"/w/{room.code}{path}")
        for phone in phones:
            for path in ("/", "/me", "/state", "/me?part=my-votes"):
                look.get(phone, f"/w/{room.code}{path}")

    every_view()  # the lobby

    workshop_service.move(rt, f, "forward")  # Define: a wall
    card = "Kindness on nights"
    look.typed(card)
    made, _created = contributions.contribute(rt, room.people[0], "arrival-hopes", card,
                                              "card-0001")
    hidden, _created = contributions.contribute(rt, room.people[1], "arrival-hopes",
                                                "Hidden card", "card-0002")
    look.typed("Hidden card")
    moderation.spotlight(rt, f, "contribution", made.id)
    moderation.set_hidden(rt, f, "contribution", hidden.id, True)
    activities.change_timer(rt, f, "start")
    every_view()
    activities.change_timer(rt, f, "pause")
    activities.set_flag(rt, f, "locked", True)
    every_view()
    seating.choose(rt, f, "tables")  # a big room at tables: table walls and the plenary
    every_view("/plenary")
    seating.choose(rt, f, "auto")

    room.go_to("best-of-us-interview")  # Discover: waiting for pairs, then pairs
    every_view()
    pairs.form_pairs(rt, f)
    every_view()
    headline, quote = "Porter stayed to help", "We never leave anyone alone"
    look.typed(headline, quote)
    for person in room.people:
        stories.save_story(rt, person, {"headline": headline, "quote": quote,
                                        "sharing": "room"})
    pairs.swap_turn(rt, room.people[0])
    every_view()

    room.go_to("share-what-you-heard")
    texts = ["Thank you at every handover", "Matron said thanks", "Buddies for new starters",
             "Bank staff welcomed like family"]
    look.typed(*texts)
    ids = [contributions.contribute(rt, room.people[i], "share-what-you-heard", text,
                                    f"card-1{i:03d}")[0].id for i, text in enumerate(texts)]
    every_view()

    room.go_to("positive-core")  # the theme board, with suggestions, then with themes
    every_view()
    look.typed("Saying thank you", "A real welcome")
    theme = themes.create_theme(rt, f, "Saying thank you",
                                [f"contribution:{ids[0]}", f"contribution:{ids[1]}"])
    themes.create_theme(rt, f, "A real welcome", [f"contribution:{ids[2]}"])
    every_view()

    room.go_to("team-dream")
    dream = "We greet everyone by name"
    look.typed(dream)
    made, _created = dreams.add_dream(rt, room.people[0], dream, [str(theme)], "dream-0001")
    votes.place_dot(rt, room.people[1], f"contribution:{made.id}")
    every_view()
    activities.set_flag(rt, f, "revealed", True)
    every_view()

    room.go_to("possibility-statements")
    statement, better = "We welcome every starter", "We welcome every new starter"
    look.typed(statement, better)
    proposition = design.add_proposition(rt, room.people[0], {
        "text": statement, "area": "plan:0", "theme": str(theme), "client_id": "prop-00001"})
    design.improve_proposition(rt, room.people[1], proposition.id, better, 1)
    every_view()
    look.get(phones[1], f"/w/{room.code}/design/propositions/{proposition.id}/edit")
    activities.set_flag(rt, f, "revealed", True)
    every_view()

    room.go_to("our-commitments")
    today = date.today()
    commitment = {"what": "Learn the porters' names", "first_step": "Ask for the rota",
                  "helpers": "Bo", "support_needed": "Ten minutes", "how_we_know": "They smile",
                  "owner_name": "Ana", "team_name": "Welcome pack"}
    look.typed(*commitment.values())
    for kind, person in (("personal", room.people[0]), ("team", room.people[1])):
        deliver.add_commitment(rt, person, {
            **commitment, "kind": kind, "due_date": (today + timedelta(30)).isoformat(),
            "first_step_due": (today + timedelta(3)).isoformat(), "proposition": "",
            "client_id": f"commitment-{kind}"})
    team = deliver.start_team(rt, room.people[0], {"name": "Welcome pack", "show_name": "yes"})
    deliver.join_team(rt, room.people[2], team.id, False)
    deliver.set_next_review(rt, f, (today + timedelta(60)).isoformat())
    every_view()

    room.go_to("check-out")
    every_view()
    look.typed("Hopeful", "hopeful")  # words are counted in lower case
    questions = rt.plans[PLAN].activity("check-out").pulse_questions
    for person in room.people:
        pulse.answer(rt, person, {**{f"answer_{i}": "4" for i in range(1, len(questions) + 1)},
                                  "word": "Hopeful"})
    every_view()
    activities.set_flag(rt, f, "revealed", True)
    every_view()

    workshop_service.move(rt, f, "forward")  # closed
    every_view()

    page = look.get(facilitator, f"/w/{room.code}/delete")
    response = facilitator.post(f"/w/{room.code}/delete",
                                data={"confirm_code": "WRONG", "csrf_token": csrf_from(page)})
    look.read("wrong delete code", response.get_data(as_text=True))
    response = facilitator.post(f"/w/{room.code}/delete",
                                data={"confirm_code": room.code, "csrf_token": csrf_from(page)})
    assert response.status_code == 200
    look.read("deleted", response.get_data(as_text=True))

    assert look.pages > 100
    assert not look.problems, "unmarked interface text:\n" + "\n".join(
        dict.fromkeys(look.problems))


def test_the_pseudo_language_really_replaces_the_words(pseudo_app: Flask) -> None:
    """Guard against a test that passes because nothing is translated at all."""
    html = in_pseudo_welsh(pseudo_app.test_client()).get("/").get_data(as_text=True)
    assert "⟦Join a workshop⟧" in html
