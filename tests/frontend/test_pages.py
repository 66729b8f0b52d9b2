"""Every page through Django's test client: access per role, form errors, and list pages
whose query count does not grow with their rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from agencies.models import Agency
from agencies.services import working_pattern_create
from screening.booking.services import SessionRequest, visit_book
from screening.models import Case, Visit, VisitStatus, YoungPerson
from screening.people.workdays import is_working_day
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = [Role.YOT_ADMIN, Role.CASE_MANAGER, Role.YOT_MANAGER, Role.PRACTITIONER, Role.SYSTEM_ADMIN]


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    """A visit on the last working day with one practitioner per agency; the practitioner
    `nurse` runs its health session, `outsider` runs nothing."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    room = factories.make_room(
        venue=factories.make_venue(
            opening_hours=[
                {"weekday": d, "opens": dt.time(7, 0), "closes": dt.time(20, 0)} for d in range(7)
            ]
        )
    )
    team = {}
    for code in ["speech_language", "health", "education", "social_care"]:
        p = factories.make_practitioner(agency=code)
        working_pattern_create(
            practitioner=p,
            weekdays=list(range(7)),
            start_time=dt.time(7, 0),
            end_time=dt.time(19, 30),
            valid_from=today - dt.timedelta(days=30),
        )
        team[code] = p
    manager = factories.make_user(role=Role.CASE_MANAGER)
    day = today - dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    case = factories.make_case(case_manager=manager, order_start_date=day - dt.timedelta(days=1))
    start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=zone)
    sessions, t = [], start
    for code in ["speech_language", "health", "education", "social_care"]:
        agency = Agency.objects.get(code=code)
        sessions.append(SessionRequest(agency=agency, practitioner=team[code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    visit = visit_book(
        case=case, room=room, sessions=sessions, record_past=True, late_reason="Recorded late"
    )
    users = {
        Role.YOT_ADMIN: factories.make_user(role=Role.YOT_ADMIN),
        Role.CASE_MANAGER: manager,
        Role.YOT_MANAGER: factories.make_user(role=Role.YOT_MANAGER),
        Role.PRACTITIONER: team["health"].user,
        Role.SYSTEM_ADMIN: factories.make_user(role=Role.SYSTEM_ADMIN),
    }
    outsider = factories.make_practitioner(agency="health")
    return {
        "case": case,
        "visit": visit,
        "team": team,
        "users": users,
        "outsider": outsider,
        "room": room,
        "health_session": visit.sessions.get(agency__code="health"),
    }


# (path template, expected status per role in ROLES order)
ACCESS = [
    ("/dashboard/", [200, 200, 200, 403, 403]),
    ("/young-people/", [200, 200, 200, 200, 403]),
    ("/young-people/new/", [200, 403, 403, 403, 403]),
    ("/young-people/{person}/", [200, 200, 200, 200, 403]),
    ("/young-people/{person}/edit/", [200, 403, 403, 403, 403]),
    ("/young-people/{person}/subject-access/", [403, 403, 200, 403, 403]),
    ("/young-people/{person}/cases/new/", [200, 403, 403, 403, 403]),
    ("/cases/", [200, 200, 200, 200, 403]),
    ("/cases/{case}/", [200, 200, 200, 200, 403]),
    ("/cases/{case}/edit/", [200, 403, 403, 403, 403]),
    ("/cases/{case}/book/", [200, 403, 403, 403, 403]),
    ("/visits/{visit}/", [200, 200, 200, 200, 403]),
    ("/visits/{visit}/cancel/", [200, 403, 403, 403, 403]),
    ("/sessions/{session}/attendance/", [200, 403, 403, 200, 403]),
    ("/sessions/{session}/rebook/", [302, 403, 403, 403, 403]),
    ("/my/", [403, 403, 403, 200, 403]),
    ("/practitioners/", [200, 403, 403, 403, 200]),
    ("/practitioners/{practitioner}/", [200, 403, 200, 200, 200]),
    ("/practitioners/{practitioner}/patterns/new/", [200, 403, 403, 200, 200]),
    ("/practitioners/{practitioner}/leave/new/", [200, 403, 403, 200, 200]),
]


@pytest.mark.parametrize(("path", "expected"), ACCESS, ids=[a[0] for a in ACCESS])
def test_pages_answer_each_role_as_the_access_table_says(world, path, expected):
    url = path.format(
        person=world["case"].young_person_id,
        case=world["case"].pk,
        visit=world["visit"].pk,
        session=world["health_session"].pk,
        practitioner=world["team"]["health"].pk,
    )
    got = [browser_for(world["users"][role]).get(url).status_code for role in ROLES]
    assert got == expected


def test_pages_send_anonymous_visitors_to_sign_in(world):
    response = Client().get(f"/cases/{world['case'].pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


@pytest.mark.parametrize(
    "path",
    [
        "/visits/{visit}/",
        "/cases/{case}/",
        "/young-people/{person}/",
        "/sessions/{session}/attendance/",
    ],
)
def test_a_practitioner_outside_the_visit_gets_404(world, path):
    url = path.format(
        visit=world["visit"].pk,
        case=world["case"].pk,
        person=world["case"].young_person_id,
        session=world["health_session"].pk,
    )
    assert browser_for(world["outsider"].user).get(url).status_code == 404


def test_a_practitioner_cannot_open_another_practitioners_availability(world):
    other = world["team"]["education"]
    client = browser_for(world["users"][Role.PRACTITIONER])
    assert client.get(f"/practitioners/{other.pk}/").status_code == 404
    assert client.post(f"/practitioners/{other.pk}/leave/new/", {}).status_code == 404


def test_a_case_manager_sees_only_their_own_cases(world):
    other_manager = factories.make_user(role=Role.CASE_MANAGER)
    client = browser_for(other_manager)
    assert client.get(f"/cases/{world['case'].pk}/").status_code == 404
    assert world["case"].reference not in client.get("/cases/").content.decode()


def test_practitioner_case_page_shows_basic_details_only(world):
    world["case"].young_person.mobile = "+447400123456"
    world["case"].young_person.save()
    html = browser_for(world["users"][Role.PRACTITIONER]).get(f"/cases/{world['case'].pk}/")
    text = html.content.decode()
    assert str(world["case"].young_person) in text
    assert "+447400123456" not in text
    assert "Timeline" not in text


def test_empty_young_person_form_shows_error_summary(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    response = client.post("/young-people/new/", {"language": "en"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    assert "Enter the young person&#x27;s first name" in text
    assert 'href="#id_date_of_birth_0"' in text
    assert "<title>Error: " in text


def test_young_person_form_keeps_what_was_typed_when_the_service_refuses_the_mobile(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    response = client.post(
        "/young-people/new/",
        {
            "given_name": "Amara",
            "family_name": "Quill",
            "date_of_birth_0": "3",
            "date_of_birth_1": "4",
            "date_of_birth_2": "2011",
            "mobile": "07700 900123",
            "language": "en",
        },
    )
    text = response.content.decode()
    assert 'href="#id_mobile"' in text
    assert 'value="07700 900123"' in text
    assert 'value="Amara"' in text
    assert not YoungPerson.objects.filter(given_name="Amara").exists()


def test_young_person_form_saves_through_the_service_with_unavailable_times(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    response = client.post(
        "/young-people/new/",
        {
            "given_name": "Amara",
            "family_name": "Quill",
            "date_of_birth_0": "3",
            "date_of_birth_1": "4",
            "date_of_birth_2": "2011",
            "mobile": "07400 123456",
            "sms_consent": "on",
            "language": "en",
            "u0_weekdays": ["0", "1", "2", "3", "4"],
            "u0_start": "08:45",
            "u0_end": "15:15",
        },
    )
    person = YoungPerson.objects.get(given_name="Amara")
    assert response.status_code == 302
    assert person.mobile == "+447400123456"
    assert [list(u.weekdays) for u in person.unavailable.all()] == [[0, 1, 2, 3, 4]]


def test_unavailable_time_end_before_start_is_named_on_its_field(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    person = world["case"].young_person
    response = client.post(
        f"/young-people/{person.pk}/edit/",
        {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth_0": str(person.date_of_birth.day),
            "date_of_birth_1": str(person.date_of_birth.month),
            "date_of_birth_2": str(person.date_of_birth.year),
            "language": "en",
            "u0_weekdays": ["0"],
            "u0_start": "15:00",
            "u0_end": "09:00",
        },
    )
    assert 'href="#id_u0_end"' in response.content.decode()


def test_case_form_opens_a_case_with_deadlines(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    person = world["case"].young_person
    empty = client.post(f"/young-people/{person.pk}/cases/new/", {})
    assert "Choose the order type" in empty.content.decode()
    assert "Enter the order start date" in empty.content.decode()
    response = client.post(
        f"/young-people/{person.pk}/cases/new/",
        {
            "order_type": "referral_order",
            "order_start_date_0": "1",
            "order_start_date_1": "3",
            "order_start_date_2": "2027",
        },
    )
    case = Case.objects.filter(young_person=person).latest("id")
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.order_start_date == dt.date(2027, 3, 1)
    assert case.visit_due_by > case.order_start_date


def test_cancel_needs_a_reason_and_then_cancels_through_the_service(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    future = factories.make_case(order_start_date=timezone.localdate())
    from screening.booking.options import visit_options
    from screening.scheduling.expand import from_minutes

    # Well beyond the minimum notice, so the option is still bookable a moment later.
    found = visit_options(case=future, count=1, not_before=timezone.now() + dt.timedelta(hours=3))
    o = found.options[0]
    visit = visit_book(
        case=future,
        room=found.rooms[o.room],
        sessions=[
            SessionRequest(
                agency=found.agencies[s.agency],
                practitioner=found.practitioners[s.practitioner],
                start=from_minutes(s.start),
                end=from_minutes(s.end),
            )
            for s in o.sessions
        ],
    )
    empty = client.post(f"/visits/{visit.pk}/cancel/", {"reason": ""})
    assert "Say why the visit is cancelled" in empty.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.BOOKED
    done = client.post(f"/visits/{visit.pk}/cancel/", {"reason": "Young person moved away"})
    assert done.status_code == 302
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CANCELLED


def test_attendance_did_not_attend_needs_a_reason(world):
    client = browser_for(world["users"][Role.PRACTITIONER])
    url = f"/sessions/{world['health_session'].pk}/attendance/"
    response = client.post(url, {"attended": "no", "reason": ""})
    assert "Say why the young person did not attend" in response.content.decode()
    client.post(url, {"attended": "no", "reason": "Unwell"})
    session = world["health_session"]
    session.refresh_from_db()
    assert session.attended is False
    assert session.attendance_reason == "Unwell"


def test_booking_page_books_the_chosen_option_and_refuses_a_tampered_one(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    case = factories.make_case(order_start_date=timezone.localdate())
    page = client.get(f"/cases/{case.pk}/book/")
    option = page.context["options"][0]
    tampered = client.post(f"/cases/{case.pk}/book/", {"option": option.token + "x"})
    assert "Choose one of the options shown" in tampered.content.decode()
    booked = client.post(f"/cases/{case.pk}/book/", {"option": option.token, "query": ""})
    visit = Visit.objects.get(case=case)
    assert booked["Location"] == f"/visits/{visit.pk}/"
    assert visit.room == option.room


def test_booking_page_says_when_the_slot_was_taken_meanwhile(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    case = factories.make_case(order_start_date=timezone.localdate())
    rival = factories.make_case(order_start_date=timezone.localdate())
    option = client.get(f"/cases/{case.pk}/book/").context["options"][0]
    assert client.post(f"/cases/{rival.pk}/book/", {"option": option.token}).status_code == 302
    response = client.post(f"/cases/{case.pk}/book/", {"option": option.token})
    assert response.status_code == 409
    assert "That time was taken meanwhile" in response.content.decode()
    assert response.context["options"], "fresh options are shown"
    assert not Visit.objects.filter(case=case).exists()


def test_booking_options_form_rejects_a_longest_gap_shorter_than_the_shortest(world):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    # A case with no visit yet: the world's case has one booked, so it books no other.
    case = factories.make_case(order_start_date=timezone.localdate())
    response = client.get(
        f"/cases/{case.pk}/book/",
        {"agencies": ["health"], "order": "fixed", "min_gap": "30", "max_gap": "10"},
    )
    assert "The longest gap must not be shorter than the shortest gap" in (
        response.content.decode()
    )


def test_practitioner_adds_and_removes_leave(world):
    practitioner = world["team"]["health"]
    client = browser_for(practitioner.user)
    url = f"/practitioners/{practitioner.pk}/leave/new/"
    wrong = client.post(
        url,
        {
            "first_day_0": "10",
            "first_day_1": "6",
            "first_day_2": "2030",
            "last_day_0": "9",
            "last_day_1": "6",
            "last_day_2": "2030",
        },
    )
    assert "The last day must be the same as or after the first day" in wrong.content.decode()
    added = client.post(
        url,
        {
            "first_day_0": "10",
            "first_day_1": "6",
            "first_day_2": "2030",
            "last_day_0": "12",
            "last_day_1": "6",
            "last_day_2": "2030",
            "reason": "Annual leave",
        },
    )
    assert added["Location"] == "/my/"
    from agencies.services import leave_of

    (leave,) = leave_of(practitioner=practitioner)
    assert timezone.localtime(leave.end).date() == dt.date(2030, 6, 13)
    client.post(f"/practitioners/{practitioner.pk}/leave/{leave.pk}/remove/")
    assert not leave_of(practitioner=practitioner).exists()


def test_practitioner_home_lists_attended_sessions_awaiting_findings(world):
    session = world["health_session"]
    from screening.booking.services import session_record_attendance

    session_record_attendance(session=session, attended=True)
    response = browser_for(world["users"][Role.PRACTITIONER]).get("/my/")
    assert [s.pk for s in response.context["awaiting"]] == [session.pk]
    assert "calendars/practitioners/" in response.content.decode()


def _more_cases(n: int) -> None:
    for _ in range(n):
        factories.make_case(order_start_date=timezone.localdate())


@pytest.mark.parametrize("path", ["/cases/", "/young-people/", "/dashboard/", "/practitioners/"])
def test_list_pages_query_count_does_not_grow_with_rows(world, path, django_assert_max_num_queries):
    client = browser_for(world["users"][Role.YOT_ADMIN])
    _more_cases(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _more_cases(12)
    for _ in range(6):
        factories.make_practitioner(agency="education")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200
