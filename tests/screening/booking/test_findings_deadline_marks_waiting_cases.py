"""A case's findings deadline is empty exactly while it has no booked or completed visit,
after any sequence of bookings, cancellations, reschedules, attendance and rebookings: the
dashboard reads the cases waiting for a visit from that column (a partial index), so it
lists the same cases as the plain rule "no live visit"."""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from agencies.models import Agency
from screening.booking.services import (
    SessionRequest,
    session_rebook,
    session_record_attendance,
    visit_book,
    visit_cancel,
    visit_reschedule,
)
from screening.errors import NotAllowed, SlotTaken
from screening.models import LIVE_VISIT, Case, Session, Visit, VisitStatus
from screening.people.selectors import cases_needing_visit_for
from tests.factories import make_case, make_room, make_user, make_working_practitioner

LONDON = ZoneInfo("Europe/London")
# Tuesday 2 to Thursday 4 March 2027 are working days (Easter is at the end of the month);
# "now" is Tuesday 23 February 2027, before them all.
DAYS = [dt.date(2027, 3, 2), dt.date(2027, 3, 3), dt.date(2027, 3, 4)]
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)
CODES = ["speech_language", "health", "education", "social_care"]
# Each case has its own hours, so two cases never want one practitioner or the room at once:
# the visit (about 2 h 35) and then a rebooked health session.
VISIT_AT = [dt.time(8, 30), dt.time(11, 30)]
REBOOK_AT = [dt.time(15, 0), dt.time(16, 30)]

steps = st.lists(
    st.tuples(
        st.sampled_from(["book", "cancel", "reschedule", "attend", "rebook"]),
        st.integers(0, 1),  # which case
        st.integers(0, len(DAYS) - 1),  # which day
        st.booleans(),  # attend: whether the health session was missed
    ),
    max_size=8,
)


@pytest.fixture
def clock(monkeypatch):
    now = [NOW]
    monkeypatch.setattr(timezone, "now", lambda: now[0].astimezone(dt.UTC))
    return now


@pytest.fixture
def yot(db, clock):
    people = {code: make_working_practitioner(agency=code, hours=(8, 18)) for code in CODES}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=CODES)}
    return people, agencies, make_room(), make_user(role=Role.YOT_ADMIN)


def _visit(people, agencies, n: int, day: dt.date) -> list[SessionRequest]:
    start = dt.datetime.combine(day, VISIT_AT[n], tzinfo=LONDON)
    sessions = []
    for code in CODES:
        sessions.append(
            SessionRequest(agency=agencies[code], practitioner=people[code], start=start)
        )
        start += dt.timedelta(minutes=agencies[code].default_duration_minutes + 5)
    return sessions


def _step(yot, clock, cases, action: str, n: int, day: dt.date, missed: bool) -> None:
    people, agencies, room, _ = yot
    case = cases[n]
    booked = Visit.objects.filter(case=case, status=VisitStatus.BOOKED).order_by("start").first()
    if action == "book":
        visit_book(
            case=case, room=room, sessions=_visit(people, agencies, n, day), late_reason="Unwell"
        )
    elif action == "cancel" and booked:
        visit_cancel(visit=booked, reason="Family emergency")
    elif action == "reschedule" and booked and booked.rebook_of_id is None:
        visit_reschedule(
            visit=booked,
            room=room,
            sessions=_visit(people, agencies, n, day),
            reason="College",
            late_reason="Unwell",
        )
    elif action == "attend" and booked:
        clock[0] = booked.end + dt.timedelta(hours=1)
        try:
            for s in booked.sessions.all():
                attended = not (missed and s.agency.code == "health")
                session_record_attendance(session=s, attended=attended, reason="Unwell")
        finally:
            clock[0] = NOW
    elif action == "rebook":
        missed_session = (
            case.visits.filter(status=VisitStatus.COMPLETED, sessions__attended=False)
            .values_list("sessions", flat=True)
            .first()
        )
        if missed_session is not None:
            session_rebook(
                missed=Session.objects.get(pk=missed_session),
                room=room,
                practitioner=people["health"],
                start=dt.datetime.combine(day, REBOOK_AT[n], tzinfo=LONDON),
                reason="Unwell",
            )


def _waiting_by_rule() -> set[int]:
    live = Visit.objects.filter(status__in=LIVE_VISIT).values("case_id")
    return set(Case.objects.exclude(pk__in=live).values_list("pk", flat=True))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_findings_deadline_is_empty_exactly_while_a_case_has_no_live_visit(yot, clock, steps):
    admin = yot[3]
    with transaction.atomic():
        cases = [make_case(order_start_date=dt.date(2027, 2, 22)) for _ in range(2)]
        for action, n, day, missed in steps:
            # A step the rules refuse writes nothing.
            with contextlib.suppress(NotAllowed, SlotTaken, ValidationError):
                _step(yot, clock, cases, action, n, DAYS[day], missed)
            for case in cases:
                case.refresh_from_db()
                live = Visit.objects.filter(case=case, status__in=LIVE_VISIT).exists()
                assert (case.findings_due_by is None) == (not live), (action, case.reference)
            shown = {c.pk for c in cases_needing_visit_for(user=admin)}
            assert shown == _waiting_by_rule()
        transaction.set_rollback(True)


def test_the_steps_reach_every_state(yot, clock):
    """The sequence the property draws from can book, complete with a missed session,
    rebook and cancel: the states above are not all 'waiting'."""
    admin = yot[3]
    cases = [make_case(order_start_date=dt.date(2027, 2, 22)) for _ in range(2)]
    for action, n, day, missed in [
        ("book", 0, 0, False),
        ("attend", 0, 0, True),
        ("rebook", 0, 1, False),
        ("book", 1, 0, False),
        ("reschedule", 1, 2, False),
    ]:
        _step(yot, clock, cases, action, n, DAYS[day], missed)
    assert Visit.objects.filter(case=cases[0], rebook_of__isnull=False).exists()
    assert [c.pk for c in cases_needing_visit_for(user=admin)] == []
    _step(yot, clock, cases, "cancel", 1, DAYS[0], False)
    assert [c.pk for c in cases_needing_visit_for(user=admin)] == [cases[1].pk]
    cases[1].refresh_from_db()
    assert cases[1].findings_due_by is None
