"""The interface in English and Welsh; people write in any language."""

from __future__ import annotations

from .room import csrf_from


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
