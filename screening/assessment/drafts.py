"""The initial assessment draft: merging findings, the case manager's edits, and the
manager's oversight (submit, sign off, reopen), plus same-day alerts for urgent findings
(their emails are sent through an outbox: alert_emails.py). Sending for sign-off, signing
off and reopening plan a work-list email in their transaction (work_emails.py).

A merge never overwrites what the case manager wrote (DESIGN.md rule 5): each section
keeps the generated text apart from the case manager's; when new or amended findings
change a section the case manager edited, it is marked "needs review" with the changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accounts.models import Role, User
from agencies.findings_forms import PLAN_CATEGORIES, check_actions, condition_holds
from agencies.local_time import date_words as _date
from agencies.models import Agency
from screening.assessment import tasks
from screening.assessment.draft_words import section_title_here
from screening.assessment.merge import Contribution, merge, section_changes
from screening.assessment.plans import (
    assessment_version_record,
    check_judgements,
    judgement_missing_errors,
    plan_actions_from_version,
)
from screening.assessment.review_sign_off import (
    CHANGES_SUMMARY_LIMIT,
    check_review_sign_off,
    latest_version,
    reviews_after_sign_off,
)
from screening.assessment.selectors import reads_restricted_findings
from screening.assessment.work_emails import case_manager_of, work_emails_plan, yot_managers
from screening.audit import audit_record
from screening.errors import FindingsLocked, NotAllowed, too_long
from screening.models import (
    Alert,
    AlertEmail,
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
    WorkEmail,
)
from screening.outbox import kick
from screening.people.deadlines import closure_days, findings_due_by


def latest_findings(*, case: Case) -> list[Finding]:
    """Each agency's newest submitted findings for the case (the latest session's, when a
    missed session was rebooked), each with its session's `agency_id` (the session itself
    is not read)."""
    findings = (
        Finding.objects.filter(session__visit__case=case)
        .exclude(status=FindingStatus.DRAFT)
        .select_related("form")
        .annotate(agency_id=F("session__agency_id"))
        .order_by("session__agency_id", "-submitted_at", "-version")
    )
    latest: dict[int, Finding] = {}
    for finding in findings:
        latest.setdefault(finding.agency_id, finding)
    return list(latest.values())


def contributions_of(findings: list[Finding], agencies: list[Agency]) -> list[Contribution]:
    """What the merge reads of each finding: its agency (of `agencies`, all of them),
    version, form and answers."""
    by_id = {a.pk: a for a in agencies}
    return [
        Contribution(
            agency=by_id[f.agency_id].code,
            agency_name=by_id[f.agency_id].name,
            agency_order=by_id[f.agency_id].order,
            finding_id=f.pk,
            version=f.version,
            questions=f.form.questions,
            answers=f.answers,
        )
        for f in findings
    ]


def missing_agencies(
    *,
    case: Case,
    have: set[str],
    agencies: list[Agency] | None = None,
    closures: Callable[[], frozenset[dt.date]] = closure_days,
) -> list[dict[str, Any]]:
    """The agencies the draft still lacks (those required by default and those booked for
    the case), each with the reason an admin can act on. `agencies`, when the caller has
    read them all, saves reading them again; `closures` is called only if a due date is
    needed."""
    # Every session of the case in one read: the agencies booked, and the live ones.
    booked = list(
        Session.objects.filter(visit__case=case)
        .order_by("-start")
        .values("agency_id", "start", "attended", "attendance_reason", "cancelled", "visit__status")
    )
    booked_agencies = {s["agency_id"] for s in booked}
    sessions = [
        s for s in booked if not s["cancelled"] and s["visit__status"] != VisitStatus.CANCELLED
    ]
    if agencies is None:
        agencies = list(Agency.objects.all())
    today, now = timezone.localdate(), timezone.now()
    closed: frozenset[dt.date] | None = None  # read once, only if a due date is needed
    missing = []
    for agency in agencies:  # in the agencies' own order
        if agency.code in have or not (agency.required_by_default or agency.pk in booked_agencies):
            continue
        latest = next((s for s in sessions if s["agency_id"] == agency.pk), None)
        item: dict[str, Any] = {"agency": agency.code, "agency_name": agency.name, "due_by": None}
        if latest is None:
            item.update(reason="not_booked", text="No session booked yet.")
        elif latest["attended"] is False:
            reason = latest["attendance_reason"]
            item.update(
                reason="did_not_attend",
                text="The young person did not attend on "
                f"{_date(timezone.localdate(latest['start']))}"
                + (f" ({reason})." if reason else "."),
            )
        elif latest["start"] > now:
            item.update(
                reason="visit_booked",
                text=f"Session booked for {_date(timezone.localdate(latest['start']))}.",
            )
        else:
            if closed is None:
                closed = closures()
            due = findings_due_by(visit_date=timezone.localdate(latest["start"]), closures=closed)
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
        raise NotAllowed(
            gettext("No draft layout is active; a system administrator must choose one.")
        )
    return layout


def _draft_for_merge(case: Case) -> AssessmentDraft:
    """The case's draft, locked, created if it has none. Merges of one case take turns on
    the case row's lock (SQLite serialises writers anyway), so a later merge sees every
    finding committed before it; should two first merges still meet, the unique case of
    AssessmentDraft lets one create it and the other read it back (get_or_create)."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
    draft, _ = (
        # The layout comes with it, unlocked (of: only the draft's row is locked).
        AssessmentDraft.objects.select_for_update(of=("self",))
        .select_related("layout")
        .get_or_create(case=case, defaults={"layout": _active_layout})
    )
    return draft


