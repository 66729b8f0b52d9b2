"""Reviews and significant new information (DESIGN.md "After the first sign-off").

Anyone working on a case (its case manager, a YOT manager, a practitioner with a session on
it) records new information; it opens the case's review, or joins the open one, due within
REVIEW_ON_NEW_INFORMATION_WORKING_DAYS working days of when it was received (the earlier of
the two dates), and kinds that touch risk alert the case manager and the YOT managers the same
day, by page notice and email, as urgent findings do.

Starting a review makes the draft a review draft from the last signed-off version: the
version is never changed (versions are append-only), and nothing a case manager wrote is
overwritten (DESIGN.md rule 5): a signed-off draft takes the version's text, judgements and
plan (they are what was signed); a draft reopened meanwhile keeps its text and becomes the
review. The review ends with a manager's sign-off (drafts.draft_sign_off and
review_sign_off.py).

At most one open review per case: recording and starting take turns on the case row's lock,
and the database's partial unique index on open reviews holds it whatever the concurrency.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from agencies.local_time import OUTSIDE_DATE_WINDOW, date_words, date_words_here, in_date_window
from screening.access import practitioner_sessions
from screening.assessment import drafts
from screening.assessment.alert_emails import NEW_INFORMATION_KEY
from screening.assessment.review_sign_off import latest_version
from screening.audit import audit_record
from screening.errors import FindingsLocked, NotAllowed, too_long
from screening.models import (
    JUDGEMENTS,
    Alert,
    AlertEmail,
    AssessmentDraft,
    AssessmentKind,
    AuditEntry,
    Case,
    DraftEvent,
    DraftStatus,
    NewInformation,
    NewInformationKind,
    Review,
    ReviewReason,
    ReviewStatus,
)
from screening.people.deadlines import review_due_after_new_information

SUMMARY_LIMIT = 5000


def may_record_new_information(*, case: Case, user: User) -> bool:
    """The case's case manager, any YOT manager, a practitioner with a session on the case."""
    if not user.is_active:
        return False
    if user.role == Role.YOT_MANAGER:
        return True
    if user.role == Role.CASE_MANAGER:
        return case.case_manager_id == user.pk
    if user.role == Role.PRACTITIONER:
        return practitioner_sessions(user).filter(visit__case=case).exists()
    return False


def check_may_review(*, case: Case, user: User) -> None:
    """Only the case's case manager and YOT managers start a review."""
    if user.is_active and (
        user.role == Role.YOT_MANAGER
        or (user.role == Role.CASE_MANAGER and case.case_manager_id == user.pk)
    ):
        return
    raise NotAllowed(gettext("Only the case's case manager or a YOT manager starts a review."))


def _lock_case(case: Case) -> None:
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()


def _open_review(case: Case) -> Review | None:
    return (
        Review.objects.select_for_update()
        .filter(case=case, status__in=[ReviewStatus.DUE, ReviewStatus.IN_PROGRESS])
        .first()
    )


def _open_or_create(*, case: Case, reason: str, due_by: dt.date, user: User) -> Review:
    """The case's open review, its due date brought forward to `due_by` if that is earlier;
    else a new one. Callers hold the case row's lock; should two writers still meet (a
    database without row locks), the partial unique index lets one create it and the
    other read it back."""
    review = _open_review(case)
    if review is None:
        try:
            with transaction.atomic():
                return Review.objects.create(
                    case=case, reason=reason, due_by=due_by, created_by=user
                )
        except IntegrityError:
            review = _open_review(case)
            if review is None:
                raise
    if due_by < review.due_by:
        review.due_by = due_by
        review.save(update_fields=["due_by"])
    return review


def _check_new_information(kind: Any, summary: Any, received_on: Any) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if kind not in NewInformationKind.values:
        errors["kind"] = [
            f"Choose the kind of information: {', '.join(NewInformationKind.values)}."
        ]
    if not isinstance(summary, str) or not summary.strip():
        errors["summary"] = [gettext("Summarise the new information.")]
    elif len(summary) > SUMMARY_LIMIT:
        errors["summary"] = [too_long(SUMMARY_LIMIT)]
    day = received_on
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors["received_on"] = [gettext("Enter the date it was received as YYYY-MM-DD.")]
    elif not in_date_window(day):
        errors["received_on"] = [str(OUTSIDE_DATE_WINDOW)]
    elif day > timezone.localdate():
        errors["received_on"] = [gettext("The date it was received must be today or in the past.")]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "summary": summary.strip(), "received_on": day}


@transaction.atomic
def new_information_record(
    *, case: Case, user: User, kind: Any, summary: Any, received_on: Any
) -> NewInformation:
    """Record significant new information (the case must be in the user's scope): it opens
    the case's review or joins the open one (due by the earlier of its date and
    REVIEW_ON_NEW_INFORMATION_WORKING_DAYS working days after `received_on`), and kinds that
    touch risk alert the case manager and YOT managers the same day. Raises ValidationError
    naming each field, NotAllowed for someone not working on the case."""
    if not may_record_new_information(case=case, user=user):
        raise NotAllowed(
            gettext(
                "Only the case manager, a YOT manager or a practitioner with a session on the "
                "case records new information."
            )
        )
    values = _check_new_information(kind, summary, received_on)
    _lock_case(case)
    due = review_due_after_new_information(received_on=values["received_on"])
    review = _open_or_create(case=case, reason=ReviewReason.NEW_INFORMATION, due_by=due, user=user)
    item = NewInformation.objects.create(case=case, recorded_by=user, review=review, **values)
    audit_record(
        user=user,
        action=AuditEntry.Action.WRITE,
        obj=item,
        case=case,
        detail=f"new information recorded ({item.kind})",
    )
    if item.alerts:
        _alert(case=case, item=item, review=review)
    return item


