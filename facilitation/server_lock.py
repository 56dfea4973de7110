"""One server per data folder: a SQLite file belongs to one process.

Two servers on one folder would each count connections, push and time activities as if the
other did not exist (split-brain), and the second one's start would forget everyone the first
has connected. So a server holds an exclusive lock on ``server.lock`` in its data folder for
as long as it runs; a second one is refused before it changes anything, told which process
holds the folder. The operating system lets go of the lock when the process ends, however it
ends, so a crash never leaves the folder locked.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_FILE = "server.lock"


class FolderInUse(RuntimeError):
    """Another running server holds this data folder."""


def hold(data_dir: Path, what: str) -> IO[str]:
    """Lock ``data_dir`` for this process and say so in the lock file (``what``: where it
    serves); keep the returned file open for as long as the server runs.

    Raises FolderInUse, naming the holder, if another process has it."""
    path = data_dir / LOCK_FILE
    handle = path.open("a+", encoding="utf-8")
    try:
        _lock(handle)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise FolderInUse(f"another Appreciate server is using {data_dir} ({holder}). Stop it "
                          "first, or give this one its own folder with --data-dir") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"process {os.getpid()}, {what}, since {time.strftime('%Y-%m-%d %H:%M')}\n")
    handle.flush()
    return handle


def _lock(handle: IO[str]) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
