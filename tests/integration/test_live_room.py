"""A facilitator and three participants in one room, over the real routes and socket events."""

from __future__ import annotations

import pytest

from facilitation import runtime_of, socketio_of
from facilitation.services import views
from facilitation.services import workshops as workshop_service
from facilitation.startup import prepared

from .room import join, start_workshop


@pytest.fixture()
def room(app, socketio):
    facilitator = start_workshop(app)
    participants = [join(app, facilitator.code) for _ in range(3)]
    for person in [facilitator, *participants]:
        assert person.connect(socketio, app).is_connected()
        person.fragments()  # drop what arrived while others joined
    return facilitator, participants


def test_every_contribution_reaches_every_client(room) -> None:
    facilitator, participants = room
    assert facilitator.emit("move", {"direction": "forward"}) == {"ok": True, "phase": "define"}
    for person in [facilitator, *participants]:
        person.fragments()
    for index, person in enumerate(participants):
        reply = person.contribute("arrival-hopes", f"Hope number {index} & <friends>")
        assert reply["ok"] is True and reply["duplicate"] is False
    for person in [facilitator, *participants]:
        pushed = "".join(person.fragments())
        for index in range(3):
            assert f"Hope number {index} &amp; &lt;friends&gt;" in pushed
        assert "<friends>" not in pushed


def test_facilitator_advances_and_every_client_follows(room) -> None:
    facilitator, participants = room
    assert facilitator.emit("move", {"direction": "forward"})["ok"]
    for person in [facilitator, *participants]:
        pushed = "".join(person.fragments())
        assert 'data-phase="define"' in pushed
        assert "Phase 1 of 5:</span> Define" in pushed
    # and back again over plain HTTP (the htmx form), which pushes the same way
    response = facilitator.post(f"/w/{facilitator.code}/move", {"direction": "back"},
                                page=f"/w/{facilitator.code}/facilitate",
                                headers={"HX-Request": "true"})
    assert response.status_code == 200
    for person in participants:
        assert 'data-phase="lobby"' in "".join(person.fragments())


def test_participants_cannot_advance_or_see_the_facilitator_pages(room) -> None:
    facilitator, participants = room
    someone = participants[0]
    reply = someone.emit("move", {"direction": "forward"})
    assert reply == {"ok": False, "error": "Only the facilitator can do that."}
    response = someone.post(f"/w/{someone.code}/move", {"direction": "forward"},
                            page=f"/w/{someone.code}/")
    assert response.status_code == 403
    for path in ("facilitate", "lobby", "define", "projector"):
        assert someone.http.get(f"/w/{someone.code}/{path}").status_code == 403
    assert someone.emit("choose_activity", {"activity": "arrival-hopes"})["ok"] is False
    for person in [facilitator, *participants]:
        assert not any('data-phase="define"' in f for f in person.fragments())


def test_strangers_cannot_connect_or_read_state(app, socketio, room) -> None:
    facilitator, _ = room
    stranger = app.test_client()
    client = socketio.test_client(app, flask_test_client=stranger,
                                  auth={"workshop": facilitator.code})
    assert not client.is_connected()
    assert stranger.get(f"/w/{facilitator.code}/state").status_code == 403
    assert stranger.get(f"/w/{facilitator.code}/").status_code == 302  # sent to join


def test_another_workshop_hears_nothing(app, socketio, room) -> None:
    facilitator, participants = room
    other = start_workshop(app)
    outsider = join(app, other.code)
    outsider.connect(socketio, app)
    outsider.fragments()
    facilitator.emit("move", {"direction": "forward"})
    participants[0].contribute("arrival-hopes", "Only for room one")
    assert outsider.fragments() == []
    # and a participant of room one cannot post into room two
    reply = participants[0].http.post(f"/w/{other.code}/contribute", data={})
    assert reply.status_code in (400, 403)


def test_the_same_client_id_is_stored_once(room, runtime) -> None:
    facilitator, participants = room
    facilitator.emit("move", {"direction": "forward"})
    first = participants[0].contribute("arrival-hopes", "Said once", client_id="retry-abc-123")
    again = participants[0].contribute("arrival-hopes", "Said once", client_id="retry-abc-123")
    assert first["id"] == again["id"] and again["duplicate"] is True
    workshop = workshop_service.find(runtime, facilitator.code)
    state = views.room_state(runtime, workshop.id)
    assert [c.body for c in state.contributions] == ["Said once"]


def test_bad_contributions_get_clear_messages(room) -> None:
    facilitator, participants = room
    person = participants[0]
    assert "not collecting" in person.contribute("arrival-hopes", "Too early")["error"]
    facilitator.emit("move", {"direction": "forward"})
    assert "moved the room on" in person.contribute("dream-it", "Wrong activity")["error"]
    assert "is empty" in person.contribute("arrival-hopes", "   ")["error"]
    assert "limit is 2000" in person.contribute("arrival-hopes", "x" * 2001)["error"]
    assert "malformed" in person.emit("contribute", {"text": "no id"})["error"]
    assert "must be text" in person.emit("contribute", {"activity": "arrival-hopes",
                                                        "text": 42, "client_id": "abcdefgh1"})["error"]


def test_plain_form_post_works_without_scripts(app, room) -> None:
    facilitator, participants = room
    facilitator.emit("move", {"direction": "forward"})
    person = participants[1]
    page = f"/w/{person.code}/"
    response = person.post(f"/w/{person.code}/contribute",
                           {"activity": "arrival-hopes", "text": "Posted without scripts",
                            "client_id": "form-post-0001"}, page=page)
    assert response.status_code == 302
    assert "Posted without scripts" in person.http.get(page).get_data(as_text=True)
    assert any("Posted without scripts" in f for f in facilitator.fragments())
    # a refused post keeps the words on the page
    response = person.post(f"/w/{person.code}/contribute",
                           {"activity": "not-this-one", "text": "Keep these words",
                            "client_id": "form-post-0002"}, page=page)
    assert response.status_code == 409
    assert "Keep these words</textarea>" in response.get_data(as_text=True)


def test_forms_without_csrf_token_are_refused(app, room) -> None:
    facilitator, _ = room
    response = facilitator.http.post(f"/w/{facilitator.code}/move", data={"direction": "forward"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_restart_on_the_same_data_directory_shows_everything(app, data_dir, room) -> None:
    facilitator, participants = room
    facilitator.emit("move", {"direction": "forward"})
    participants[0].contribute("arrival-hopes", "Still here after a restart")
    code = facilitator.code
    runtime_of(app).store.dispose()

    restarted = prepared({"DATA_DIR": str(data_dir), "TESTING": True,
                            "SOCKETIO_ASYNC_MODE": "threading"})
    try:
        for person in (facilitator, participants[0]):
            person.http.application = restarted
        page = participants[0].http.get(f"/w/{code}/").get_data(as_text=True)
        assert "Still here after a restart" in page and 'data-phase="define"' in page
        control = facilitator.http.get(f"/w/{code}/facilitate")
        assert control.status_code == 200
        assert "Still here after a restart" in control.get_data(as_text=True)
        assert socketio_of(restarted).test_client(
            restarted, flask_test_client=participants[0].http,
            auth={"workshop": code}).is_connected()
    finally:
        runtime_of(restarted).store.dispose()
