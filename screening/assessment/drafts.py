"""The initial assessment draft: merging findings, the case manager's edits, and the
manager's oversight (submit, sign off, reopen), plus same-day alerts for urgent findings.

A merge never overwrites what the case manager wrote (DESIGN.md rule 5): each section
keeps the generated text apart from the case manager's; when new or amended findings
change a section the case manager edited, it is marked "needs review" with the changes.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from agencies.findings_forms import PLAN_CATEGORIES, check_actions, condition_holds
from agencies.local_time import date_words as _date
from agencies.models import Agency
from screening.assessment.merge import Contribution, merge, section_changes
from screening.audit import audit_record
from screening.errors import FindingsLocked, NotAllowed
from screening.models import (
    Alert,
    AssessmentDraft,
    AssessmentLayout,
    AuditEntry,
    Case,
    DraftEvent,
    DraftSection,
    DraftStatus,
    Finding,
    FindingStatus,
    Session,
    VisitStatus,
)
from screening.people.deadlines import findings_due_by

logger = logging.getLogger(__name__)


def _live_sessions(case: Case):
    return (
        Session.objects.filter(visit__case=case, cancelled=False)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .select_related("agency", "visit")
    )


def latest_findings(*, case: Case) -> list[Finding]:
    """Each agency's newest submitted findings for the case (the latest session's, when a
    missed session was rebooked)."""
    findings = (
        Finding.objects.filter(session__visit__case=case)
        .exclude(status=FindingStatus.DRAFT)
        .select_related("session__agency", "form")
        .order_by("session__agency_id", "-submitted_at", "-version")
    )
    latest: dict[int, Finding] = {}
    for finding in findings:
        latest.setdefault(finding.session.agency_id, finding)
    return list(latest.values())


def _contributions(findings: list[Finding]) -> list[Contribution]:
    return [
        Contribution(
            agency=f.session.agency.code,
            agency_name=f.session.agency.name,
            agency_order=f.session.agency.order,
            finding_id=f.pk,
            version=f.version,
            questions=f.form.questions,
            answers=f.answers,
        )
        for f in findings
    ]


def missing_agencies(*, case: Case, have: set[str]) -> list[dict[str, Any]]:
    """The agencies the draft still lacks, each with the reason an admin can act on."""
    agencies = Agency.objects.filter(
        Q(required_by_default=True) | Q(sessions__visit__case=case)
    ).distinct()
    sessions = list(_live_sessions(case).order_by("-start"))
    today, now = timezone.localdate(), timezone.now()
    missing = []
    for agency in agencies:
        if agency.code in have:
            continue
        latest = next((s for s in sessions if s.agency_id == agency.pk), None)
        item: dict[str, Any] = {"agency": agency.code, "agency_name": agency.name, "due_by": None}
        if latest is None:
            item.update(reason="not_booked", text="No session booked yet.")
        elif latest.attended is False:
            item.update(
                reason="did_not_attend",
                text=f"The young person did not attend on {_date(timezone.localdate(latest.start))}"
                + (f" ({latest.attendance_reason})." if latest.attendance_reason else "."),
            )
        elif latest.start > now:
            item.update(
                reason="visit_booked",
                text=f"Session booked for {_date(timezone.localdate(latest.start))}.",
            )
        else:
            due = findings_due_by(visit_date=timezone.localdate(latest.start))
            item["due_by"] = due.isoformat()
            if today > due:
                item.update(reason="overdue", text=f"Overdue: findings were due on {_date(due)}.")
            else:
                item.update(reason="not_submitted", text=f"Not yet submitted (due {_date(due)}).")
        missing.append(item)
    return missing


def _active_layout() -> AssessmentLayout:
    layout = AssessmentLayout.objects.filter(active=True).first()
    if layout is None:
        raise NotAllowed("No draft layout is active; a system administrator must choose one.")
    return layout


@transaction.atomic
def draft_merge(*, case: Case) -> AssessmentDraft:
    """Build or refresh the case's draft from the latest submitted findings. Sections the
    case manager has not edited follow the findings; edited ones keep their text and are
    marked needs review. A signed-off draft is locked: it only notes that findings came."""
    draft = AssessmentDraft.objects.select_for_update().filter(case=case).first()
    if draft is None:
        draft = AssessmentDraft.objects.create(case=case, layout=_active_layout())
    findings = latest_findings(case=case)
    result = merge(layout=draft.layout.as_data(), contributions=_contributions(findings))
    changed_sources = result.built_from != draft.built_from
    if draft.is_locked():
        if changed_sources:
            draft.new_findings_since_sign_off = True
            draft.save(update_fields=["new_findings_since_sign_off"])
        return draft

    existing = {s.key: s for s in draft.sections.all()}
    changed_any = False
    for position, merged in enumerate(result.sections):
        section = existing.get(merged.key)
        text = merged.text
        if section is None:
            section = DraftSection(
                draft=draft, key=merged.key, text=text, generated_text=text, position=position
            )
        elif text != (section.suggested_text if section.needs_review else section.generated_text):
            changed_any = True
            if section.edited:
                section.needs_review = True
                section.suggested_text = text
                section.review_changes = section_changes(section.generated_text, text)
            else:
                section.text = section.generated_text = text
        section.title, section.guidance, section.position = (
            merged.title,
            merged.guidance,
            position,
        )
        section.pieces, section.sources = merged.pieces, merged.sources
        section.save()

    if result.plan != draft.generated_plan:
        if draft.plan_edited:
            draft.plan_needs_review = bool(draft.generated_plan) or any(result.plan.values())
        else:
            draft.plan = result.plan
        draft.generated_plan = result.plan
    draft.flags, draft.suggested_ratings = result.flags, result.suggested_ratings
    draft.conflicts, draft.restricted = result.conflicts, result.restricted
    draft.missing = missing_agencies(case=case, have={c["agency"] for c in result.built_from})
    draft.built_from = result.built_from
    draft.merged_at = timezone.now()
    if draft.status == DraftStatus.AWAITING_SIGN_OFF and (changed_any or changed_sources):
        draft.status = DraftStatus.DRAFT
    draft.save()
    if changed_sources or changed_any:
        DraftEvent.objects.create(
            draft=draft,
            kind=DraftEvent.Kind.MERGED,
            reason=", ".join(f"{c['agency']} v{c['finding_version']}" for c in result.built_from),
        )
    return draft


def draft_of(*, case: Case) -> AssessmentDraft:
    """The case's draft, merged from its findings the first time anyone opens it."""
    return AssessmentDraft.objects.filter(case=case).first() or draft_merge(case=case)


