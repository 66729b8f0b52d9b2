"""The demo's plans and management oversight: actions done, open and overdue on the signed-off
cases, and one case judged high risk of serious harm, signed off weeks ago, whose last
manager's review is older than the oversight rule allows (it shows on the oversight page)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import User
from screening.assessment.plans import plan_action_create, plan_action_update
from screening.models import (
    AssessmentDraft,
    AssessmentVersion,
    Case,
    DraftEvent,
    OversightNote,
    PlanAction,
    PlanActionStatus,
)
from screening.oversight.services import oversight_note_add
from screening.people.workdays import add_working_days

HIGH_RISK_JUDGEMENTS = {
    "risk_of_serious_harm": {
        "level": "high",
        "reason": "Threatened a former friend with a blade in a message; no injury so far.",
    },
    "safety_and_wellbeing": {
        "level": "high",
        "reason": "Seen with older men not known to the family; missing overnight twice.",
    },
    "likelihood_of_reoffending": {
        "level": "medium",
        "reason": "Second order; engaging with the YOT worker most weeks.",
    },
}
OVERSIGHT_NOTE = (
    "Risk management meeting held with the case manager and the police liaison officer. "
    "Safety plan agreed with the family; case manager to review contact with the victim's "
    "school weekly."
)


def sign_off_backdate(*, case: Case, visit_day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """Give the case's sign-off the time it stands for: eight working days after the visit,
    at 15:00 (sent for sign-off the working day before); returns that moment."""
    signed = dt.datetime.combine(add_working_days(visit_day, 8), dt.time(15), tzinfo=zone)
    sent = dt.datetime.combine(add_working_days(visit_day, 7), dt.time(16), tzinfo=zone)
    draft = AssessmentDraft.objects.get(case=case)
    AssessmentDraft.objects.filter(pk=draft.pk).update(submitted_at=sent, signed_off_at=signed)
    DraftEvent.objects.filter(draft=draft, kind=DraftEvent.Kind.SUBMITTED).update(at=sent)
    DraftEvent.objects.filter(draft=draft, kind=DraftEvent.Kind.SIGNED_OFF).update(at=signed)
    AssessmentVersion.objects.filter(case=case).update(signed_off_at=signed)
    PlanAction.objects.filter(case=case).update(created_at=signed)
    return signed


def oversight_note_backdated(*, case: Case, manager: User, today: dt.date, zone: ZoneInfo):
    """The manager's last oversight note on the case: a few days more than the oversight rule
    allows before today, so the case is listed as needing a manager's review."""
    note = oversight_note_add(case=case, user=manager, text=OVERSIGHT_NOTE)
    days = settings.OVERSIGHT_HIGH_RISK_REVIEW_DAYS + 3
    moment = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(11), tzinfo=zone)
    OversightNote.objects.filter(pk=note.pk).update(created_at=moment)


# Actions the case manager added to the older case's plan after sign-off: (what, plan
# category, days after sign-off due, days after the due date done, or None: still open).
ADDED_ACTIONS = [
    ("Weekly check-in on the safety plan with the family", "minimising_risk_of_harm", 7, 2),
    ("Referral to the knife crime awareness programme", "reducing_reoffending", 14, None),
]


def plan_progress(*, case: Case, user: User, zone: ZoneInfo, signed: dt.datetime | None) -> None:
    """Record the case's first plan action done. On the case signed off weeks ago (`signed`),
    the moments are the dates they stand for: that action done three days early, and the
    case manager's later additions done two days late or still open, overdue."""
    first = PlanAction.objects.filter(case=case).order_by("due_date", "id").first()
    if first is not None:
        plan_action_update(action=first, user=user, status=PlanActionStatus.DONE, note="Done.")
        if signed is not None:
            _done_on(first, first.due_date - dt.timedelta(days=3), zone)
    if signed is None:
        return
    for text, category, due_after, done_after in ADDED_ACTIONS:
        due = signed.date() + dt.timedelta(days=due_after)
        action = plan_action_create(
            case=case, user=user, action=text, category=category, due_date=due, owner=user
        )
        PlanAction.objects.filter(pk=action.pk).update(created_at=signed)
        if done_after is not None:
            plan_action_update(action=action, user=user, status=PlanActionStatus.DONE, note="Done.")
            _done_on(action, due + dt.timedelta(days=done_after), zone)


def _done_on(action: PlanAction, day: dt.date, zone: ZoneInfo) -> None:
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    PlanAction.objects.filter(pk=action.pk).update(done_at=moment, updated_at=moment)
