"""Carrying the retention schedule out: the daily job proposes a list, a YOT manager
confirms it, then each case is reduced or disposed of in a transaction of its own (one that
fails is left exactly as it was, the others go on). Texts' bodies are cleared after
MESSAGE_BODY_RETENTION_DAYS without approval. Everything is audited as what kind, how many,
when and who approved it, never what the records held.

What stays, so the timeliness report counts the same: the case row (reference, order type,
dates), its visits' and sessions' times and attendance, each finding's row (dates, version,
status) without its answers, the draft's and its versions' rows and oversight steps (kind
and time) without their text. Reducing removes findings' answers, the draft's sections,
judgements and plan, signed-off versions' text, plan actions, reasons written on visits,
sessions and history, the history's snapshots, texts and replies, alerts and their emails,
calendar invites sent, admin tasks, and the audit log's details (the entries stay).
Disposing does the same and then anonymises the young person unless another of their cases
is not yet disposed of."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from screening.governance.retention import DueCase, retention_due, retention_due_for_case
from screening.local_dates import local_midnight
from screening.models import (
    JUDGEMENTS,
    AdminTask,
    AlertEmail,
    AssessmentDraft,
    AssessmentVersion,
    AuditEntry,
    Case,
    DisposalAction,
    DisposalBatch,
    DisposalItem,
    DraftEvent,
    DraftSection,
    Finding,
    FreedSlot,
    InboundMessage,
    InviteEmail,
    Message,
    MessageStatus,
    NewInformation,
    OversightNote,
    ParentCarerUnavailableTime,
    PlanAction,
    ReplyLink,
    RetentionStage,
    Review,
    Session,
    UnavailableTime,
    Visit,
    VisitHistory,
    WorkEmail,
    YoungPerson,
)
from screening.models.outbox import OutboxStatus

log = logging.getLogger(__name__)

# Texts whose body is still needed: not yet sent, or being sent or reconciled.
_BODY_STILL_NEEDED = (MessageStatus.PLANNED, MessageStatus.SENDING, MessageStatus.OUTCOME_UNKNOWN)
ANONYMOUS_GIVEN = "Record"
ANONYMOUS_FAMILY = "disposed of"


class DisposalRefused(ValidationError):
    """The batch cannot be confirmed (not a YOT manager, not waiting, replaced)."""


def _audit(*, user: User | None, obj_type: str, obj_id: int, case: Case | None, detail: str):
    return AuditEntry.objects.create(
        user=user if user is not None and user.pk else None,
        username=getattr(user, "username", "") or "system",
        role=getattr(user, "role", "") or "",
        action=AuditEntry.Action.DISPOSE,
        object_type=obj_type,
        object_id=obj_id,
        case=case,
        detail=detail[:300],
    )


# --- proposing ---------------------------------------------------------------------------


def disposal_batch_propose(*, today: dt.date | None = None, by: User | None = None):
    """Put today's dry run up for approval as one batch, replacing a batch still waiting.
    Nothing is due: no batch (the waiting one, if any, is replaced by nothing). A list the
    same as the waiting batch's keeps that batch."""
    today = today or timezone.localdate()
    due = retention_due(today=today)
    with transaction.atomic():
        waiting = (
            DisposalBatch.objects.select_for_update()
            .filter(status=DisposalBatch.Status.PROPOSED)
            .first()
        )
        if waiting is not None:
            same = {(i.case_id, i.action) for i in waiting.items.all()} == {
                (d.case_id, d.action) for d in due
            }
            if same and due:
                return waiting
            waiting.status = DisposalBatch.Status.SUPERSEDED
            waiting.save(update_fields=["status"])
        if not due:
            return None
        batch = DisposalBatch.objects.create(due_on=today, proposed_by=by)
        DisposalItem.objects.bulk_create(
            DisposalItem(
                batch=batch,
                case_id=d.case_id,
                action=d.action,
                rule=d.rule[:300],
                last_action_on=d.last_action_on,
                due_on=d.due_on,
            )
            for d in due
        )
    return batch


# --- confirming and carrying out ---------------------------------------------------------


@dataclass
class DisposalReport:
    reduced: int = 0
    disposed: int = 0
    failed: int = 0
    skipped: int = 0