def draft_read(*, case: Case, user: User, detail: str = "") -> AssessmentDraft:
    """Open the draft for reading: missing agencies brought up to date (due becomes
    overdue with time) and the read audit-logged. The case must come from
    draft_case_list_for."""
    draft = draft_refresh_missing(draft=draft_of(case=case))
    audit_record(user=user, action=AuditEntry.Action.READ, obj=draft, case=case, detail=detail)
    return draft


def draft_refresh_missing(*, draft: AssessmentDraft) -> AssessmentDraft:
    """Recompute the missing agencies (their reasons change with time: due becomes overdue)."""
    if not draft.is_locked():
        draft.missing = missing_agencies(
            case=draft.case, have={c["agency"] for c in draft.built_from}
        )
        draft.save(update_fields=["missing"])
    return draft


# --- alerts -------------------------------------------------------------------------------


def _urgent_flags(finding: Finding) -> list[tuple[str, str]]:
    flags = []
    for question in finding.form.questions:
        value = finding.answers.get(question["key"])
        for index, rule in enumerate(question.get("concern") or []):
            if rule.get("urgent") and condition_holds(value, rule["when"]):
                key = f"{finding.session.agency.code}.{question['key']}.{index}"
                flags.append((key, rule["text"]))
    return flags


def alerts_raise(*, case: Case, finding: Finding) -> list[Alert]:
    """Alert the case manager and every YOT manager, once per cause, the same day: a page
    notice now and an email after the transaction commits. The email names the case
    reference only; the finding itself stays behind sign-in."""
    urgent = _urgent_flags(finding)
    if not urgent:
        return []
    recipients = list(User.objects.filter(role=Role.YOT_MANAGER, is_active=True))
    if case.case_manager is not None and case.case_manager.is_active:
        recipients.append(case.case_manager)
    agency = finding.session.agency.name
    created = []
    for recipient in recipients:
        for key, text in urgent:
            alert, new = Alert.objects.get_or_create(
                recipient=recipient,
                case=case,
                key=key,
                defaults={"text": f"Urgent: {text} ({agency} findings, case {case.reference})."},
            )
            if new:
                created.append(alert)
    if created:
        ids = [a.pk for a in created]
        transaction.on_commit(lambda: notify_alerts(alert_ids=ids))
    return created


