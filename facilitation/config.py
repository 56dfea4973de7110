"""Settings with embedded defaults, overridable by environment variables or create_app().

Everything a workshop needs lives in one data directory (``instance/`` by default), so a
facilitator can back it up or delete it as one folder.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .services.limits import rate

PROJECT_ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENT = {
    "DATA_DIR": "APPRECIATE_DATA_DIR",
    "DATABASE_URL": "APPRECIATE_DATABASE_URL",
    "PUBLIC_URL": "APPRECIATE_PUBLIC_URL",
    "HOST": "APPRECIATE_HOST",
    "PORT": "APPRECIATE_PORT",
    "BEHIND_PROXY": "APPRECIATE_BEHIND_PROXY",
    "RETENTION_DAYS": "APPRECIATE_RETENTION_DAYS",
    "MESSAGE_QUEUE": "APPRECIATE_MESSAGE_QUEUE",
    "PUSH_WINDOW": "APPRECIATE_PUSH_WINDOW",
    "PUSH_BUDGET": "APPRECIATE_PUSH_BUDGET",
    # Rooms with at least this many live connections spread their phones' fetches.
    "SPREAD_FROM": "APPRECIATE_SPREAD_FROM",
    # Several processes serving one workshop must sign cookies with the same key.
    "SECRET_KEY": "APPRECIATE_SECRET_KEY",
    # How soon a phone that stopped answering is let go, and how often pages hear a beat.
    "PING_INTERVAL": "APPRECIATE_PING_INTERVAL",
    "PING_TIMEOUT": "APPRECIATE_PING_TIMEOUT",
    "HEARTBEAT_EVERY": "APPRECIATE_HEARTBEAT_EVERY",
    # Rate limits such as "10 per 30 seconds" (facilitation/services/limits.py has each default).
    "LIMIT_SHARING": "APPRECIATE_LIMIT_SHARING",
    "LIMIT_EVENTS": "APPRECIATE_LIMIT_EVENTS",
    "LIMIT_JOINS_PER_DEVICE": "APPRECIATE_LIMIT_JOINS_PER_DEVICE",
    "LIMIT_JOINS_PER_ADDRESS": "APPRECIATE_LIMIT_JOINS_PER_ADDRESS",
    "LIMIT_WRONG_CODES": "APPRECIATE_LIMIT_WRONG_CODES",
    # How long the server waits for a slow client, and how many connections one address may
    # hold at once (facilitation/serving).
    "HEADER_TIMEOUT": "APPRECIATE_HEADER_TIMEOUT",
    "IDLE_TIMEOUT": "APPRECIATE_IDLE_TIMEOUT",
    "CONNECTIONS_PER_ADDRESS": "APPRECIATE_CONNECTIONS_PER_ADDRESS",
}

# The longest a busy room's fragments wait to leave together (see facilitation/coalesce.py):
# short enough not to be noticed, long enough that 4,000 phones get a few pushes a second.
DEFAULT_PUSH_WINDOW = 0.25

DEFAULTS = {
    "DATA_DIR": "instance",
    "HOST": "0.0.0.0",
    "PORT": 5000,
    "PUBLIC_URL": None,
    "DATABASE_URL": None,
    "MESSAGE_QUEUE": None,
    "PLANS_DIR": str(PROJECT_ROOT / "workshops"),
    "SOCKETIO_ASYNC_MODE": None,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_NAME": "appreciate",
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,
    # Trust X-Forwarded-For/-Proto/-Host/-Port from one reverse proxy (TLS ends there).
    "BEHIND_PROXY": False,
    # Delete workshops created more than this many days ago; None keeps them until deleted.
    "RETENTION_DAYS": None,
    "RETENTION_CHECK_SECONDS": 3600,
    # Engine.IO pings a connection every PING_INTERVAL seconds and lets it go if no answer
    # comes within PING_TIMEOUT more: a phone that slept or left is counted out in 45 s.
    "PING_INTERVAL": 20.0,
    "PING_TIMEOUT": 25.0,
    # Seconds between two beats to a room (facilitation/heartbeat.py).
    "HEARTBEAT_EVERY": 3.0,
    # A request's line and headers must arrive within HEADER_TIMEOUT seconds (from the first
    # byte, or from connecting); a kept-alive connection may sit IDLE_TIMEOUT seconds between
    # requests. Bodies and answers get HEADER_TIMEOUT plus time at a tenth of a slow phone's
    # speed (facilitation/serving/limits.py).
    "HEADER_TIMEOUT": 15.0,
    "IDLE_TIMEOUT": 60.0,
    # Hundreds: a ward's phones may all come through one NAT address. 0: no cap.
    "CONNECTIONS_PER_ADDRESS": 500,
}


def from_environment() -> dict[str, object]:
    """Defaults overlaid with any APPRECIATE_* variables that are set."""
    settings = dict(DEFAULTS)
    for name, variable in ENVIRONMENT.items():
        value = os.environ.get(variable)
        if value:
            settings[name] = _parse(name, variable, value)
    return settings


def async_mode() -> str:
    """gevent when the process was monkey-patched for it (``python app.py``, gunicorn's gevent
    worker), threading otherwise (tests, ``flask run``)."""
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


class SettingsError(ValueError):
    """A setting has a value the app cannot use; the message says which and why."""


def _parse(name: str, variable: str, value: str) -> object:
    if name.startswith("LIMIT_"):
        return _rate(variable, value)
    if name == "BEHIND_PROXY":
        return value.strip().lower() in ("1", "true", "yes", "on")
    if name in ("PORT", "RETENTION_DAYS", "PUSH_BUDGET", "SPREAD_FROM",
                "CONNECTIONS_PER_ADDRESS"):
        try:
            number = int(value)
        except ValueError:
            raise SettingsError(f"{variable} must be a whole number, not {value!r}.") from None
        if name == "CONNECTIONS_PER_ADDRESS" and number < 0:
            raise SettingsError(f"{variable} must be 0 (no cap) or more, not {value!r}.")
        return number
    if name in ("PUSH_WINDOW", "PING_INTERVAL", "PING_TIMEOUT", "HEARTBEAT_EVERY",
                "HEADER_TIMEOUT", "IDLE_TIMEOUT"):
        try:
            seconds = float(value)
        except ValueError:
            raise SettingsError(f"{variable} must be a number of seconds, not {value!r}.") from None
        least = 0.0 if name == "PUSH_WINDOW" else 0.1
        if not least <= seconds <= 3600:  # also refuses nan
            raise SettingsError(f"{variable} must be from {least:g} to 3600 seconds, "
                                f"not {value!r}.")
        return seconds
    return value


def _rate(variable: str, value: str) -> str:
    """One rate in the `limits` package's words, checked here so a typo stops the start."""
    try:
        rate(value)
    except ValueError:
        raise SettingsError(f"{variable} must be one rate such as '10 per 30 seconds', "
                            f"not {value!r}.") from None
    return value