# What a merge may change on an existing section.
SECTION_MERGED_FIELDS = (
    "text",
    "generated_text",
    "needs_review",
    "suggested_text",
    "review_changes",
    "title",
    "guidance",
    "position",
    "pieces",
    "sources",
)


def _section_state(section: DraftSection) -> tuple:
    return tuple(getattr(section, f) for f in SECTION_MERGED_FIELDS)


def _sections_write(sections: list[DraftSection]) -> None:
    """Write the merged fields of the sections a merge changed, in one statement run once
    per section (ADR 0028): an ORM update per section cost a query each, and bulk_update's
    CASE WHEN over ten fields (two of them JSON) four times the CPU of those updates. Values
    are prepared by each field's own rules, as the ORM prepares them."""
    if not sections:
        return
    fields = [DraftSection._meta.get_field(name) for name in SECTION_MERGED_FIELDS]
    rows = [
        [f.get_db_prep_save(getattr(s, f.attname), connection) for f in fields] + [s.pk]
        for s in sections
    ]
    table = connection.ops.quote_name(DraftSection._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET text = %s, generated_text = %s, "  # noqa: S608 - the model's table
            "needs_review = %s, suggested_text = %s, review_changes = %s, title = %s, "
            'guidance = %s, "position" = %s, pieces = %s, sources = %s WHERE id = %s',
            rows,
        )


# What a merge may change on the draft itself.
DRAFT_MERGED_FIELDS = (
    "plan",
    "plan_needs_review",
    "generated_plan",
    "flags",
    "suggested_ratings",
    "conflicts",
    "restricted",
    "missing",
    "built_from",
    "merged_at",
    "status",
)


# Inside a caller's transaction (a submission) no savepoint: nobody goes on after a failed
# merge, the caller's whole transaction rolls back with it.
@transaction.atomic(savepoint=False)
def draft_merge(
    *,
    case: Case,
    agencies: list[Agency] | None = None,
    closures: Callable[[], frozenset[dt.date]] = closure_days,
) -> AssessmentDraft:
    """Build or refresh the case's draft from the latest submitted findings (each
    submission and amendment calls it; a read never does). Sections the case manager has
    not edited follow the findings; edited ones keep their text and are marked needs
    review. A signed-off draft is locked: it only notes that findings came. `agencies`
    (all of them) and `closures` are what the caller has read already (missing_agencies)."""
    draft = _draft_for_merge(case)
    if agencies is None:
        agencies = list(Agency.objects.all())
    findings = latest_findings(case=case)
    result = merge(
        layout=draft.layout.as_data(), contributions=contributions_of(findings, agencies)
    )
    changed_sources = result.built_from != draft.built_from
    if draft.is_locked():
        if changed_sources:
            draft.new_findings_since_sign_off = True
            draft.save(update_fields=["new_findings_since_sign_off"])
        return draft

    existing = {s.key: s for s in draft.sections.all()}
    changed_any = False
    new_sections: list[DraftSection] = []
    changed_sections: list[tuple[DraftSection, list[str]]] = []
    for position, merged in enumerate(result.sections):
        section = existing.get(merged.key)
        text = merged.text
        before = None if section is None else _section_state(section)
        if section is None:
            section = DraftSection(
                draft=draft, key=merged.key, text=text, generated_text=text, position=position
            )
            new_sections.append(section)
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
        if before is not None and _section_state(section) != before:
            # Unchanged sections stay unwritten.
            changed_sections.append(section)
    _sections_write(changed_sections)
    DraftSection.objects.bulk_create(new_sections)

    if result.plan != draft.generated_plan:
        if draft.plan_edited:
            draft.plan_needs_review = bool(draft.generated_plan) or any(result.plan.values())
        else:
            draft.plan = result.plan
        draft.generated_plan = result.plan
    draft.flags, draft.suggested_ratings = result.flags, result.suggested_ratings
    draft.conflicts, draft.restricted = result.conflicts, result.restricted
    draft.missing = missing_agencies(
        case=case,
        have={c["agency"] for c in result.built_from},
        agencies=agencies,
        closures=closures,
    )
    draft.built_from = result.built_from
    draft.merged_at = timezone.now()
    if draft.status == DraftStatus.AWAITING_SIGN_OFF and (changed_any or changed_sources):
        draft.status = DraftStatus.DRAFT
    draft.save(update_fields=DRAFT_MERGED_FIELDS)
    if changed_sources or changed_any:
        DraftEvent.objects.create(
            draft=draft,
            kind=DraftEvent.Kind.MERGED,
            reason=", ".join(f"{c['agency']} v{c['finding_version']}" for c in result.built_from),
        )
    return draft