def _alert(*, case: Case, item: NewInformation, review: Review) -> list[Alert]:
    """The same-day alert: a page notice for the case manager and each YOT manager, and an
    email each through the urgent-alert outbox (it names the case reference only)."""
    recipients = list(User.objects.filter(role=Role.YOT_MANAGER, is_active=True))
    manager = case.case_manager
    if manager is not None and manager.is_active and manager not in recipients:
        recipients.append(manager)
    text = (
        f"New information: {item.get_kind_display().lower()} recorded for case "
        f"{case.reference}. A review is due by {date_words(review.due_by)}."
    )
    made = []
    now = timezone.now()
    for recipient in recipients:
        email = AlertEmail.objects.create(
            recipient=recipient, case=case, created_at=now, next_attempt_at=now
        )
        made.append(
            Alert.objects.create(
                recipient=recipient,
                case=case,
                key=f"{NEW_INFORMATION_KEY}{item.pk}",
                text=text,
                email=email,
            )
        )
    if made:
        transaction.on_commit(drafts.kick_alert_emails)
    return made


# --- starting a review ---------------------------------------------------------------------


def _review_draft_from_version(draft: AssessmentDraft) -> None:
    """A signed-off draft becomes the review draft with the last signed-off version's text,
    judgements and plan (what was signed); sections with text count as written, so findings
    of a review visit mark them "needs review" instead of replacing them."""
    version = latest_version(draft.case_id)
    texts = {s["key"]: s["text"] for s in version.sections}
    for section in draft.sections.all():
        if section.key in texts:
            section.text = texts[section.key]
        section.edited = section.edited or bool(section.text.strip())
        section.save(update_fields=["text", "edited"])
    for key in JUDGEMENTS:
        setattr(draft, key, getattr(version, key))
        setattr(draft, f"{key}_reason", getattr(version, f"{key}_reason"))
    draft.plan, draft.plan_edited = version.plan, True
    draft.status = DraftStatus.DRAFT
    draft.signed_off_at = draft.signed_off_by = None
    draft.submitted_at = draft.submitted_by = None


@transaction.atomic
def review_start(*, case: Case, user: User) -> Review:
    """Start the case's review now (its case manager or a YOT manager): the open review, or
    a new requested one (due REVIEW_ON_NEW_INFORMATION_WORKING_DAYS working days from today).
    The case needs a signed-off assessment; a draft waiting for sign-off is signed off or
    returned first. Raises NotAllowed (409) naming what stands in the way."""
    check_may_review(case=case, user=user)
    _lock_case(case)
    if latest_version(case.pk) is None:
        raise NotAllowed(
            gettext(
                "The initial assessment is not signed off yet: a review starts from a signed-off "
                "assessment."
            )
        )
    draft = AssessmentDraft.objects.select_for_update().get(case=case)
    if draft.status == DraftStatus.AWAITING_SIGN_OFF:
        raise FindingsLocked(
            "The draft is waiting for sign-off: a YOT manager signs it off or returns it "
            "before a review starts."
        )
    today = timezone.localdate()
    review = _open_review(case)
    if review is not None and review.status == ReviewStatus.IN_PROGRESS:
        raise NotAllowed(gettext("A review of this case is already in progress."))
    if review is None:
        review = _open_or_create(
            case=case,
            reason=ReviewReason.REQUESTED,
            due_by=review_due_after_new_information(received_on=today),
            user=user,
        )
    merge_after = False
    if draft.status == DraftStatus.SIGNED_OFF:
        _review_draft_from_version(draft)
        merge_after = draft.new_findings_since_sign_off
        draft.new_findings_since_sign_off = False
    draft.kind, draft.changes_summary = AssessmentKind.REVIEW, ""
    draft.save()
    DraftEvent.objects.create(
        draft=draft, kind=DraftEvent.Kind.REVIEW_STARTED, by=user, reason=review.reason
    )
    review.status, review.started_on, review.started_by = ReviewStatus.IN_PROGRESS, today, user
    review.from_version = latest_version(case.pk)
    review.save()
    audit_record(
        user=user, action=AuditEntry.Action.WRITE, obj=review, case=case, detail="review started"
    )
    if merge_after:
        drafts.draft_merge(case=case)
    return review


LATE_REASON_LIMIT = 1000


def review_is_late(review: Review, *, today: dt.date | None = None) -> bool:
    """Signed off after its due date, or still open past it (the report's rule)."""
    if review.signed_off_on is not None:
        return review.signed_off_on > review.due_by
    return review.due_by < (today or timezone.localdate())


@transaction.atomic
def review_late_reason_record(*, review: Review, late_reason: Any, user: User) -> Review:
    """Record why a late review is late, for the timeliness report (as a visit after its
    deadline records why). Only the case's case manager or a YOT manager; only a late
    review; the text replaces an earlier reason, the audit trail keeps who wrote when."""
    check_may_review(case=review.case, user=user)
    if not isinstance(late_reason, str) or not late_reason.strip():
        raise ValidationError({"late_reason": [gettext("Say why the review is late.")]})
    if len(late_reason) > LATE_REASON_LIMIT:
        raise ValidationError({"late_reason": [too_long(LATE_REASON_LIMIT)]})
    if not review_is_late(review):
        raise ValidationError(
            {
                "late_reason": [
                    gettext("This review is not late: it is due by %(day)s.")
                    % {"day": date_words_here(review.due_by)}
                ]
            }
        )
    review.late_reason = late_reason.strip()
    review.save(update_fields=["late_reason"])
    audit_record(
        user=user,
        action=AuditEntry.Action.WRITE,
        obj=review,
        case=review.case,
        detail="review late reason",
    )
    return review
