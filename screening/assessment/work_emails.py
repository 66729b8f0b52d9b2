"""Work-list emails: a draft sent for sign-off (to the YOT managers), a draft signed off or
reopened, and findings arrived (to the case's manager); a plan action assigned or overdue
(to its owners: plans.py).

`work_emails_plan` writes the `WorkEmail` rows in the transaction of the step that causes
them (drafts.notify_by_email then asks a worker to send them once it commits), so a step
that rolls back emails no one. `work_emails_send_due` (the background worker:
`run_dispatcher`, or the Celery task `screening.send_due_work_emails`) sends them through
the shared email outbox loop, retried with growing delays and failed after
WORK_EMAIL_MAX_ATTEMPTS with an admin task. An email
carries no case content, not even the reference: one sentence and a link to the draft,
which stays behind sign-in.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from accounts.models import Role, User
from screening.assessment.alert_emails import PersonEmailOutbox
from screening.integrations.email import staff_language
from screening.models import AdminTask, Case, WorkEmail
from screening.outbox import OutboxReport
from screening.worktray.services import admin_task_create
from screening.worktray.words import marked, said

logger = logging.getLogger(__name__)

Kind = WorkEmail.Kind

# (subject, first sentence) per kind: nothing about the young person or the case.
WORDING = {
    Kind.SENT_FOR_SIGN_OFF: (
        gettext_lazy("An assessment draft is waiting for sign-off"),
        gettext_lazy("A case manager has sent an assessment draft for a YOT manager's sign-off."),
    ),
    Kind.SIGNED_OFF: (
        gettext_lazy("An assessment draft you manage is signed off"),
        gettext_lazy("A YOT manager has signed off an assessment draft for a case you manage."),
    ),
    Kind.REOPENED: (
        gettext_lazy("An assessment draft you manage is reopened"),
        gettext_lazy("A YOT manager has reopened an assessment draft for a case you manage."),
    ),
    Kind.FINDINGS_ARRIVED: (
        gettext_lazy("New findings for a case you manage"),
        gettext_lazy("An agency has submitted findings for a case you manage."),
    ),
    Kind.ACTION_ASSIGNED: (
        gettext_lazy("A plan action is assigned to you"),
        gettext_lazy("A plan action has been assigned to you or your agency."),
    ),
    Kind.ACTION_OVERDUE: (
        gettext_lazy("A plan action is overdue"),
        gettext_lazy("A plan action assigned to you or your agency is past its due date."),
    ),
}
# Plan action emails link to the owner's list of actions, not to a case.
ACTION_KINDS = frozenset({Kind.ACTION_ASSIGNED, Kind.ACTION_OVERDUE})


def draft_link(case_id: int) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/cases/{case_id}/assessment-draft/"


def message_of(*, kind: str, case_id: int) -> tuple[str, str]:
    """The subject and body of a work-list email: one sentence and the link."""
    subject, sentence = WORDING[Kind(kind)]
    link = (
        f"{settings.PUBLIC_BASE_URL.rstrip('/')}/plan-actions/"
        if kind in ACTION_KINDS
        else draft_link(case_id)
    )
    return str(subject), f"{sentence}\n\n{gettext('Sign in to see it:')}\n{link}\n"


def work_emails_plan(*, kind: str, case: Case, recipients: Iterable[User]) -> list[WorkEmail]:
    """Plan one email of `kind` about `case` to each active recipient with an email address
    (someone without one finds the work on their home page), inside the caller's
    transaction."""
    now = timezone.now()
    rows = [
        WorkEmail(kind=kind, recipient=person, case=case, created_at=now, next_attempt_at=now)
        for person in {p.pk: p for p in recipients}.values()
        if person.is_active and person.email
    ]
    if rows:
        WorkEmail.objects.bulk_create(rows)
    return rows


def yot_managers() -> list[User]:
    return list(User.objects.filter(role=Role.YOT_MANAGER, is_active=True))


def case_manager_of(case: Case) -> list[User]:
    return [case.case_manager] if case.case_manager_id else []


class _WorkEmailOutbox(PersonEmailOutbox[WorkEmail]):
    model = WorkEmail
    # WORK_EMAIL_BATCH_SIZE, _LEASE_SECONDS, _MAX_ATTEMPTS, _RETRY_SECONDS
    settings_prefix = "WORK_EMAIL"

    def send(self, row: WorkEmail, address: str, now: dt.datetime) -> None:
        with translation.override(staff_language(row.recipient)):
            subject, body = message_of(kind=row.kind, case_id=row.case_id)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])

    def refused(self, row: WorkEmail, address: str, exc: Exception) -> None:
        logger.warning("work email %s to user %s not sent: %r", row.pk, row.recipient_id, exc)

    def open_failed_task(self, row: WorkEmail, error: str) -> None:
        person = row.recipient
        admin_task_create(
            kind=AdminTask.Kind.WORK_EMAIL_FAILED,
            case=row.case,
            wording=said(
                gettext_noop(
                    "The email to %(name)s saying '%(kind)s' for case %(reference)s could not "
                    "be sent to %(address)s after %(tries)s tries: %(error)s. Tell them to look "
                    "at their home page, and check their email address and the mail server."
                ),
                name=self.name_of(person),
                kind=marked(row.get_kind_display()),
                reference=row.case.reference,
                address=self.address_words(person),
                tries=row.attempts,
                error=error[:200],
            ),
        )


def work_emails_send_due(
    *, owner: str | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> OutboxReport:
    """Claim and send due work-list emails batch by batch until none is due (or
    `max_batches`), taking over rows a stopped worker left past its lease."""
    return _WorkEmailOutbox(owner).send_due(batch_size=batch_size, max_batches=max_batches)