NO_FINDINGS_YET = gettext_noop("No findings have been submitted for this case yet.")


class DraftNotStarted(Exception):
    """The case has no draft: none of its findings has been submitted (HTTP 404)."""

    def __init__(self, *, case: Case) -> None:
        self.case = case
        super().__init__(NO_FINDINGS_YET)


def draft_of(*, case: Case) -> AssessmentDraft:
    """The case's draft as stored, with the missing agencies as of now (draft_missing_now).
    Only reads: a draft is built by the submissions. Raises DraftNotStarted before the
    first one."""
    draft = AssessmentDraft.objects.select_related("case", "layout").filter(case=case).first()
    if draft is None:
        raise DraftNotStarted(case=case)
    draft.missing = draft_missing_now(draft=draft)
    return draft


def draft_read(*, case: Case, user: User, detail: str = "") -> AssessmentDraft:
    """Open the draft for reading; the read is audit-logged (the only thing it writes).
    The case must come from draft_case_list_for. Raises DraftNotStarted before the first
    submission."""
    draft = draft_of(case=case)
    audit_record(user=user, action=AuditEntry.Action.READ, obj=draft, case=case, detail=detail)
    return draft


def draft_missing_now(*, draft: AssessmentDraft) -> list[dict[str, Any]]:
    """The agencies the draft lacks, with their reasons as of now (due becomes overdue
    with time), worked out without storing them; a signed-off draft keeps those it was
    signed off with."""
    if draft.is_locked():
        return draft.missing
    return missing_agencies(case=draft.case, have={c["agency"] for c in draft.built_from})


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
    """Alert the case manager and every YOT manager, once per cause, the same day (someone
    who reads a restricted finding's summary only is told it is urgent, once, not why): a page
    notice now, and an email planned in the same transaction (the AlertEmail outbox, sent
    and retried by the background worker: screening/assessment/alert_emails.py). The
    email names the case reference only; the finding itself stays behind sign-in."""
    urgent = _urgent_flags(finding)
    if not urgent:
        return []
    recipients = list(User.objects.filter(role=Role.YOT_MANAGER, is_active=True))
    if case.case_manager is not None and case.case_manager.is_active:
        recipients.append(case.case_manager)
    agency = finding.session.agency.name
    # Someone who sees a restricted finding's summary only is told that it is urgent,
    # never why (the cause would give away what the summary leaves out).
    summary_only = [
        (
            f"{finding.session.agency.code}.restricted",
            f"Urgent: restricted {agency} findings need action today (case {case.reference}). "
            "Read their summary on the assessment draft; a YOT manager sees them whole.",
        )
    ]
    created: list[Alert] = []
    # One read of the causes already raised for these people on this case; get_or_create
    # only for the others (it still settles two submissions raising the same one at once).
    raised = set(
        Alert.objects.filter(case=case, recipient__in=recipients).values_list("recipient_id", "key")
    )
    for recipient in recipients:
        new_for_them = []
        whole = not finding.restricted or reads_restricted_findings(recipient)
        causes = (
            [
                (key, f"Urgent: {text} ({agency} findings, case {case.reference}).")
                for key, text in urgent
            ]
            if whole
            else summary_only
        )
        for key, text in causes:
            if (recipient.pk, key) in raised:
                continue
            alert, new = Alert.objects.get_or_create(
                recipient=recipient, case=case, key=key, defaults={"text": text}
            )
            if new:
                new_for_them.append(alert)
        if new_for_them:  # one email per person for what this submission raised
            now = timezone.now()
            email = AlertEmail.objects.create(
                recipient=recipient, case=case, created_at=now, next_attempt_at=now
            )
            Alert.objects.filter(pk__in=[a.pk for a in new_for_them]).update(email=email)
            for alert in new_for_them:
                alert.email = email
            created += new_for_them
    if created:
        transaction.on_commit(kick_alert_emails)
    return created


