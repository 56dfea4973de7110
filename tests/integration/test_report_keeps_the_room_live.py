"""A big PDF renders in a child process: the real gevent server keeps answering meanwhile."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import requests

from facilitation import runtime_of
from facilitation.export.pdf_process import PDF_SCRIPT
from facilitation.startup import prepared
from tests.conftest import ServerProcess
from tests.workshop_data import seed_large


def renderers(server: ServerProcess) -> list[str]:
    """The server's PDF renderer processes, as Linux lists its children."""
    pid = server.process.pid
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:  # it has just finished
            continue
        if PDF_SCRIPT.name.encode() in command:
            found.append(child)
    return found


def test_the_room_is_answered_while_a_large_pdf_renders(server) -> None:
    app = prepared({"DATA_DIR": str(server.data_dir), "TESTING": True})
    runtime = runtime_of(app)
    try:
        _workshop_id, code, key = seed_large(runtime)  # 60 people, 1,000 cards
    finally:
        runtime.store.dispose()

    downloader, room = requests.Session(), requests.Session()
    for session in (downloader, room):
        assert session.get(f"{server.url}/w/{code}/f/{key}", timeout=30).status_code == 200
    finished: dict[str, object] = {}

    def download() -> None:
        response = downloader.get(f"{server.url}/w/{code}/export.pdf", timeout=300)
        finished["pdf"] = response

    rendering = threading.Thread(target=download)
    rendering.start()
    deadline = time.monotonic() + 120
    while not renderers(server) and rendering.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert renderers(server), "the server did not hand the PDF to a child process"
    for _ in range(20):  # the room goes on: every screen's resync is answered meanwhile
        assert room.get(f"{server.url}/w/{code}/state", timeout=60).status_code == 200
    still_rendering = bool(renderers(server))
    rendering.join(timeout=300)

    assert still_rendering, "the PDF finished before the room had been answered 20 times"
    assert finished["pdf"].status_code == 200
    assert finished["pdf"].content.startswith(b"%PDF")
