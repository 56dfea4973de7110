"""Big rooms sit at tables of about eight: table walls on phones, a paged plenary on the
facilitator's screens, and no push that carries the whole room's cards."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPICursor

from facilitation import runtime_of, socketio_of
from facilitation.live import pace
from facilitation.live.fragments import PHONE_SHOWS
from facilitation.services import seating
from facilitation.startup import prepared
from facilitation.store import Contribution
from tests.reading import words

from .room import Person, csrf_from, join, start_workshop

CARD = re.compile(r'class="card"')


def seat(facilitator: Person, choice: str):
    return facilitator.post(f"/w/{facilitator.code}/seating", {"seating": choice},
                            page=f"/w/{facilitator.code}/facilitate")


@pytest.fixture()
def tables(app, socketio):
    """A facilitator and 17 participants (tables 1 and 2 full, one person at table 3)."""
    facilitator = start_workshop(app)
    people = [join(app, facilitator.code) for _ in range(17)]
    for person in [facilitator, *people]:
        assert person.connect(socketio, app).is_connected()
        person.fragments()
    assert facilitator.emit("move", {"direction": "forward"})["ok"]
    return facilitator, people


def table_of(person: Person) -> str:
    """The table a participant's own screen says they sit at."""
    state = person.http.get(f"/w/{person.code}/state").get_data(as_text=True)
    match = re.search(r"You are at table (\d+)", words(state))
    assert match, "no table shown to a participant"
    return match.group(1)


def test_people_are_seated_in_order_of_arrival_eight_to_a_table(tables) -> None:
    facilitator, people = tables
    assert seat(facilitator, "tables").status_code == 302
    seats = [table_of(person) for person in people]
    assert seats == ["1"] * 8 + ["2"] * 8 + ["3"]


def test_a_small_room_stays_one_room_until_told_otherwise(tables) -> None:
    facilitator, people = tables
    people[0].contribute("arrival-hopes", "Seen by the whole small room")
    assert all("Seen by the whole small room" in "".join(p.fragments()) for p in people)
    page = people[9].http.get(f"/w/{people[9].code}/").get_data(as_text=True)
    assert "You are at" not in page
    assert "Seen by the whole small room" in page


def test_a_card_keeps_its_table_only_while_the_room_sits_at_tables(tables, app) -> None:
    """Every participant is given a table at join, for when the room is seated; a card shared
    in a room that is not must not carry it, or the database would narrow down who wrote it."""
    _facilitator, people = tables
    assert people[16].contribute("arrival-hopes", "Shared in one room")["ok"]
    seat(_facilitator, "tables")
    assert people[0].contribute("arrival-hopes", "Shared at table one")["ok"]
    # Table three seats one person: a card kept at that table could only be theirs, so it
    # goes on the whole room's wall.
    assert people[16].contribute("arrival-hopes", "Shared alone at table three")["ok"]
    with runtime_of(app).store.reading() as db:
        labels = dict(db.execute(select(Contribution.body, Contribution.table_label)).all())
    assert labels == {"Shared in one room": None, "Shared at table one": "1",
                      "Shared alone at table three": None}


def test_a_seated_room_pushes_cards_to_their_table_and_counts_to_everyone(tables) -> None:
    facilitator, people = tables
    seat(facilitator, "tables")
    for person in [facilitator, *people]:
        person.fragments()
    assert people[0].contribute("arrival-hopes", "Table one's hope")["ok"]
    for person in people[:8]:
        assert "Table one&#39;s hope" in "".join(person.fragments())
    for person in people[8:]:
        pushed = "".join(person.fragments())
        assert "Table one" not in pushed
        assert 'id="counts"' in pushed and "1 contribution shared" in words(pushed)
    plenary = "".join(facilitator.fragments())
    assert "Table one&#39;s hope" in plenary and 'class="wall plenary"' in plenary
    tally = re.search(r'<th scope="row">1</th><td>(\d+)</td><td>(\d+)</td>', plenary)
    assert tally and tally.groups() == ("8", "1")

    # Table 3 has one person: counting its cards would say how many that person wrote.
    assert people[16].contribute("arrival-hopes", "Alone at table three")["ok"]
    plenary = "".join(facilitator.fragments())
    alone = re.search(r'<th scope="row">3</th><td>([^<]*)</td><td>([^<]*)</td>', plenary)
    assert alone and alone.groups() == ("fewer than 3", "not shown")


