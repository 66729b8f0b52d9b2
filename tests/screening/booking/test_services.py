"""Booking services: all or nothing, re-checked, history kept, attendance, rebooking."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency
from agencies.services import leave_create, working_pattern_create
from screening.booking.services import (
    SessionRequest,
    session_rebook,
    session_record_attendance,
    visit_book,
    visit_cancel,
    visit_reschedule,
)
from screening.errors import NotAllowed, SlotTaken
from screening.models import Message, Session, Visit, VisitHistory, VisitStatus
from tests.factories import make_case, make_practitioner, make_room, make_working_practitioner

LONDON = ZoneInfo("Europe/London")
# Tuesday 2 March 2027, a working day; "now" is frozen a week earlier.
DAY = dt.date(2027, 3, 2)
NOW = dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)
CODES = ["speech_language", "health", "education", "social_care"]


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    return NOW


@pytest.fixture
def team(db, frozen_now):
    """One practitioner per agency working Mon-Fri 09:00-17:00, and a room."""
    return {code: make_working_practitioner(agency=code) for code in CODES}, make_room()


def full_visit(people, start=None):
    """The default order, 5-minute gaps: 30 + 45 + 30 + 30 minutes."""
    start = start or at(10)
    sessions, t = [], start
    for code in CODES:
        agency = Agency.objects.get(code=code)
        sessions.append(SessionRequest(agency=agency, practitioner=people[code], start=t))
        t += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    return sessions


def test_booking_reads_its_rows_once_whatever_the_number_of_sessions(team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people, room = team
    sessions = full_visit(people)
    counts = []
    for requests, day in [(sessions[:1], DAY), (sessions, DAY + dt.timedelta(days=1))]:
        case = make_case(order_start_date=dt.date(2027, 2, 26))
        moved = [
            SessionRequest(
                agency=r.agency,
                practitioner=r.practitioner,
                start=dt.datetime.combine(day, r.start.timetz()),
            )
            for r in requests
        ]
        with CaptureQueriesContext(connection) as ctx:
            visit_book(case=case, room=room, sessions=moved, late_reason="after the deadline")
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_check_sessions_gives_each_session_its_end_in_the_order_of_the_visit(team):
    from screening.booking.availability import SessionToBook
    from screening.booking.services import check_sessions

    people, room = team
    speech, health = full_visit(people)[:2]
    given_end = SessionRequest(
        agency=health.agency, practitioner=health.practitioner, start=at(10, 35), end=at(11, 5)
    )
    checked = check_sessions(sessions=[given_end, speech], room=room, min_gap=5, max_gap=60)
    assert checked == [
        SessionToBook(  # its agency's default of 30 minutes
            agency=speech.agency,
            practitioner=people["speech_language"],
            start=at(10),
            end=at(10, 30),
        ),
        SessionToBook(
            agency=health.agency, practitioner=people["health"], start=at(10, 35), end=at(11, 5)
        ),
    ]


def test_visit_book_books_every_session_back_to_back(team):
    people, room = team
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    visit = visit_book(case=case, room=room, sessions=full_visit(people))
    sessions = list(visit.sessions.order_by("start"))
    assert [s.agency.code for s in sessions] == CODES
    assert visit.start == at(10) and visit.end == at(12, 30)
    assert visit.status == VisitStatus.BOOKED and visit.version == 1
    assert sessions[0].blocked_until == at(10, 40)
    case.refresh_from_db()
    assert case.findings_due_by == dt.date(2027, 3, 4)
    assert VisitHistory.objects.filter(visit=visit, kind="booked").count() == 1


def test_visit_book_rejects_taken_practitioner_and_writes_nothing(team):
    people, room = team
    visit_book(case=make_case(), room=room, sessions=full_visit(people))
    other_room = make_room()
    before = (Visit.objects.count(), Session.objects.count())
    with pytest.raises(SlotTaken) as excinfo:
        visit_book(case=make_case(), room=other_room, sessions=full_visit(people, at(10, 15)))
    assert "practitioner" in excinfo.value.resource
    assert (Visit.objects.count(), Session.objects.count()) == before


def test_visit_book_rejects_taken_room(team):
    people, room = team
    visit_book(case=make_case(), room=room, sessions=full_visit(people))
    others = {code: make_working_practitioner(agency=code, weekdays=[1]) for code in CODES}
    before = (Visit.objects.count(), Session.objects.count())
    with pytest.raises(SlotTaken) as excinfo:
        visit_book(case=make_case(), room=room, sessions=full_visit(others, at(12)))
    # Found by the re-check, in the words the room guard would use.
    local = at(12).astimezone(ZoneInfo("Europe/London"))
    assert excinfo.value.resource == f"room {room} at 12:00 on {local:%A} {local.day} {local:%B %Y}"
    assert (Visit.objects.count(), Session.objects.count()) == before


def test_a_case_has_one_booked_visit_per_agency_and_a_second_is_refused_naming_it(team):
    people, room = team
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    visit_book(case=case, room=room, sessions=full_visit(people)[:2])  # speech and health
    others = {code: make_working_practitioner(agency=code) for code in CODES}
    with pytest.raises(SlotTaken) as excinfo:
        visit_book(case=case, room=make_room(), sessions=full_visit(others, at(14))[1:3])
    assert excinfo.value.resource == f"case {case.reference}"
    assert "Health" in str(excinfo.value) and "reschedule or cancel it" in str(excinfo.value)
    # The agencies it has no visit with yet may still be booked for it.
    third = full_visit(others, at(14))[2:]
    assert visit_book(case=case, room=make_room(), sessions=third).case == case


def test_visit_book_refuses_time_outside_working_pattern(team):
    people, room = team
    with pytest.raises(ValidationError) as excinfo:
        visit_book(case=make_case(), room=room, sessions=full_visit(people, at(15)))
    assert "not working" in str(excinfo.value)


def test_visit_book_refuses_practitioner_on_leave(team):
    people, room = team
    leave_create(practitioner=people["health"], start=at(0), end=at(0, day=DAY + dt.timedelta(1)))
    with pytest.raises(ValidationError) as excinfo:
        visit_book(case=make_case(), room=room, sessions=full_visit(people))
    assert people["health"].name in str(excinfo.value)


def test_visit_book_needs_minimum_notice(team, monkeypatch):
    people, room = team
    monkeypatch.setattr(timezone, "now", lambda: at(9).astimezone(dt.UTC))
    with pytest.raises(ValidationError) as excinfo:
        visit_book(case=make_case(), room=room, sessions=full_visit(people))
    assert "notice" in str(excinfo.value)


def test_visit_book_after_the_deadline_needs_a_reason(team):
    people, room = team
    case = make_case(order_start_date=dt.date(2027, 2, 1))  # visit due 8 February
    with pytest.raises(ValidationError) as excinfo:
        visit_book(case=case, room=room, sessions=full_visit(people))
    assert "late_reason" in excinfo.value.message_dict
    visit = visit_book(
        case=case, room=room, sessions=full_visit(people), late_reason="Young person in hospital"
    )
    assert visit.late_reason == "Young person in hospital"


def test_visit_book_refuses_gaps_outside_the_window(team):
    people, room = team
    sessions = full_visit(people)
    sessions[1] = SessionRequest(
        agency=sessions[1].agency,
        practitioner=people["health"],
        start=sessions[1].start + dt.timedelta(minutes=60),
    )
    with pytest.raises(ValidationError) as excinfo:
        visit_book(case=make_case(), room=room, sessions=sessions)
    assert "gap" in str(excinfo.value)


def test_visit_book_refuses_a_practitioner_of_another_agency(team):
    people, room = team
    sessions = full_visit(people)
    sessions[0] = SessionRequest(
        agency=sessions[0].agency, practitioner=people["health"], start=sessions[0].start
    )
    with pytest.raises(ValidationError) as excinfo:
        visit_book(case=make_case(), room=room, sessions=sessions)
    assert "sessions.0.practitioner" in excinfo.value.message_dict


def test_daily_cap_stops_further_sessions(team):
    people, room = team
    people["health"].daily_session_cap = 1
    people["health"].save()
    visit_book(case=make_case(), room=room, sessions=full_visit(people))
    with pytest.raises((SlotTaken, ValidationError)) as excinfo:
        visit_book(case=make_case(), room=make_room(), sessions=full_visit(people, at(14)))
    assert "limit" in str(excinfo.value)


def test_visit_reschedule_keeps_session_ids_and_raises_version(team):
    people, room = team
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    visit = visit_book(case=case, room=room, sessions=full_visit(people))
    ids = {s.agency.code: s.pk for s in visit.sessions.all()}
    # Overlapping its own old times is fine: the old holds are released.
    moved = visit_reschedule(visit=visit, room=room, sessions=full_visit(people, at(10, 30)))
    assert moved.version == 2 and moved.start == at(10, 30)
    assert {s.agency.code: s.pk for s in moved.sessions.all()} == ids
    kinds = list(VisitHistory.objects.filter(visit=visit).values_list("kind", flat=True))
    assert kinds == ["booked", "rescheduled"]
    booked = VisitHistory.objects.get(visit=visit, kind="booked").snapshot
    assert booked["start"] == at(10).astimezone(dt.UTC).isoformat()
    assert {s["agency"]: s["id"] for s in booked["sessions"]} == ids
    assert booked["sessions"][1]["start"] == at(10, 35).astimezone(dt.UTC).isoformat()


def test_visit_cancel_frees_practitioners_and_room(team):
    people, room = team
    visit = visit_book(case=make_case(), room=room, sessions=full_visit(people))
    with pytest.raises(ValidationError):
        visit_cancel(visit=visit, reason="  ")
    visit_cancel(visit=visit, reason="Young person moved away")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED and visit.version == 2
    assert not visit.sessions.filter(cancelled=False).exists()
    visit_book(case=make_case(), room=room, sessions=full_visit(people))
    with pytest.raises(NotAllowed):
        visit_cancel(visit=visit, reason="again")


def test_visit_cancel_clears_the_findings_deadline_it_set(team, monkeypatch):
    """Findings fall due 2 working days after the visit: Tuesday 2 March 2027 gives
    Thursday 4 March. Cancelling the case's only visit leaves no findings deadline;
    cancelling a rebooking (Wednesday 3 March, due Friday 5 March) gives back the one of
    the visit that took place."""
    people, room = team
    case = make_case()
    visit = visit_book(case=case, room=room, sessions=full_visit(people))
    case.refresh_from_db()
    assert case.findings_due_by == dt.date(2027, 3, 4)
    visit_cancel(visit=visit, reason="Young person moved away")
    case.refresh_from_db()
    assert case.findings_due_by is None

    visit = visit_book(case=case, room=room, sessions=full_visit(people, start=at(13)))
    monkeypatch.setattr(timezone, "now", lambda: at(16).astimezone(dt.UTC))
    for s in visit.sessions.all():
        session_record_attendance(
            session=s, attended=s.agency.code != "health", reason="Unwell on the day"
        )
    rebooked = session_rebook(
        missed=visit.sessions.get(agency__code="health"),
        room=room,
        practitioner=people["health"],
        start=at(10, day=dt.date(2027, 3, 3)),
        reason="Unwell on the day",
    )
    case.refresh_from_db()
    assert case.findings_due_by == dt.date(2027, 3, 5)
    visit_cancel(visit=rebooked, reason="Booked in error")
    case.refresh_from_db()
    assert case.findings_due_by == dt.date(2027, 3, 4)


def test_attendance_not_before_the_session_and_reason_when_missed(team, monkeypatch):
    people, room = team
    visit = visit_book(case=make_case(), room=room, sessions=full_visit(people))
    first = visit.sessions.order_by("start").first()
    with pytest.raises(NotAllowed):
        session_record_attendance(session=first, attended=True)
    monkeypatch.setattr(timezone, "now", lambda: at(13).astimezone(dt.UTC))
    with pytest.raises(ValidationError) as excinfo:
        session_record_attendance(session=first, attended=False)
    assert "reason" in excinfo.value.message_dict
    for s in visit.sessions.order_by("start"):
        session_record_attendance(
            session=s, attended=s.agency.code != "health", reason="Did not attend"
        )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED


def test_missed_session_is_rebooked_alone_with_its_reason(team, monkeypatch):
    people, room = team
    visit = visit_book(case=make_case(), room=room, sessions=full_visit(people))
    monkeypatch.setattr(timezone, "now", lambda: at(13).astimezone(dt.UTC))
    for s in visit.sessions.all():
        session_record_attendance(
            session=s, attended=s.agency.code != "health", reason="Young person left early"
        )
    missed = visit.sessions.get(agency__code="health")
    rebooked = session_rebook(
        missed=missed,
        room=room,
        practitioner=people["health"],
        start=at(10, day=DAY + dt.timedelta(days=1)),
        reason="Young person left early",
    )
    assert [s.agency.code for s in rebooked.sessions.all()] == ["health"]
    assert rebooked.rebook_of == missed and rebooked.rebook_reason == "Young person left early"
    assert rebooked.late_reason == ""
    with pytest.raises(NotAllowed):
        session_rebook(
            missed=missed,
            room=room,
            practitioner=people["health"],
            start=at(14, day=DAY + dt.timedelta(days=1)),
            reason="again",
        )


def test_a_missed_session_is_rebooked_before_the_rest_of_its_visit_is_recorded(team, monkeypatch):
    """The missed session holds its agency no longer: the rebooking, a second live visit
    for the case, is booked while the visit's later sessions are still to be recorded."""
    people, room = team
    visit = visit_book(case=make_case(), room=room, sessions=full_visit(people))
    monkeypatch.setattr(timezone, "now", lambda: at(11, 30).astimezone(dt.UTC))
    speech, health = visit.sessions.order_by("start")[:2]
    session_record_attendance(session=speech, attended=True)
    health = session_record_attendance(
        session=health, attended=False, reason="Left before it began"
    )
    rebooked = session_rebook(
        missed=health,
        room=make_room(),
        practitioner=people["health"],
        start=at(10, day=DAY + dt.timedelta(days=1)),
        reason="Left before it began",
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED and rebooked.status == VisitStatus.BOOKED
    assert rebooked.rebook_of == health


def test_a_missed_session_is_rebooked_the_same_day_while_the_rest_is_to_come(team, monkeypatch):
    """At 11:30 on Tuesday 2 March 2027 the health session (10:35-11:20) is missed while
    education (11:25) and social care (12:00) are still to come: health is rebooked for
    15:00 that day, before its deadline, so with no reason for being late."""
    people, room = team
    visit = visit_book(case=make_case(), room=room, sessions=full_visit(people))
    monkeypatch.setattr(timezone, "now", lambda: at(11, 30).astimezone(dt.UTC))
    speech, health = visit.sessions.order_by("start")[:2]
    session_record_attendance(session=speech, attended=True)
    health = session_record_attendance(session=health, attended=False, reason="Left early")
    rebooked = session_rebook(
        missed=health,
        room=make_room(),
        practitioner=people["health"],
        start=at(15),
        reason="Left before it began; back this afternoon.",
    )
    assert rebooked.start == at(15) and rebooked.late_reason == ""
    assert rebooked.rebook_reason == "Left before it began; back this afternoon."


def test_a_rebooking_after_its_own_deadline_needs_why_late_kept_apart(team, monkeypatch):
    """The health session missed on Tuesday 2 March 2027 is rebooked within five working
    days: by Tuesday 9 March. On Wednesday 10 March the rebooking needs a late reason too,
    and the two reasons are kept apart."""
    people, room = team
    visit = visit_book(case=make_case(), room=room, sessions=full_visit(people))
    monkeypatch.setattr(timezone, "now", lambda: at(13).astimezone(dt.UTC))
    for s in visit.sessions.all():
        session_record_attendance(session=s, attended=s.agency.code != "health", reason="Unwell")
    missed = visit.sessions.get(agency__code="health")
    wednesday = dt.date(2027, 3, 10)
    asked = {
        "missed": missed,
        "room": room,
        "practitioner": people["health"],
        "start": at(10, day=wednesday),
        "reason": "Unwell on the day",
    }
    with pytest.raises(ValidationError) as refused:
        session_rebook(**asked)
    assert list(refused.value.message_dict) == ["late_reason"]
    assert "9 March 2027" in refused.value.message_dict["late_reason"][0]
    rebooked = session_rebook(**asked, late_reason="The nurse was away until Wednesday.")
    assert rebooked.rebook_reason == "Unwell on the day"
    assert rebooked.late_reason == "The nurse was away until Wednesday."
    booked = rebooked.history.get(kind=VisitHistory.Kind.BOOKED)
    assert (booked.reason, booked.late_reason) == (
        "Unwell on the day",
        "The nurse was away until Wednesday.",
    )


def test_each_change_plans_its_texts_and_invites_with_the_state_before(team, monkeypatch):
    from screening.booking import services as booking

    people, room = team
    texts, invites = [], []
    real_texts, real_invites = booking.messages_plan_for_visit, booking.invites_plan_for_change

    def plan_texts(*, visit, kind, previous):
        texts.append((kind, visit.version, previous and previous["start"]))
        return real_texts(visit=visit, kind=kind, previous=previous)

    def plan_invites(*, visit, kind, previous, snapshot):
        invites.append((kind, visit.version, previous and previous["start"]))
        return real_invites(visit=visit, kind=kind, previous=previous, snapshot=snapshot)

    monkeypatch.setattr(booking, "messages_plan_for_visit", plan_texts)
    monkeypatch.setattr(booking, "invites_plan_for_change", plan_invites)
    case = make_case(order_start_date=dt.date(2027, 2, 26))
    visit = visit_book(case=case, room=room, sessions=full_visit(people))
    visit_reschedule(visit=visit, room=room, sessions=full_visit(people, at(13)))
    visit_cancel(visit=visit, reason="Family moved away")
    expected = [
        ("booked", 1, None),
        ("rescheduled", 2, at(10).isoformat()),
        ("cancelled", 3, at(13).isoformat()),
    ]
    assert texts == expected and invites == expected


def test_a_failing_side_effect_rolls_the_booking_back(team, monkeypatch):
    from screening.booking import services as booking

    people, room = team
    case = make_case(order_start_date=dt.date(2027, 2, 26))

    def failing(*, visit, **kwargs):
        raise RuntimeError("invite planning failed")

    monkeypatch.setattr(booking, "invites_plan_for_change", failing)
    with pytest.raises(RuntimeError):
        visit_book(case=case, room=room, sessions=full_visit(people))
    assert not Visit.objects.exists() and not VisitHistory.objects.exists()
    assert not Message.objects.exists()


def tuesday_mornings(practitioner):
    """A 09:00-12:00 Tuesday pattern from 2027, as its django-scheduler event."""
    from schedule.models import Event

    pattern = working_pattern_create(
        practitioner=practitioner,
        weekdays=[1],
        start_time=dt.time(9),
        end_time=dt.time(12),
        valid_from=dt.date(2027, 1, 1),
    )
    return Event.objects.get(pk=pattern.id)


def change_occurrence(event, *, day: dt.date, to: dt.date | None = None) -> None:
    """The Tuesday occurrence on `day` moved to 13:00-16:00 on `to`, or cancelled."""
    from schedule.models import Occurrence

    Occurrence.objects.create(
        event=event,
        title=event.title,
        start=at(13 if to else 9, day=to or day),
        end=at(16 if to else 12, day=to or day),
        original_start=at(9, day=day),
        original_end=at(12, day=day),
        cancelled=to is None,
    )


def test_search_and_booking_recheck_agree_on_a_moved_and_a_cancelled_occurrence(db, frozen_now):
    """One-off changes made in django-scheduler (an occurrence moved to another day, one
    cancelled) are read the same way by the search and by the booking re-check."""
    from screening.booking.options import visit_options

    practitioner = make_practitioner(agency="health")
    event = tuesday_mornings(practitioner)
    moved_from = dt.date(2027, 3, 2)
    change_occurrence(event, day=moved_from, to=dt.date(2027, 3, 3))  # to Wednesday afternoon
    change_occurrence(event, day=dt.date(2027, 3, 9))
    health = Agency.objects.get(code="health")
    room = make_room()
    case = make_case(order_start_date=dt.date(2027, 3, 1))

    def book(start):
        request = SessionRequest(agency=health, practitioner=practitioner, start=start)
        return visit_book(case=case, room=room, sessions=[request], late_reason="test")

    for refused in (at(9, day=moved_from), at(9, day=dt.date(2027, 3, 9))):
        with pytest.raises(ValidationError, match="not working"):
            book(refused)
    found = visit_options(case=case, agencies=[health], count=3, not_before=at(0, day=moved_from))
    from screening.scheduling.expand import from_minutes

    first = from_minutes(found.options[0].start)
    assert first == at(13, day=dt.date(2027, 3, 3))
    assert book(first).start == first


def test_an_occurrence_moved_weeks_away_counts_on_both_days(db, frozen_now):
    """Only the one-off changes that touch the checked days are read: one moved from the
    first Tuesday in March to a Wednesday two weeks later still takes the Tuesday away and
    gives the Wednesday, whichever of the two days is checked."""
    practitioner = make_practitioner(agency="health")
    moved_from, moved_to = dt.date(2027, 3, 2), dt.date(2027, 3, 17)
    change_occurrence(tuesday_mornings(practitioner), day=moved_from, to=moved_to)
    health = Agency.objects.get(code="health")
    room = make_room()

    def book(start):
        case = make_case(order_start_date=dt.date(2027, 3, 1))
        request = SessionRequest(agency=health, practitioner=practitioner, start=start)
        return visit_book(case=case, room=room, sessions=[request], late_reason="test")

    with pytest.raises(ValidationError, match="not working"):
        book(at(9, day=moved_from))
    assert book(at(13, day=moved_to)).start == at(13, day=moved_to)
    assert book(at(9, day=dt.date(2027, 3, 9))).start == at(9, day=dt.date(2027, 3, 9))


def test_reschedule_and_rebooking_reasons_have_a_limit(team):
    people, room = team
    visit = visit_book(case=make_case(), room=room, sessions=full_visit(people))
    with pytest.raises(ValidationError) as refused:
        visit_reschedule(
            visit=visit, room=room, sessions=full_visit(people, start=at(13)), reason="x" * 1001
        )
    assert list(refused.value.message_dict) == ["reason"]
    visit.refresh_from_db()
    assert visit.version == 1
