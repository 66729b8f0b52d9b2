"""Journeys through the pages in a real Chromium, with axe-core on every page visited."""

from __future__ import annotations

import pytest

from accounts.models import Role
from frontend.booking import chosen_option
from frontend.templatetags.govuk import local_datetime
from screening.booking.services import visit_book
from screening.models import Visit, VisitStatus, YoungPerson
from tests import factories
from tests.frontend.conftest import book_past_visit, check_axe, go, heading, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_admin_books_a_visit_end_to_end(web, yot):
    case = yot["case"]
    sign_in(web, yot["admin"].username)
    assert heading(web) == "Dashboard"
    check_axe(web, "dashboard")
    assert case.reference in web.content()

    go(web.get_by_role("link", name="Cases", exact=True))
    check_axe(web, "cases")
    web.get_by_label("Search by name, date of birth or case reference").fill(case.reference)
    go(web.get_by_role("button", name="Show cases"))
    check_axe(web, "cases-search")
    go(web.get_by_role("link", name=case.reference))
    assert heading(web) == "Jayden Marlowe"
    check_axe(web, "case")

    go(web.get_by_role("link", name="Book a visit"))
    assert heading(web) == "Book a visit"
    check_axe(web, "book")
    first = web.locator(".govuk-summary-card").first
    when = first.locator(".govuk-summary-card__title").inner_text()
    go(first.get_by_role("button", name="Book this visit"))

    assert "The visit is booked." in web.content(), web.locator("main").inner_text()[:1500]
    assert heading(web).startswith("Visit on ")
    check_axe(web, "visit")
    visit = Visit.objects.get(case=case)
    assert visit.status == VisitStatus.BOOKED
    assert visit.sessions.count() == 4
    assert web.url.endswith(f"/visits/{visit.pk}/")
    # The visit booked is the option chosen, and its page shows where it is.
    assert when == f"{local_datetime(visit.start)}, {visit.room}"
    assert visit.room.venue.address in web.content()


def test_booking_a_slot_taken_meanwhile_says_so_and_shows_fresh_options(web, yot):
    sign_in(web, yot["admin"].username)
    web.goto(f"/cases/{yot['case'].pk}/book/")
    first = web.locator(".govuk-summary-card").first
    # Someone else books exactly the option shown first, before the admin presses the button.
    other = factories.make_case(
        young_person=factories.make_young_person(), order_start_date=yot["case"].order_start_date
    )
    room, sessions = chosen_option(first.locator("input[name=option]").input_value())
    visit_book(case=other, room=room, sessions=sessions)
    go(first.get_by_role("button", name="Book this visit"))
    assert "That time was taken meanwhile" in web.content()
    check_axe(web, "book-slot-taken")
    assert not Visit.objects.filter(case=yot["case"]).exists()
    assert web.locator(".govuk-summary-card").count() > 0


def test_practitioner_sees_sessions_and_records_attendance(web, yot):
    visit = book_past_visit(yot)
    nurse = yot["team"]["health"]
    sign_in(web, nurse.user.username)
    assert heading(web) == nurse.name
    check_axe(web, "practitioner-home")
    assert "Keira Ashdown" in web.content()

    past = web.locator("#past").locator("xpath=following-sibling::table[1]")
    go(past.get_by_role("link").first)
    check_axe(web, "practitioner-visit")
    go(web.get_by_role("link", name="Record attendance for the Health session"))
    check_axe(web, "attendance")

    go(web.get_by_role("button", name="Save attendance"))
    assert web.locator(".govuk-error-summary").is_visible()
    check_axe(web, "attendance-errors")

    web.get_by_label("No, did not attend").check()
    go(web.get_by_role("button", name="Save attendance"))
    assert "Say why the young person did not attend" in web.content()
    assert web.get_by_label("No, did not attend").is_checked()

    web.get_by_label("Yes, attended").check()
    go(web.get_by_role("button", name="Save attendance"))
    assert "Attendance is recorded" in web.content()
    check_axe(web, "visit-after-attendance")
    session = visit.sessions.get(agency__code="health")
    assert session.attended is True


