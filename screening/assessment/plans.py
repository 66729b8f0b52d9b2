"""A plan that is delivered: the signed-off plan becomes plan actions with owners and due
dates, owners record them done or not done with a note, and owners are emailed when an
action is assigned to them and when it becomes overdue (work-list emails: no case content,
only a link, planned in the step's transaction and sent by the worker after commit).

Judgements are recorded on the draft (drafts.draft_edit); each sign-off keeps what was
signed as an append-only AssessmentVersion (`assessment_version_record`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from agencies.findings_forms import ACTION_LIMIT, PLAN_CATEGORIES
from agencies.local_time import OUTSIDE_DATE_WINDOW, in_date_window
from agencies.models import Agency, Practitioner
from screening.assessment.work_emails import work_emails_plan
from screening.audit import audit_record
from screening.errors import NotAllowed, too_long
from screening.models import (
    JUDGEMENTS,
    VICTIM_SAFETY,
    AssessmentDraft,
    AssessmentVersion,
    AuditEntry,
    Case,
    PlanAction,
    PlanActionStatus,
    Session,
    VisitStatus,
    WorkEmail,
)
from screening.models.assessment import JUDGEMENT_REASON_LIMIT

logger = logging.getLogger(__name__)

NOTE_LIMIT = 2000
STAFF = frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER})


# --- judgements ---------------------------------------------------------------------------


def _one_of(choices) -> str:
    return gettext("Use one of: %(choices)s.") % {"choices": ", ".join(choices)}


def _action_too_long() -> str:
    return gettext("Describe the action in up to %(limit)s characters.") % {"limit": ACTION_LIMIT}


def judgement_missing_errors(draft: AssessmentDraft) -> dict[str, list[str]]:
    """One error per judgement without a level or a reason, naming it."""
    return {
        f"judgements.{key}": [
            gettext("Record the %(judgement)s judgement, with a reason, before sign-off.")
            % {"judgement": str(JUDGEMENTS[key][0]).lower()}
        ]
        for key in draft.missing_judgements()
    }


def check_judgements(value: Any) -> dict[str, dict[str, str]]:
    """Clean `{key: {level, reason}}` (any of the three); raises ValidationError naming
    each problem."""
    if not isinstance(value, Mapping):
        raise ValidationError({"judgements": [gettext("Give the judgements as an object.")]})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict[str, str]] = {}
    for key, given in value.items():
        if key not in JUDGEMENTS:
            errors[f"judgements.{key}"] = [_one_of(JUDGEMENTS)]
            continue
        name, levels = JUDGEMENTS[key]
        if not isinstance(given, Mapping):
            errors[f"judgements.{key}"] = [gettext("Give {level, reason}.")]
            continue
        level, reason = given.get("level"), given.get("reason")
        if level not in levels:
            errors[f"judgements.{key}.level"] = [
                gettext("Choose a level: %(levels)s.") % {"levels": ", ".join(levels)}
            ]
        if not isinstance(reason, str) or not reason.strip():
            errors[f"judgements.{key}.reason"] = [
                gettext("Give the reason for the %(judgement)s.") % {"judgement": name.lower()}
            ]
        elif len(reason) > JUDGEMENT_REASON_LIMIT:
            errors[f"judgements.{key}.reason"] = [too_long(JUDGEMENT_REASON_LIMIT)]
        if not any(k.startswith(f"judgements.{key}") for k in errors):
            cleaned[key] = {"level": level, "reason": reason.strip()}
    if errors:
        raise ValidationError(errors)
    return cleaned


def assessment_version_record(
    *, draft: AssessmentDraft, user: User, changes: dict | None = None, latest: int | None = None
) -> AssessmentVersion:
    """Keep the draft as signed off now as the case's next version (inside the sign-off's
    transaction, the draft row locked), with its changes summary and what differs from the
    previous version (`changes`); `latest` is the case's latest version number (0 for
    none), read here unless the caller has it."""
    if latest is None:
        latest = draft.case.assessment_versions.aggregate(n=Max("version"))["n"] or 0
    judgements = {}
    for key in JUDGEMENTS:
        judgements[key] = getattr(draft, key)
        judgements[f"{key}_reason"] = getattr(draft, f"{key}_reason")
    return AssessmentVersion.objects.create(
        case=draft.case,
        draft=draft,
        version=latest + 1,
        kind=draft.kind,
        sections=[{"key": s.key, "title": s.title, "text": s.text} for s in draft.sections.all()],
        plan=draft.plan,
        built_from=draft.built_from,
        changes_summary=draft.changes_summary,
        changes=changes or {},
        submitted_by_id=draft.submitted_by_id,
        signed_off_at=draft.signed_off_at,
        signed_off_by=user,
        **judgements,
    )


# --- plan actions -------------------------------------------------------------------------


def _key(category: str, action: str, agency_id: int | None, due: dt.date) -> tuple:
    return (category, action, agency_id, due)


def plan_actions_from_version(*, version: AssessmentVersion, user: User) -> list[PlanAction]:
    """Turn the signed-off plan into plan actions (open, owned by the recommended agency).
    An action already on the case (same category, text, owner agency and due date, from an
    earlier sign-off) is not made twice; nothing made earlier is changed or removed."""
    if not any(version.plan.get(category) for category in PLAN_CATEGORIES):
        return []  # a plan with no actions makes none, and tells no one
    agencies = dict(Agency.objects.values_list("code", "pk"))
    existing = {
        _key(a.category, a.action, a.owner_agency_id, a.due_date)
        for a in PlanAction.objects.filter(case=version.case)
    }
    made = []
    for category in PLAN_CATEGORIES:
        for item in version.plan.get(category, []):
            due = dt.date.fromisoformat(item["due_date"])
            agency_id = agencies.get(item.get("owner_agency"))
            key = _key(category, item["action"], agency_id, due)
            if key in existing:
                continue
            existing.add(key)
            made.append(
                PlanAction(
                    case=version.case,
                    from_version=version,
                    action=item["action"],
                    category=category,
                    owner_agency_id=agency_id,
                    due_date=due,
                    created_by=user,
                )
            )
    PlanAction.objects.bulk_create(made)
    made = list(PlanAction.objects.filter(from_version=version).select_related("case"))
    notify_owners(kind=WorkEmail.Kind.ACTION_ASSIGNED, actions=made)
    return made


def owners_to_tell(action: PlanAction) -> list[User]:
    """Who an action's emails go to: its owner person; else, for an agency's action, that
    agency's practitioners with a session on the case (those who see it). Victim safety
    actions go to no practitioner: to their owner if staff, else the case manager."""
    if action.category == VICTIM_SAFETY:
        if action.owner_id and action.owner.role in STAFF:
            return [action.owner]
        return [action.case.case_manager] if action.case.case_manager_id else []
    if action.owner_id:
        return [action.owner]
    if action.owner_agency_id is None:
        return [action.case.case_manager] if action.case.case_manager_id else []
    # As plan_actions_for scopes them: sessions in visits not cancelled.
    on_case = Session.objects.filter(visit__case=action.case).exclude(
        visit__status=VisitStatus.CANCELLED
    )
    return list(
        User.objects.filter(
            is_active=True,
            practitioner__agency_id=action.owner_agency_id,
            practitioner__in=on_case.values("practitioner_id"),
        ).distinct()
    )


def notify_owners(*, kind: str, actions: Iterable[PlanAction]) -> int:
    """Plan one email of `kind` per action to each of its owners (owners_to_tell), in the
    caller's transaction; a worker is asked to send them once it commits."""
    planned = 0
    for action in actions:
        recipients = owners_to_tell(action)
        planned += len(work_emails_plan(kind=kind, case=action.case, recipients=recipients))
    if planned:
        transaction.on_commit(kick_work_emails)
    return planned