def test_every_view_of_a_seated_room_shows_only_its_tables_cards(tables) -> None:
    facilitator, people = tables
    seat(facilitator, "tables")
    people[0].contribute("arrival-hopes", "From table one")
    people[8].contribute("arrival-hopes", "From table two")
    facilitator.contribute("arrival-hopes", "From the facilitator, for every table")
    two = people[9]
    for path in ("/", "/state"):
        view = two.http.get(f"/w/{two.code}{path}").get_data(as_text=True)
        assert "From table two" in view and "From the facilitator" in view
        assert "From table one" not in view
    control = facilitator.http.get(f"/w/{facilitator.code}/facilitate").get_data(as_text=True)
    assert "From table one" in control and "From table two" in control
    assert "The whole room" in control


def test_a_phase_change_sends_each_table_only_its_own_cards(tables) -> None:
    facilitator, people = tables
    seat(facilitator, "tables")
    for index, person in enumerate(people):
        person.contribute("arrival-hopes", f"Card {index}")
    for person in [facilitator, *people]:
        person.fragments()
    assert facilitator.emit("move", {"direction": "back"})["ok"]
    assert facilitator.emit("move", {"direction": "forward"})["ok"]
    for index, person in enumerate(people):
        pushed = person.fragments()
        # Table three's one person's card is the whole room's (seating.wall_of).
        expected = 9 if index < 16 else 1
        assert len(CARD.findall(pushed[-1])) == expected
        assert 'data-phase="define"' in pushed[-1]
    plenary = facilitator.fragments()[-1]
    assert "17 cards from 3 tables" in plenary


def test_the_plenary_pages_the_cards(tables) -> None:
    facilitator, people = tables
    seat(facilitator, "tables")
    total = seating.PLENARY_PAGE + 6
    for number in range(total):
        people[number % len(people)].contribute("arrival-hopes", f"Card number {number:03d}")
    control = facilitator.http.get(f"/w/{facilitator.code}/facilitate").get_data(as_text=True)
    assert len(CARD.findall(control)) == seating.PLENARY_PAGE
    assert f"Card number {total - 1:03d}" in control and "Card number 000" not in control
    earlier = facilitator.http.get(f"/w/{facilitator.code}/plenary?page=2")
    assert earlier.status_code == 200
    page_two = earlier.get_data(as_text=True)
    assert len(CARD.findall(page_two)) == 6 and "Card number 000" in page_two
    assert "Earlier cards, page 2 of 2" in page_two


def test_only_the_facilitator_chooses_the_seating(tables) -> None:
    facilitator, people = tables
    person = people[0]
    refused = person.post(f"/w/{person.code}/seating", {"seating": "tables"},
                          page=f"/w/{person.code}/")
    assert refused.status_code == 403
    assert person.http.get(f"/w/{person.code}/plenary").status_code == 403
    assert seat(facilitator, "sideways").status_code == 400


def test_a_growing_room_sits_at_tables_by_itself(app, socketio) -> None:
    facilitator = start_workshop(app)
    facilitator.connect(socketio, app)
    first = join(app, facilitator.code)
    first.connect(socketio, app)
    for _ in range(seating.AUTO_FROM - 2):
        join(app, facilitator.code)
    assert "You are at" not in "".join(first.fragments())
    join(app, facilitator.code)  # the room reaches the threshold
    assert "You are at table 1" in words("".join(first.fragments()))
    facilitator.fragments()
    assert facilitator.emit("move", {"direction": "forward"})["ok"]  # to a wall of cards
    assert "The whole room" in "".join(facilitator.fragments())
    assert seat(facilitator, "room").status_code == 302
    pushed = "".join(first.fragments())
    assert 'id="table-note" class="table-note" hx-swap-oob="true" hidden' in pushed


@contextmanager
def whole_wall_reads(app: Flask) -> Iterator[list[str]]:
    """Every query that reads a wall's visible cards without a table or a page: the whole
    wall. (The facilitator's list of hidden cards, to restore, is not the wall.)"""
    engine = runtime_of(app).store.engine
    found: list[str] = []

    def seen(_conn: Connection, _cursor: DBAPICursor, statement: str, *_args: object) -> None:
        flat = " ".join(statement.split())
        if (flat.startswith("SELECT") and "contributions.body" in flat
                and "contributions.activity_key =" in flat and "LIMIT" not in flat
                and "contributions.hidden IS 1" not in flat
                and "contributions.table_label" not in flat.split("WHERE", 1)[-1]):
            found.append(flat)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", seen)


@pytest.mark.parametrize("choice", ["room", "tables"])
def test_a_new_card_never_reads_the_whole_wall(tables, app, choice) -> None:
    facilitator, people = tables
    seat(facilitator, choice)
    for number in range(5):
        people[number].contribute("arrival-hopes", f"Earlier card {number}")
    with whole_wall_reads(app) as reads:
        assert people[9].contribute("arrival-hopes", "One more card")["ok"]
    assert reads == []