def disposal_batch_confirm(*, batch: DisposalBatch, by: User, today: dt.date | None = None):
    """Record a YOT manager's approval of a waiting batch and carry it out, case by case.
    Raises DisposalRefused (nothing changed) for anyone but an active YOT manager or a batch
    not waiting. A case no longer due (say, new activity since) is skipped, unchanged."""
    if not (by.is_active and by.role == Role.YOT_MANAGER):
        raise DisposalRefused(gettext("Only a YOT manager can approve disposal."))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != DisposalBatch.Status.PROPOSED:
            raise DisposalRefused(
                gettext(
                    "This list is no longer waiting for approval: it was carried out or replaced "
                    "by a later one."
                )
            )
        locked.status = DisposalBatch.Status.CARRIED_OUT
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = by
        locked.confirmed_by_name = by.get_full_name() or by.username
        locked.save(update_fields=["status", "confirmed_at", "confirmed_by", "confirmed_by_name"])
        _audit(
            user=by,
            obj_type="disposalbatch",
            obj_id=locked.pk,
            case=None,
            detail=f"approved disposal batch {locked.pk}: {locked.items.count()} cases",
        )
    report = DisposalReport()
    for item in locked.items.select_related("case").order_by("id"):
        outcome = _carry_out(item=item, by=by, today=today)
        setattr(report, outcome, getattr(report, outcome) + 1)
    locked.reduced, locked.disposed, locked.failed = report.reduced, report.disposed, report.failed
    locked.save(update_fields=["reduced", "disposed", "failed"])
    _audit(
        user=by,
        obj_type="disposalbatch",
        obj_id=locked.pk,
        case=None,
        detail=(
            f"disposal batch {locked.pk} carried out: {report.reduced} reduced to basic "
            f"details, {report.disposed} disposed of, {report.failed} failed, "
            f"{report.skipped} no longer due"
        ),
    )
    batch.refresh_from_db()
    return report


def _carry_out(*, item: DisposalItem, by: User, today: dt.date) -> str:
    """One case in one transaction; its outcome's name in DisposalReport."""
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=item.case_id)
            now_due: DueCase | None = retention_due_for_case(case=case, today=today)
            if now_due is None or now_due.action != item.action:
                item.outcome = DisposalItem.Outcome.SKIPPED
                item.save(update_fields=["outcome"])
                return "skipped"
            case_strip(case=case, last_action_on=now_due.last_action_on)
            if item.action == DisposalAction.DISPOSE:
                stage = RetentionStage.DISPOSED
                young_person_anonymise_if_done(young_person=case.young_person, except_case=case)
            else:
                stage = RetentionStage.REDUCED
            Case.objects.filter(pk=case.pk).update(
                retention_stage=stage, retention_changed_at=timezone.now()
            )
            _audit(
                user=by,
                obj_type="case",
                obj_id=case.pk,
                case=case,
                detail=f"{item.get_action_display()} (batch {item.batch_id}, rule: {item.rule})",
            )
            item.outcome = DisposalItem.Outcome.DONE
            item.save(update_fields=["outcome"])
    except Exception as exc:  # one case failing never stops the others, nor half-writes
        # The kind of error only: a database error's message may quote what the row held.
        log.error("Disposal of case %s failed: %s", item.case_id, type(exc).__name__)
        DisposalItem.objects.filter(pk=item.pk).update(
            outcome=DisposalItem.Outcome.FAILED, error=type(exc).__name__[:200]
        )
        return "failed"
    return "disposed" if item.action == DisposalAction.DISPOSE else "reduced"


def _clear_log_entries(model, ids) -> None:
    """The administration pages' history of these records keeps its rows (who, when, what
    kind) but not what the record said."""
    kind = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(content_type=kind, object_id__in=[str(i) for i in ids]).update(
        object_repr=f"{model._meta.verbose_name} (disposed of)", change_message=""
    )