def notify_alerts(*, alert_ids: list[int]) -> None:
    """Email each recipient once for their new alerts; a failed email leaves the page notice."""
    alerts = Alert.objects.filter(pk__in=alert_ids, emailed_at__isnull=True).select_related(
        "recipient", "case"
    )
    by_recipient: dict[int, list[Alert]] = {}
    for alert in alerts:
        by_recipient.setdefault(alert.recipient_id, []).append(alert)
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    for group in by_recipient.values():
        recipient = group[0].recipient
        if not recipient.email:
            continue
        cases = sorted({a.case.reference for a in group})
        body = (
            f"An urgent finding was recorded today for case {', '.join(cases)}.\n\n"
            "Please sign in to see it and decide what to do today:\n"
            + "\n".join(f"{base}/cases/{a.case_id}/" for a in group)
            + "\n"
        )
        try:
            send_mail(
                subject=f"Urgent finding: case {', '.join(cases)}",
                message=body,
                from_email=None,
                recipient_list=[recipient.email],
            )
        except Exception:  # the page notice still stands; the send is retried by no one
            logger.exception("urgent alert email to user %s failed", recipient.pk)
            continue
        Alert.objects.filter(pk__in=[a.pk for a in group]).update(emailed_at=timezone.now())


@transaction.atomic
def alert_mark_read(*, alert: Alert, user: User) -> Alert:
    if alert.recipient_id != user.pk:
        raise NotAllowed("This alert is someone else's.")
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
    return alert


# --- editing and oversight ------------------------------------------------------------


def _lock(draft: AssessmentDraft) -> AssessmentDraft:
    return AssessmentDraft.objects.select_for_update().select_related("case").get(pk=draft.pk)


def check_case_manager_of(*, draft: AssessmentDraft, user: User) -> None:
    if user.role != Role.CASE_MANAGER or draft.case.case_manager_id != user.pk:
        raise NotAllowed("Only the case's case manager can change this draft.")


def _check_editable(draft: AssessmentDraft) -> None:
    if draft.status == DraftStatus.SIGNED_OFF:
        raise FindingsLocked("This draft is signed off; a YOT manager must reopen it first.")
    if draft.status == DraftStatus.AWAITING_SIGN_OFF:
        raise FindingsLocked(
            "This draft is waiting for sign-off; a YOT manager can return it for changes."
        )


def _event(draft: AssessmentDraft, kind: str, user: User | None, reason: str = "") -> None:
    DraftEvent.objects.create(draft=draft, kind=kind, by=user, reason=reason)


@transaction.atomic
def draft_edit(
    *,
    draft: AssessmentDraft,
    user: User,
    sections: list[dict[str, Any]] | None = None,
    plan: list[dict[str, Any]] | None = None,
    plan_reviewed: bool = False,
) -> AssessmentDraft:
    """Edit sections (`{key, text}`), mark reviewed (`{key, reviewed: true}`) or take the
    newly merged text (`{key, accept_suggested: true}`), and edit the plan. Raises
    ValidationError naming the section or plan item."""
    draft = _lock(draft)
    check_case_manager_of(draft=draft, user=user)
    _check_editable(draft)
    by_key = {s.key: s for s in draft.sections.all()}
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    for i, change in enumerate(sections or []):
        section = by_key.get(change.get("key"))
        if section is None:
            errors[f"sections.{i}.key"] = ["This draft has no such section."]
            continue
        if "text" in change:
            text = change["text"]
            if not isinstance(text, str) or len(text) > 20000:
                errors[f"sections.{i}.text"] = ["Enter text of up to 20,000 characters."]
                continue
            section.text, section.edited = text.strip(), True
            section.edited_at, section.edited_by = now, user
        if change.get("accept_suggested") and section.needs_review:
            section.text = section.suggested_text
        if change.get("reviewed") or change.get("accept_suggested"):
            if section.needs_review:
                section.generated_text = section.suggested_text
            section.needs_review, section.review_changes, section.suggested_text = False, [], ""
        section.save()
    if plan is not None:
        codes = frozenset(Agency.objects.values_list("code", flat=True))
        cleaned, problems = check_actions(plan, agency_codes=codes)
        if isinstance(problems, list) and problems:
            errors["plan"] = problems
        elif problems:
            errors.update({f"plan.{k}": v for k, v in problems.items()})
        else:
            grouped: dict[str, list] = {category: [] for category in PLAN_CATEGORIES}
            for item in cleaned:
                grouped[item["category"]].append(item)
            draft.plan, draft.plan_edited = grouped, True
    if plan_reviewed:
        draft.plan_needs_review = False
    if errors:
        raise ValidationError(errors)
    draft.save()
    _event(draft, DraftEvent.Kind.EDITED, user)
    audit_record(
        user=user, action=AuditEntry.Action.WRITE, obj=draft, case=draft.case, detail="edited"
    )
    return draft