def kick_alert_emails() -> None:
    """Ask a Celery worker to send due alert emails now (a no-op without a broker)."""
    kick(tasks.send_due_alert_emails)


def notify_by_email(*, kind: str, case: Case, recipients: list[User]) -> None:
    """Plan work-list emails (work_emails.py) in the caller's transaction; once it commits,
    a worker is asked to send them."""
    if work_emails_plan(kind=kind, case=case, recipients=recipients):
        transaction.on_commit(kick_work_emails)


def kick_work_emails() -> None:
    """Ask a Celery worker to send due work-list emails now (a no-op without a broker)."""
    kick(tasks.send_due_work_emails)


@transaction.atomic
def alert_mark_read(*, alert: Alert, user: User) -> Alert:
    if alert.recipient_id != user.pk:
        raise NotAllowed(gettext("This alert is someone else's."))
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
    return alert


# --- editing and oversight ------------------------------------------------------------


def _lock(draft: AssessmentDraft) -> AssessmentDraft:
    # The draft's and the case's rows locked, as always; the case manager (told of the
    # oversight steps) and the layout (the sections an edit may name) come unlocked.
    return (
        AssessmentDraft.objects.select_for_update(of=("self", "case"))
        .select_related("case__case_manager", "layout")
        .get(pk=draft.pk)
    )


def check_case_manager_of(*, draft: AssessmentDraft, user: User) -> None:
    if user.role != Role.CASE_MANAGER or draft.case.case_manager_id != user.pk:
        raise NotAllowed(gettext("Only the case's case manager can change this draft."))


def _check_editable(draft: AssessmentDraft) -> None:
    if draft.status == DraftStatus.SIGNED_OFF:
        raise FindingsLocked("This draft is signed off; a YOT manager must reopen it first.")
    if draft.status == DraftStatus.AWAITING_SIGN_OFF:
        raise FindingsLocked(
            "This draft is waiting for sign-off; a YOT manager can return it for changes."
        )


# Documented maximums (README "Limits on input"). A PATCH names each of the layout's
# sections at most once, so it never holds more entries than the layout has sections.
SECTION_TEXT_LIMIT = 20_000
REASON_LIMIT = 1000


def check_section_changes(*, draft: AssessmentDraft, sections: list) -> None:
    """At most one change per section of the draft's layout; raises ValidationError."""
    limit = len(draft.layout.sections)
    if len(sections) > limit:
        raise ValidationError(
            {
                "sections": [
                    gettext("Give at most %(limit)s sections: the draft's layout has %(limit)s.")
                    % {"limit": limit}
                ]
            }
        )
    seen: set = set()
    for i, change in enumerate(sections):
        key = change.get("key") if isinstance(change, dict) else None
        if key in seen:
            raise ValidationError(
                {f"sections.{i}.key": [gettext("This section is named more than once.")]}
            )
        seen.add(key)


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
    judgements: dict[str, Any] | None = None,
    changes_summary: str | None = None,
) -> AssessmentDraft:
    """Edit sections (`{key, text}`), mark reviewed (`{key, reviewed: true}`) or take the
    newly merged text (`{key, accept_suggested: true}`), edit the plan, record judgements
    (`{key: {level, reason}}`, any of the three) and a review's changes summary. Raises
    ValidationError naming the section, plan item, judgement or field."""
    draft = _lock(draft)
    check_case_manager_of(draft=draft, user=user)
    _check_editable(draft)
    check_section_changes(draft=draft, sections=list(sections or []))
    by_key = {s.key: s for s in draft.sections.all()} if sections else {}
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    for i, change in enumerate(sections or []):
        section = by_key.get(change.get("key"))
        if section is None:
            errors[f"sections.{i}.key"] = [gettext("This draft has no such section.")]
            continue
        if "text" in change:
            text = change["text"]
            if not isinstance(text, str) or len(text) > SECTION_TEXT_LIMIT:
                errors[f"sections.{i}.text"] = [
                    f"Enter text of up to {SECTION_TEXT_LIMIT:,} characters."
                ]
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
    if judgements is not None:
        try:
            for key, given in check_judgements(judgements).items():
                setattr(draft, key, given["level"])
                setattr(draft, f"{key}_reason", given["reason"])
            draft.judgements_edited_at, draft.judgements_edited_by = now, user
        except ValidationError as error:
            errors.update(error.message_dict)
    if changes_summary is not None:
        if not isinstance(changes_summary, str) or len(changes_summary) > CHANGES_SUMMARY_LIMIT:
            errors["changes_summary"] = [too_long(CHANGES_SUMMARY_LIMIT)]
        else:
            draft.changes_summary = changes_summary.strip()
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
        errors["sections"] = [
            gettext("Review the changed findings first: %(sections)s.")
            % {"sections": ", ".join(section_title_here(title) for title in pending)}
        ]
    if draft.plan_needs_review:
        errors["plan"] = [gettext("Review the changed recommended actions first.")]
    if errors:
        raise ValidationError(errors)
    draft.status = DraftStatus.AWAITING_SIGN_OFF
    draft.submitted_at, draft.submitted_by = timezone.now(), user
    draft.save()
    _event(draft, DraftEvent.Kind.SUBMITTED, user)
    audit_record(user=user, action=AuditEntry.Action.SUBMIT, obj=draft, case=draft.case)
    notify_by_email(
        kind=WorkEmail.Kind.SENT_FOR_SIGN_OFF, case=draft.case, recipients=yot_managers()
    )
    return draft


