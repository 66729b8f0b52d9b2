"""Real threads racing for the same practitioners and room: exactly one wins."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.utils import timezone

from agencies.models import Agency
from agencies.services import working_pattern_create
from screening.errors import SlotTaken
from screening.models import Session, Visit
from screening.services.visits import SessionRequest, visit_book
from tests.factories import make_case, make_practitioner, make_room

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


@pytest.mark.parametrize("shared", ["room", "practitioner"])
def test_concurrent_bookings_of_one_slot_give_one_visit(monkeypatch, shared):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    health = Agency.objects.get(code="health")
    practitioner = make_practitioner(agency=health)
    working_pattern_create(
        practitioner=practitioner,
        weekdays=[1],
        start_time=dt.time(9),
        end_time=dt.time(17),
        valid_from=dt.date(2027, 1, 1),
    )
    room = make_room()
    clients = 8
    jobs = []
    for _ in range(clients):
        if shared == "room":
            p = make_practitioner(agency=health)
            working_pattern_create(
                practitioner=p,
                weekdays=[1],
                start_time=dt.time(9),
                end_time=dt.time(17),
                valid_from=dt.date(2027, 1, 1),
            )
            r = room
        else:
            p, r = practitioner, make_room()
        jobs.append((make_case(), r, p))
    start = dt.datetime.combine(DAY, dt.time(10), tzinfo=LONDON)
    barrier = threading.Barrier(clients)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(case, room, practitioner):
        try:
            barrier.wait()
            visit_book(
                case=case,
                room=room,
                sessions=[SessionRequest(agency=health, practitioner=practitioner, start=start)],
            )
            result = "booked"
        except SlotTaken:
            result = "taken"
        except Exception as exc:  # recorded and asserted below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=book, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["booked"] + ["taken"] * (clients - 1), outcomes
    assert Visit.objects.count() == 1 and Session.objects.count() == 1


def test_concurrent_case_creation_gives_distinct_references():
    from screening.models import Case
    from screening.services.cases import case_create
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
