"""Hostile input: generated events and forms never crash the server, each gets a clear answer,
and nobody else in the room notices anything.

Hypothesis generates the events (known and unknown names, any number of arguments, any JSON
shape, hostile strings) and the forms (every POST route, known and random fields). Explicit
tests follow for what a generator would rarely hit: markup in every text field, control
characters, oversized and malformed bodies.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation import runtime_of, socketio_of
from facilitation.services import views
from facilitation.services import workshops as workshop_service
from facilitation.startup import prepared
from tests.integration.room import Person, csrf_from, join

from .markup import script_problems
from .world import FACILITATOR_A, PARTICIPANT_A, STRANGER, World, build_world

# What Python's int() or str.isdigit() accept and a database or a page does not.
NOT_NUMBERS = ["²", "٣", "1" + "0" * 20, "-1", "1e3", "0x1f", "½", " 7 ", "9" * 19, "3.0"]
HOSTILE_STRINGS = [
    "<script>alert('x')</script>", '"><img src=x onerror=alert(1)>', "{{ 7 * 7 }}",
    "{% raw %}", "' OR 1=1 --", "\x00\x07\x1b[31m", "\u202eevil\u202c", "\ud7ff\ufffd",
    "../../etc/passwd", "arrival-hopes", "forward", "x" * 3000, "", " ", "\n" * 50,
    "A" * 64, "abcdefgh", "%00", "javascript:alert(1)", "\u200b\u200d\ufeff",
    *NOT_NUMBERS,
]
FIELDS = ["activity", "text", "client_id", "direction", "workshop", "display_name", "title",
          "topic_title", "topic_question", "organisation", "facilitator_name", "plan",
          "confirm_code", "code", "csrf_token"]

strings = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=200))
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(), strings)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(FIELDS),
                                                      st.text(max_size=10)), inner, max_size=4)),
    max_leaves=12)
payloads = st.one_of(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5),
                     json_values)

ROOMY = {f"LIMIT_{name}": "1000000000 per second" for name in (
    "SHARING", "EVENTS", "JOINS_PER_DEVICE", "JOINS_PER_ADDRESS", "WRONG_CODES")}
# 204: the wording hints answer a stranger with nothing (web/design.py), which is an answer.
ANSWERS = {200, 204, 301, 302, 308, 400, 403, 404, 405, 409, 413, 429}


class Errors(logging.Handler):
    """Collects every error the app logs: a handled bad input must never produce one."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    """One room for all generated examples: a sender, the facilitator and a watcher."""
    app = prepared({"DATA_DIR": str(tmp_path_factory.mktemp("hostile")), "TESTING": True,
                      "SOCKETIO_ASYNC_MODE": "threading", **ROOMY})
    world = build_world(app, socketio_of(app))
    watcher = join(app, world.a, "Watcher")
    for person in (world.people[PARTICIPANT_A], world.people[FACILITATOR_A], watcher):
        person.connect(world.socketio, app)
        person.fragments()
    errors = Errors()
    logging.getLogger().addHandler(errors)
    yield world, watcher, errors
    logging.getLogger().removeHandler(errors)
    runtime_of(app).store.dispose()


def events(world: World) -> st.SearchStrategy[str]:
    known = sorted(set(world.socketio.server.handlers["/"]) - {"*"})
    return st.one_of(st.sampled_from(known), st.text(max_size=40))


ids = st.one_of(st.sampled_from(["1", "2", "0", *NOT_NUMBERS]), st.text(max_size=8))

EXAMPLES = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("who", [PARTICIPANT_A, FACILITATOR_A])
def test_generated_events_get_clear_answers_and_disturb_nobody(arena, who, ledger) -> None:
    world, watcher, errors = arena
    sender = world.people[who]
    assert sender.socket is not None

    @EXAMPLES
    @given(data=st.data())
    def throw(data: st.DataObject) -> None:
        event = data.draw(events(world), label="event")
        args = data.draw(st.lists(payloads, max_size=3), label="args")
        ledger.bad_inputs["generated Socket.IO events"] += 1
        reply = sender.socket.emit(event, *args, callback=True)
        assert isinstance(reply, dict), f"{event!r} got no clear answer: {reply!r}"
        if reply["ok"] is not True:
            assert reply["ok"] is False and isinstance(reply["error"], str) and reply["error"]
            assert watcher.fragments() == [], f"{event!r} refused, yet the room was told"
        else:
            watcher.fragments()
        assert sender.socket.is_connected()
        assert errors.records == [], errors.records[0].getMessage()

    throw()


@pytest.mark.parametrize("who", [STRANGER, PARTICIPANT_A, FACILITATOR_A])
def test_generated_forms_get_clear_answers(arena, who, ledger) -> None:
    world, watcher, errors = arena
    person = world.people[who]
    posts = sorted({rule.rule for rule in world.app.url_map.iter_rules()
                    if "POST" in rule.methods})
    token = csrf_from(person.http.get("/").get_data(as_text=True))

    @EXAMPLES
    @given(data=st.data())
    def throw(data: st.DataObject) -> None:
        rule = data.draw(st.sampled_from(posts), label="route")
        form = data.draw(st.dictionaries(st.one_of(st.sampled_from(FIELDS),
                                                   st.text(max_size=10)),
                                         strings, max_size=6), label="form")
        form.pop("csrf_token", None)
        if who == FACILITATOR_A and "delete" in rule:
            form.pop("confirm_code", None)  # keep the arena for the next example
        ledger.bad_inputs["generated form posts"] += 1
        path = re.sub(r"<int:\w+>", lambda _m: data.draw(ids, label="id"),
                      rule.replace("<code>", world.a))
        response = person.http.post(path, data={**form, "csrf_token": token})
        assert response.status_code in ANSWERS, (rule, form, response.status_code)
        if response.status_code >= 400:
            body = response.get_data(as_text=True)
            assert re.search(r'class="flash flash-error"|id="error-heading"|field-error', body)
        watcher.fragments()
        assert errors.records == [], errors.records[0].getMessage()

    throw()


@EXAMPLES
@given(path=st.text(min_size=1, max_size=60))
def test_generated_addresses_get_clear_answers(arena, path: str, ledger) -> None:
    world, _watcher, errors = arena
    ledger.bad_inputs["generated addresses"] += 4
    for url in (f"/w/{path}/", f"/w/{path}/state", f"/j/{path}", f"/{path}"):
        response = world.people[PARTICIPANT_A].http.get(url)
        assert response.status_code in ANSWERS, (url, response.status_code)
    assert errors.records == []


# ---- explicit cases -------------------------------------------------------------------------

MARKUP = "<script>alert('owned')</script><img src=x onerror=alert(1)>"


def test_markup_in_every_text_field_is_shown_as_text(world: World, ledger) -> None:
    facilitator, person = world.people[FACILITATOR_A], world.people[PARTICIPANT_A]
    facilitator.connect(world.socketio, world.app)
    person.connect(world.socketio, world.app)
    response = facilitator.post(f"/w/{world.a}/define", {
        "title": "T " + MARKUP, "topic_title": "Topic " + MARKUP,
        "topic_question": "Q " + MARKUP, "organisation": "O " + MARKUP,
        "facilitator_name": "F " + MARKUP}, page=f"/w/{world.a}/define")
    assert response.status_code == 302
    named = join(world.app, world.a, "N " + MARKUP[:30])
    named.connect(world.socketio, world.app)
    assert person.contribute("arrival-hopes", "C " + MARKUP)["ok"]
    facilitator.emit("move", {"direction": "forward"})
    facilitator.emit("move", {"direction": "forward"})
    ledger.bad_inputs["markup in a text field"] += 7

    seen = [person.http.get(p).get_data(as_text=True)
            for p in (f"/w/{world.a}/", f"/w/{world.a}/state")]
    seen += [facilitator.http.get(f"/w/{world.a}/{page}").get_data(as_text=True)
             for page in ("define", "lobby", "facilitate", "projector", "delete")]
    seen += facilitator.fragments() + person.fragments() + named.fragments()
    everything = "".join(seen)
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in everything
    assert "<script>alert" not in everything and "<img src=x" not in everything
    assert script_problems(everything) == []


def test_control_characters_are_removed_and_the_rest_kept(world: World) -> None:
    person = world.people[PARTICIPANT_A]
    person.connect(world.socketio, world.app)
    reply = person.contribute("arrival-hopes", "\x00Kind\x07ness\u202e at\x1b night\r\nshift")
    assert reply["ok"]
    runtime = runtime_of(world.app)
    state = views.room_state(runtime, workshop_service.find(runtime, world.a).id)
    assert [c.body for c in state.contributions] == ["Kindness at night\nshift"]
    empty = {"ok": False, "error": "Your contribution is empty. Please write something first."}
    assert person.contribute("arrival-hopes", "\x00\x01\x02\u202e") == empty
    # Zero-width spaces and joiners alone show nothing, so they are nothing.
    assert person.contribute("arrival-hopes", "\u200b\u200c\u200d\ufeff\u2060") == empty
    # Half a surrogate pair (a broken page's JSON) cannot be stored anywhere: it is dropped.
    assert person.contribute("arrival-hopes", "Night\ud800 shift")["ok"]
    state = views.room_state(runtime, workshop_service.find(runtime, world.a).id)
    assert [c.body for c in state.contributions][-1] == "Night shift"


def test_numbers_that_are_not_whole_numbers_get_clear_answers(world: World, ledger) -> None:
    """Ids in addresses and numbers in forms: "²" passes str.isdigit() and breaks int(), "٣"
    passes both, 10**20 passes both and breaks the database. Each gets a page that says what
    to do, never a server error."""
    facilitator = world.people[FACILITATOR_A]
    token = csrf_from(facilitator.http.get(f"/w/{world.a}/facilitate").get_data(as_text=True))
    for bad in NOT_NUMBERS:
        answers = [
            facilitator.http.post(f"/w/{world.a}/timer",
                                  data={"action": "add", "minutes": bad, "csrf_token": token}),
            facilitator.http.post(f"/w/{world.a}/timer",
                                  data={"action": "add", "seconds": bad, "csrf_token": token}),
            facilitator.http.get(f"/w/{world.a}/plenary?page={bad}"),
            facilitator.http.post(f"/w/{world.a}/themes/{bad}/rename",
                                  data={"name": "x", "csrf_token": token}),
            facilitator.http.post(f"/w/{world.a}/moderate",
                                  data={"item": f"contribution:{bad}", "hidden": "yes",
                                        "csrf_token": token}),
        ]
        for response in answers:
            ledger.bad_inputs["numbers that are not whole numbers"] += 1
            assert response.status_code in (200, 302, 400, 404, 409), (bad, response.status_code)


def test_oversized_and_malformed_bodies_get_clear_answers(world: World, ledger) -> None:
    person = world.people[PARTICIPANT_A]
    page = person.http.get(f"/w/{world.a}/").get_data(as_text=True)
    token = csrf_from(page)
    url = f"/w/{world.a}/contribute"
    huge = person.http.post(url, data={"text": "x" * 300_000, "csrf_token": token})
    assert huge.status_code == 413
    assert "Please send less text at a time." in huge.get_data(as_text=True)
    cases = [
        {"data": b"\xff\xfe\x00garbage", "content_type": "application/x-www-form-urlencoded"},
        {"json": {"text": "json instead of a form", "csrf_token": token}},
        {"data": b"--x\r\nnot multipart", "content_type": "multipart/form-data; boundary=x"},
        {"data": "text=%ZZ%00&csrf_token=" + token,
         "content_type": "application/x-www-form-urlencoded"},
    ]
    for case in cases:
        response = person.http.post(url, **case)
        assert response.status_code in (400, 409), case
        body = response.get_data(as_text=True)
        assert "flash-error" in body or "error-heading" in body
    ledger.bad_inputs["oversized or malformed bodies"] += 1 + len(cases)


def test_socket_payloads_of_the_wrong_shape_get_clear_answers(world: World, ledger) -> None:
    person = world.people[PARTICIPANT_A]
    person.connect(world.socketio, world.app)
    assert person.socket is not None
    cases = [
        ("contribute", ()),
        ("contribute", ("just a string",)),
        ("contribute", ([1, 2, 3],)),
        ("contribute", ({"activity": "arrival-hopes", "text": "hi", "client_id": 12345678},)),
        ("contribute", ({"activity": "arrival-hopes", "text": ["a"], "client_id": "abcdefgh"},)),
        ("contribute", ({"activity": "arrival-hopes", "text": "two"}, {"extra": True})),
        ("move", (None,)),
        ("move", ({"direction": {"$gt": ""}},)),
        ("connect", ({"workshop": world.b},)),
        ("disconnect", ("pretend",)),
        ("no such event", ({"x": 1},)),
    ]
    for event, args in cases:
        reply = person.socket.emit(event, *args, callback=True)
        assert reply["ok"] is False and reply["error"], (event, args, reply)
    ledger.bad_inputs["malformed Socket.IO payloads"] += len(cases)
    # and the page is still itself afterwards (a fake "connect" or "disconnect" changed nothing)
    assert person.contribute("arrival-hopes", "Still here")["ok"] is True


def test_a_page_from_another_site_cannot_post_our_forms(world: World) -> None:
    """CSRF: a form on another site posts with the person's cookie but without our token."""
    stranger = Person(world.app.test_client(), code=world.a)
    for person in (world.people[FACILITATOR_A], stranger):
        response = person.http.post(f"/w/{world.a}/move", data={"direction": "forward"},
                                    headers={"Origin": "https://evil.example",
                                             "Referer": "https://evil.example/x"})
        assert response.status_code == 400
    runtime = runtime_of(world.app)
    assert workshop_service.find(runtime, world.a).phase == "define"


def as_a_browser_reads(location: str, page: str) -> str:
    """The host a browser goes to for ``location``: it drops tabs and line breaks, trims
    spaces and control characters at the ends, and reads a backslash as a slash (WHATWG)."""
    trimmed = re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$", "", location)
    cleaned = re.sub(r"[\t\n\r]", "", trimmed).replace("\\", "/")
    return urlsplit(urljoin(page, cleaned)).netloc


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(back=st.one_of(
    st.sampled_from(["/\t/evil.example/", "/\\evil.example", "\\/evil.example", "/\n/evil.example",
                     "//evil.example", "https://evil.example/", "/%2F/evil.example", " //x",
                     "/w/ABC/", "/start?lang=cy"]),
    st.text(alphabet="/\\\t\n\r .:@%?#xe", max_size=12)))
def test_choosing_a_language_only_ever_returns_to_this_site(world: World, back: str) -> None:
    browser = world.app.test_client()
    token = csrf_from(browser.get("/").get_data(as_text=True))
    response = browser.post("/language", data={"lang": "cy", "next": back, "csrf_token": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert as_a_browser_reads(location, "http://localhost/") == "localhost", (back, location)