def test_coalesced_pushes_keep_a_card_from_showing_twice(data_dir) -> None:
    """With a real window, the facilitator's panel (read when the push leaves) comes after a
    card appended in the same push, so the card is not appended to a list that has it."""
    app = prepared({"DATA_DIR": str(data_dir), "TESTING": True, "PUSH_WINDOW": 5.0,
                      "PUSH_BUDGET": 1, "SOCKETIO_ASYNC_MODE": "threading"})
    try:
        socketio = socketio_of(app)
        facilitator = start_workshop(app)
        person = join(app, facilitator.code)
        for who in (facilitator, person):
            who.connect(socketio, app)
        assert facilitator.emit("move", {"direction": "forward"})["ok"]
        runtime_of(app).broadcaster.batcher.flush_all()
        facilitator.fragments()
        runtime_of(app).broadcaster.connections_changed(facilitator_id(app, facilitator))
        assert person.contribute("arrival-hopes", "Only once")["ok"]
        runtime_of(app).broadcaster.batcher.flush_all()
        pushed = "".join(facilitator.fragments())
        card = pushed.index('hx-swap-oob="beforeend:#fwall-list-arrival-hopes"')
        panel = pushed.index('id="facilitator-panel"')
        assert card < panel
    finally:
        runtime_of(app).store.dispose()


def facilitator_id(app: Flask, facilitator: Person) -> int:
    from facilitation.services import workshops as workshop_service

    return workshop_service.find(runtime_of(app), facilitator.code).id


def test_board_changes_in_one_window_leave_as_one_board_read_when_it_leaves(data_dir) -> None:
    """Three cards hidden inside one window: the room gets the board once, as it is after
    the last change, not three boards, and nothing reads the whole wall before then."""
    app = prepared({"DATA_DIR": str(data_dir), "TESTING": True, "PUSH_WINDOW": 5.0,
                      "PUSH_BUDGET": 1, "SOCKETIO_ASYNC_MODE": "threading"})
    try:
        socketio = socketio_of(app)
        batcher = runtime_of(app).broadcaster.batcher
        facilitator = start_workshop(app)
        person = join(app, facilitator.code)
        for who in (facilitator, person):
            who.connect(socketio, app)
        assert facilitator.emit("move", {"direction": "forward"})["ok"]
        texts = ["Kindness at handover", "Tea for the night shift", "Names on the board"]
        ids = [person.contribute("arrival-hopes", text)["id"] for text in texts]
        batcher.flush_all()
        person.fragments()
        token = csrf_from(facilitator.http.get(f"/w/{facilitator.code}/facilitate")
                          .get_data(as_text=True))
        with whole_wall_reads(app) as reads:
            for card in ids:
                response = facilitator.http.post(f"/w/{facilitator.code}/moderate", data={
                    "item": f"contribution:{card}", "hidden": "yes", "csrf_token": token})
                assert response.status_code in (200, 302)
        assert person.fragments() == []  # waiting for the window
        assert reads == [], "a change read the whole wall before its push left"
        batcher.flush_all()
        pushed = "".join(person.fragments())
        assert pushed.count('id="wall"') == 1
        assert not any(text in pushed for text in texts)
    finally:
        runtime_of(app).store.dispose()


def test_a_big_room_spreads_its_phones_fetches_and_keeps_their_panels(data_dir) -> None:
    """From SPREAD_FROM connections, a push that has every phone fetch its own panel leaves
    the panel in place and asks for a fetch spread over time; a small room fetches at once."""
    for spread_from, spread in ((3, True), (100, False)):
        app = prepared({"DATA_DIR": str(data_dir / str(spread_from)), "TESTING": True,
                          "SOCKETIO_ASYNC_MODE": "threading", "SPREAD_FROM": spread_from})
        try:
            socketio = socketio_of(app)
            facilitator = start_workshop(app)
            people = [join(app, facilitator.code) for _ in range(2)]
            for who in (facilitator, *people):
                who.connect(socketio, app)
                who.fragments()
            assert facilitator.emit("move", {"direction": "forward"})["ok"]
            pushed = "".join(people[0].fragments())
            asked = re.search(r'data-spread="(\d+)"', pushed)
            if spread:
                assert asked and int(asked.group(1)) > 0
                assert 'hx-swap-oob="beforeend:#my-panel"' in pushed
                assert '<div id="my-panel" hx-swap-oob="true"' not in pushed
            else:
                assert asked is None
                assert '<div id="my-panel" hx-swap-oob="true"' in pushed
        finally:
            runtime_of(app).store.dispose()


