"""The visit's interpreter gets a calendar invite for the whole visit, by email through the
invite outbox: on booking, on a move (kept: "Moved"; replaced: the new one invited, the old
one cancelled with the old time), and on cancellation."""

import datetime as dt

import icalendar
from django.core import mail
from django.db import transaction

from screening.booking.services import visit_book, visit_cancel, visit_reschedule
from screening.calendars.feeds import visit_uid
from screening.calendars.invites import invites_send_due
from screening.people.young_people import young_person_update
from tests.calendar_support import LONDON, sessions_from, world  # noqa: F401 - the fixture
from tests.factories import make_interpreter

TUESDAY = dt.datetime(2027, 3, 2, 10, 0, tzinfo=LONDON)


def send_due() -> dict[str, list]:
    before = len(mail.outbox)
    invites_send_due()
    out: dict[str, list] = {}
    for message in mail.outbox[before:]:
        out.setdefault(message.to[0], []).append(message)
    return out


def event_of(message) -> icalendar.Event:
    [(content, _)] = message.alternatives
    content = content.encode() if isinstance(content, str) else content
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    return event


def book_with(world, interpreter, start=TUESDAY):  # noqa: F811
    young_person_update(
        young_person=world.case.young_person, interpreter_needed=True, interpreter_language="pl"
    )
    with transaction.atomic():
        return visit_book(
            case=world.case,
            room=world.room,
            interpreter=interpreter,
            sessions=sessions_from(world, start),
            late_reason="The family asked for this date.",
        )


def test_the_interpreter_is_invited_for_the_whole_visit(world):  # noqa: F811
    ola = make_interpreter(name="Ola Nowak")
    visit = book_with(world, ola)
    sent = send_due()
    [message] = sent[ola.email]
    assert message.subject.startswith("Screening session: interpreting, Tuesday 2 March 2027")
    event = event_of(message)
    assert str(event["UID"]) == visit_uid(visit.pk)
    assert event.decoded("DTSTART") == visit.start and event.decoded("DTEND") == visit.end
    assert "Quickfall" not in message.body and "Jordan" not in message.body
    assert len(sent) == 5  # the four practitioners and the interpreter


def test_a_move_keeps_or_replaces_the_interpreter_and_a_cancellation_cancels(world):  # noqa: F811
    ola, jan = make_interpreter(name="Ola Nowak"), make_interpreter(name="Jan Kowal")
    visit = book_with(world, ola)
    send_due()
    later = TUESDAY + dt.timedelta(hours=2)
    with transaction.atomic():
        visit = visit_reschedule(visit=visit, room=world.room, sessions=sessions_from(world, later))
    moved = send_due()
    [kept] = moved[ola.email]
    assert kept.subject.startswith("Moved: interpreting")
    assert event_of(kept).decoded("DTSTART") == later
    with transaction.atomic():
        visit = visit_reschedule(
            visit=visit, room=world.room, sessions=sessions_from(world, later), interpreter=jan
        )
    changed = send_due()
    [cancel] = changed[ola.email]
    [invite] = changed[jan.email]
    assert event_of(cancel)["STATUS"] == "CANCELLED"
    assert event_of(cancel).decoded("DTSTART") == later
    assert invite.subject.startswith("Screening session: interpreting")
    with transaction.atomic():
        visit_cancel(visit=visit, reason="The family moved away.")
    [gone] = send_due()[jan.email]
    assert event_of(gone)["STATUS"] == "CANCELLED"


def test_an_interpreter_who_chose_welsh_gets_the_invite_and_feed_in_welsh(world):  # noqa: F811
    """An interpreter's invite_language (a YOT admin sets it; they have no login) chooses
    their invites' language as a login's language does for staff."""
    from agencies.services import interpreter_update
    from screening.calendars.feeds import interpreter_feed

    ola = make_interpreter(name="Ola Nowak")
    interpreter_update(interpreter=ola, invite_language="cy")
    book_with(world, ola)
    sent = send_due()
    [message] = sent[ola.email]
    # Tuesday 2 March 2027, in Welsh
    assert message.subject.startswith("Sesiwn sgrinio: cyfieithu, Dydd Mawrth 2 Mawrth 2027")
    event = event_of(message)
    words = str(event["SUMMARY"]) + str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]).startswith("Ymweliad sgrinio: ")
    assert "Sesiynau:" in words and "Screening" not in words and "Sessions:" not in words
    others = [m for to, ms in sent.items() if to != ola.email for m in ms]
    assert others and all(m.subject.startswith("Screening session: ") for m in others)
    [feed_event] = icalendar.Calendar.from_ical(interpreter_feed(interpreter=ola)).walk("VEVENT")
    assert "Screening" not in str(feed_event["SUMMARY"])


def test_an_interpreter_s_invite_language_must_be_one_of_the_service_s(world):  # noqa: F811
    import pytest
    from django.core.exceptions import ValidationError

    from agencies.services import interpreter_update

    ola = make_interpreter(name="Ola Nowak")
    with pytest.raises(ValidationError) as caught:
        interpreter_update(interpreter=ola, invite_language="pl")
    assert "invite_language" in caught.value.message_dict
    ola.refresh_from_db()
    assert ola.invite_language == ""
