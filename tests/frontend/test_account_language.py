"""A person's saved language (accounts.User.language): signing in on a new browser applies
it (the language cookie set from it, no switcher), and the account page shows it and
changes it (GOV.UK radios; a value that is not a language is refused naming the field)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_again_afterwards():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _with_language(language: str, role: str = Role.YOT_ADMIN):
    user = factories.make_user(role=role)
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_signing_in_on_a_new_browser_applies_the_saved_language():
    user = _with_language("cy")
    client = Client()  # a new browser: no language cookie
    assert '<html lang="en-GB"' in client.get("/sign-in/").text
    answer = client.post("/sign-in/", {"username": user.username, "password": factories.PASSWORD})
    assert answer.status_code == 302
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    page = client.get("/cases/")
    assert '<html lang="cy"' in page.text and "Allgofnodi" in page.text


def test_signing_in_with_no_saved_language_keeps_the_browser_s():
    user = _with_language("")
    client = Client()
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "cy"})
    answer = client.post("/sign-in/", {"username": user.username, "password": factories.PASSWORD})
    assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies
    assert '<html lang="cy"' in client.get("/cases/").text


def test_the_saved_language_wins_over_the_browser_s_at_sign_in():
    user = _with_language("en-gb")
    client = Client()
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "cy"})
    client.post("/sign-in/", {"username": user.username, "password": factories.PASSWORD})
    assert '<html lang="en-GB"' in client.get("/cases/").text


def test_the_account_page_shows_and_changes_the_language():
    user = _with_language("")
    client = Client()
    client.force_login(user)
    page = client.get("/cases/")
    assert 'href="/account/"' in page.text and "Your account" in page.text  # in the header
    page = client.get("/account/")
    assert page.status_code == 200
    assert "Your account" in page.text and user.username in page.text
    assert 'type="radio" value="cy"' in page.text and '<span lang="cy">Cymraeg</span>' in page.text
    saved = client.post("/account/", {"language": "cy"})
    assert saved.status_code == 302 and saved["Location"] == "/account/"
    assert saved.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    user.refresh_from_db()
    assert user.language == "cy"
    welsh = client.get("/account/")
    assert '<html lang="cy"' in welsh.text and "Eich cyfrif" in welsh.text
    assert 'value="cy" checked' in welsh.text
    client.post("/account/", {"language": "en-gb"})
    user.refresh_from_db()
    assert user.language == "en-gb"


def test_the_account_page_refuses_a_value_that_is_not_a_language_naming_the_field():
    user = _with_language("cy")
    client = Client()
    client.force_login(user)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en-gb"})
    for value in ({"language": "fr"}, {}):
        answer = client.post("/account/", value)
        assert answer.status_code == 200
        assert "There is a problem" in answer.text
        assert 'href="#id_language_0"' in answer.text  # the summary links to the field
        assert ("Choose English or Cymraeg" if value else "Choose the language") in answer.text
    user.refresh_from_db()
    assert user.language == "cy"  # nothing changed


def test_the_account_page_needs_a_sign_in():
    answer = Client().get("/account/")
    assert answer.status_code == 302 and "/account/" in answer["Location"]


def test_the_sign_in_errors_are_welsh_on_a_welsh_sign_in_page():
    client = Client()
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "cy"})
    empty = client.post("/sign-in/", {}).content.decode()
    assert "Rhowch eich enw defnyddiwr" in empty and "Rhowch eich cyfrinair" in empty
    assert "Enter your username" not in empty
    wrong = client.post("/sign-in/", {"username": "nobody", "password": "wrong"})
    assert "Rhowch enw defnyddiwr a chyfrinair cywir" in wrong.content.decode()
