"""Young people, cases and visits journeys in a real Chromium, with axe-core on every page:
a possible duplicate is flagged before it is saved; young people are found by date of birth;
cases and visits are filtered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from screening.models import YoungPerson
from tests import factories
from tests.frontend.conftest import book_past_visit, check_axe, go, heading, sign_in
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


def test_an_admin_finds_a_young_person_by_date_of_birth_and_filters_cases_and_visits(web, yot):
    jayden = yot["case"].young_person  # born 17 May 2011 (the factory's date)
    visit = book_past_visit(yot)  # Keira Ashdown's, on the last working day
    with travel(NOW):
        sign_in(web, yot["admin"].username)
        go(web.get_by_role("link", name="Young people", exact=True))
        web.get_by_label("Search by name, date of birth or case reference").fill("17 May 2011")
        go(web.get_by_role("button", name="Search"))
        check_axe(web, "young-people-by-date-of-birth")
        rows = web.locator("tbody").inner_text()
        assert "Marlowe, Jayden" in rows
        web.get_by_label("Search by name, date of birth or case reference").fill("31/2/2011")
        go(web.get_by_role("button", name="Search"))
        assert "Enter a real date of birth" in web.locator(".govuk-error-summary").inner_text()
        check_axe(web, "young-people-search-error")

        go(web.get_by_role("link", name="Cases", exact=True))
        web.get_by_label("Status").select_option(label="Needs a visit")
        go(web.get_by_role("button", name="Show cases"))
        check_axe(web, "cases-needing-a-visit")
        table = web.locator("table").inner_text()
        assert yot["case"].reference in table and visit.case.reference not in table
        assert "Needs a visit" in table
        web.get_by_label("Status").select_option(label="Visit booked")
        web.get_by_label("Agency seen").select_option(label="Health")
        go(web.get_by_role("button", name="Show cases"))
        assert visit.case.reference in web.locator("table").inner_text()
        assert jayden.family_name not in web.locator("table").inner_text()

        go(web.get_by_role("link", name="Visits", exact=True))
        day = timezone.localtime(visit.start).date()
        fieldset = web.get_by_role("group", name="Day")
        fieldset.get_by_label("Day", exact=True).fill(str(day.day))
        fieldset.get_by_label("Month", exact=True).fill(str(day.month))
        fieldset.get_by_label("Year", exact=True).fill(str(day.year))
        web.get_by_label("Practitioner").select_option(label="Ngozi Achebe (Health)")
        go(web.get_by_role("button", name="Show visits"))
        check_axe(web, "visits-of-a-day-and-practitioner")
        assert visit.case.reference in web.locator("table").inner_text()
        go(web.locator("table").get_by_role("link").first)
        assert web.url.endswith(f"/visits/{visit.pk}/")
