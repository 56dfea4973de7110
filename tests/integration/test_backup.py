"""The JSON backup holds every row of a workshop and `python app.py import` restores it exactly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Integer, func, select

from facilitation import runtime_of
from facilitation.export import backup
from facilitation.export.backup import BackupError
from facilitation.export.model import Report, build_report
from facilitation.export.restore import restore
from facilitation.services import Runtime
from facilitation.startup import prepared
from facilitation.store.models import Base, Workshop
from tests.workshop_data import SmallWorkshop, seed_small

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def export_json(rt: Runtime, workshop_id: int) -> bytes:
    with rt.store.engine.connect() as connection:
        return backup.export_backup(connection, workshop_id)


def row_counts(rt: Runtime, workshop_id: int) -> dict[str, int]:
    """How many rows of each table belong to the workshop, counted by the database."""
    counts = {}
    with rt.store.engine.connect() as connection:
        for table in backup.tables_in_order():
            clause = backup._owner_clause(table, workshop_id)
            counts[table.name] = connection.scalar(
                select(func.count()).select_from(table).where(clause))
    return counts


@pytest.fixture()
def seed(runtime):
    return seed_small(runtime)


def test_backup_has_every_table_and_every_row(runtime, seed) -> None:
    document = json.loads(export_json(runtime, seed.workshop_id))
    assert set(document["tables"]) == set(Base.metadata.tables) - set(backup.NOT_KEPT)
    counts = row_counts(runtime, seed.workshop_id)
    # the seed fills every table, so a table left out of the backup would show here
    assert all(counts.values()), counts
    assert {name: len(rows) for name, rows in document["tables"].items()} == counts


def test_other_workshops_stay_out_of_a_backup(runtime, seed) -> None:
    other = seed_small(runtime)
    document = json.loads(export_json(runtime, other.workshop_id))
    assert document["tables"]["workshops"][0]["code"] == other.code
    assert {p["id"] for p in document["tables"]["participants"]} == set(other.participant_ids)


def test_every_id_column_is_understood() -> None:
    """An integer *_id column must be a foreign key or a declared polymorphic reference,
    or the backup could not renumber it."""
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if column.name.endswith("_id") and isinstance(column.type, Integer):
                assert column.foreign_keys or (table.name, column.name) in backup.POLYMORPHIC, \
                    f"{table.name}.{column.name}"


def test_export_import_export_is_identical_in_a_fresh_data_directory(runtime, seed,
                                                                      tmp_path) -> None:
    first = export_json(runtime, seed.workshop_id)
    fresh = prepared({"DATA_DIR": str(tmp_path / "fresh"), "TESTING": True})
    try:
        fresh_rt = runtime_of(fresh)
        seed_small(fresh_rt)  # the new place already holds another workshop
        restored, key = restore(fresh_rt, first)
        assert key is None and not restored.code_changed and restored.code == seed.code
        assert export_json(fresh_rt, restored.workshop_id) == first
        def report(rt: Runtime, workshop_id: int) -> Report:  # database row ids aside
            made = build_report(rt, workshop_id, "full")
            return replace(made, commitments=tuple(replace(c, ref=0) for c in made.commitments))

        assert report(fresh_rt, restored.workshop_id) == report(runtime, seed.workshop_id)
        # Undo steps name live row ids, so they stay behind: the restored board starts afresh.
        with fresh_rt.store.engine.connect() as connection:
            kept = connection.scalar(select(func.count()).select_from(
                Base.metadata.tables["theme_history"]).where(
                Base.metadata.tables["theme_history"].c.workshop_id == restored.workshop_id))
        assert kept == 0
    finally:
        fresh_rt.store.dispose()


def test_import_where_the_code_and_ids_are_taken_changes_only_those(runtime, seed) -> None:
    first = export_json(runtime, seed.workshop_id)
    restored, _key = restore(runtime, first)
    assert restored.code_changed and restored.code != seed.code
    assert set(restored.renamed_participants) == set(seed.participant_ids)
    second = export_json(runtime, restored.workshop_id).decode()
    # The same rows once the new code and participant ids are mapped back to the old ones
    # (rows keyed by participant id are listed in id order, so compare them as sets).
    second = second.replace(restored.code, seed.code)
    for old, new in restored.renamed_participants.items():
        assert new not in first.decode()
        second = second.replace(new, old)

    def rows(document: str) -> dict[str, list[str]]:
        tables = json.loads(document)["tables"]
        return {name: sorted(json.dumps(row, sort_keys=True) for row in table)
                for name, table in tables.items()}

    assert rows(second) == rows(first.decode())
    assert row_counts(runtime, restored.workshop_id) == row_counts(runtime, seed.workshop_id)


def test_new_key_replaces_the_facilitator_link(app, runtime, seed) -> None:
    restored, key = restore(runtime, export_json(runtime, seed.workshop_id), new_key=True)
    browser = app.test_client()
    assert browser.get(f"/w/{restored.code}/f/{seed.key}").status_code == 403
    assert browser.get(f"/w/{restored.code}/f/{key}").status_code == 302


@pytest.mark.parametrize(("content", "message"), [
    (b"not json", "not a JSON backup"),
    (b'{"format": "something else"}', "not an Appreciate workshop backup"),
    (b'{"format": "appreciate-workshop-backup", "version": 99}', "format version 99"),
])
def test_broken_files_are_refused_before_anything_is_written(runtime, content, message) -> None:
    with pytest.raises(BackupError, match=message):
        restore(runtime, content)


def _edited(runtime: Runtime, seed: SmallWorkshop, change: Callable[[dict], object]) -> bytes:
    document = json.loads(export_json(runtime, seed.workshop_id))
    change(document)
    return json.dumps(document).encode()


def test_problems_inside_a_backup_leave_the_data_untouched(runtime, seed) -> None:
    def workshops() -> int:
        with runtime.store.reading() as db:
            return db.scalar(select(func.count()).select_from(Workshop))

    before = workshops()
    cases = [
        (lambda d: d["tables"].update(mystery=[]), "does not know: 'mystery'"),
        (lambda d: d["schema"].append("9999"), "newer version of Appreciate"),
        (lambda d: d["tables"]["workshops"][0].update(plan_name="gone"), "copy that plan file"),
        (lambda d: d["tables"]["votes"][0].update(target_id=999),
         "table votes, row 1, field target_id points at 999 in contributions, which is not in "
         "the file"),
        (lambda d: d["tables"]["commitments"][0].update(due_date="soon"),
         "table commitments, row 1, field due_date must be a date"),
        (lambda d: d["tables"]["stories"][-1].update(group_id=None, headline=None),
         "table stories, row 6, field headline must have a value, not null"),
    ]
    for change, message in cases:
        with pytest.raises(BackupError, match=message):
            restore(runtime, _edited(runtime, seed, change))
    assert workshops() == before


def test_command_line_exports_and_imports_without_the_server(tmp_path) -> None:
    data = tmp_path / "data"
    app = prepared({"DATA_DIR": str(data), "TESTING": True})
    seed = seed_small(runtime_of(app))
    runtime_of(app).store.dispose()

    for fmt in ("pdf", "md", "csv", "ics", "json"):
        out = tmp_path / f"out.{fmt}"
        result = run_app("export", seed.code.lower(), "--format", fmt, "-o", str(out),
                         "--audience", "public", "--data-dir", str(data))
        assert result.returncode == 0, result.stdout + result.stderr
        assert out.stat().st_size > 0
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")

    elsewhere = tmp_path / "elsewhere"
    result = run_app("import", str(tmp_path / "out.json"), "--data-dir", str(elsewhere),
                     "--public-url", "https://appreciate.example")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"Join code:\s+{seed.code}", result.stdout)
    assert f"https://appreciate.example/w/{seed.code}/f/" in result.stdout
    again = tmp_path / "again.json"
    assert run_app("export", seed.code, "--format", "json", "-o", str(again),
                   "--data-dir", str(elsewhere)).returncode == 0
    assert again.read_bytes() == (tmp_path / "out.json").read_bytes()

    restored = prepared({"DATA_DIR": str(elsewhere), "TESTING": True})
    try:  # the old private link still works on the restored workshop
        assert restored.test_client().get(f"/w/{seed.code}/f/{seed.key}").status_code == 302
    finally:
        runtime_of(restored).store.dispose()

    result = run_app("import", str(tmp_path / "out.json"), "--new-key",
                     "--data-dir", str(elsewhere), "--public-url", "https://appreciate.example")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Its old join code is taken here, so it has a new one." in result.stdout
    assert re.search(r"https://appreciate.example/w/\w+/f/[\w-]{20,}", result.stdout)

    result = run_app("export", "NOPE99", "--format", "md", "-o", str(tmp_path / "x.md"),
                     "--data-dir", str(data))
    assert result.returncode == 2 and "No workshop has that code" in result.stdout
    result = run_app("import", str(tmp_path / "out.md"), "--data-dir", str(elsewhere))
    assert result.returncode == 2 and "Nothing was imported" in result.stdout
