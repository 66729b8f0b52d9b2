"""The demo YOT: whole flow present, nothing double-booked, idempotent, never texts."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from screening.models import Case, Room, Session, Venue, Visit, VisitStatus, YoungPerson
from screening.phone import normalise_uk_mobile

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "agencies", "screening", "schedule"}
    }


def test_seed_demo_refuses_a_real_sms_provider_and_writes_nothing(settings):
    settings.SMS_BACKEND = "twilio"
    before = table_counts()
    with pytest.raises(CommandError, match="real provider"):
        seed()
    assert table_counts() == before


def test_seed_demo_builds_the_whole_flow():
    output = seed()
    assert User.objects.filter(role=Role.PRACTITIONER, practitioner__isnull=False).count() >= 12
    assert Venue.objects.count() == 2 and Room.objects.count() == 3
    assert YoungPerson.objects.count() == 30 and Case.objects.count() == 30
    assert not Case.objects.filter(case_manager__isnull=True).exists()
    for role in Role:
        assert User.objects.filter(role=role).exists()
        assert role.label in output
    assert Case.objects.filter(visits__isnull=True).count() >= 5
    assert Visit.objects.filter(status=VisitStatus.BOOKED).count() >= 5
    assert Visit.objects.filter(status=VisitStatus.COMPLETED).count() >= 5
    assert Session.objects.filter(attended=False).exclude(attendance_reason="").exists()
    # Each booked or completed visit sees all four agencies.
    for visit in Visit.objects.all():
        assert visit.sessions.count() == 4


def test_seed_demo_never_double_books():
    seed()
    sessions = Session.objects.filter(cancelled=False)
    for s in sessions:
        overlapping = sessions.filter(
            practitioner=s.practitioner, start__lt=s.blocked_until, blocked_until__gt=s.start
        ).exclude(pk=s.pk)
        assert not overlapping.exists()
    for v in Visit.objects.exclude(status=VisitStatus.CANCELLED):
        assert (
            not Visit.objects.filter(room=v.room, start__lt=v.end, end__gt=v.start)
            .exclude(pk=v.pk)
            .exists()
        )


def test_seed_demo_stores_valid_e164_mobiles():
    seed()
    for mobile, parent in YoungPerson.objects.values_list("mobile", "parent_carer_mobile"):
        for number in filter(None, [mobile, parent]):
            assert number.startswith("+447") and normalise_uk_mobile(number) == number


def test_seed_demo_twice_changes_nothing():
    seed()
    before = table_counts()
    output = seed()
    assert "already present" in output
    assert table_counts() == before


def test_seed_demo_visits_sit_inside_the_deadline_or_give_a_reason():
    seed()
    for visit in Visit.objects.select_related("case"):
        local_day = visit.end.astimezone(dt.UTC).date()
        assert local_day <= visit.case.visit_due_by or visit.late_reason


def test_seed_demo_plans_and_sends_texts_through_the_safe_gateway():
    from screening.models import AdminTask, InboundMessage, Message

    seed()
    booked = Visit.objects.filter(status=VisitStatus.BOOKED)
    assert Message.objects.filter(visit__in=booked).exists()
    assert not Message.objects.filter(visit__status=VisitStatus.COMPLETED).exists()
    statuses = set(Message.objects.values_list("status", flat=True))
    assert "planned" in statuses
    if "sent" in statuses or "delivered" in statuses:  # not when seeded in quiet hours
        assert "delivered" in statuses and "undelivered" in statuses
        assert InboundMessage.objects.filter(kind="confirm").exists()
        assert AdminTask.objects.filter(kind="rearrange", done_at=None).exists()