def test_a_phone_is_sent_the_latest_of_a_long_wall_and_the_projector_all_of_it(tables) -> None:
    """Past PHONE_SHOWS cards, what a phone is pushed (or fetches on reconnect) holds the
    latest ones and a link to all of them; the projector is sent every card."""
    facilitator, people = tables
    texts = [f"Card number {n:02d}" for n in range(30)]
    for n, text in enumerate(texts):
        assert people[n % len(people)].contribute("arrival-hopes", text)["ok"]
    for person in [facilitator, *people]:
        person.fragments()
    page = f"/w/{facilitator.code}/facilitate"
    first = re.search(r'id="c-(\d+)"', facilitator.http.get(
        f"/w/{facilitator.code}/projector").get_data(as_text=True)).group(1)
    response = facilitator.post(f"/w/{facilitator.code}/moderate",
                                {"item": f"contribution:{first}", "hidden": "yes"}, page=page)
    assert response.status_code in (200, 302)
    shown = texts[1:]  # the first card is hidden: 29 on the wall

    def wall_of(pushed: str) -> str:
        walls = re.findall(r'<section id="wall".*?</section>', pushed, re.S)
        assert len(walls) == 1, f"{len(walls)} walls pushed"
        return walls[0]

    phone = wall_of("".join(people[3].fragments()))
    assert 'data-for="phones"' in phone
    assert len(CARD.findall(phone)) == PHONE_SHOWS
    assert all(text in phone for text in shown[-PHONE_SHOWS:])
    assert not any(text in phone for text in shown[:-PHONE_SHOWS])
    assert f"The latest {PHONE_SHOWS} of 29." in phone
    assert f'href="/w/{facilitator.code}/board"' in phone
    resynced = people[3].http.get(f"/w/{people[3].code}/state").get_data(as_text=True)
    assert len(CARD.findall(wall_of(resynced))) == PHONE_SHOWS

    screens = [f for f in facilitator.fragments() if 'id="wall"' in f and "data-for" not in f]
    assert len(screens) == 1 and len(CARD.findall(screens[0])) == 29
    everything = people[3].http.get(f"/w/{people[3].code}/board").get_data(as_text=True)
    assert all(text in everything for text in shown) and texts[0] not in everything
    assert "data-live-workshop" not in everything  # a plain page: it is never pushed to
    stranger = Person(facilitator.http.application.test_client(), facilitator.code)
    assert stranger.http.get(f"/w/{facilitator.code}/board").status_code == 302


def test_a_room_joining_at_once_hears_its_head_count_at_a_pace_and_the_last_one_always(
        data_dir, monkeypatch) -> None:
    """Told of every arrival, 2,000 phones joining at once would take four million
    deliveries. While a room joins, each phone hears the head count at most once a period
    (its share of pace.ARRIVALS_BUDGET deliveries a second, up to pace.ARRIVALS_EVERY), and
    the count after the last arrival always comes."""
    monkeypatch.setattr(pace, "ARRIVALS_BUDGET", 2)  # four phones paced as 1,000 would be
    app = prepared({"DATA_DIR": str(data_dir), "TESTING": True, "PUSH_WINDOW": 0.25,
                    "SOCKETIO_ASYNC_MODE": "threading"})
    try:
        socketio = socketio_of(app)
        facilitator = start_workshop(app)
        phones = [join(app, facilitator.code) for _ in range(4)]
        for phone in phones:
            phone.connect(socketio, app)
        time.sleep(pace.ARRIVALS_EVERY)  # the phones' own arrivals have been told
        for phone in phones:
            phone.fragments()
        started = time.monotonic()
        for _ in range(30):
            join(app, facilitator.code)
        burst = time.monotonic() - started
        deadline = time.monotonic() + 2 * pace.ARRIVALS_EVERY + 5
        heard = {id(phone): "" for phone in phones}
        while time.monotonic() < deadline and not all(
                "<strong>34</strong> people have joined" in text for text in heard.values()):
            time.sleep(0.05)
            for phone in phones:
                heard[id(phone)] += "".join(phone.fragments())
        for text in heard.values():
            assert "<strong>34</strong> people have joined" in text
            counts = text.count('id="counts"')
            assert counts <= burst / pace.ARRIVALS_EVERY + 2, (
                f"{counts} head counts in a {burst:.1f} s burst")
    finally:
        runtime_of(app).store.dispose()
