"""The database itself refuses double bookings (SQLite triggers, PostgreSQL exclusion)."""

import datetime as dt
import types

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models.signals import post_migrate

from screening.booking.guards import (
    DEADLOCK,
    GUARDS,
    INTERPRETER_CONSTRAINT,
    SESSION_CONSTRAINT,
    VISIT_CONSTRAINT,
    guard_deadlock,
    guard_violated,
    installed_guards,
)
from screening.models import Session, Visit, VisitStatus
from tests.factories import make_case, make_interpreter, make_practitioner, make_room

UTC = dt.UTC
T0 = dt.datetime(2027, 3, 2, 10, 0, tzinfo=UTC)


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def setting(db):
    room = make_room()
    practitioner = make_practitioner(agency="health")
    return room, practitioner


def visit(room, start, end, status=VisitStatus.BOOKED):
    return Visit.objects.create(case=make_case(), room=room, start=start, end=end, status=status)


def session(v, practitioner, start, end, buffer=10, cancelled=False):
    return Session.objects.create(
        visit=v,
        agency=practitioner.agency,
        practitioner=practitioner,
        start=start,
        end=end,
        buffer_minutes=buffer,
        cancelled=cancelled,
    )


def assert_refused(guard, fn):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        fn()
    assert guard_violated(excinfo.value) == guard


def test_guards_are_installed_after_migrate(db):
    assert installed_guards(connection) == set(GUARDS)


def test_practitioner_cannot_have_overlapping_sessions(setting):
    room, practitioner = setting
    v1 = visit(room, T0, T0 + minutes(45))
    session(v1, practitioner, T0, T0 + minutes(45))
    other_room = make_room()
    v2 = visit(other_room, T0 + minutes(30), T0 + minutes(60))
    assert_refused(
        SESSION_CONSTRAINT, lambda: session(v2, practitioner, T0 + minutes(30), T0 + minutes(60))
    )


def test_session_buffer_is_held_by_the_database(setting):
    room, practitioner = setting
    v1 = visit(room, T0, T0 + minutes(30))
    session(v1, practitioner, T0, T0 + minutes(30), buffer=10)
    v2 = visit(make_room(), T0 + minutes(35), T0 + minutes(65))
    # 10:35 falls inside the first session's buffer (held to 10:40).
    assert_refused(
        SESSION_CONSTRAINT, lambda: session(v2, practitioner, T0 + minutes(35), T0 + minutes(65))
    )
    # From 10:40 the practitioner is free again... but the new session's own buffer
    # counts too: a session ending at 09:55 with a 10-minute buffer reaches into 10:00.
    session(v2, practitioner, T0 + minutes(40), T0 + minutes(65))
    v3 = visit(make_room(), T0 - minutes(30), T0 - minutes(5))
    assert_refused(
        SESSION_CONSTRAINT, lambda: session(v3, practitioner, T0 - minutes(30), T0 - minutes(5))
    )
    session(v3, practitioner, T0 - minutes(40), T0 - minutes(10))


def test_cancelled_sessions_do_not_hold_the_practitioner(setting):
    room, practitioner = setting
    v1 = visit(room, T0, T0 + minutes(30))
    session(v1, practitioner, T0, T0 + minutes(30), cancelled=True)
    v2 = visit(make_room(), T0, T0 + minutes(30))
    session(v2, practitioner, T0, T0 + minutes(30))
    assert Session.objects.filter(practitioner=practitioner).count() == 2


def test_reviving_a_cancelled_session_into_a_clash_is_refused(setting):
    room, practitioner = setting
    v1 = visit(room, T0, T0 + minutes(30))
    old = session(v1, practitioner, T0, T0 + minutes(30), cancelled=True)
    v2 = visit(make_room(), T0, T0 + minutes(30))
    session(v2, practitioner, T0, T0 + minutes(30))
    old.cancelled = False
    assert_refused(SESSION_CONSTRAINT, old.save)


def test_room_cannot_hold_overlapping_visits(setting):
    room, _ = setting
    visit(room, T0, T0 + minutes(120))
    assert_refused(VISIT_CONSTRAINT, lambda: visit(room, T0 + minutes(119), T0 + minutes(150)))
    # Back to back is fine: the room has no buffer.
    visit(room, T0 + minutes(120), T0 + minutes(150))


def test_cancelled_visits_free_the_room(setting):
    room, _ = setting
    first = visit(room, T0, T0 + minutes(120))
    first.status = VisitStatus.CANCELLED
    first.save()
    visit(room, T0, T0 + minutes(120))
    assert Visit.objects.filter(room=room).count() == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite table rebuilds only")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_guards_come_back_after_a_migration_rebuilds_the_table():
    from django.apps import apps

    with connection.schema_editor() as editor:
        editor._remake_table(Session)  # what AlterField does on SQLite
    assert SESSION_CONSTRAINT not in installed_guards(connection)
    config = apps.get_app_config("screening")
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using="default",
        plan=[],
        apps=apps,
    )
    assert installed_guards(connection) == set(GUARDS)


