"""Young people, cases and visits lists and forms through Django's test client: a possible
duplicate is flagged before saving and asks to confirm; young people are found by date of
birth as well as name; cases filter by status, agency and due dates, visits by day, room
and practitioner, each list built with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from screening.assessment.drafts import draft_sign_off, draft_submit
from screening.assessment.findings import findings_submit
from screening.booking.services import session_record_attendance, visit_cancel
from screening.models import AssessmentDraft, YoungPerson
from tests.factories import (
    complete_answers,
    make_case,
    make_screened_case,
    make_user,
    make_young_person,
    record_judgements,
)
from tests.frontend.test_pages import browser_for
from tests.messaging import at, book, freeze, make_team

pytestmark = pytest.mark.django_db

JAYDEN = {
    "given_name": "jayden ",
    "family_name": "MARLOWE",
    "date_of_birth_0": "4",
    "date_of_birth_1": "1",
    "date_of_birth_2": "2011",
    "language": "en",
}


@pytest.fixture
def admin(monkeypatch):
    freeze(monkeypatch)  # Tuesday 23 February 2027: Jayden is 16
    return browser_for(make_user(role=Role.YOT_ADMIN))


def test_registering_a_possible_duplicate_shows_who_it_may_be_and_saves_nothing(admin):
    existing = make_young_person(
        given_name="Jayden", family_name="Marlowe", date_of_birth=dt.date(2011, 1, 4)
    )
    response = admin.post("/young-people/new/", JAYDEN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This may be the same person as" in html
    link = f'<a class="govuk-link" href="/young-people/{existing.pk}/">'
    assert f"{link}Jayden Marlowe, born 4 January 2011</a>" in html
    assert 'href="#id_confirm_not_duplicate"' in html  # the error summary asks to confirm
    assert 'name="confirm_not_duplicate"' in html
    assert 'value="jayden "' in html  # what was typed is kept, as typed
    assert YoungPerson.objects.count() == 1


def test_confirming_a_different_person_registers_them(admin):
    make_young_person(given_name="Jayden", family_name="Marlowe", date_of_birth=dt.date(2011, 1, 4))
    response = admin.post("/young-people/new/", {**JAYDEN, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert YoungPerson.objects.count() == 2


def test_the_confirmation_is_not_asked_without_a_possible_duplicate(admin):
    assert 'name="confirm_not_duplicate"' not in admin.get("/young-people/new/").content.decode()
    assert admin.post("/young-people/new/", JAYDEN).status_code == 302


def test_editing_someone_to_match_another_is_flagged(admin):
    existing = make_young_person(
        given_name="Jayden", family_name="Marlowe", date_of_birth=dt.date(2011, 1, 4)
    )
    other = make_young_person(
        given_name="Jay", family_name="Marlowe", date_of_birth=dt.date(2011, 1, 4)
    )
    response = admin.post(f"/young-people/{other.pk}/edit/", JAYDEN)
    assert response.status_code == 200
    assert f'href="/young-people/{existing.pk}/"' in response.content.decode()
    other.refresh_from_db()
    assert other.given_name == "Jay"


# --- searching young people by date of birth -------------------------------------------------


@pytest.fixture
def people(admin):
    born = dt.date(2011, 1, 4)
    return {
        "jayden": make_young_person(given_name="Jayden", family_name="Marlowe", date_of_birth=born),
        "keira": make_young_person(given_name="Keira", family_name="Ashdown", date_of_birth=born),
        "tyrese": make_young_person(
            given_name="Tyrese", family_name="Fenwick", date_of_birth=dt.date(2011, 4, 1)
        ),
    }


def listed(admin, url: str) -> str:
    response = admin.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("typed", ["4/1/2011", "4 January 2011", "04-01-2011", "2011-01-04"])
def test_young_people_are_found_by_date_of_birth_typed_in_gov_uk_forms(admin, people, typed):
    html = listed(admin, f"/young-people/?{urlencode({'q': typed})}")
    assert "Marlowe, Jayden" in html and "Ashdown, Keira" in html
    assert "Fenwick" not in html  # born 1 April 2011: day first, as in the UK


def test_a_name_and_a_date_of_birth_together_narrow_the_search(admin, people):
    html = listed(admin, f"/young-people/?{urlencode({'q': 'keira 4 Jan 2011'})}")
    assert "Ashdown, Keira" in html and "Marlowe" not in html


def test_a_date_of_birth_that_does_not_exist_is_an_error_not_an_empty_list(admin, people):
    html = listed(admin, f"/young-people/?{urlencode({'q': '31/2/2011'})}")
    assert 'href="#id_q"' in html and "Enter a real date of birth" in html
    assert "<title>Error: " in html
    assert 'value="31/2/2011"' in html


# --- the cases list: status, agency and due dates ----------------------------------------------


@pytest.fixture
def stages(admin):
    """A case at each stage. Today is Tuesday 23 February 2027. The screened cases' orders
    started on Monday 2 November 2026 (assessment due Monday 30 November 2026); the booked
    one's today (due Tuesday 23 March 2027); the one needing a visit on Monday 1 March 2027
    (due Wednesday 31 March 2027: Good Friday 26 and Easter Monday 29 March are not working
    days)."""
    manager = make_user(role=Role.YOT_MANAGER)
    case_manager = make_user(role=Role.CASE_MANAGER)
    cases = {"needs_visit": make_case(case_manager=case_manager)}
    booked = book(make_team())
    cases["visit_booked"] = booked.case
    done, sessions = make_screened_case(case_manager=case_manager)
    for session in sessions.values():
        session_record_attendance(session=session, attended=True)
    cases["awaiting_findings"] = done
    for stage in ("draft", "awaiting_sign_off", "signed_off"):
        case, sessions = make_screened_case(case_manager=case_manager)
        health = sessions["health"]
        findings_submit(
            session=health, user=health.practitioner.user, answers=complete_answers("health")
        )
        draft = AssessmentDraft.objects.get(case=case)
        if stage != "draft":
            draft = record_judgements(draft)
            draft_submit(draft=draft, user=case_manager)
        if stage == "signed_off":
            draft_sign_off(draft=draft, user=manager)
        cases[stage] = case
    return cases


def references(admin, **query) -> set[str]:
    response = admin.get(f"/cases/?{urlencode(query)}")
    assert response.status_code == 200
    return {case.reference for case in response.context["rows"]}


def test_each_case_shows_its_status_and_the_status_filter_finds_exactly_those(stages):
    manager = browser_for(make_user(role=Role.YOT_MANAGER))
    rows = {c.reference: c.status for c in manager.get("/cases/").context["rows"]}
    for status, case in stages.items():
        assert rows[case.reference] == status
        assert references(manager, status=status) == {case.reference}, status
    html = manager.get("/cases/").content.decode()
    for label in ("Needs a visit", "Visit booked", "Visit done, awaiting findings", "Signed off"):
        assert f'<td class="govuk-table__cell">{label}</td>' in html


def test_roles_that_do_not_read_drafts_see_findings_received_instead(admin, stages):
    drafted = {stages[s].reference for s in ("draft", "awaiting_sign_off", "signed_off")}
    rows = {c.reference: c.status for c in admin.get("/cases/").context["rows"]}
    assert {ref for ref, status in rows.items() if status == "findings_received"} == drafted
    assert references(admin, status="findings_received") == drafted
    assert references(admin, status="visit_booked") == {stages["visit_booked"].reference}
    html = admin.get("/cases/?status=signed_off").content.decode()
    assert "Select a valid choice" in html and 'href="#id_status"' in html
    assert "Signed off" not in html and "Awaiting sign-off" not in html


def test_the_agency_filter_keeps_cases_with_a_session_for_that_agency(admin, stages):
    seen_by_education = references(admin, agency="education")
    assert stages["awaiting_findings"].reference in seen_by_education
    assert stages["visit_booked"].reference not in seen_by_education  # a health visit only
    assert stages["needs_visit"].reference not in seen_by_education
    assert stages["visit_booked"].reference in references(admin, agency="health")


def test_the_due_date_filters_keep_cases_due_between_them(admin, stages):
    def due(first=None, last=None) -> set[str]:
        query = {}
        for name, day in (("due_from", first), ("due_to", last)):
            if day:
                query.update({f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year})
        return references(admin, **query)

    screened = {stages[s].reference for s in stages if s not in {"needs_visit", "visit_booked"}}
    assert due(last=dt.date(2026, 11, 30)) == screened
    assert due(first=dt.date(2026, 12, 1), last=dt.date(2027, 3, 23)) == {
        stages["visit_booked"].reference
    }
    assert due(first=dt.date(2027, 3, 24)) == {stages["needs_visit"].reference}
    response = admin.get(
        "/cases/?due_from_0=2&due_from_1=3&due_from_2=2027&due_to_0=1&due_to_1=3&due_to_2=2027"
    )
    assert "The last due date must be the same as or after the first" in response.content.decode()
    assert response.context["rows"] == []


def test_filters_combine_and_page_links_keep_them(admin, stages, monkeypatch):
    booked = stages["visit_booked"].reference
    assert references(admin, status="visit_booked", agency="health") == {booked}
    assert references(admin, status="visit_booked", agency="education") == set()
    monkeypatch.setattr("frontend.views.paginate.__defaults__", (2,))  # two rows a page
    html = admin.get("/cases/?agency=health").content.decode()
    assert "?agency=health&amp;page=2" in html


def test_cases_are_found_by_the_young_persons_date_of_birth(admin, stages):
    person = stages["draft"].young_person
    found = references(admin, q=f"{person.date_of_birth:%d/%m/%Y}")
    assert stages["draft"].reference in found and stages["needs_visit"].reference in found
    assert references(admin, q=f"{person.given_name} {person.date_of_birth:%d %B %Y}") == {
        stages["draft"].reference
    }


def test_a_case_manager_filters_only_their_own_cases(admin, stages):
    other = browser_for(make_user(role=Role.CASE_MANAGER))
    assert {c.reference for c in other.get("/cases/?status=draft").context["rows"]} == set()


def test_the_cases_list_is_built_with_a_fixed_number_of_queries(
    admin, stages, django_assert_max_num_queries
):
    admin.get("/cases/")
    with CaptureQueriesContext(connection) as few:
        admin.get("/cases/?agency=health")
    for _ in range(3):
        _, sessions = make_screened_case()  # statuses of 8 rows, still two queries
        health = sessions["health"]
        findings_submit(
            session=health, user=health.practitioner.user, answers=complete_answers("health")
        )
    with django_assert_max_num_queries(len(few)):
        response = admin.get("/cases/?agency=health")
    assert len(response.context["rows"]) == 8  # 5 of the stages had a health session


# --- the visits list: day, room and practitioner -----------------------------------------------


@pytest.fixture
def visits(admin):
    """Two visits on Tuesday 2 March 2027 with one practitioner and room, one on Wednesday
    3 March with another, a screening visit on Thursday 5 November 2026 and a cancelled
    visit on 2 March."""
    first, second = make_team(), make_team()
    morning = book(first, start=at(10))
    afternoon = book(first, start=at(14))
    other = book(second, start=at(10, day=dt.date(2027, 3, 3)))
    cancelled = book(first, start=at(16))
    visit_cancel(visit=cancelled, reason="The order was revoked")
    past, _ = make_screened_case()
    return {
        "first": first,
        "second": second,
        "morning": morning,
        "afternoon": afternoon,
        "other": other,
        "cancelled": cancelled,
        "past": past,
    }


def shown(client, **query) -> list[int]:
    response = client.get(f"/visits/?{urlencode(query)}")
    assert response.status_code == 200
    return [v.pk for v in response.context["page"].object_list]


def test_visits_list_from_today_earliest_first_without_cancelled_ones(admin, visits):
    assert shown(admin) == [visits[k].pk for k in ("morning", "afternoon", "other")]


def test_visits_filter_by_day_room_and_practitioner(admin, visits):
    march_2 = {"day_0": "2", "day_1": "3", "day_2": "2027"}
    assert shown(admin, **march_2) == [visits["morning"].pk, visits["afternoon"].pk]
    november_5 = {"day_0": "5", "day_1": "11", "day_2": "2026"}
    assert [v.case_id for v in admin.get(f"/visits/?{urlencode(november_5)}").context["page"]] == [
        visits["past"].pk
    ]
    second_room = visits["second"][1]
    assert shown(admin, room=second_room.pk) == [visits["other"].pk]
    nurse = visits["second"][0]["health"]
    assert shown(admin, practitioner=nurse.pk) == [visits["other"].pk]
    assert shown(admin, practitioner=nurse.pk, **march_2) == []
    html = admin.get(f"/visits/?{urlencode(march_2)}").content.decode()
    assert "Visits on Tuesday 2 March 2027" in html and "Health: " in html


def test_a_practitioner_lists_only_the_visits_they_run(admin, visits):
    nurse = visits["first"][0]["health"]
    client = browser_for(nurse.user)
    assert shown(client) == [visits["morning"].pk, visits["afternoon"].pk]
    assert shown(client, room=visits["second"][1].pk) == []


def test_a_day_that_does_not_exist_is_an_error(admin, visits):
    response = admin.get("/visits/?day_0=30&day_1=2&day_2=2027")
    html = response.content.decode()
    assert "The day must be a real date" in html and 'href="#id_day_0"' in html
    assert list(response.context["page"].object_list) == []


def test_the_visits_list_is_built_with_a_fixed_number_of_queries(
    admin, visits, django_assert_max_num_queries
):
    admin.get("/visits/")
    with CaptureQueriesContext(connection) as few:
        admin.get("/visits/")
    for hour in (11, 12, 13):
        book(visits["second"], start=at(hour))
    with django_assert_max_num_queries(len(few)):
        assert len(shown(admin)) == 6


def test_the_visits_page_answers_each_role_as_the_access_table_says(admin, visits):
    from tests.frontend.test_pages import ROLES

    users = {
        Role.YOT_ADMIN: make_user(role=Role.YOT_ADMIN),
        Role.CASE_MANAGER: make_user(role=Role.CASE_MANAGER),
        Role.YOT_MANAGER: make_user(role=Role.YOT_MANAGER),
        Role.PRACTITIONER: visits["first"][0]["health"].user,
        Role.SYSTEM_ADMIN: make_user(role=Role.SYSTEM_ADMIN),
    }
    got = [browser_for(users[role]).get("/visits/").status_code for role in ROLES]
    assert got == [200, 200, 200, 200, 403]
    nav = browser_for(users[Role.YOT_ADMIN]).get("/visits/").content.decode()
    assert 'href="/visits/"' in nav
