"""Calendar invites by email when a visit is booked, moved or cancelled: the content of
what the outbox's sender emails (planning and sending rules: test_invite_outbox.py)."""

import datetime as dt
import email

import icalendar
import pytest
import vobject
from django.core import mail
from django.db import transaction

from screening.booking.services import visit_cancel, visit_reschedule
from screening.calendars.feeds import session_uid
from screening.calendars.invites import invites_send_due
from screening.integrations import email as email_module
from screening.models import InviteEmail
from tests.calendar_support import (
    LONDON,
    book,
    replace_practitioner,
    second_practitioner,
    sessions_from,
)

TUESDAY = dt.datetime(2027, 3, 2, 10, 0, tzinfo=LONDON)


def send_due() -> list:
    """Run the background sender once; returns the emails it sent."""
    before = len(mail.outbox)
    invites_send_due()
    return mail.outbox[before:]


def calendar_of(message) -> bytes:
    [(content, mimetype)] = message.alternatives
    assert mimetype.startswith("text/calendar; method=")
    return content.encode() if isinstance(content, str) else content


def calendar_part(message):
    """The text/calendar part of the message as it goes over the wire."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return part


def by_recipient() -> dict[str, list]:
    out: dict[str, list] = {}
    for message in mail.outbox:
        out.setdefault(message.to[0], []).append(message)
    return out


def event_of(message) -> icalendar.Event:
    [event] = icalendar.Calendar.from_ical(calendar_of(message)).walk("VEVENT")
    return event


def test_booking_sends_each_practitioner_a_request(world):
    visit = book(world, TUESDAY)
    assert mail.outbox == []  # nothing is emailed by the booking itself
    send_due()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in world.people.values())
    for session in visit.sessions.select_related("practitioner"):
        [message] = by_recipient()[session.practitioner.email]
        assert message.from_email == "screening@yot.example.org"
        part = calendar_part(message)
        assert part.get_param("method") == "REQUEST" and part.get_content_charset() == "utf-8"
        assert part.get_all("Content-Type")[0].lower().count("charset") == 1
        [(name, attached, _)] = message.attachments
        assert name == "invite.ics" and attached == calendar_of(message)
        cal = icalendar.Calendar.from_ical(calendar_of(message))
        assert cal["METHOD"] == "REQUEST" and cal.walk("VTIMEZONE")
        event = event_of(message)
        assert event["UID"] == session_uid(session.pk)
        assert event["SEQUENCE"] == 1
        assert str(event["ORGANIZER"]) == "mailto:screening@yot.example.org"
        assert str(event["ATTENDEE"]) == f"mailto:{session.practitioner.email}"
        assert event.decoded("DTSTART") == session.start
        assert message.subject.startswith("Screening session: ")


def test_invite_reads_back_with_a_second_parser(world):
    visit = book(world, TUESDAY)
    send_due()
    session = visit.sessions.get(agency__code="health")
    [message] = by_recipient()[session.practitioner.email]
    parsed = vobject.readOne(calendar_of(message).decode())
    assert parsed.method.value == "REQUEST"
    assert parsed.vevent.uid.value == session_uid(session.pk)
    assert parsed.vevent.dtstart.value == session.start
    assert parsed.vtimezone.tzid.value == "Europe/London"


def test_no_full_names_or_findings_only_initials_and_reference(world):
    book(world, TUESDAY)
    assert len(send_due()) == 4
    for message in mail.outbox:
        everything = message.subject + message.body + calendar_of(message).decode()
        assert "Jordan" not in everything and "Quickfall" not in everything
        assert f"JQ {world.case.reference}" in message.body
        assert f"JQ {world.case.reference}" in str(event_of(message)["SUMMARY"])
        assert world.room.name in message.body and world.room.venue.name in message.body


def test_reschedule_keeps_the_uid_and_raises_the_sequence(world):
    visit = book(world, TUESDAY)
    send_due()
    first = {m.to[0]: event_of(m) for m in mail.outbox}
    mail.outbox.clear()
    visit_reschedule(
        visit=visit,
        room=world.room,
        sessions=sessions_from(world, TUESDAY + dt.timedelta(hours=3)),
        late_reason="Moved to the afternoon.",
    )
    send_due()
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert icalendar.Calendar.from_ical(calendar_of(message))["METHOD"] == "REQUEST"
        assert message.subject.startswith("Moved: ")
        event = event_of(message)
        before = first[message.to[0]]
        assert event["UID"] == before["UID"]
        assert event["SEQUENCE"] == 2 > before["SEQUENCE"]
        assert event.decoded("DTSTART") - before.decoded("DTSTART") == dt.timedelta(hours=3)


def test_replaced_practitioner_gets_a_cancel_and_the_new_one_a_request(world):
    visit = book(world, TUESDAY)
    send_due()
    mail.outbox.clear()
    visit, old, new = replace_practitioner(world, visit)
    send_due()
    uid = session_uid(visit.sessions.get(agency__code="health").pk)
    [to_old] = by_recipient()[old.email]
    [to_new] = by_recipient()[new.email]
    assert icalendar.Calendar.from_ical(calendar_of(to_old))["METHOD"] == "CANCEL"
    assert event_of(to_old)["UID"] == uid and event_of(to_old)["STATUS"] == "CANCELLED"
    assert event_of(to_old)["SEQUENCE"] == 2 and to_old.subject.startswith("Cancelled")
    assert icalendar.Calendar.from_ical(calendar_of(to_new))["METHOD"] == "REQUEST"
    assert event_of(to_new)["UID"] == uid and event_of(to_new)["SEQUENCE"] == 2


def test_cancel_sends_cancel_with_the_same_uid_and_a_higher_sequence(world):
    visit = book(world, TUESDAY)
    send_due()
    uids = {m.to[0]: event_of(m)["UID"] for m in mail.outbox}
    mail.outbox.clear()
    visit_cancel(visit=visit, reason="Family moved away")
    send_due()
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert calendar_part(message).get_param("method") == "CANCEL"
        event = event_of(message)
        assert event["UID"] == uids[message.to[0]]
        assert event["SEQUENCE"] == 2 and event["STATUS"] == "CANCELLED"
        assert message.subject.startswith("Cancelled")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # The week after the last Sunday of March (summer time starts 28 March 2027)...
        (dt.datetime(2027, 3, 30, 10, 0, tzinfo=LONDON), "20270330T100000"),
        # ...and of October (it ends 31 October 2027).
        (dt.datetime(2027, 11, 2, 10, 0, tzinfo=LONDON), "20271102T100000"),
    ],
)
def test_clock_change_weeks_keep_the_local_time(world, start, expected):
    visit = book(world, start)
    send_due()
    session = visit.sessions.get(agency__code="speech_language")
    [message] = by_recipient()[session.practitioner.email]
    text = calendar_of(message).decode()
    assert f"DTSTART;TZID=Europe/London:{expected}" in text
    assert vobject.readOne(text).vevent.dtstart.value.astimezone(LONDON).hour == 10
    assert "10:00" in message.body


def test_a_rolled_back_booking_leaves_no_invites(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        book(world, TUESDAY)
        assert InviteEmail.objects.count() == 4  # planned inside the booking transaction
        raise RuntimeError("something later in the request failed")
    assert not InviteEmail.objects.exists()
    assert send_due() == []


def test_a_failing_mail_server_does_not_break_the_booking(world, monkeypatch, caplog):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(email_module.EmailMultiAlternatives, "send", refuse)
    visit = book(world, TUESDAY)
    report = invites_send_due()
    visit.refresh_from_db()
    assert visit.status == "booked" and visit.sessions.count() == 4
    assert report.retried == 4 and report.sent == 0
    assert set(visit.invites.values_list("status", flat=True)) == {"planned"}
    assert "mail server down" in caplog.text


def test_a_visit_recorded_after_it_happened_sends_no_invites(world):
    from screening.booking.services import visit_book

    visit = visit_book(
        case=world.case,
        room=world.room,
        sessions=sessions_from(world, dt.datetime(2027, 2, 26, 10, tzinfo=LONDON)),
        record_past=True,
    )
    assert not visit.invites.exists()
    assert send_due() == []


def move_with_a_new_practitioner(world, visit, start: dt.datetime, code: str = "health"):
    """Reschedule `visit` to `start` in a new room of another venue, with a second
    practitioner of `code` (working Tuesdays 09:00-17:00); returns (old, new, room)."""
    from tests.factories import make_room, make_venue

    new = second_practitioner(code)
    room = make_room(venue=make_venue(name="Riverside Centre"), name="Blue room")
    visit_reschedule(
        visit=visit,
        room=room,
        sessions=sessions_from(world, start, people={**world.people, code: new}),
    )
    return world.people[code], new, room


def what_was_sent() -> dict[str, tuple[str, str, str, str, str]]:
    """Per recipient: (METHOD, subject heading, SUMMARY, local DTSTART, LOCATION's room)."""
    out = {}
    for message in mail.outbox:
        assert message.to[0] not in out, f"two emails to {message.to[0]}"
        cal = icalendar.Calendar.from_ical(calendar_of(message))
        event = event_of(message)
        out[message.to[0]] = (
            str(cal["METHOD"]),
            message.subject.split(":")[0],
            str(event["SUMMARY"]),
            f"{event.decoded('DTSTART').astimezone(LONDON):%Y-%m-%d %H:%M}",
            str(event["LOCATION"]).split(", ")[1],
        )
    return out


def test_a_practitioner_change_invites_the_new_one_and_cancels_the_old_ones_own_time(world):
    """Booked Tuesday 2 March 2027 from 10:00 (Health 10:35-11:20), moved to 13:00 in
    another room (Health 13:35-14:20) with another Health practitioner."""
    visit = book(world, TUESDAY)
    send_due()
    mail.outbox.clear()
    old, new, _ = move_with_a_new_practitioner(world, visit, TUESDAY.replace(hour=13))
    send_due()
    ref = f"JQ {world.case.reference}"
    people = world.people
    assert what_was_sent() == {
        new.email: (
            "REQUEST",
            "Screening session",
            f"Screening (Health): {ref}",
            "2027-03-02 13:35",
            "Blue room",
        ),
        old.email: (
            "CANCEL",
            "Cancelled",
            f"Cancelled: Screening (Health): {ref}",
            "2027-03-02 10:35",
            world.room.name,
        ),
        people["speech_language"].email: (
            "REQUEST",
            "Moved",
            f"Screening (Speech, language and communication): {ref}",
            "2027-03-02 13:00",
            "Blue room",
        ),
        people["education"].email: (
            "REQUEST",
            "Moved",
            f"Screening (Education): {ref}",
            "2027-03-02 14:25",
            "Blue room",
        ),
        people["social_care"].email: (
            "REQUEST",
            "Moved",
            f"Screening (Children's social care): {ref}",
            "2027-03-02 15:00",
            "Blue room",
        ),
    }
    [to_old] = by_recipient()[old.email]
    assert to_old.subject.endswith("Tuesday 2 March 2027 at 10:35 (" + ref + ")")
    assert "When: Tuesday 2 March 2027 at 10:35 to 11:20" in to_old.body
    assert f"{world.room.venue.name}, {world.room.name}" in to_old.body
    assert "Riverside" not in to_old.body + calendar_of(to_old).decode()
    assert event_of(to_old).decoded("DTEND").astimezone(LONDON).strftime("%H:%M") == "11:20"
    [to_new] = by_recipient()[new.email]
    assert "When: Tuesday 2 March 2027 at 13:35 to 14:20" in to_new.body


def test_the_removed_practitioners_cancel_stands_when_the_visit_moves_again_before_sending(
    world,
):
    visit = book(world, TUESDAY)
    send_due()
    mail.outbox.clear()
    old, new, room = move_with_a_new_practitioner(world, visit, TUESDAY.replace(hour=13))
    visit_reschedule(
        visit=visit,
        room=room,
        sessions=sessions_from(
            world, TUESDAY.replace(hour=14), people={**world.people, "health": new}
        ),
    )
    send_due()
    sent = what_was_sent()
    # The old one's session (10:35 in the first room) is cancelled; the rest see 14:00's.
    assert sent[old.email][:4] == (
        "CANCEL",
        "Cancelled",
        f"Cancelled: Screening (Health): JQ {world.case.reference}",
        "2027-03-02 10:35",
    )
    assert sent[new.email][0] == "REQUEST" and sent[new.email][3] == "2027-03-02 14:35"
    assert len(sent) == 5


def test_a_practitioner_put_back_before_sending_gets_the_invitation_not_the_cancel(world):
    visit = book(world, TUESDAY)
    send_due()
    mail.outbox.clear()
    old, _, room = move_with_a_new_practitioner(world, visit, TUESDAY.replace(hour=13))
    visit_reschedule(
        visit=visit, room=room, sessions=sessions_from(world, TUESDAY.replace(hour=14))
    )
    report = invites_send_due()
    [to_old] = by_recipient()[old.email]
    assert icalendar.Calendar.from_ical(calendar_of(to_old))["METHOD"] == "REQUEST"
    assert event_of(to_old)["SEQUENCE"] == 3
    assert f"{event_of(to_old).decoded('DTSTART').astimezone(LONDON):%H:%M}" == "14:35"
    cancel = visit.invites.get(visit_version=2, practitioner=old)
    assert cancel.status == "superseded" and "put back on the session" in cancel.last_error
    assert report.superseded == 5  # version 2's four requests and that cancel
