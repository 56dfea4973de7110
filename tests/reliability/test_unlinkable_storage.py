"""Anonymous where it is stored: after a whole workshop, the database file, its write-ahead
log, the backup and every download hold no link from an anonymous row to a person — even
for someone who also has the secret key — while each phone still finds its own rows.

The attacker here has everything on the laptop: the SQLite file read raw (not through the
app), the backup, each report format, the log, and the secret key (so every cookie the app
ever signed could be forged, but none can be read: the author keys live in the phones'
cookies only).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from facilitation import runtime_of
from facilitation.export.backup import export_backup
from facilitation.export.files import FORMATS, export_file
from facilitation.services import deliver, design, dreams, pairs, pulse, stories, views, votes
from facilitation.services.access import Actor
from facilitation.store import Workshop
from tests.integration.method_room import after_discover

# Tables whose rows are anonymous, and the columns allowed to say who (none).
ANONYMOUS_ROWS = ("votes", "pulse_responses", "stories")
# Where a participant id may be stored, and why: all are shown with a name or are counts.
MAY_NAME_A_PERSON = {
    "participants": "the person themself",
    "participation": "how many items each person has per activity, never which",
    "pair_members": "who interviews whom: the room sees the pairs",
    "commitments": "a commitment has an owner by nature",
    "action_team_members": "a team lists its members",
    "contributions": "only in a named activity, where the name is shown",
    "propositions": "only in a named activity, where the name is shown",
}


def _raw_tables(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of the file, read by SQLite itself rather than through the app."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [n for (n,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables = {}
        for name in names:
            cursor = connection.execute(f'SELECT * FROM "{name}"')
            tables[name] = ([c[0] for c in cursor.description], cursor.fetchall())
        return tables
    finally:
        connection.close()


def _workshop(make_app) -> tuple:
    app = make_app()
    rt = runtime_of(app)
    method = after_discover(rt, people=5)
    people = method.people
    # Every person writes an anonymous card... (after_discover did: 4 cards by 4 people)
    # ...a pair-only story and a room story in the interviews (people[0] wrote one above)
    with rt.store.reading() as db:
        mine = pairs.my_pair(db, method.room.workshop_id, "best-of-us-interview",
                             people[1].participant_id)
    assert mine is not None
    method.go_to("best-of-us-interview")
    stories.save_story(rt, people[1], {"headline": "Kept within our pair", "sharing": "pair",
                                       "quote": "We never leave anyone alone"})
    for person in people:  # each phone opens its panel, sealing stories told about it
        views.my_view(rt, person)
    # dreams and dots
    method.go_to("team-dream")
    dream_ids = [dreams.add_dream(rt, p, f"Anonymous dream {n}", [], f"dream-{n:05d}")[0].id
                 for n, p in enumerate(people)]
    for n, person in enumerate(people):
        votes.place_dot(rt, person, f"contribution:{dream_ids[(n + 1) % len(people)]}")
        votes.place_dot(rt, person, f"contribution:{dream_ids[0]}")
    # statements and dots
    method.go_to("possibility-statements")
    statement_ids = [design.add_proposition(rt, p, {
        "text": f"We welcome colleague {n} by name", "area": "plan:0",
        "client_id": f"statement-{n:05d}"}).id for n, p in enumerate(people)]
    for n, person in enumerate(people):
        votes.place_dot(rt, person, f"proposition:{statement_ids[(n + 2) % len(people)]}")
    # a commitment (named by nature) and the check-out
    method.go_to("our-commitments")
    today = date.today()
    deliver.add_commitment(rt, people[0], {
        "kind": "personal", "what": "Learn the porters' names", "owner_name": "Ana",
        "due_date": (today + timedelta(30)).isoformat(), "first_step": "Ask for the rota",
        "first_step_due": (today + timedelta(3)).isoformat(), "client_id": "commitment-1"})
    method.go_to("check-out")
    for n, person in enumerate(people):
        pulse.answer(rt, person, {f"answer_{i}": str(1 + (n + i) % 5) for i in range(1, 5)}
                     | {"word": f"word{n}"})
    return app, rt, method


def test_nothing_stored_or_exported_links_anonymous_rows_to_people(make_app, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    app, rt, method = _workshop(make_app)
    people = method.people
    ids = [p.participant_id for p in people]
    keys = [p.author_key for p in people]
    with rt.store.reading() as db:
        workshop = db.get(Workshop, method.room.workshop_id)
    database = Path(rt.store.engine.url.database)

    # Each phone still finds exactly its own rows with its key.
    for person in people:
        mine = views.my_view(rt, person)
        assert mine.my_pulse is not None and mine.my_pulse.word == f"word{people.index(person)}"

    # The raw file: participant ids only where a name or a count belongs.
    tables = _raw_tables(database)
    holding = {name for name, (_columns, rows) in tables.items()
               if any(isinstance(v, str) and v in ids for row in rows for v in row)}
    assert holding <= set(MAY_NAME_A_PERSON), holding - set(MAY_NAME_A_PERSON)
    for name in ANONYMOUS_ROWS:
        columns, rows = tables[name]
        assert rows, name
        assert not any(c in ("participant_id", "recorder_id", "teller_id") for c in columns)
    for name in ("contributions", "propositions"):
        columns, rows = tables[name]
        person = columns.index("participant_id")
        assert all(row[person] is None for row in rows), name  # the plan's are anonymous
    # Stories, once both phones have seen them, keep neither pair nor place.
    columns, rows = tables["stories"]
    assert all(row[columns.index("group_id")] is None
               and row[columns.index("teller_position")] is None for row in rows)

    # Counts apart, and in key order: their order says nothing about arrival.
    columns, rows = tables["participation"]
    assert [r[:3] for r in rows] == sorted(r[:3] for r in rows)
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        ddl = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'participation'"
                                 ).fetchone()[0]
    finally:
        connection.close()
    assert "WITHOUT ROWID" in ddl.upper()

    # No seal repeats, so two rows of one person look like rows of two people.
    seals = [v for name in ("contributions", "propositions", "votes", "pulse_responses")
             for row in tables[name][1]
             for v in [row[tables[name][0].index("owner_tag")]] if v]
    assert len(seals) == len(set(seals)) > 20
    columns, rows = tables["stories"]
    recorders = [row[columns.index("recorder_tag")] for row in rows]
    tellers = [row[columns.index("teller_tag")] for row in rows]
    assert all(recorders) and len(set(recorders + tellers)) == len(recorders + tellers)
    # The first story's teller never opened their panel before the room moved on: it was
    # forgotten then (stories.forget_unclaimed); the second was sealed by its teller.
    assert tellers == [None, tellers[1]] and tellers[1]

    # The author keys are nowhere the laptop keeps: not in the file, its log, the backup,
    # a download or a log line — so holding the secret key as well recomputes nothing.
    kept = [("database", database.read_bytes())]
    for suffix in ("-wal", "-shm"):
        extra = database.with_name(database.name + suffix)
        if extra.exists():
            kept.append((suffix, extra.read_bytes()))
    with rt.store.engine.connect() as connection:
        kept.append(("backup", export_backup(connection, workshop.id)))
    with app.test_request_context():
        for fmt in FORMATS:
            for audience in ("full", "public"):
                made = export_file(rt, workshop, fmt, audience)
                kept.append((f"{fmt} {audience}", made.content))
    kept.append(("log", "\n".join(r.getMessage() for r in caplog.records).encode()))
    kept.append(("secret key", str(app.secret_key).encode()))
    found = [(where, "author key") for where, blob in kept for key in keys
             if key.encode() in blob or key.upper().encode() in blob]
    assert found == []
    # Participant ids leave the laptop in no download (the backup keeps the counts).
    reports = [(where, blob) for where, blob in kept if where.split()[0] in FORMATS
               and not where.startswith("json")]
    assert len(reports) == 8
    assert [(where, pid) for where, blob in reports for pid in ids if pid.encode() in blob] == []


def test_a_phone_without_its_key_finds_nothing_and_cannot_spend_another_budget(
        make_app) -> None:
    app = make_app()
    rt = runtime_of(app)
    method = after_discover(rt, people=3)
    method.go_to("team-dream")
    writer = method.people[0]
    dream, _new = dreams.add_dream(rt, writer, "A calmer handover", [], "dream-00001")
    votes.place_dot(rt, writer, f"contribution:{dream.id}")
    # The same person on a second browser (same participant, another key) — or anyone with
    # the database and the secret key, forging a cookie — finds no dream and no dot of theirs.
    stranger_key = Actor(writer.workshop_id, "participant", writer.participant_id,
                         "0" * 32)
    theirs = views.my_view(rt, stranger_key)
    assert theirs.mine == frozenset() and theirs.ballot.used == 0
    assert views.my_view(rt, writer).mine == {f"contribution:{dream.id}"}
    assert views.my_view(rt, writer).ballot.used == 1
