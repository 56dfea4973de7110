"""`python app.py import` as a person runs it: a backup of a whole workshop, written by
`python app.py export`, always imports and works; a file changed in one place is refused with
one sentence naming the table, row and field, exit status 2, no traceback, nothing written."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from facilitation import runtime_of
from facilitation.services import views, workshops
from facilitation.startup import prepared
from tests.workshop_data import seed_small

from .whole_run import ROOMY, WholeRun, run_whole_workshop

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def rows_everywhere(data: Path) -> dict[str, int]:
    """Every table's row count, read from the database file itself."""
    with sqlite3.connect(data / "appreciate.sqlite3") as db:
        names = [name for (name,) in db.execute(
            "select name from sqlite_master where type = 'table'")]
        return {name: db.execute(f'select count(*) from "{name}"').fetchone()[0]
                for name in names}


class Whole:
    def __init__(self, run: WholeRun, backup: Path, target: Path) -> None:
        self.run, self.backup, self.target = run, backup, target


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Whole:
    """A workshop run from lobby to close, exported by the command line, and a second data
    directory that already holds another workshop (so every id there is different)."""
    base = tmp_path_factory.mktemp("whole")
    source = prepared({"DATA_DIR": str(base / "source"), "TESTING": True,
                       "SOCKETIO_ASYNC_MODE": "threading", **ROOMY})
    run = run_whole_workshop(runtime_of(source))
    runtime_of(source).store.dispose()
    exported = run_app("export", run.code, "--format", "json", "-o", str(base / "whole.json"),
                       "--data-dir", str(base / "source"))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    target = prepared({"DATA_DIR": str(base / "target"), "TESTING": True})
    seed_small(runtime_of(target))
    runtime_of(target).store.dispose()
    return Whole(run, base / "whole.json", base / "target")


def test_an_exported_whole_workshop_imports_and_runs_as_it_was(whole, tmp_path) -> None:
    target = tmp_path / "target"
    target_app = prepared({"DATA_DIR": str(target), "TESTING": True})
    seed_small(runtime_of(target_app))  # ids here are taken: the import must renumber
    runtime_of(target_app).store.dispose()

    result = run_app("import", str(whole.backup), "--data-dir", str(target))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Join code:        {whole.run.code}" in result.stdout
    again = tmp_path / "again.json"
    assert run_app("export", whole.run.code, "--format", "json", "-o", str(again),
                   "--data-dir", str(target)).returncode == 0
    assert again.read_bytes() == whole.backup.read_bytes()

    restored = prepared({"DATA_DIR": str(target), "TESTING": True})
    try:
        browser = restored.test_client()
        code = whole.run.code
        assert browser.get(f"/w/{code}/f/{whole.run.key}").status_code == 302
        for page in ("facilitate", "projector", "report"):
            assert browser.get(f"/w/{code}/{page}").status_code == 200, page
        # the spotlight names the same card as before, by its new id here
        rt = runtime_of(restored)
        state = views.room_state(rt, workshops.find(rt, code).id)
        assert state.spotlight is not None and state.spotlight.text == whole.run.spotlight_text
    finally:
        runtime_of(restored).store.dispose()


def _set(table: str, row: int, field: str, value: object) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        document["tables"][table][row][field] = value
    return change


def _copy_first(table: str) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        document["tables"][table].append(dict(document["tables"][table][0]))
    return change


def _raw(table: str, field: str, raw: str) -> Callable[[str], str]:
    """Write ``raw`` JSON as the first row's ``field`` (what json.dumps cannot write)."""
    def change(text: str) -> str:
        document = json.loads(text)
        document["tables"][table][0][field] = "@@RAW@@"
        return json.dumps(document).replace('"@@RAW@@"', raw)
    return change


REFUSALS = [
    ("phase hacked", _set("workshops", 0, "phase", "hacked"),
     "table workshops, row 1, field phase must be one of 'lobby', 'define', 'discover', "
     "'dream', 'design', 'deliver', 'closed', not 'hacked'"),
    ("NUL in a card", _set("contributions", 0, "body", "Hope\x00ful"),
     "table contributions, row 1, field body holds a control character (U+0000)"),
    ("right-to-left override", _set("contributions", 1, "body", "\u202eevil"),
     "table contributions, row 2, field body holds a text-direction control (U+202E)"),
    ("1 MB card", _set("contributions", 0, "body", "x" * 1024 * 1024),
     "table contributions, row 1, field body is 1,048,576 characters long; the limit is 2,000"),
    ("lone surrogate", _set("stories", 0, "headline", "half \ud83d a smile"),
     "table stories, row 1, field headline holds half of a character"),
    ("zero-width title", _set("workshops", 0, "title", "\u200b\u200d"),
     "table workshops, row 1, field title is empty or shows nothing"),
    ("duplicate participant", _copy_first("participants"),
     "table participants, row 7, field id is the same as row 1's"),
    ("spotlight on nothing", _set("workshops", 0, "spotlight", "contribution:999999"),
     "table workshops, row 1, field spotlight points at 999999 in contributions, which is "
     "not in the file"),
    ("vote for nothing", _set("votes", 0, "target_id", 999),
     "table votes, row 1, field target_id points at 999 in contributions"),
    ("2**80", _set("participants", 0, "connections", 2**80),
     "table participants, row 1, field connections is 1,208,925,819,614,629,174,706,176; "
     "it must be from 0 to 2,147,483,647"),
    ("5,000 digits", _raw("votes", "target_id", "9" * 5000),
     "table votes, row 1, field target_id is a number of 5,000 digits"),
    ("NaN", _raw("pulse_responses", "answer_1", "NaN"),
     "table pulse_responses, row 1, field answer_1 must be a whole number, not a decimal"),
    ("deep nesting", _raw("contributions", "body", "[" * 100_000 + "]" * 100_000),
     "the file is nested more than 100 levels deep at line 1"),
    ("a field twice", lambda text: text.replace('"hidden": false', '"hidden": false, '
                                                '"hidden": true', 1),
     "table contributions, row 1 gives the field 'hidden' twice"),
    ("not JSON", lambda text: text[:-20], "this is not a JSON backup file"),
]


@pytest.mark.parametrize(("case", "change", "message"), REFUSALS,
                         ids=[case for case, _change, _message in REFUSALS])
def test_a_bad_file_is_refused_in_one_sentence_and_nothing_is_written(
        whole, tmp_path, case, change, message) -> None:
    text = whole.backup.read_text(encoding="utf-8")
    try:
        changed = change(text)
    except TypeError:  # a change made to the parsed document
        document = json.loads(text)
        change(document)
        changed = json.dumps(document)
    bad = tmp_path / "bad.json"
    bad.write_bytes(changed.encode("utf-8", "surrogatepass"))
    before = rows_everywhere(whole.target)
    result = run_app("import", str(bad), "--data-dir", str(whole.target), "--debug")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == "" and "Traceback" not in result.stdout
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].endswith("."), result.stdout
    assert lines[0].startswith(f"Nothing was imported: {message}"), lines[0]
    assert rows_everywhere(whole.target) == before


def test_a_file_larger_than_any_backup_is_refused_unread(whole, tmp_path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(5 * 1024**3)  # 5 GB, sparse: reading it all would exhaust memory
    result = run_app("import", str(huge), "--data-dir", str(whole.target))
    assert result.returncode == 2 and result.stderr == ""
    assert result.stdout == ("Nothing was imported: the file is larger than 67,108,864 bytes "
                             "(64 MB), the most a backup may be.\n")