def retention_days(settings: dict[str, object]) -> int | None:
    """The retention period in days, or None to keep workshops until they are deleted."""
    days = settings.get("RETENTION_DAYS")
    if days in (None, ""):
        return None
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise SettingsError(f"The retention period must be at least 1 day, not {days!r}.")
    return days


def cookies_need_tls(settings: dict[str, object]) -> bool:
    """Session cookies go only over HTTPS when people reach the app at an https:// address."""
    return str(settings.get("PUBLIC_URL") or "").lower().startswith("https://")


def database_url(settings: dict[str, object]) -> str:
    """The configured database, or SQLite inside the data directory."""
    if settings.get("DATABASE_URL"):
        return str(settings["DATABASE_URL"])
    path = Path(str(settings["DATA_DIR"])).resolve() / "appreciate.sqlite3"
    return f"sqlite:///{path}"


def secret_key(data_dir: Path) -> str:
    """The app's signing key: made once from a secure random source, kept 0600 in the data dir."""
    path = data_dir / "secret_key"
    if path.exists():
        kept = path.read_text(encoding="ascii", errors="replace").strip()
        if len(kept) >= 32:
            return kept
        # An empty or cut-short file (a full disk, a careless copy) signs nothing safely:
        # make a new key. People who had joined are asked to join again; nothing is lost.
        path.unlink()
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