def crossing_transactions(write) -> list[Exception]:
    """Two transactions on their own threads: each calls `write(n, 0)`, waits for the
    other to do the same, then calls `write(n, 1)`. Returns the database errors raised."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def work(n: int) -> None:
        try:
            with transaction.atomic():
                write(n, 0)
                barrier.wait()
                write(n, 1)
        except (IntegrityError, OperationalError) as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deadlock_between_two_conflicting_inserts_is_read_as_the_slot_taken():
    """Two transactions each insert a session, then one clashing with the other's: the
    server breaks the deadlock by failing one, and that failure names the session guard."""
    first, second = make_practitioner(agency="health"), make_practitioner(agency="health")
    visits = [visit(make_room(), T0, T0 + minutes(60)) for _ in range(2)]
    order = [(first, second), (second, first)]
    # Both hold their first row; then each clashes with the other's.
    errors = crossing_transactions(
        lambda n, step: session(visits[n], order[n][step], T0, T0 + minutes(30))
    )
    assert errors, "one of the two must fail"
    assert all(guard_violated(e) == SESSION_CONSTRAINT for e in errors), errors
    assert any(isinstance(e, OperationalError) for e in errors), "the failure was a deadlock"


class FakeDriverError(Exception):
    """What psycopg raises: the SQLSTATE and the server's diagnostics."""

    def __init__(self, text: str, *, sqlstate: str, context: str | None) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate
        self.diag = types.SimpleNamespace(context=context, constraint_name=None)


def database_error(text: str, *, sqlstate: str, context: str | None) -> Exception:
    """An error as Django raises it, the driver's error as its __cause__."""
    error = OperationalError(text)
    error.__cause__ = FakeDriverError(text, sqlstate=sqlstate, context=context)
    return error


def test_a_deadlock_while_checking_a_guard_is_read_as_that_guard():
    error = database_error(
        "deadlock detected",
        sqlstate=DEADLOCK,
        context='while checking exclusion constraint on tuple (0,3) in relation "screening_session"',  # noqa: E501
    )
    assert guard_deadlock(error) == SESSION_CONSTRAINT == guard_violated(error)


@pytest.mark.parametrize(
    "context",
    ['while updating tuple (0,7) in relation "screening_case"', None],
    ids=["another table", "no context"],
)
def test_a_deadlock_outside_the_guards_names_no_guard(context):
    error = database_error("deadlock detected", sqlstate=DEADLOCK, context=context)
    assert guard_deadlock(error) is None
    assert guard_violated(error) is None


def test_a_booking_lets_a_deadlock_outside_the_guards_stand():
    from screening.booking.services import _raise_taken

    error = database_error("deadlock detected", sqlstate=DEADLOCK, context=None)
    taken = {SESSION_CONSTRAINT: "practitioner (A)", VISIT_CONSTRAINT: "room B"}
    with pytest.raises(OperationalError) as raised:
        _raise_taken(error, taken)
    assert raised.value is error


def test_an_error_other_than_a_deadlock_names_no_guard():
    error = database_error(
        "could not serialize access",
        sqlstate="40001",
        context='while checking exclusion constraint on tuple (0,3) in relation "screening_visit"',
    )
    assert guard_deadlock(error) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_deadlock_outside_the_guards_names_no_guard():
    """Two transactions update two rooms in opposite orders: the server fails one with a
    deadlock that no guard was checking, which is reported as itself."""
    from screening.models import Room

    rooms = [make_room(), make_room()]
    order = [rooms, rooms[::-1]]
    errors = crossing_transactions(
        lambda n, step: Room.objects.filter(pk=order[n][step].pk).update(name=f"Room of {n}")
    )
    assert len(errors) == 1, errors
    assert getattr(errors[0].__cause__, "sqlstate", None) == DEADLOCK
    assert guard_violated(errors[0]) is None


def test_interpreter_guard_refuses_overlapping_visits_of_one_interpreter(db):
    interpreter = make_interpreter(weekdays=None)

    def held(room, start, end, status=VisitStatus.BOOKED):
        return Visit.objects.create(
            case=make_case(),
            room=room,
            start=start,
            end=end,
            status=status,
            interpreter=interpreter,
        )

    held(make_room(), T0, T0 + minutes(120))
    # Another room, overlapping by a minute at the end: refused.
    assert_refused(
        INTERPRETER_CONSTRAINT, lambda: held(make_room(), T0 + minutes(119), T0 + minutes(150))
    )
    # Touching is fine, and a cancelled visit holds nothing.
    held(make_room(), T0 + minutes(120), T0 + minutes(150))
    held(make_room(), T0, T0 + minutes(60), status=VisitStatus.CANCELLED)
    # Visits without an interpreter never clash through this guard.
    room = make_room()
    visit(room, T0 + minutes(300), T0 + minutes(360))
    visit(make_room(), T0 + minutes(300), T0 + minutes(360))


def test_interpreter_guard_refuses_moving_a_visit_onto_another(db):
    interpreter = make_interpreter(weekdays=None)
    first = Visit.objects.create(
        case=make_case(),
        room=make_room(),
        start=T0,
        end=T0 + minutes(60),
        interpreter=interpreter,
    )
    second = visit(make_room(), T0 + minutes(30), T0 + minutes(90))
    second.interpreter = interpreter

    assert_refused(INTERPRETER_CONSTRAINT, second.save)
    assert first.pk
