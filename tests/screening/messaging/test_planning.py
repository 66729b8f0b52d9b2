"""Planning texts from visit changes: consent per number, timing, versions, rollback."""

import datetime as dt

import pytest
from django.db import transaction

from screening.booking.services import SessionRequest, visit_cancel, visit_reschedule
from screening.messaging.numbers import number_opt_out
from screening.messaging.templates import message_template_save
from screening.models import Message, MessageStatus, NumberStatus, Visit
from tests.messaging import CARER_MOBILE, LONDON, NOW, YP_MOBILE, at, book, freeze, make_team
from tests.messaging import texting_person as person

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db, monkeypatch):
    freeze(monkeypatch)
    return make_team()


def planned(visit, **filters):
    return {
        (m.purpose, m.to): m
        for m in Message.objects.filter(visit=visit, **filters).exclude(status="withdrawn")
    }


def test_booking_plans_confirmation_and_both_reminders_at_local_times(team):
    visit = book(team, start=at(10, 30))
    rows = planned(visit)
    assert set(rows) == {
        ("confirmation", YP_MOBILE),
        ("day_before", YP_MOBILE),
        ("morning", YP_MOBILE),
    }
    assert rows[("confirmation", YP_MOBILE)].send_at == NOW
    assert rows[("day_before", YP_MOBILE)].send_at == at(17, day=dt.date(2027, 3, 1))
    assert rows[("morning", YP_MOBILE)].send_at == at(8)
    assert all(m.visit_version == 1 and m.status == "planned" for m in rows.values())
    body = rows[("confirmation", YP_MOBILE)].body
    assert "Tuesday 2 March" in body and "10:30am" in body and "Reply STOP" in body


def test_only_the_first_text_to_a_number_introduces_the_sender(team):
    visit = book(team)
    rows = planned(visit)
    assert rows[("confirmation", YP_MOBILE)].body.startswith("This is Youth Support.")
    assert not rows[("day_before", YP_MOBILE)].body.startswith("This is")


def test_no_morning_reminder_before_ten_and_no_reminder_after_the_start(team):
    visit = book(team, start=at(9, 30))
    assert ("morning", YP_MOBILE) not in planned(visit)
    assert ("day_before", YP_MOBILE) in planned(visit)


def test_texts_go_only_to_consented_numbers_parent_carer_included(team):
    both = person(
        parent_carer_name="Sam Carer",
        parent_carer_mobile="07911 123456",
        parent_carer_sms_consent=True,
    )
    rows = planned(book(team, person=both))
    assert {to for _, to in rows} == {YP_MOBILE, CARER_MOBILE}
    assert all(m.recipient == "parent_carer" for (_, to), m in rows.items() if to == CARER_MOBILE)
    no_consent = person(sms_consent=False, mobile="07400 123457")
    assert planned(book(team, person=no_consent, start=at(14))) == {}


def test_opted_out_number_gets_no_new_texts_and_loses_planned_ones(team):
    visit = book(team)
    number_opt_out(number=YP_MOBILE, via="test")
    assert not Message.objects.filter(to=YP_MOBILE, status="planned").exists()
    later = book(team, person=person(), start=at(14))
    assert planned(later) == {}
    assert NumberStatus.objects.get(number=YP_MOBILE).opted_out_at is not None
    assert visit.messages.filter(status="withdrawn").count() == 3


def test_a_failed_booking_plans_nothing(team):
    with pytest.raises(RuntimeError), transaction.atomic():
        book(team)
        assert Message.objects.exists()  # planned inside the booking transaction ...
        raise RuntimeError("the booking fails after planning")
    assert not Message.objects.exists()  # ... and rolled back with it
    assert not Visit.objects.exists()


def test_quiet_hours_hold_a_confirmation_booked_late_in_the_evening(team, monkeypatch):
    freeze(monkeypatch, dt.datetime(2027, 2, 23, 22, 15, tzinfo=LONDON))
    visit = book(team)
    confirmation = planned(visit)[("confirmation", YP_MOBILE)]
    assert confirmation.send_at == dt.datetime(2027, 2, 24, 8, 0, tzinfo=LONDON)


def test_reschedule_withdraws_old_reminders_and_plans_for_the_new_time(team):
    visit = book(team)
    Message.objects.filter(visit=visit, purpose="confirmation").update(status="sent")
    people, room = team
    from agencies.models import Agency

    visit_reschedule(
        visit=visit,
        room=room,
        sessions=[
            SessionRequest(
                agency=Agency.objects.get(code="health"),
                practitioner=people["health"],
                start=at(14),
            )
        ],
        late_reason="moved",
    )
    old = Message.objects.filter(visit=visit, visit_version=1)
    assert set(old.values_list("status", flat=True)) == {"sent", "withdrawn"}
    new = planned(visit, visit_version=2)
    assert set(new) == {
        ("rescheduled", YP_MOBILE),
        ("day_before", YP_MOBILE),
        ("morning", YP_MOBILE),
    }
    assert "2:00pm" in new[("rescheduled", YP_MOBILE)].body


