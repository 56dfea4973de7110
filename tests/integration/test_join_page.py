"""The join page is rendered once for a crowd of newcomers, yet each newcomer's page carries
its own working CSRF token and always shows the workshop as it is now, in their language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, template_rendered

from .room import Person, csrf_from, start_workshop

TOKEN = re.compile(r'(name="csrf_token" value="|name="csrf-token" content=")([^"]+)"')


@contextmanager
def join_page_renders(app: Flask) -> Iterator[list[str]]:
    rendered: list[str] = []

    def seen(_sender: Flask, template: object, **_extra: object) -> None:
        if getattr(template, "name", "") == "participant/join.html":
            rendered.append("join")

    template_rendered.connect(seen, app)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(seen, app)


def without_tokens(page: str) -> str:
    return TOKEN.sub(r'\1…"', page)


def test_a_crowd_of_newcomers_shares_one_rendering_each_with_a_working_token_of_its_own(
        app: Flask) -> None:
    code = start_workshop(app).code
    newcomers = [Person(app.test_client(), code=code) for _ in range(5)]
    with join_page_renders(app) as rendered:
        pages = [person.http.get(f"/w/{code}/join").get_data(as_text=True)
                 for person in newcomers]
    assert rendered == ["join"]
    tokens = [csrf_from(page) for page in pages]
    assert len(set(tokens)) == len(tokens), "two newcomers were given the same token"
    assert all(len(set(TOKEN.findall(page))) == 2 for page in pages)  # form and meta, one token
    assert len({without_tokens(page) for page in pages}) == 1
    # Someone else's token is refused; one's own lets one in.
    refused = newcomers[0].http.post(f"/w/{code}/join", data={
        "display_name": "", "csrf_token": tokens[1]})
    assert refused.status_code == 400
    for person, token in zip(newcomers, tokens, strict=True):
        joined = person.http.post(f"/w/{code}/join", data={"display_name": "",
                                                           "csrf_token": token})
        assert joined.status_code == 302


def test_the_join_page_shows_the_workshop_as_it_is_now_in_the_reader_s_language(
        app: Flask) -> None:
    facilitator = start_workshop(app)
    code = facilitator.code

    def join_page(language: str = "en-GB") -> str:
        return app.test_client().get(f"/w/{code}/join", headers={
            "Accept-Language": language}).get_data(as_text=True)

    assert "Ward 7 away morning" in join_page()
    saved = facilitator.post(f"/w/{code}/define", {
        "title": "Night shift summit", "topic_title": "Handovers at our best",
        "topic_question": "When did a handover go really well?"},
        page=f"/w/{code}/define")
    assert saved.status_code == 302
    english, welsh = join_page(), join_page("cy")
    assert "Night shift summit" in english and "When did a handover go really well?" in english
    assert "Join the workshop" in english and 'lang="en-GB"' in english
    assert "Night shift summit" in welsh and 'lang="cy"' in welsh
    assert "Join the workshop" not in welsh
    with_query = app.test_client().get(f"/w/{code}/join?from=poster").get_data(as_text=True)
    assert f'value="/w/{code}/join?from=poster"' in with_query
    assert f'value="/w/{code}/join"' in english