@transaction.atomic
def draft_submit(*, draft: AssessmentDraft, user: User) -> AssessmentDraft:
    """Send the draft to a YOT manager; every needs-review change must be dealt with."""
    draft = _lock(draft)
    check_case_manager_of(draft=draft, user=user)
    _check_editable(draft)
    pending = list(draft.sections.filter(needs_review=True).values_list("title", flat=True))
    errors = {}
    if pending:
        errors["sections"] = [f"Review the changed findings first: {', '.join(pending)}."]
    if draft.plan_needs_review:
        errors["plan"] = ["Review the changed recommended actions first."]
    if errors:
        raise ValidationError(errors)
    draft.status = DraftStatus.AWAITING_SIGN_OFF
    draft.submitted_at, draft.submitted_by = timezone.now(), user
    draft.save()
    _event(draft, DraftEvent.Kind.SUBMITTED, user)
    audit_record(user=user, action=AuditEntry.Action.SUBMIT, obj=draft, case=draft.case)
    return draft


@transaction.atomic
def draft_sign_off(*, draft: AssessmentDraft, user: User) -> AssessmentDraft:
    """A YOT manager signs off a draft waiting for it; the draft is then locked."""
    if user.role != Role.YOT_MANAGER:
        raise NotAllowed("Only a YOT manager signs a draft off.")
    draft = _lock(draft)
    if draft.status != DraftStatus.AWAITING_SIGN_OFF:
        raise FindingsLocked("Only a draft submitted for sign-off can be signed off.")
    draft.status = DraftStatus.SIGNED_OFF
    draft.signed_off_at, draft.signed_off_by = timezone.now(), user
    draft.new_findings_since_sign_off = False
    draft.save()
    _event(draft, DraftEvent.Kind.SIGNED_OFF, user)
    audit_record(user=user, action=AuditEntry.Action.SIGN_OFF, obj=draft, case=draft.case)
    return draft


@transaction.atomic
def draft_reopen(*, draft: AssessmentDraft, user: User, reason: str) -> AssessmentDraft:
    """A YOT manager reopens a signed-off draft (or returns one awaiting sign-off), with a
    reason; findings that came meanwhile are merged then."""
    if user.role != Role.YOT_MANAGER:
        raise NotAllowed("Only a YOT manager reopens a draft.")
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": ["Say why the draft is reopened."]})
    draft = _lock(draft)
    if draft.status == DraftStatus.DRAFT:
        raise FindingsLocked("This draft is already open.")
    draft.status = DraftStatus.DRAFT
    draft.signed_off_at = draft.signed_off_by = None
    draft.save()
    _event(draft, DraftEvent.Kind.REOPENED, user, reason.strip())
    audit_record(
        user=user,
        action=AuditEntry.Action.REOPEN,
        obj=draft,
        case=draft.case,
        detail=reason.strip(),
    )
    if draft.new_findings_since_sign_off:
        draft.new_findings_since_sign_off = False
        draft.save(update_fields=["new_findings_since_sign_off"])
        draft = draft_merge(case=draft.case)
    return draft
