"""Agency findings: forms as versioned data, a working copy, submission and amendment.

Submitted versions are append-only (DESIGN.md rule 4): saving after a submission starts
an amendment, a new version; nothing submitted is ever overwritten. Each submission
re-merges the case's assessment draft, raises urgent alerts (rule 9) and plans the case
manager's "findings arrived" email in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from agencies.findings_forms import DefinitionError, check_answers, check_definition
from agencies.models import Agency, FindingsForm
from screening.assessment.drafts import alerts_raise, draft_merge, notify_by_email
from screening.assessment.work_emails import case_manager_of
from screening.audit import audit_finding, audit_finding_steps
from screening.errors import FindingsLocked, NotAllowed, too_long
from screening.models import (
    AssessmentLayout,
    AuditEntry,
    Finding,
    FindingStatus,
    Session,
    VisitStatus,
    WorkEmail,
)
from screening.people.deadlines import closure_days, findings_due_by

TITLE_LIMIT = 200  # FindingsForm.title and title_cy


def _as_validation_error(error: DefinitionError) -> ValidationError:
    return ValidationError({key: messages for key, messages in error.errors.items()})


def form_current(*, agency: Agency) -> FindingsForm:
    """The agency's newest form version; raises FindingsForm.DoesNotExist if it has none."""
    return FindingsForm.objects.select_related("agency").filter(agency=agency).latest("version")


@transaction.atomic
def form_publish(*, agency: Agency, title: str, questions: Any, title_cy: str = "") -> FindingsForm:
    """Publish a new version of an agency's form; the definition is checked against the
    active draft layout's sections. Earlier versions stay, for findings written in them.
    `title_cy` is the title on Welsh pages (blank: the English one)."""
    if not isinstance(title, str) or not title.strip():
        raise ValidationError({"title": [gettext("Give the form a title.")]})
    if not isinstance(title_cy, str):
        raise ValidationError({"title_cy": [gettext("Give the Welsh title as text.")]})
    if len(title.strip()) > TITLE_LIMIT or len(title_cy.strip()) > TITLE_LIMIT:
        field = "title" if len(title.strip()) > TITLE_LIMIT else "title_cy"
        raise ValidationError({field: [too_long(TITLE_LIMIT)]})
    layout = AssessmentLayout.objects.filter(active=True).first()
    sections = [s["key"] for s in layout.sections] if layout else None
    try:
        questions = check_definition(questions, section_keys=sections)
    except DefinitionError as error:
        raise _as_validation_error(error) from error
    latest = FindingsForm.objects.filter(agency=agency).aggregate(v=Max("version"))["v"] or 0
    return FindingsForm.objects.create(
        agency=agency,
        version=latest + 1,
        title=title.strip(),
        title_cy=title_cy.strip(),
        questions=questions,
    )


def findings_due_for(*, session: Session, closures: frozenset[dt.date] | None = None) -> dt.date:
    """A session's findings are due a set number of working days after its local date."""
    return findings_due_by(visit_date=timezone.localdate(session.start), closures=closures)


def check_can_write(*, session: Session, user: User) -> None:
    """Only the session's own practitioner writes its findings, once the session has
    started, and never for a cancelled or missed session."""
    if user.role != Role.PRACTITIONER or session.practitioner.user_id != user.pk:
        raise NotAllowed(
            gettext("Only the practitioner who ran this session can write its findings.")
        )
    if session.cancelled or session.visit.status == VisitStatus.CANCELLED:
        raise NotAllowed(gettext("This session was cancelled; it needs no findings."))
    if session.attended is False:
        raise NotAllowed(
            gettext("The young person did not attend this session; it needs no findings.")
        )
    if timezone.now() < session.start:
        raise NotAllowed(gettext("Findings can be written once the session has started."))


def working_copy(*, session: Session) -> Finding | None:
    return session.findings.filter(status=FindingStatus.DRAFT).select_related("form").first()


def _lock(session: Session) -> Session:
    # The case manager comes with the case (the submission's email goes to them), unlocked:
    # the rows locked are those the lock always took.
    return (
        Session.objects.select_for_update(
            of=("self", "visit", "visit__case", "practitioner", "agency")
        )
        .select_related("visit__case__case_manager", "practitioner", "agency")
        .get(pk=session.pk)
    )


