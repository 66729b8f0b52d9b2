"""The young person's form takes whether a parent or carer must attend and the carer's
usual unavailable times (errors in the summary); the visit page shows the carer as a
participant, with where texts go and the number masked."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from accounts.models import Role
from screening.models import ParentCarerUnavailableTime, YoungPerson
from tests.factories import make_user
from tests.frontend.test_pages import browser_for
from tests.messaging import book, freeze, make_team, texting_person

pytestmark = pytest.mark.django_db

ROBIN = {
    "given_name": "Robin",
    "family_name": "Ashdown",
    "date_of_birth_0": "17",
    "date_of_birth_1": "5",
    "date_of_birth_2": "2011",
    "language": "en",
    "parent_carer_must_attend": "age",
}


@pytest.fixture
def admin(monkeypatch):
    freeze(monkeypatch)  # Tuesday 23 February 2027
    return browser_for(make_user(role=Role.YOT_ADMIN))


def test_a_carer_who_must_attend_without_a_name_is_named_in_the_error_summary(admin):
    response = admin.post("/young-people/new/", {**ROBIN, "parent_carer_must_attend": "yes"})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert 'href="#id_parent_carer_name"' in html
    assert "Enter the parent or carer&#x27;s name, since they must attend." in html
    assert not YoungPerson.objects.exists()


def test_half_a_carer_unavailable_time_is_an_error_on_its_fields(admin):
    response = admin.post(
        "/young-people/new/", {**ROBIN, "c0_weekdays": ["0"], "c0_start": "09:00"}
    )
    html = response.content.decode()
    assert 'href="#id_c0_end"' in html and "Enter the time it ends" in html
    assert not YoungPerson.objects.exists()


def test_the_carer_fields_are_saved_and_shown_again(admin):
    response = admin.post(
        "/young-people/new/",
        {
            **ROBIN,
            "parent_carer_name": "Sam Ashdown",
            "parent_carer_must_attend": "yes",
            "c0_weekdays": ["0", "2"],
            "c0_start": "09:00",
            "c0_end": "17:30",
        },
    )
    assert response.status_code == 302, response.content.decode()
    person = YoungPerson.objects.get()
    assert person.parent_carer_must_attend is True
    rows = list(ParentCarerUnavailableTime.objects.filter(young_person=person))
    assert [(r.weekdays, r.start_time, r.end_time) for r in rows] == [
        ([0, 2], dt.time(9), dt.time(17, 30))
    ]
    detail = admin.get(f"/young-people/{person.pk}/").content.decode()
    assert "Yes, for every case" in detail and "09:00 to 17:30" in detail
    form = admin.get(f"/young-people/{person.pk}/edit/").content.decode()
    tags = re.findall(r"<input[^>]*>", form)
    yes = [t for t in tags if 'name="parent_carer_must_attend"' in t and 'value="yes"' in t]
    assert len(yes) == 1 and "checked" in yes[0]
    start = [t for t in tags if 'name="c0_start"' in t]
    assert len(start) == 1 and 'value="09:00"' in start[0]


def test_the_visit_page_shows_the_carer_and_where_texts_go_masked(admin, monkeypatch):
    team = make_team()
    person = texting_person(
        parent_carer_name="Sam Carer",
        parent_carer_mobile="07911 123456",
        parent_carer_sms_consent=True,
    )
    visit = book(team, person=person)  # 15 on the order start: the carer must attend
    html = admin.get(f"/visits/{visit.pk}/").content.decode()
    row = html.split('id="parent-carer"')[1].split("</div>")[0]
    assert "Sam Carer" in row and "Must attend" in row
    assert "Texts go to +44•••••••456" in row
    assert "+447911123456" not in html and "07911 123456" not in html


def test_the_visit_page_says_no_texts_go_to_a_carer_who_need_not_attend(admin):
    team = make_team()
    person = texting_person(
        date_of_birth=dt.date(2010, 1, 2),  # 17 on the order start
        parent_carer_name="Sam Carer",
        parent_carer_mobile="07911 123456",
        parent_carer_sms_consent=True,
    )
    visit = book(team, person=person)
    row = admin.get(f"/visits/{visit.pk}/").content.decode().split('id="parent-carer"')[1]
    row = row.split("</div>")[0]
    assert "Need not attend" in row and "No texts: they need not attend" in row


def test_a_practitioner_sees_the_carer_but_not_where_texts_go(monkeypatch):
    freeze(monkeypatch)
    team = make_team()
    person = texting_person(
        parent_carer_name="Sam Carer",
        parent_carer_mobile="07911 123456",
        parent_carer_sms_consent=True,
    )
    visit = book(team, person=person)
    practitioner = team[0]["health"]
    browser = browser_for(practitioner.user)
    row = browser.get(f"/visits/{visit.pk}/").content.decode().split('id="parent-carer"')[1]
    row = row.split("</div>")[0]
    assert "Sam Carer" in row and "Must attend" in row and "Texts" not in row