@transaction.atomic
def draft_sign_off(
    *, draft: AssessmentDraft, user: User, changes_summary: str | None = None
) -> AssessmentDraft:
    """A YOT manager signs off a draft waiting for it, its three judgements recorded with a
    reason each (ValidationError naming each missing one) and, for a review, what changed or
    why nothing did (`changes_summary`, given here or on the draft: review_sign_off.py); the
    draft is then locked, kept as the case's next assessment version (recording what differs
    from the previous one), its plan becomes plan actions (their owners are emailed), a review
    in progress is signed off and the next review scheduled."""
    if user.role != Role.YOT_MANAGER:
        raise NotAllowed(gettext("Only a YOT manager signs a draft off."))
    draft = _lock(draft)
    if draft.status != DraftStatus.AWAITING_SIGN_OFF:
        raise FindingsLocked("Only a draft submitted for sign-off can be signed off.")
    # Read once for the checks and the version kept: the sections (nothing changes them
    # during a sign-off) and the case's previous version.
    prefetch_related_objects([draft], "sections")
    previous = latest_version(draft.case_id)
    errors = judgement_missing_errors(draft)
    try:
        summary, changes = check_review_sign_off(
            draft=draft, changes_summary=changes_summary, previous=previous
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    draft.changes_summary = summary
    draft.status = DraftStatus.SIGNED_OFF
    draft.signed_off_at, draft.signed_off_by = timezone.now(), user
    draft.new_findings_since_sign_off = False
    draft.save()
    _event(draft, DraftEvent.Kind.SIGNED_OFF, user)
    version = assessment_version_record(
        draft=draft, user=user, changes=changes, latest=previous.version if previous else 0
    )
    plan_actions_from_version(version=version, user=user)
    reviews_after_sign_off(version=version, user=user)
    audit_record(user=user, action=AuditEntry.Action.SIGN_OFF, obj=draft, case=draft.case)
    notify_by_email(
        kind=WorkEmail.Kind.SIGNED_OFF, case=draft.case, recipients=case_manager_of(draft.case)
    )
    return draft


@transaction.atomic
def draft_reopen(*, draft: AssessmentDraft, user: User, reason: str) -> AssessmentDraft:
    """A YOT manager reopens a signed-off draft (or returns one awaiting sign-off), with a
    reason; findings that came meanwhile are merged then."""
    if user.role != Role.YOT_MANAGER:
        raise NotAllowed(gettext("Only a YOT manager reopens a draft."))
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": [gettext("Say why the draft is reopened.")]})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": [too_long(REASON_LIMIT)]})
    draft = _lock(draft)
    if draft.status == DraftStatus.DRAFT:
        raise FindingsLocked("This draft is already open.")
    if draft.status == DraftStatus.SIGNED_OFF:
        # The signed-off summary is kept on its version; signing off again says anew what
        # changed. (A draft returned from sign-off keeps the case manager's words.)
        draft.changes_summary = ""
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
    notify_by_email(
        kind=WorkEmail.Kind.REOPENED, case=draft.case, recipients=case_manager_of(draft.case)
    )
    if draft.new_findings_since_sign_off:
        draft.new_findings_since_sign_off = False
        draft.save(update_fields=["new_findings_since_sign_off"])
        draft = draft_merge(case=draft.case)
    return draft
