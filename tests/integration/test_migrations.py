"""Upgrading a data folder from before anonymous rows were unlinked (revision 0004): the links
go, the counts stay, named activities keep their authors."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from facilitation.store.database import MIGRATIONS, Store

PEOPLE = ("a" * 32, "b" * 32, "c" * 32)


def _at_revision(store: Store, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _old_workshop(store: Store) -> None:
    """A workshop as 0004 stored it: every row with its writer's id."""
    statements = [
        "INSERT INTO workshops (id, code, plan_name, title, topic_title, topic_question, "
        "facilitator_key_hash, phase, version, created_at) VALUES (1, 'ABCDEF', "
        "'at-our-best-with-each-other', 'Ward 7', 't', 'q', 'h', 'dream', 1, '2026-01-01')",
        *[f"INSERT INTO participants (id, workshop_id, joined_at, connections) VALUES "
          f"('{p}', 1, '2026-01-01', 0)" for p in PEOPLE],
        # an anonymous dream by a, a named card by b
        "INSERT INTO contributions (id, workshop_id, participant_id, phase, activity_key, body, "
        f"client_id, hidden, created_at) VALUES (1, 1, '{PEOPLE[0]}', 'dream', 'team-dream', "
        "'A dream', 'c1', 0, '2026-01-01')",
        "INSERT INTO contributions (id, workshop_id, participant_id, phase, activity_key, body, "
        f"author_name, client_id, hidden, created_at) VALUES (2, 1, '{PEOPLE[1]}', 'define', "
        "'named-one', 'Named card', 'Bea', 'c2', 0, '2026-01-01')",
        # two dots by a, one by c
        *[f"INSERT INTO votes (workshop_id, activity_key, participant_id, target_type, target_id, "
          f"created_at) VALUES (1, 'team-dream', '{p}', 'contribution', 1, '2026-01-01')"
          for p in (PEOPLE[0], PEOPLE[0], PEOPLE[2])],
        f"INSERT INTO pulse_responses (workshop_id, activity_key, participant_id, answer_1, "
        f"answer_2, answer_3, answer_4, word, created_at) VALUES (1, 'check-out', '{PEOPLE[2]}', "
        "5, 4, 3, 2, 'calm', '2026-01-01')",
        "INSERT INTO pair_groups (id, workshop_id, activity_key, round, number, turn, created_at)"
        " VALUES (1, 1, 'best-of-us-interview', 1, 1, 0, '2026-01-01')",
        "INSERT INTO stories (workshop_id, activity_key, group_id, recorder_id, teller_id, "
        f"headline, quote_consent, sharing, hidden, created_at, updated_at) VALUES (1, "
        f"'best-of-us-interview', 1, '{PEOPLE[0]}', '{PEOPLE[1]}', 'Our story', 'none', 'pair', "
        "0, '2026-01-01', '2026-01-01')",
    ]
    with store.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def test_upgrading_drops_the_links_and_keeps_the_counts(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    _at_revision(store, "0004")
    _old_workshop(store)
    store.migrate(named_activities=[("at-our-best-with-each-other", "named-one")])
    with store.engine.connect() as connection:
        def rows(sql: str) -> list[tuple]:
            return [tuple(r) for r in connection.execute(text(sql))]

        assert rows("SELECT id, participant_id FROM contributions ORDER BY id") == [
            (1, None), (2, PEOPLE[1])]
        assert rows("SELECT activity_key, participant_id, counting, items FROM participation "
                    "ORDER BY activity_key, participant_id, counting") == [
            ("check-out", PEOPLE[2], "items", 1), ("named-one", PEOPLE[1], "items", 1),
            ("team-dream", PEOPLE[0], "dots", 2), ("team-dream", PEOPLE[0], "items", 1),
            ("team-dream", PEOPLE[2], "dots", 1)]
        for table in ("votes", "pulse_responses", "stories"):
            columns = [c[1] for c in connection.exec_driver_sql(f"PRAGMA table_info({table})")]
            assert not {"participant_id", "recorder_id", "teller_id"} & set(columns), table
        assert rows("SELECT headline, group_id FROM stories") == [("Our story", None)]
        assert rows("SELECT count(*) FROM votes") == [(3,)]
    store.dispose()
