"""A big PDF renders in a child process: the real gevent server keeps answering meanwhile."""

from __future__ import annotations

import threading

import requests

from facilitation import create_app, runtime_of
from facilitation.services.workshops import find
from facilitation.store.models import Workshop
from tests.workshop_data import seed_large


def test_the_room_is_answered_while_a_large_pdf_renders(server) -> None:
    app = create_app({"DATA_DIR": str(server.data_dir), "TESTING": True})
    runtime = runtime_of(app)
    try:
        workshop_id = seed_large(runtime)  # 60 people, 1,000 cards: seconds of WeasyPrint
        with runtime.store.reading() as db:
            code = db.get(Workshop, workshop_id).code
        from facilitation.services.access import hash_key, new_facilitator_key

        key = new_facilitator_key()
        with runtime.store.transaction() as db:
            db.get(Workshop, workshop_id).facilitator_key_hash = hash_key(key)
        assert find(runtime, code).id == workshop_id
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
    # Wait until the server has started on the PDF: its child process is then running.
    answered = []
    while rendering.is_alive() and len(answered) < 20:
        response = room.get(f"{server.url}/w/{code}/state", timeout=60)
        assert response.status_code == 200
        answered.append(response)
    pdf_still_rendering = rendering.is_alive()
    rendering.join(timeout=300)

    assert pdf_still_rendering, "the PDF finished before the room had been answered 20 times"
    assert len(answered) == 20
    assert finished["pdf"].status_code == 200
    assert finished["pdf"].content.startswith(b"%PDF")