def kick_work_emails() -> None:
    """Ask a Celery worker to send due work-list emails now (a no-op without a broker; the
    task is named, as the tasks module imports this one)."""
    if not settings.CELERY_BROKER_URL:
        return
    try:
        current_app.send_task("screening.send_due_work_emails", retry=False)
    except Exception:
        logger.warning("could not reach the Celery broker to queue work emails", exc_info=True)


def _check_due_date(value: Any, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(value, dt.date):
        due = value
    else:
        try:
            due = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            errors["due_date"] = [gettext("Enter the due date as YYYY-MM-DD.")]
            return None
    if not in_date_window(due):
        errors["due_date"] = [str(OUTSIDE_DATE_WINDOW)]
        return None
    return due


def _check_owner(
    *, case: Case, category: str, owner: User | None, agency: Agency | None, errors: dict
) -> None:
    if owner is None:
        return
    if not owner.is_active or owner.role not in (STAFF | {Role.PRACTITIONER}):
        errors["owner"] = [gettext("Choose a case manager, a YOT manager or a practitioner.")]
    elif category == VICTIM_SAFETY and owner.role == Role.PRACTITIONER:
        errors["owner"] = [
            gettext(
                "A victim safety action is seen by the case manager and YOT managers only: "
                "choose one of them."
            )
        ]
    elif owner.role == Role.PRACTITIONER and agency is not None:
        own = Practitioner.objects.filter(user=owner).values_list("agency_id", flat=True).first()
        if own != agency.pk:
            errors["owner"] = [
                gettext("This practitioner works for another agency than the owner agency.")
            ]


def check_may_plan(*, case: Case, user: User) -> None:
    """Only the case's case manager and YOT managers add to or rearrange a plan."""
    if user.role == Role.YOT_MANAGER:
        return
    if user.role == Role.CASE_MANAGER and case.case_manager_id == user.pk:
        return
    raise NotAllowed(gettext("Only the case's case manager or a YOT manager changes the plan."))


@transaction.atomic
def plan_action_create(
    *,
    case: Case,
    user: User,
    action: str,
    category: str,
    due_date: Any,
    owner_agency: Agency | None = None,
    owner: User | None = None,
) -> PlanAction:
    """Add an action to the case's plan (the case manager or a YOT manager); its owner is
    emailed. Raises ValidationError naming each field."""
    check_may_plan(case=case, user=user)
    errors: dict[str, list[str]] = {}
    if not isinstance(action, str) or not action.strip() or len(action) > ACTION_LIMIT:
        errors["action"] = [_action_too_long()]
    if category not in PLAN_CATEGORIES:
        errors["category"] = [_one_of(PLAN_CATEGORIES)]
    due = _check_due_date(due_date, errors)
    if owner is None and owner_agency is None:
        errors["owner_agency"] = [gettext("Give an owner agency or an owner.")]
    _check_owner(case=case, category=category, owner=owner, agency=owner_agency, errors=errors)
    if errors:
        raise ValidationError(errors)
    made = PlanAction.objects.create(
        case=case,
        action=action.strip(),
        category=category,
        owner_agency=owner_agency,
        owner=owner,
        due_date=due,
        created_by=user,
    )
    audit_record(
        user=user, action=AuditEntry.Action.WRITE, obj=made, case=case, detail="plan action added"
    )
    notify_owners(kind=WorkEmail.Kind.ACTION_ASSIGNED, actions=[made])
    return made


UNSET: Any = object()


@transaction.atomic
def plan_action_update(
    *,
    action: PlanAction,
    user: User,
    status: str | None = None,
    note: str | None = None,
    due_date: Any = UNSET,
    owner: User | None = UNSET,
) -> PlanAction:
    """Record an action's status (`open`, `done`, `not_done`: not done needs a note) and
    note; the case manager and YOT managers may also move its due date or owner (the new
    owner is emailed). The action must come from plan_actions_for. Raises ValidationError
    naming each field, NotAllowed when the user may not change that field."""
    action = PlanAction.objects.select_for_update().select_related("case").get(pk=action.pk)
    errors: dict[str, list[str]] = {}
    staff_fields = due_date is not UNSET or owner is not UNSET
    if staff_fields:
        check_may_plan(case=action.case, user=user)
    if status is not None:
        if status not in PlanActionStatus.values:
            errors["status"] = [
                gettext("Use one of: %(choices)s.")
                % {"choices": ", ".join(PlanActionStatus.values)}
            ]
        else:
            action.status = status
    if note is not None:
        if not isinstance(note, str) or len(note) > NOTE_LIMIT:
            errors["note"] = [too_long(NOTE_LIMIT)]
        else:
            action.note = note.strip()
    if action.status == PlanActionStatus.NOT_DONE and not action.note:
        errors["note"] = [gettext("Say why the action was not done.")]
    reassigned = False
    if due_date is not UNSET:
        due = _check_due_date(due_date, errors)
        if due is not None and due != action.due_date:
            action.due_date, action.overdue_notified_at = due, None
    if owner is not UNSET and owner != action.owner:
        _check_owner(
            case=action.case,
            category=action.category,
            owner=owner,
            agency=action.owner_agency,
            errors=errors,
        )
        action.owner, reassigned = owner, True
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    # The moment it was done (the timeliness report's "done by the due date"): kept while it
    # stays done, cleared when it is reopened or recorded not done.
    if action.status != PlanActionStatus.DONE:
        action.done_at = None
    elif action.done_at is None:
        action.done_at = now
    action.updated_at, action.updated_by = now, user
    action.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.WRITE,
        obj=action,
        case=action.case,
        detail=f"plan action {action.status}",
    )
    if reassigned:
        notify_owners(kind=WorkEmail.Kind.ACTION_ASSIGNED, actions=[action])
    return action


@dataclass
class OverdueReport:
    """What one pass of the daily overdue job did: how many actions' owners were told."""

    told: int = 0


def plan_actions_notify_overdue(*, today: dt.date | None = None) -> OverdueReport:
    """The daily job: email the owners of each open action past its due date (in the YOT's
    zone), once per action (until its due date moves)."""
    today = today or timezone.localdate()
    told = 0
    due = PlanAction.objects.filter(
        status=PlanActionStatus.OPEN, due_date__lt=today, overdue_notified_at=None
    ).values_list("pk", flat=True)
    for pk in list(due[:1000]):
        with transaction.atomic():
            action = (
                PlanAction.objects.select_for_update(of=("self",))
                .select_related("case__case_manager", "owner")
                .filter(pk=pk, overdue_notified_at=None, status=PlanActionStatus.OPEN)
                .first()
            )
            if action is None:
                continue
            notify_owners(kind=WorkEmail.Kind.ACTION_OVERDUE, actions=[action])
            action.overdue_notified_at = timezone.now()
            action.save(update_fields=["overdue_notified_at"])
            told += 1
    return OverdueReport(told=told)
