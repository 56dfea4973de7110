"""Anonymity that holds: a scripted workshop, then a scan of everything the app said.

Every page and download (every GET route, for every kind of person, at every phase),
every pushed fragment, every acknowledgement, every error message and every log line is
collected. No participant id may appear in any of them; and no name given at join may
appear next to anything written in an anonymous activity (in the same card of a page, the
same object of a JSON download, the same line of any other), not even on the facilitator's
screens. The named activity of the plan is scripted too, to show the scan does find names
where they belong.

Counts: in anonymous activities the room sees how many contributions there are (which the
wall shows anyway), never how many people made them: "1 has shared" next to three cards
would tell everyone the three came from one person.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from html.parser import HTMLParser

from sqlalchemy import select

from facilitation import runtime_of, socketio_of
from facilitation.store import Contribution, Participant
from tests.integration.room import Person, join, start_workshop
from tests.reading import words

from .world import open_first_phase

NAMES = ("Priya Shah", "Tom Okafor", "Aisha Begum")


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.parts: list[str | Node] = []

    def text(self) -> str:
        return "".join(part if isinstance(part, str) else part.text() for part in self.parts)


class Tree(HTMLParser):
    """Just enough of a DOM to ask "which element holds this text?"."""

    VOID = {"input", "img", "br", "meta", "link", "hr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = self.node = Node("#root", {}, None)
        self.texts: list[tuple[str, Node]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        child = Node(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.parts.append(child)
        if tag not in self.VOID:
            self.node = child

    def handle_endtag(self, tag: str) -> None:
        node = self.node
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.node = node.parent

    def handle_data(self, data: str) -> None:
        self.node.parts.append(data)
        self.texts.append((data, self.node))


def holder(node: Node) -> Node:
    """The nearest element with an id: a card, or the widest box a card could be in."""
    while node.parent is not None and "id" not in node.attrs:
        node = node.parent
    return node


def counts_text(html: str) -> str:
    """The words of the head-count box."""
    for _data, node in Tree(html).texts:
        box = node
        while box.parent is not None and box.attrs.get("id") != "counts":
            box = box.parent
        if box.attrs.get("id") == "counts":
            return " ".join(box.text().split())
    return ""


def json_objects(value: object) -> Iterator[dict]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from json_objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from json_objects(inner)


def records(mimetype: str, body: str) -> list[str]:
    """The smallest units of a download that belong together: a JSON object's own values,
    or a line of CSV, Markdown or any other text."""
    if mimetype == "application/json":
        return [json.dumps([v for v in obj.values() if not isinstance(v, dict | list)])
                for obj in json_objects(json.loads(body))]
    return body.splitlines()


class Recorder:
    """Everything the app said to anyone, labelled by where it was said."""

    def __init__(self) -> None:
        self.html: list[tuple[str, str]] = []
        self.other: list[tuple[str, str]] = []
        self.documents: list[tuple[str, str, str]] = []  # exports: where, type, text
        self.anonymous_now = True
        self.while_anonymous: list[tuple[str, str]] = []

    def _html(self, where: str, html: str) -> None:
        self.html.append((where, html))
        if self.anonymous_now:
            self.while_anonymous.append((where, html))

    def page(self, who: str, person: Person, path: str) -> None:
        response = person.http.get(path)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
        self.other.append((f"{who} headers of {path}", json.dumps(headers)))
        body = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            self._html(f"{who} page {path}", body)
        else:
            self.documents.append((f"{who} download {path}", response.mimetype, body))

    def pushed(self, who: str, person: Person) -> None:
        assert person.socket is not None
        for event in person.socket.get_received():
            assert event["name"] == "fragment", f"{who} was sent a {event['name']!r} event"
            self._html(f"fragment to {who}", event["args"][0])

    def reply(self, who: str, reply: dict) -> dict:
        self.other.append((f"reply to {who}", json.dumps(reply)))
        return reply


def test_nothing_links_anonymous_words_to_a_person(make_app, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    app = make_app(LIMIT_SHARING="8 per 100 seconds")
    socketio = socketio_of(app)
    record = Recorder()
    facilitator = start_workshop(app)
    code = facilitator.code
    named = {name: join(app, code, name) for name in NAMES}
    quiet = join(app, code)  # no name given
    other_room = start_workshop(app)
    outsider = join(app, other_room.code, "Someone Else")
    stranger = Person(app.test_client(), code=code)
    people = {"facilitator": facilitator, **named, "anonymous": quiet}
    for person in people.values():
        person.connect(socketio, app)
    gets = sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint != "static"
                   and "<key>" not in rule.rule})
    anonymous_texts: list[str] = []
    named_texts: dict[str, str] = {}

    def look_everywhere() -> None:
        viewers = {**people, "stranger": stranger, "someone from another workshop": outsider}
        for who, person in viewers.items():
            for rule in gets:
                record.page(who, person, rule.replace("<code>", code))
        for who, person in people.items():
            record.pushed(who, person)

    def everyone_writes(activity: str, anonymous: bool) -> None:
        record.anonymous_now = anonymous
        for who, person in people.items():
            text = f"{activity} words of person {len(anonymous_texts) + len(named_texts)}"
            reply = record.reply(who, person.contribute(activity, text))
            assert reply["ok"], reply
            if anonymous:
                anonymous_texts.append(text)
            else:
                named_texts[text] = who
        look_everywhere()

    open_first_phase(facilitator)
    everyone_writes("arrival-hopes", anonymous=True)
    # errors, refusals and a plain-form post along the way
    priya = named["Priya Shah"]
    record.reply("Priya", priya.contribute("arrival-hopes", "   "))
    record.reply("Priya", priya.contribute("arrival-hopes", "x" * 2001))
    record.reply("Priya", priya.contribute("dream-it", "Wrong activity"))
    record.reply("Priya", priya.emit("move", {"direction": "forward"}))
    record.reply("Priya", priya.emit("no-such-event", {"text": "hello"}))
    record.reply("Priya", priya.emit("contribute", {"text": 5}))
    form = priya.post(f"/w/{code}/contribute", {"activity": "arrival-hopes",
                                                "text": "Posted by form, anonymously",
                                                "client_id": "anon-form-0001"},
                      page=f"/w/{code}/")
    assert form.status_code == 302
    anonymous_texts.append("Posted by form, anonymously")
    record.page("Priya", priya, form.headers["Location"])

    assert facilitator.emit("move", {"direction": "forward"})["ok"]
    assert facilitator.emit("choose_activity", {"activity": "share-what-you-heard"})["ok"]
    everyone_writes("share-what-you-heard", anonymous=True)
    # Dream statements have their own form (anonymous in the default plan).
    assert facilitator.emit("move", {"direction": "forward"})["ok"]
    record.anonymous_now = True
    for number, (who, person) in enumerate(p for p in people.items() if p[0] != "facilitator"):
        text = f"team-dream words of person {number}"
        response = person.post(f"/w/{code}/dreams", {"text": text,
                                                      "client_id": f"dream-anon-{number:04d}"},
                               page=f"/w/{code}/")
        assert response.status_code == 302, (who, response.status_code)
        anonymous_texts.append(text)
    look_everywhere()

    runtime = runtime_of(app)
    with runtime.store.reading() as db:
        ids = list(db.scalars(select(Participant.id)))
        rows = list(db.scalars(select(Contribution)))
    logs = [(f"log {r.name}", r.getMessage() + (r.exc_text or "")) for r in caplog.records]
    outputs = record.html + record.other + logs + [(w, b) for w, _t, b in record.documents]
    assert len(ids) == 5 and len(record.html) > 400  # the scan really covered the pages

    leaks = [(where, pid) for where, text in outputs for pid in ids if pid in text]
    assert leaks == [], f"participant ids appear in what the app sent or logged: {leaks[:5]}"

    names_beside_anonymous = []
    for where, html in record.html:
        tree = Tree(html)
        for data, node in tree.texts:
            for text in anonymous_texts:
                if text in data:
                    box = holder(node).text()
                    names_beside_anonymous += [(where, text, n) for n in NAMES if n in box]
    for where, mimetype, body in record.documents:
        for unit in records(mimetype, body):
            names_beside_anonymous += [(where, text, n) for text in anonymous_texts
                                       for n in NAMES if text in unit and n in unit]
    assert names_beside_anonymous == [], names_beside_anonymous[:5]
    names_elsewhere = [(where, n) for where, text in record.other + logs for n in NAMES
                       if n in text]
    assert names_elsewhere == [], names_elsewhere[:5]

    # the scan does see names where an activity asks for them
    shown = words(" ".join(html for _where, html in record.html))
    for text, who in named_texts.items():
        if who in NAMES:
            assert f"{text} {who}" in shown  # the card, then who wrote it

    # the database itself holds no link for anonymous wall cards (a dream keeps its writer so
    # that person alone can see which dots and dreams are theirs; no output shows it)
    for row in rows:
        if row.body in anonymous_texts and not row.body.startswith("team-dream"):
            assert row.participant_id is None and row.author_name is None, row.body
        if row.body in named_texts and named_texts[row.body] in NAMES:
            assert row.author_name == named_texts[row.body]

    # counts never tell how many people wrote the anonymous cards
    counts = [(where, counts_text(html)) for where, html in record.while_anonymous
              if 'id="counts"' in html]
    assert counts
    singling_out = [(where, text) for where, text in counts
                    if "has shared" in text or "have shared" in text]
    assert singling_out == []
    assert any("contributions shared in this activity" in text for _where, text in counts)