def _clean(
    *, form: FindingsForm, answers: Any, complete: bool, agencies: list[Agency] | None = None
) -> dict[str, Any]:
    """The answers checked against the form (`agencies`, when the caller has read them, name
    the codes a question may refer to); raises ValidationError naming the question."""
    if agencies is None:
        agencies = list(Agency.objects.all())
    try:
        return check_answers(
            form.questions, answers, complete=complete, agency_codes=[a.code for a in agencies]
        )
    except DefinitionError as error:
        raise _as_validation_error(error) from error


@transaction.atomic
def findings_save(*, session: Session, answers: Any, user: User) -> Finding:
    """Save the working copy (partial answers allowed, each checked); after a submission
    this starts an amendment, a new version. Raises ValidationError naming the question."""
    session = _lock(session)
    check_can_write(session=session, user=user)
    return _save_locked(session=session, answers=answers, user=user)


def _copy_to_write(
    session: Session, closures: Callable[[], frozenset[dt.date]] = closure_days
) -> Finding:
    """The session's working copy, or a new one (unsaved) after its latest submitted
    version, from one read: a working copy is always the session's highest version."""
    latest = session.findings.select_related("form__agency").order_by("-version").first()
    if latest is not None and latest.status == FindingStatus.DRAFT:
        return latest
    return Finding(
        session=session,
        form=latest.form if latest else form_current(agency=session.agency),
        version=(latest.version + 1) if latest else 1,
        status=FindingStatus.DRAFT,
        due_by=latest.due_by if latest else findings_due_for(session=session, closures=closures()),
    )


def _save_locked(*, session: Session, answers: Any, user: User) -> Finding:
    """findings_save's work once the session is locked and the writer checked."""
    copy = _copy_to_write(session)
    copy.answers = _clean(form=copy.form, answers=answers, complete=False)
    copy.updated_at = timezone.now()
    copy.updated_by = user
    copy.save()
    audit_finding(user=user, action=AuditEntry.Action.WRITE, finding=copy, note="saved")
    return copy


@transaction.atomic
def findings_submit(*, session: Session, user: User, answers: Any = None) -> Finding:
    """Submit the working copy (or the answers given) as the next version; every required
    question must be answered. Re-merges the draft and raises urgent alerts."""
    session = _lock(session)
    check_can_write(session=session, user=user)
    # Read once for the whole submission, each only if needed: the agencies (the codes the
    # answers may name, and those the draft may lack) and the closure days (the due date
    # of a first version, and of the findings the draft still waits for).
    agencies = list(Agency.objects.all())
    closures = functools.cache(closure_days)
    # Answers given are saved and submitted under the same lock, checked once as complete,
    # in one write (audited as saved, then as submitted, like a save followed by a submit).
    if answers is not None:
        copy = _copy_to_write(session, closures)
        copy.answers = _clean(form=copy.form, answers=answers, complete=True, agencies=agencies)
    else:
        copy = working_copy(session=session)
        if copy is None:
            raise FindingsLocked(
                "There is nothing to submit: save the findings (or an amendment) first."
            )
        copy.answers = _clean(
            form=copy.form, answers=copy.answers, complete=True, agencies=agencies
        )
    copy.status = FindingStatus.SUBMITTED if copy.version == 1 else FindingStatus.AMENDED
    copy.submitted_at = copy.updated_at = timezone.now()
    copy.updated_by = user
    copy.save()
    # The backlog of findings reads only sessions without a first submission (a partial
    # index), so the mark is set in the same transaction as the finding it stands for.
    Session.objects.filter(pk=session.pk, findings_submitted_at__isnull=True).update(
        findings_submitted_at=copy.submitted_at
    )
    case = session.visit.case
    steps = [(AuditEntry.Action.WRITE, "saved")] if answers is not None else []
    audit_finding_steps(
        user=user, finding=copy, steps=[*steps, (AuditEntry.Action.SUBMIT, copy.status)]
    )
    draft_merge(case=case, agencies=agencies, closures=closures)
    alerts_raise(case=case, finding=copy)
    notify_by_email(
        kind=WorkEmail.Kind.FINDINGS_ARRIVED, case=case, recipients=case_manager_of(case)
    )
    return copy
