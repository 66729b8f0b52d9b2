"""Real threads racing for the same practitioners and room: exactly one wins."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.utils import timezone

from agencies.models import Agency
from screening.booking.services import SessionRequest, visit_book
from screening.errors import SlotTaken
from screening.models import Session, Visit
from tests.factories import make_case, make_room, make_working_practitioner

LONDON = ZoneInfo("Europe/London")
DAY = dt.date(2027, 3, 2)
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite" and connection.settings_dict["TEST"]["NAME"] is None,
        reason="SQLite thread tests need a file-based test database (SQLITE_TEST_NAME)",
    ),
]


def working_practitioner(agency, **extra):
    """A practitioner working Tuesdays 08:00-18:00 (DAY is a Tuesday)."""
    return make_working_practitioner(agency=agency, weekdays=[1], hours=(8, 18), **extra)


def race(bookings) -> list[str]:
    """Run each booking (a callable) on its own thread, all released together; returns
    "booked", "taken" or the unexpected error of each."""
    barrier = threading.Barrier(len(bookings))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(book):
        try:
            barrier.wait()
            book()
            result = "booked"
        except SlotTaken:
            result = "taken"
        except Exception as exc:  # recorded and asserted by the caller
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(book,)) for book in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("shared", ["room", "practitioner"])
def test_concurrent_bookings_of_one_slot_give_one_visit(monkeypatch, shared):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    health = Agency.objects.get(code="health")
    practitioner = working_practitioner(health)
    room = make_room()
    clients = 8
    jobs = []
    for _ in range(clients):
        if shared == "room":
            p, r = working_practitioner(health), room
        else:
            p, r = practitioner, make_room()
        jobs.append((make_case(), r, p))
    start = dt.datetime.combine(DAY, dt.time(10), tzinfo=LONDON)

    def booking(case, room, practitioner):
        return lambda: visit_book(
            case=case,
            room=room,
            sessions=[SessionRequest(agency=health, practitioner=practitioner, start=start)],
        )

    outcomes = race([booking(*job) for job in jobs])
    assert sorted(outcomes) == ["booked"] + ["taken"] * (clients - 1), outcomes
    assert Visit.objects.count() == 1 and Session.objects.count() == 1


def test_concurrent_case_creation_gives_distinct_references():
    from screening.models import Case
    from screening.people.cases import case_create
    from tests.factories import make_young_person

    person = make_young_person()
    barrier = threading.Barrier(8)
    errors: list[str] = []

    def create():
        try:
            barrier.wait()
            for _ in range(3):
                case_create(
                    young_person=person, order_type="other", order_start_date=dt.date(2027, 3, 1)
                )
        except Exception as exc:  # recorded and asserted below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == 24 == len(set(references))


def test_concurrent_whole_visits_over_the_same_team_lose_only_as_taken(monkeypatch):
    """Four-session visits for the same four practitioners at the same time, from eight
    clients at once, round after round: one books each round, every other client is told
    the slot was taken (never a database error such as a deadlock)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    agencies = list(Agency.objects.filter(required_by_default=True).order_by("order"))
    team = [working_practitioner(agency) for agency in agencies]
    clients, rounds = 8, 3
    rooms = [make_room() for _ in range(clients)]

    def booking(case, room, start):
        sessions, at = [], start
        for agency, practitioner in zip(agencies, team, strict=True):
            sessions.append(SessionRequest(agency=agency, practitioner=practitioner, start=at))
            at += dt.timedelta(minutes=agency.default_duration_minutes + 5)
        return lambda: visit_book(case=case, room=room, sessions=sessions)

    outcomes = []
    for hour in range(rounds):
        start = dt.datetime.combine(DAY, dt.time(8 + 3 * hour), tzinfo=LONDON)
        outcomes += race([booking(make_case(), room, start) for room in rooms])
    assert sorted(outcomes) == ["booked"] * rounds + ["taken"] * (clients - 1) * rounds, outcomes
    assert Visit.objects.count() == rounds and Session.objects.count() == 4 * rounds


