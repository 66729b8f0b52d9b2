"""The Welsh fields an administrator writes through the API: a findings form's title_cy
(published with the form, answered with it; the default forms carry one) and an
interpreter's invite_language (en-gb, cy or blank; anything else refused naming it)."""

import pytest

from accounts.models import Role
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

QUESTIONS = [{"key": "provision", "label": "Where they learn", "type": "text", "required": True,
              "draft": {"sections": ["education_training_employment"]}}]  # fmt: skip


def test_a_form_is_published_with_its_welsh_title_and_the_defaults_have_one():
    system = client_for(make_user(role=Role.SYSTEM_ADMIN))
    current = system.get("/api/v1/agencies/education/forms/current/").json()
    assert current["title"] == "Education screening"
    assert current["title_cy"] == "Sgrinio addysg"
    created = system.post(
        "/api/v1/agencies/education/forms/",
        {"title": "Education v2", "title_cy": "Addysg f2", "questions": QUESTIONS},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["title_cy"] == "Addysg f2"
    plain = system.post(
        "/api/v1/agencies/education/forms/",
        {"title": "Education v3", "questions": QUESTIONS},
        format="json",
    )
    assert plain.status_code == 201 and plain.json()["title_cy"] == ""
    long = system.post(
        "/api/v1/agencies/education/forms/",
        {"title": "Education v4", "title_cy": "x" * 201, "questions": QUESTIONS},
        format="json",
    )
    assert long.status_code == 400 and "title_cy" in long.json()["errors"]


def test_an_interpreter_s_invite_language_is_kept_and_a_bad_one_refused():
    admin = client_for(make_user(role=Role.YOT_ADMIN))
    body = {"name": "Ola Nowak", "languages": ["pl"], "email": "ola@example.org"}
    created = admin.post("/api/v1/interpreters/", body, format="json")
    assert created.status_code == 201 and created.json()["invite_language"] == ""
    url = f"/api/v1/interpreters/{created.json()['id']}/"
    changed = admin.patch(url, {"invite_language": "cy"}, format="json")
    assert changed.status_code == 200 and changed.json()["invite_language"] == "cy"
    bad = admin.patch(url, {"invite_language": "pl"}, format="json")
    assert bad.status_code == 400 and "invite_language" in bad.json()["errors"]
    assert admin.get(url).json()["invite_language"] == "cy"
