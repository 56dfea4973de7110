"""A big PDF renders in a child process: the real gevent server keeps answering meanwhile."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests

from facilitation import runtime_of
from facilitation.export.pdf_process import PDF_SCRIPT
from facilitation.startup import prepared
from tests.conftest import ServerProcess
from tests.workshop_data import seed_large


def _children(pid: str) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # it has just finished
        return []


def renderers(server: ServerProcess, cold: bool = True) -> list[str]:
    """The processes rendering a PDF for the server, as Linux lists them: its children running
    pdf.py (unless ``cold`` is False), and those the warm renderer (pdf.py --serve, idle
    between PDFs) has forked."""
    found = []
    for child in _children(str(server.process.pid)):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:  # it has just finished
            continue
        if not any(part.endswith(PDF_SCRIPT.name.encode()) for part in command):
            continue
        if b"--serve" in command:
            found += _children(child)
        elif cold:
            found.append(child)
    return found


def warm_renderer_listening(server: ServerProcess) -> bool:
    """The server's warm renderer has imported WeasyPrint and listens on its socket."""
    for child in _children(str(server.process.pid)):
        try:
            if b"--serve" not in Path(f"/proc/{child}/cmdline").read_bytes():
                continue
            sockets = {link.readlink().name for link in Path(f"/proc/{child}/fd").iterdir()
                       if link.readlink().name.startswith("socket:")}
        except OSError:
            continue
        for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
            fields = line.split()
            if f"socket:[{fields[6]}]" in sockets and int(fields[3], 16) & 0x10000:  # listens
                return True
    return False


@pytest.mark.parametrize("renderer", ["cold", "warm"])
def test_the_room_is_answered_while_a_large_pdf_renders(server, renderer) -> None:
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
    if renderer == "warm":  # the report page starts the warm renderer; the PDF follows
        assert downloader.get(f"{server.url}/w/{code}/report", timeout=60).status_code == 200
        deadline = time.monotonic() + 60
        while not warm_renderer_listening(server):
            assert time.monotonic() < deadline, "the warm renderer never listened"
            time.sleep(0.1)

    def download() -> None:
        response = downloader.get(f"{server.url}/w/{code}/export.pdf", timeout=300)
        finished["pdf"] = response

    rendering = threading.Thread(target=download)
    rendering.start()
    deadline = time.monotonic() + 120
    cold = renderer == "cold"
    while not renderers(server, cold) and rendering.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert renderers(server, cold), f"the server did not hand the PDF to a {renderer} renderer"
    for _ in range(20):  # the room goes on: every screen's resync is answered meanwhile
        assert room.get(f"{server.url}/w/{code}/state", timeout=60).status_code == 200
    still_rendering = bool(renderers(server, cold))
    rendering.join(timeout=300)

    assert still_rendering, "the PDF finished before the room had been answered 20 times"
    assert finished["pdf"].status_code == 200
    assert finished["pdf"].content.startswith(b"%PDF")
