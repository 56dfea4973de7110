"""`python app.py import FILE`: put a backed-up workshop into this data directory."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..services import Runtime, facilitator_sessions
from ..services.access import hash_key, new_facilitator_key
from ..store.database import MIGRATIONS
from ..store.models import Workshop
from . import backup_schema
from .backup import BackupError, Restored, import_backup


def known_revisions() -> set[str]:
    """Every schema revision this version of Appreciate can migrate to."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def restore(rt: Runtime, content: bytes, new_key: bool = False) -> tuple[Restored, str | None]:
    """Import a backup in one transaction (all or nothing), once the whole file has passed
    every check; with ``new_key``, issue a new facilitator key and return it (it is shown
    once, then kept only as a hash)."""
    revisions = known_revisions()
    document = backup_schema.read(content, rt.plans, revisions)
    key = new_facilitator_key() if new_key else None
    try:
        with rt.store.engine.begin() as connection:
            restored = import_backup(connection, document, revisions)
            if key:
                connection.execute(update(Workshop).where(Workshop.id == restored.workshop_id)
                                   .values(facilitator_key_hash=hash_key(key)))
                facilitator_sessions.end_all(connection, restored.workshop_id)
    except IntegrityError as exc:
        raise BackupError(f"the backup's rows do not fit together ({exc.orig})") from None
    return restored, key
