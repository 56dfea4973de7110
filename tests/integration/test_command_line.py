"""`python app.py` as a facilitator uses it before the day."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from facilitation import runtime_of
from facilitation.startup import prepared
from tests.conftest import ServerProcess, free_port
from tests.reliability import people

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_help_explains_commands_and_options() -> None:
    result = run_app("--help")
    assert result.returncode == 0
    for word in ("new", "plans", "--host", "--port", "--data-dir", "APPRECIATE_DATA_DIR"):
        assert word in result.stdout


def test_new_prepares_a_workshop_whose_links_work(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_app("new", "--plan", "team-90-minutes", "--title", "Theatres team",
                     "--data-dir", str(data), "--public-url", "https://appreciate.example")
    assert result.returncode == 0, result.stdout + result.stderr
    code = re.search(r"Join code:\s+(\w+)", result.stdout).group(1)
    assert f"https://appreciate.example/j/{code}" in result.stdout
    link = re.search(r"Facilitator link:\s+https://appreciate.example(\S+)", result.stdout).group(1)
    key = link.rsplit("/", 1)[1]

    # the key is stored only as a hash
    with sqlite3.connect(data / "appreciate.sqlite3") as db:
        stored = db.execute("select facilitator_key_hash from workshops").fetchone()[0]
    assert key not in stored and len(stored) == 64
    assert key.encode() not in (data / "appreciate.sqlite3").read_bytes()

    app = prepared({"DATA_DIR": str(data), "TESTING": True})
    try:
        browser = app.test_client()
        assert browser.get(f"/w/{code}/facilitate").status_code == 403
        assert browser.get(link.replace(key, key[:-2] + "xx")).status_code == 403
        response = browser.get(link)
        assert response.status_code == 302 and response.headers["Location"].endswith("/facilitate")
        page = browser.get(f"/w/{code}/facilitate").get_data(as_text=True)
        assert "Theatres team" in page and "Keep it private" in page
    finally:
        runtime_of(app).store.dispose()


def test_new_with_an_unknown_plan_lists_the_real_ones(tmp_path: Path) -> None:
    result = run_app("new", "--plan", "nope", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "at-our-best-with-each-other" in result.stdout


def test_secret_key_is_made_once_and_private(tmp_path: Path) -> None:
    for _ in range(2):
        assert run_app("plans", "--data-dir", str(tmp_path)).returncode == 0
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text()) == 64


def test_schema_is_migrated_to_head(app) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from facilitation.store.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with runtime_of(app).store.engine.connect() as connection:
        version = connection.exec_driver_sql("select version_num from alembic_version").scalar()
    assert version == ScriptDirectory.from_config(config).get_current_head()


def test_a_timing_setting_that_makes_no_sense_is_refused_in_plain_words(tmp_path: Path) -> None:
    for variable, value, says in (
            ("APPRECIATE_PING_TIMEOUT", "abc", "must be a number of seconds, not 'abc'"),
            ("APPRECIATE_HEARTBEAT_EVERY", "0", "must be from 0.1 to 3600 seconds, not '0'"),
            ("APPRECIATE_PING_INTERVAL", "nan", "must be from 0.1 to 3600 seconds, not 'nan'"),
            ("APPRECIATE_PUSH_WINDOW", "-1", "must be from 0 to 3600 seconds, not '-1'")):
        result = subprocess.run([sys.executable, str(ROOT / "app.py"), "plans",
                                 "--data-dir", str(tmp_path)], cwd=ROOT, capture_output=True,
                                text=True, timeout=60, env={**os.environ, variable: value})
        assert result.returncode == 2, variable
        assert f"{variable} {says}" in result.stdout + result.stderr


def test_what_people_wrote_is_readable_by_the_owner_alone(tmp_path: Path) -> None:
    """A new data folder is 0700, the database (and its -wal and -shm) 0600, and so is every
    file an export writes; a folder that does not exist gets a sentence, not a traceback."""
    data = tmp_path / "data"
    made = run_app("new", "--plan", "team-90-minutes", "--data-dir", str(data))
    assert made.returncode == 0, made.stdout + made.stderr
    code = re.search(r"Join code:\s+(\w+)", made.stdout).group(1)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.iterdir() if p.name.startswith("appreciate.sqlite3")]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files), files

    backup = tmp_path / "backup.json"
    written = run_app("export", code, "--format", "json", "-o", str(backup), "--data-dir", str(data))
    assert written.returncode == 0, written.stdout + written.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*.partial"))

    nowhere = run_app("export", code, "--format", "json", "-o", str(tmp_path / "no" / "x.json"),
                      "--data-dir", str(data))
    assert nowhere.returncode == 2
    assert "Could not write" in nowhere.stderr and "Traceback" not in nowhere.stderr
    assert not (tmp_path / "no").exists()


def test_faults_a_laptop_meets_get_one_sentence_and_no_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for args, env, said in [
        (("plans", "--port", "99999"), {}, "'99999' is not a port"),
        (("plans",), {"APPRECIATE_PORT": "abc"}, "'abc' is not a port"),
    ]:
        result = subprocess.run([sys.executable, str(ROOT / "app.py"), *args, "--data-dir",
                                 str(data)], cwd=ROOT, capture_output=True, text=True,
                                timeout=60, env={**os.environ, **env})
        assert result.returncode == 2 and said in result.stderr, result.stderr
        assert "Traceback" not in result.stderr

    # A damaged database: what to do, and the file left as it was.
    (data / "appreciate.sqlite3").write_bytes(b"not a database at all")
    damaged = run_app("new", "--plan", "team-90-minutes", "--data-dir", str(data))
    assert damaged.returncode == 1 and "Traceback" not in damaged.stderr
    assert "cannot be read" in damaged.stderr and "import your latest JSON backup" in damaged.stderr
    assert (data / "appreciate.sqlite3").read_bytes() == b"not a database at all"
    assert "Traceback" in run_app("new", "--plan", "team-90-minutes", "--data-dir", str(data),
                                  "--debug").stderr
    (data / "appreciate.sqlite3").unlink()

    # An empty key file (a full disk, a careless copy) is replaced, not used to sign nothing.
    (data / "secret_key").write_text("")
    assert run_app("new", "--plan", "team-90-minutes", "--data-dir", str(data)).returncode == 0
    assert len((data / "secret_key").read_text()) == 64

    # A port already taken says so.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run_app("--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data))
    assert busy.returncode == 1 and "Traceback" not in busy.stderr
    assert f"port {port} is already in use" in busy.stderr


def test_one_server_per_data_folder_and_the_first_one_carries_on(tmp_path: Path) -> None:
    """A second server on the same folder is refused before it changes anything: it would
    otherwise forget everyone the first has connected, then run split-brain beside it."""
    first = ServerProcess(tmp_path / "data", tmp_path / "first.log").start()
    try:
        facilitator, code = people.start_workshop(first.url)
        phone = people.live(first.url, code, people.join(first.url, code), time.monotonic() + 30)
        with sqlite3.connect(first.data_dir / "appreciate.sqlite3") as db:
            here = db.execute("select sum(connections) from participants").fetchone()[0]
        assert here == 1
        second = run_app("--host", "127.0.0.1", "--port", str(free_port()), "--data-dir",
                         str(first.data_dir))
        assert second.returncode == 2 and "Traceback" not in second.stderr
        assert "another Appreciate server is using" in second.stderr
        assert f"process {first.process.pid}" in second.stderr
        with sqlite3.connect(first.data_dir / "appreciate.sqlite3") as db:
            assert db.execute("select sum(connections) from participants").fetchone()[0] == 1
        assert phone.call("contribute", {"activity": "arrival-hopes", "text": "Still here",
                                         "client_id": "still-here-01"}, timeout=30)["ok"]
        phone.disconnect()
        facilitator.close()
    finally:
        first.stop()
    # Once the first has stopped (or crashed: the system lets go of the lock), a server starts.
    again = ServerProcess(tmp_path / "data", tmp_path / "again.log").start()
    again.stop()