def case_strip(*, case: Case, last_action_on: dt.date) -> None:
    """Remove everything of the case but its basic record and what the reports count (the
    module docstring lists it). Called inside the disposal's transaction."""
    visits = Visit.objects.filter(case=case)
    visit_ids = list(visits.values_list("pk", flat=True))
    sessions = Session.objects.filter(visit__case=case)
    Finding.objects.filter(session__visit__case=case).update(answers={})
    drafts = AssessmentDraft.objects.filter(case=case)
    blank_judgements = {key: "" for key in JUDGEMENTS} | {f"{k}_reason": "" for k in JUDGEMENTS}
    drafts.update(
        changes_summary="",
        flags=[],
        suggested_ratings={},
        conflicts=[],
        missing=[],
        restricted=[],
        generated_plan={},
        plan={},
        **blank_judgements,
    )
    DraftSection.objects.filter(draft__case=case).delete()
    DraftEvent.objects.filter(draft__case=case).update(reason="")
    PlanAction.objects.filter(case=case).delete()
    # Reviews keep their dates and status (the report counts them); what was learnt goes,
    # and why a review was late (free text).
    Review.objects.filter(case=case).update(late_reason="")
    NewInformation.objects.filter(case=case).update(summary="")
    OversightNote.objects.filter(case=case).delete()
    AssessmentVersion.objects.filter(case=case).update(
        sections=[], plan={}, changes_summary="", changes={}, **blank_judgements
    )
    visits.update(cancel_reason="", late_reason="", rebook_reason="")
    sessions.update(attendance_reason="")
    VisitHistory.objects.filter(visit__case=case).update(reason="", late_reason="", snapshot={})
    AdminTask.objects.filter(Q(case=case) | Q(visit__in=visit_ids)).delete()
    InboundMessage.objects.filter(visit__in=visit_ids).delete()
    Message.objects.filter(visit__in=visit_ids).delete()
    ReplyLink.objects.filter(visit__in=visit_ids).delete()
    FreedSlot.objects.filter(visit__in=visit_ids).delete()
    case.alerts.all().delete()
    AlertEmail.objects.filter(case=case).exclude(status=OutboxStatus.SENDING).delete()
    WorkEmail.objects.filter(case=case).exclude(status=OutboxStatus.SENDING).delete()
    InviteEmail.objects.filter(visit__in=visit_ids).exclude(status=OutboxStatus.SENDING).delete()
    AuditEntry.objects.filter(case=case).exclude(action=AuditEntry.Action.DISPOSE).update(detail="")
    _clear_log_entries(Case, [case.pk])
    _clear_log_entries(Visit, visit_ids)
    Case.objects.filter(pk=case.pk).update(retention_last_action_on=last_action_on)


def young_person_anonymise_if_done(*, young_person: YoungPerson, except_case: Case) -> bool:
    """Anonymise the young person once none of their other cases is held: name, numbers,
    carer, communication needs and usual unavailable times go; the date of birth keeps its
    year only (ages in reports). True when anonymised."""
    others = young_person.cases.exclude(pk=except_case.pk).exclude(
        retention_stage=RetentionStage.DISPOSED
    )
    if others.exists():
        return False
    YoungPerson.objects.filter(pk=young_person.pk).update(
        given_name=ANONYMOUS_GIVEN,
        family_name=ANONYMOUS_FAMILY,
        date_of_birth=dt.date(young_person.date_of_birth.year, 1, 1),
        mobile="",
        sms_consent=False,
        parent_carer_name="",
        parent_carer_mobile="",
        parent_carer_sms_consent=False,
        parent_carer_must_attend=None,
        communication_needs="",
    )
    UnavailableTime.objects.filter(young_person=young_person).delete()
    ParentCarerUnavailableTime.objects.filter(young_person=young_person).delete()
    InboundMessage.objects.filter(young_person=young_person).delete()
    Message.objects.filter(young_person=young_person).delete()
    _clear_log_entries(YoungPerson, [young_person.pk])
    return True


# --- texts' bodies -----------------------------------------------------------------------


@dataclass
class BodiesCleared:
    texts: int = 0
    replies: int = 0


def message_bodies_clear(*, now: dt.datetime | None = None) -> BodiesCleared:
    """Clear the body of every text sent (or given up) and every reply received on a local
    date at least MESSAGE_BODY_RETENTION_DAYS before today's, in the YOT's zone: a text sent
    on 1 March is cleared from midnight starting 31 March (30 days). Status, purpose, times
    and the reply's kind stay. Audited as a count."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    kept_from = today - dt.timedelta(days=settings.MESSAGE_BODY_RETENTION_DAYS - 1)
    cutoff = local_midnight(kept_from, zone)
    with transaction.atomic():
        texts = (
            Message.objects.exclude(body="")
            .exclude(status__in=_BODY_STILL_NEEDED)
            .filter(Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, send_at__lt=cutoff))
            .update(body="")
        )
        replies = (
            InboundMessage.objects.exclude(body="").filter(received_at__lt=cutoff).update(body="")
        )
        if texts or replies:
            _audit(
                user=None,
                obj_type="message",
                obj_id=0,
                case=None,
                detail=f"cleared the bodies of {texts} texts and {replies} replies older than "
                f"{settings.MESSAGE_BODY_RETENTION_DAYS} days",
            )
    return BodiesCleared(texts=texts, replies=replies)


@dataclass
class RetentionDaily:
    texts_cleared: int = 0
    replies_cleared: int = 0
    due: int = 0


def retention_daily(*, now: dt.datetime | None = None) -> RetentionDaily:
    """The daily job: clear old texts' bodies, then propose what is due for approval."""
    now = now or timezone.now()
    cleared = message_bodies_clear(now=now)
    batch = disposal_batch_propose(today=timezone.localdate(now))
    return RetentionDaily(
        texts_cleared=cleared.texts,
        replies_cleared=cleared.replies,
        due=batch.items.count() if batch else 0,
    )
