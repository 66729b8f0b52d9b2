"""Staff emails and calendar invites are written in the language the person chose while
signed in (accounts.User.language, screening.integrations.email.staff_language): Welsh
for a practitioner who chose Cymraeg, English for one who chose English or never chose."""

import datetime as dt

from django.core import mail
from django.test import Client

from accounts.models import Role
from screening.calendars.invites import invites_send_due
from screening.integrations.email import staff_language
from tests import factories
from tests.calendar_support import LONDON, book, world  # noqa: F401

TUESDAY = dt.datetime(2027, 3, 2, 10, 0, tzinfo=LONDON)


def _link_login(practitioner, language: str):
    user = factories.make_user(role=Role.PRACTITIONER)
    user.language = language
    user.save(update_fields=["language"])
    practitioner.user = user
    practitioner.save(update_fields=["user"])
    return user


def test_a_welsh_preferring_practitioner_gets_a_welsh_invite_and_an_english_one_english(world):  # noqa: F811
    health, education = world.people["health"], world.people["education"]
    _link_login(health, "cy")
    _link_login(education, "en-gb")
    book(world, TUESDAY)
    invites_send_due()
    sent = {message.to[0]: message for message in mail.outbox}
    welsh, english = sent[health.email], sent[education.email]
    assert welsh.subject.startswith("Sesiwn sgrinio: ")
    assert "Mawrth" in welsh.body  # Tuesday / March in Welsh
    assert english.subject.startswith("Screening session: ")
    assert "Tuesday" in english.body and "Mawrth" not in english.body
    others = [m for to, m in sent.items() if to not in (health.email, education.email)]
    assert others and all(m.subject.startswith("Screening session: ") for m in others)


def test_staff_language_is_the_login_s_choice_else_english(world):  # noqa: F811
    health = world.people["health"]
    assert staff_language(health) == "en-gb"  # no login
    user = _link_login(health, "")
    assert staff_language(health) == "en-gb" and staff_language(user) == "en-gb"
    user.language = "cy"
    user.save()
    health.refresh_from_db()
    assert staff_language(health) == "cy" and staff_language(user) == "cy"
    assert staff_language(None) == "en-gb"


def test_the_switcher_keeps_a_signed_in_person_s_choice_on_their_login(db):
    user = factories.make_user(role=Role.CASE_MANAGER)
    client = Client()
    client.force_login(user)
    answer = client.post("/i18n/setlang/", {"language": "cy", "next": "/cases/"})
    assert answer.status_code == 302 and answer["Location"] == "/cases/"
    user.refresh_from_db()
    assert user.language == "cy"
    client.post("/i18n/setlang/", {"language": "en-gb", "next": "/cases/"})
    user.refresh_from_db()
    assert user.language == "en-gb"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/cases/"})
    user.refresh_from_db()
    assert user.language == "en-gb"  # not a language of the service: nothing kept
    assert Client().post("/i18n/setlang/", {"language": "cy"}).status_code == 302  # signed out


def test_the_invite_s_calendar_text_is_in_the_chosen_language_too(world):  # noqa: F811
    import icalendar

    _link_login(world.people["health"], "cy")
    book(world, TUESDAY)
    invites_send_due()
    [message] = [m for m in mail.outbox if m.to[0] == world.people["health"].email]
    [(content, _)] = message.alternatives
    content = content.encode() if isinstance(content, str) else content
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    who = f"JQ {world.case.reference}"
    assert str(event["SUMMARY"]) == f"Sgrinio (Health): {who}"
    assert "sesiwn Health gyda" in str(event["DESCRIPTION"])
    assert "Screening" not in str(event["SUMMARY"]) + str(event["DESCRIPTION"])