def test_forms_submitted_empty_or_wrong_show_the_error_summary_and_keep_what_was_typed(web, yot):
    sign_in(web, yot["admin"].username)
    web.goto("/young-people/new/")
    check_axe(web, "young-person-new")
    go(web.get_by_role("button", name="Save"))
    summary = web.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter the young person's first name" in summary.inner_text()
    assert "Enter the date of birth" in summary.inner_text()
    check_axe(web, "young-person-errors")

    web.get_by_label("First name").fill("Amara")
    web.get_by_label("Last name").fill("Quill")
    web.get_by_label("Day", exact=True).fill("31")
    web.get_by_label("Month", exact=True).fill("02")
    web.get_by_label("Year", exact=True).fill("2012")
    web.get_by_label("Mobile number", exact=True).fill("0123")
    go(web.get_by_role("button", name="Save"))
    text = web.locator(".govuk-error-summary").inner_text()
    assert "The date of birth must be a real date" in text
    assert web.get_by_label("First name").input_value() == "Amara"
    assert web.get_by_label("Day", exact=True).input_value() == "31"
    assert web.get_by_label("Mobile number", exact=True).input_value() == "0123"

    # The link in the summary moves focus to the field.
    web.locator(".govuk-error-summary a").first.click()
    assert web.evaluate("document.activeElement.id") == "id_date_of_birth_0"

    web.get_by_label("Day", exact=True).fill("28")
    go(web.get_by_role("button", name="Save"))
    assert "mobile" in web.locator(".govuk-error-summary").inner_text().lower()
    check_axe(web, "young-person-bad-mobile")
    assert not YoungPerson.objects.filter(given_name="Amara").exists()


def test_practitioner_opening_another_practitioners_visit_or_case_gets_404(web, yot):
    visit = book_past_visit(yot)
    outsider = factories.make_practitioner(agency="health", name="Salma Rahman")
    sign_in(web, outsider.user.username)
    response = web.goto(f"/visits/{visit.pk}/")
    assert response.status == 404
    assert heading(web) == "Page not found"
    check_axe(web, "not-found")
    assert web.goto(f"/cases/{visit.case_id}/").status == 404
    assert web.goto("/dashboard/").status == 403
    check_axe(web, "forbidden")


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `selector` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_alone_signs_in_and_registers_a_young_person(web, yot):
    web.goto("/sign-in/")
    tab_to(web, "a.govuk-skip-link")
    tab_to(web, "#id_username")
    web.keyboard.type(yot["admin"].username)
    tab_to(web, "#id_password")
    web.keyboard.type(factories.PASSWORD)
    with web.expect_navigation():
        web.keyboard.press("Enter")
    assert web.url.endswith("/dashboard/")
    check_axe(web, "keyboard-dashboard")

    tab_to(web, "a.govuk-service-navigation__link[href='/young-people/']")
    with web.expect_navigation():
        web.keyboard.press("Enter")
    assert web.url.endswith("/young-people/")
    tab_to(web, "a[href='/young-people/new/']")
    with web.expect_navigation():
        web.keyboard.press("Enter")
    assert web.url.endswith("/young-people/new/")
    for selector, text in [
        ("#id_given_name", "Tyrese"),
        ("#id_family_name", "Fenwick"),
        ("#id_date_of_birth_0", "9"),
        ("#id_date_of_birth_1", "4"),
        ("#id_date_of_birth_2", "2011"),
        ("#id_mobile", "07400 123456"),
    ]:
        tab_to(web, selector)
        web.keyboard.type(text)
    tab_to(web, "#id_sms_consent")
    web.keyboard.press("Space")
    assert web.is_checked("#id_sms_consent")
    tab_to(web, "button[type=submit].govuk-button")
    with web.expect_navigation():
        web.keyboard.press("Enter")
    assert "Tyrese Fenwick is registered." in web.content()
    check_axe(web, "keyboard-young-person")
    person = YoungPerson.objects.get(given_name="Tyrese")
    assert person.mobile == "+447400123456"
    assert person.sms_consent is True
    assert person.unavailable.count() == 0
    assert factories.make_user(role=Role.CASE_MANAGER)  # other roles unaffected
