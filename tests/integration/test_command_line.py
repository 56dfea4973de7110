"""`python app.py` as a facilitator uses it before the day."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from facilitation import runtime_of
from facilitation.startup import prepared

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
