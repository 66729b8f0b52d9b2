"""Young people journeys in a real Chromium, with axe-core on every page: a possible
duplicate is flagged before it is saved."""

from __future__ import annotations

import datetime as dt

import pytest

from screening.models import YoungPerson
from tests import factories
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.messaging import NOW, travel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_registering_a_possible_duplicate_is_flagged_and_saved_once_confirmed(web, yot):
    existing = factories.make_young_person(
        given_name="Amara", family_name="Quill", date_of_birth=dt.date(2011, 1, 4)
    )
    with travel(NOW):  # Tuesday 23 February 2027: Amara is 16
        sign_in(web, yot["admin"].username)
        web.goto("/young-people/new/")
        web.get_by_label("First name").fill(" amara ")
        web.get_by_label("Last name").fill("QUILL")
        web.get_by_label("Day", exact=True).fill("4")
        web.get_by_label("Month", exact=True).fill("1")
        web.get_by_label("Year", exact=True).fill("2011")
        go(web.get_by_role("button", name="Save"))
        assert heading(web) == "Register a young person"
        warning = web.locator("#possible-duplicate")
        assert "This may be the same person as Amara Quill, born 4 January 2011" in (
            warning.inner_text()
        )
        assert "This may be the same person as" in web.locator(".govuk-error-summary").inner_text()
        check_axe(web, "young-person-possible-duplicate")
        link = warning.get_by_role("link", name="Amara Quill, born 4 January 2011")
        assert link.get_attribute("href") == f"/young-people/{existing.pk}/"
        assert YoungPerson.objects.count() == 2  # Jayden (the YOT's case) and Amara

        web.get_by_label("This is a different person: save anyway").check()
        go(web.get_by_role("button", name="Save"))
        assert "is registered" in web.content()
        check_axe(web, "young-person-registered-after-confirming")
        assert YoungPerson.objects.filter(family_name__iexact="quill").count() == 2
