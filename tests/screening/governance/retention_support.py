"""A case with something of every kind the retention schedule removes, for its tests."""

from __future__ import annotations

import datetime as dt

from django.apps import apps

from accounts.models import Role
from screening.assessment.drafts import draft_sign_off, draft_submit
from screening.audit import audit_record
from screening.messaging.reply_links import reply_links_for
from screening.models import (
    AdminTask,
    Alert,
    AssessmentDraft,
    Case,
    InboundMessage,
    Message,
    ParentCarerUnavailableTime,
    UnavailableTime,
)
from screening.oversight.services import oversight_note_add
from tests.factories import make_screened_case, make_user, record_judgements, submit_findings

# Wednesday 2 December 2026, 14:05 GMT: every row the fixture writes is dated that day, so
# each case's last action is 2 December 2026.
NOW = dt.datetime(2026, 12, 2, 14, 5, tzinfo=dt.UTC)
LAST_ACTION = dt.date(2026, 12, 2)
ACTION = {"action": "Referral to CAMHS", "owner_agency": "health", "due_date": "2027-01-04",
          "category": "safeguarding"}  # fmt: skip


def full_case(*, order_type: str | None = None, manager=None) -> Case:
    """A screened case (visit on 5 November 2026), health findings with an action, a signed-off
    assessment with plan actions, a text, a reply, an alert, an admin task, audit entries with
    details, and the young person's usual unavailable time."""
    case, sessions = make_screened_case()
    if order_type:
        Case.objects.filter(pk=case.pk).update(order_type=order_type)
        case.refresh_from_db()
    submit_findings(sessions["health"], actions=[ACTION])
    draft = record_judgements(AssessmentDraft.objects.get(case=case))
    draft_submit(draft=draft, user=case.case_manager)
    manager = manager or make_user(role=Role.YOT_MANAGER)
    draft_sign_off(draft=draft, user=manager)
    oversight_note_add(case=case, user=manager, text="Plan agreed; review the risk in 4 weeks.")
    visit = case.visits.get()
    person = case.young_person
    reply_links_for(visit=visit, recipients=[("young_person", "+447911123456")])
    Message.objects.create(
        visit=visit,
        visit_version=1,
        young_person=person,
        purpose="confirmation",
        to="+447911123456",
        body="Your appointment is on Thursday 5 November at 10am.",
        send_at=NOW,
        next_attempt_at=NOW,
        status="delivered",
        sent_at=NOW,
    )
    InboundMessage.objects.create(
        provider_id=f"IN{case.pk}",
        from_number="+447911123456",
        body="YES see you then",
        kind="confirm",
        young_person=person,
        visit=visit,
    )
    Alert.objects.create(recipient=case.case_manager, case=case, key="self_harm", text="Urgent")
    AdminTask.objects.create(kind="reply", case=case, visit=visit, text="Phone about the text")
    audit_record(user=case.case_manager, action="read", obj=draft, case=case, detail="print")
    UnavailableTime.objects.create(
        young_person=person, weekdays=[0, 1], start_time=dt.time(9), end_time=dt.time(15)
    )
    ParentCarerUnavailableTime.objects.create(
        young_person=person, weekdays=[2], start_time=dt.time(8), end_time=dt.time(13)
    )
    return case


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}