def test_cancel_withdraws_reminders_and_tells_only_those_already_texted(team):
    visit = book(team)
    Message.objects.filter(visit=visit, purpose="confirmation").update(status="delivered")
    visit_cancel(visit=visit, reason="young person moved away")
    assert (
        not Message.objects.filter(visit=visit, purpose__in=["day_before", "morning"])
        .exclude(status=MessageStatus.WITHDRAWN)
        .exists()
    )
    notice = Message.objects.get(visit=visit, purpose="cancelled")
    assert notice.visit_version == 2 and "Tuesday 2 March" in notice.body
    untold = book(team, person=person(mobile="07400 123457"), start=at(14))
    visit_cancel(visit=untold, reason="never confirmed")
    assert not Message.objects.filter(visit=untold, purpose="cancelled").exists()


def test_easy_read_and_welsh_wording_follow_the_young_person(team):
    easy = book(team, person=person(communication_needs="Reads at about age 8 level"))
    assert planned(easy)[("confirmation", YP_MOBILE)].easy_read
    welsh = book(team, person=person(mobile="07400 123457", language="cy"), start=at(14))
    row = planned(welsh)[("confirmation", "+447400123457")]
    assert row.language == "cy" and "Dydd Mawrth 2 Mawrth" in row.body and "14:00" in row.body


def test_a_welsh_speaker_with_communication_needs_gets_welsh_easy_read(team):
    young_person = person(language="cy", communication_needs="Reads at about age 8 level")
    rows = planned(book(team, person=young_person))
    assert {(m.language, m.easy_read) for m in rows.values()} == {("cy", True)}
    confirmation = rows[("confirmation", YP_MOBILE)].body
    assert confirmation.startswith("Neges gan Youth Support. I atal negeseuon, tecstiwch STOP.")
    assert "Dydd Mawrth 2 Mawrth, 10:00" in confirmation and "Tecstiwch IE" in confirmation


def test_edited_template_is_used_for_later_plans(team):
    message_template_save(
        purpose="confirmation",
        language="en",
        easy_read=False,
        body="{service}: {date} {time} {place}. Reply YES.",
    )
    row = planned(book(team))[("confirmation", YP_MOBILE)]
    assert row.body.endswith("Reply YES.") and "CHANGE" not in row.body


def test_reminders_for_a_visit_after_the_spring_clock_change_keep_local_times(team, monkeypatch):
    freeze(monkeypatch, dt.datetime(2027, 3, 22, 9, 0, tzinfo=LONDON))
    # Clocks go forward on Sunday 28 March 2027 (Monday 29 is Easter Monday).
    visit = book(team, start=dt.datetime(2027, 3, 30, 10, 0, tzinfo=LONDON))
    rows = planned(visit)
    day_before = rows[("day_before", YP_MOBILE)].send_at.astimezone(LONDON)
    morning = rows[("morning", YP_MOBILE)].send_at.astimezone(LONDON)
    assert (day_before.date(), day_before.hour) == (dt.date(2027, 3, 29), 17)
    assert (morning.date(), morning.hour) == (dt.date(2027, 3, 30), 8)
    assert rows[("day_before", YP_MOBILE)].send_at.astimezone(dt.UTC).hour == 16


def test_planning_a_new_bookings_texts_costs_no_queries_per_text_or_recipient(team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_book(person_, start):
        with CaptureQueriesContext(connection) as ctx:
            visit = book(team, person=person_, start=start)
        return len(ctx), visit

    queries_to_book(person(mobile="07400 123459"), at(8))  # first use caches lookups
    alone, first = queries_to_book(person(), at(10))
    both = person(
        mobile="07400 123458",
        parent_carer_name="Sam Carer",
        parent_carer_mobile="07911 123456",
        parent_carer_sms_consent=True,
    )
    with_carer, second = queries_to_book(both, at(14))
    assert len(planned(first)) == 3 and len(planned(second)) == 6
    assert with_carer == alone


def test_a_number_whose_earlier_texts_were_never_sent_is_still_introduced(team):
    young_person = person()
    first = book(team, person=young_person)
    second = book(team, person=young_person, start=at(14))
    visit_cancel(visit=first, reason="booked in error")
    assert not first.messages.exclude(status="withdrawn").exists()  # never sent, now withdrawn
    confirmation = planned(second)[("confirmation", YP_MOBILE)]
    assert confirmation.body.startswith("This is Youth Support. Reply STOP to stop texts.")


def test_only_a_text_the_provider_accepted_counts_as_texted_before(team):
    young_person = person()
    first = book(team, person=young_person)
    first.messages.filter(purpose="confirmation").update(status="sending")
    sending = book(team, person=young_person, start=at(12))
    assert planned(sending)[("confirmation", YP_MOBILE)].body.startswith("This is Youth Support.")
    first.messages.filter(purpose="confirmation").update(status="sent", provider_id="SM1")
    after = book(team, person=young_person, start=at(14))
    assert not planned(after)[("confirmation", YP_MOBILE)].body.startswith("This is")


def test_a_carer_who_need_not_attend_gets_no_texts_unless_the_admin_says_they_must(team):
    """Born 2 January 2010, the young person is 17 on Tuesday 23 February 2027 (the order
    start), so by age the carer need not come and is not texted, consent or not; with an
    explicit yes the carer is texted again."""
    carer = {
        "parent_carer_name": "Sam Carer",
        "parent_carer_mobile": "07911 123456",
        "parent_carer_sms_consent": True,
        "date_of_birth": dt.date(2010, 1, 2),
    }
    rows = planned(book(team, person=person(**carer)))
    assert {to for _, to in rows} == {YP_MOBILE}
    told = planned(book(team, person=person(parent_carer_must_attend=True, **carer), start=at(14)))
    assert {to for _, to in told} == {YP_MOBILE, CARER_MOBILE}