def test_a_booking_waits_for_one_in_progress_on_the_same_practitioner_then_is_told_why(
    monkeypatch,
):
    """A second booking of a practitioner whose booking is still being written waits for it
    to finish, then its own re-check names the practitioner and time taken (rather than
    racing it to the database guard)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    health = Agency.objects.get(code="health")
    practitioner = working_practitioner(health, name="Priya Okafor")
    start = dt.datetime.combine(DAY, dt.time(10), tzinfo=LONDON)
    jobs = [(make_case(), make_room()) for _ in range(2)]
    first_written = threading.Event()
    outcomes: dict[str, str] = {}

    def book(case, room):
        return visit_book(
            case=case,
            room=room,
            sessions=[SessionRequest(agency=health, practitioner=practitioner, start=start)],
        )

    def first():
        try:
            from django.db import transaction

            with transaction.atomic():
                book(*jobs[0])
                first_written.set()
                threading.Event().wait(1.0)  # still uncommitted while the second one starts
            outcomes["first"] = "booked"
        finally:
            first_written.set()
            connections.close_all()

    def second():
        first_written.wait(10)
        try:
            book(*jobs[1])
            outcomes["second"] = "booked"
        except SlotTaken as taken:
            outcomes["second"] = str(taken.resource)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes["first"] == "booked"
    assert outcomes["second"].startswith("practitioner Priya Okafor at 10:00"), outcomes


def test_concurrent_bookings_of_one_case_give_one_visit_and_name_the_case(monkeypatch):
    """Admins booking the same case at the same moment, each with other practitioners and
    another room (so no guard is shared): one books, every other is told the case has its
    visit, as a 409 names it."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    health = Agency.objects.get(code="health")
    case = make_case()
    start = dt.datetime.combine(DAY, dt.time(10), tzinfo=LONDON)
    refusals: list[str] = []

    def booking(room, practitioner):
        def book():
            try:
                visit_book(
                    case=case,
                    room=room,
                    sessions=[
                        SessionRequest(agency=health, practitioner=practitioner, start=start)
                    ],
                )
            except SlotTaken as taken:
                refusals.append(taken.resource)
                raise

        return book

    clients = 8
    outcomes = race([booking(make_room(), working_practitioner(health)) for _ in range(clients)])
    assert sorted(outcomes) == ["booked"] + ["taken"] * (clients - 1), outcomes
    assert refusals == [f"case {case.reference}"] * (clients - 1)
    assert Visit.objects.filter(case=case).count() == 1


@pytest.mark.slow  # twenty threads: about 3 s
def test_twenty_bookings_racing_for_one_interpreter_give_one_visit_and_name_them(monkeypatch):
    """Twenty cases needing a Polish interpreter, each with its own practitioner and room,
    all asking for the one interpreter at the same time: one books, the nineteen others are
    told (a 409) that the interpreter was taken."""
    from tests.factories import make_interpreter, make_young_person

    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    health = Agency.objects.get(code="health")
    interpreter = make_interpreter(languages=["pl"], weekdays=[1], hours=(8, 18), name="Ola Nowak")
    start = dt.datetime.combine(DAY, dt.time(10), tzinfo=LONDON)
    refusals: list[str] = []

    def booking(case, room, practitioner):
        def book():
            try:
                visit_book(
                    case=case,
                    room=room,
                    interpreter=interpreter,
                    sessions=[
                        SessionRequest(agency=health, practitioner=practitioner, start=start)
                    ],
                )
            except SlotTaken as taken:
                refusals.append(taken.resource)
                raise

        return book

    clients = 20
    jobs = [
        (
            make_case(
                young_person=make_young_person(interpreter_needed=True, interpreter_language="pl")
            ),
            make_room(),
            working_practitioner(health),
        )
        for _ in range(clients)
    ]
    outcomes = race([booking(*job) for job in jobs])
    assert sorted(outcomes) == ["booked"] + ["taken"] * (clients - 1), outcomes
    assert refusals == ["interpreter Ola Nowak at 10:00 on Tuesday 2 March 2027"] * (clients - 1)
    assert Visit.objects.filter(interpreter=interpreter).count() == 1
