"""The interface in English and Welsh; people write in any language."""

from __future__ import annotations

from .method_room import after_discover, facilitator_client, participant_client
from .room import csrf_from, join, start_workshop


def test_welsh_is_chosen_from_the_browser_and_by_the_person(app) -> None:
    browser = app.test_client()
    english = browser.get("/").get_data(as_text=True)
    assert 'lang="en-GB"' in english and "Join a workshop" in english
    welsh = browser.get("/", headers={"Accept-Language": "cy,en;q=0.5"}).get_data(as_text=True)
    assert 'lang="cy"' in welsh and "Ymuno â gweithdy" in welsh
    response = browser.post("/language", data={"lang": "cy", "next": "/start",
                                               "csrf_token": csrf_from(english)})
    assert response.status_code == 302 and response.headers["Location"] == "/start"
    assert "Dechrau gweithdy" in browser.get("/start").get_data(as_text=True)
    browser.post("/language", data={"lang": "en", "next": "//evil.example",
                                    "csrf_token": csrf_from(english)})
    assert "Start a workshop" in browser.get("/start").get_data(as_text=True)


def test_language_choice_never_redirects_off_site(app) -> None:
    browser = app.test_client()
    token = csrf_from(browser.get("/").get_data(as_text=True))
    response = browser.post("/language", data={"lang": "cy", "next": "https://elsewhere.example/",
                                               "csrf_token": token})
    assert response.headers["Location"] == "/"


WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
                "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")


def test_a_welsh_phone_in_dream_sees_welsh_while_the_facilitator_reads_english(app,
                                                                               runtime) -> None:
    room = after_discover(runtime, 2)
    room.go_to("team-dream")
    phone = participant_client(app, room.room.code, room.people[0])
    with phone.session_transaction() as session:
        session["lang"] = "cy"
    page = phone.get(f"/w/{room.room.code}/").get_data(as_text=True)
    assert 'lang="cy"' in page
    for welsh in ("Breuddwydio am ein dyfodol", "Rhannu fy mreuddwyd", "Cam 3 o 5:",
                  "Dychmygu ein dyfodol ar ei orau.", "Eich dotiau", "Rhannwch eich meddyliau"):
        assert welsh in page, welsh
    assert any(month in page for month in WELSH_MONTHS)
    for english in ("Dream of our future", "Share my dream", "Phase 3 of 5:"):
        assert english not in page, english
    # People's own words stay as they wrote them.
    assert "Saying thank you" in page

    refused = phone.post(f"/w/{room.room.code}/dreams",
                         data={"text": " ", "client_id": "dream-welsh-1",
                               "csrf_token": csrf_from(page)})
    assert refused.status_code == 400
    assert "Eich breuddwyd: mae&#39;n wag." in refused.get_data(as_text=True)

    facilitator = facilitator_client(app, runtime, room.room)
    control = facilitator.get(f"/w/{room.room.code}/facilitate").get_data(as_text=True)
    assert "Phase 3 of 5:" in control and "Cam 3 o 5:" not in control


def test_a_welsh_phone_receives_pushed_fragments_in_welsh(app, socketio) -> None:
    facilitator = start_workshop(app)
    english, welsh = join(app, facilitator.code), join(app, facilitator.code)
    welsh.post("/language", {"lang": "cy", "next": "/"})
    for person in (facilitator, english, welsh):
        assert person.connect(socketio, app).is_connected()
        person.fragments()

    assert facilitator.emit("move", {"direction": "forward"})["ok"]
    in_welsh, in_english = "".join(welsh.fragments()), "".join(english.fragments())
    assert "Cam 1 o 5:</span> Diffinio" in in_welsh and "Phase 1 of 5" not in in_welsh
    assert "Phase 1 of 5:</span> Define" in in_english and "Diffinio" not in in_english
    assert "Cam 1 o 5" not in "".join(facilitator.fragments())

    assert english.contribute("arrival-hopes", "Kindness on nights")["ok"]
    pushed = "".join(welsh.fragments())
    assert "Kindness on nights" in pushed  # people's words are never translated
    assert "o bobl wedi ymuno" in pushed and "people have joined" not in pushed
    assert "people have joined" in "".join(english.fragments())

    # A refusal, acknowledged on the socket, is in the phone's language too.
    reply = welsh.emit("move", {"direction": "forward"})
    assert reply == {"ok": False, "error": "Dim ond yr hwylusydd sy'n gallu gwneud hynny."}


def test_the_report_and_its_summary_follow_the_language_of_who_downloads_them(app,
                                                                              runtime) -> None:
    room = after_discover(runtime, 2)
    facilitator = facilitator_client(app, runtime, room.room)
    with facilitator.session_transaction() as session:
        session["lang"] = "cy"
    code = room.room.code
    preview = facilitator.get(f"/w/{code}/report").get_data(as_text=True)
    assert "Pwy gymerodd ran" in preview and "Who took part" not in preview
    summary = facilitator.get(f"/w/{code}/export.md").get_data(as_text=True)
    assert "## Pwy gymerodd ran" in summary and "## Darganfod: y craidd cadarnhaol" in summary
    assert "Saying thank you" in summary  # theme names are the room's own words
    rows = facilitator.get(f"/w/{code}/export.csv").get_data(as_text=True)
    assert rows.lstrip("\ufeff").startswith("What,Who,")  # column names stay stable
