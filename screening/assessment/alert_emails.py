"""Sending the urgent-alert emails through their outbox (the `AlertEmail` rows that
`drafts.alerts_raise` plans in the submission's transaction).

`alert_emails_send_due` (the background worker: `run_dispatcher`, or the Celery task
`screening.send_due_alert_emails`) claims due rows and emails each recipient. A refused
email is retried with growing delays; after ALERT_EMAIL_MAX_ATTEMPTS it is marked failed
and the YOT admins get a task to tell the person, in the same transaction. The email names
the case reference only; the finding itself stays behind sign-in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from screening.models import AdminTask, Alert, AlertEmail, AlertEmailStatus
from screening.outbox import claim_due_batches, finish_claimed, new_owner, retry_later
from screening.worktray.services import admin_task_create

logger = logging.getLogger(__name__)

S = AlertEmailStatus


@dataclass
class AlertEmailReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _load(ids: list[int]) -> list[AlertEmail]:
    return list(
        AlertEmail.objects.filter(pk__in=ids)
        .select_related("recipient", "case")
        .order_by("next_attempt_at", "id")
    )


def _message(email: AlertEmail) -> tuple[str, str]:
    """The subject and body: the case reference and where to sign in, nothing more."""
    reference = email.case.reference
    link = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/cases/{email.case_id}/"
    body = (
        f"An urgent finding was recorded today for case {reference}.\n\n"
        f"Please sign in to see it and decide what to do today:\n{link}\n"
    )
    return f"Urgent finding: case {reference}", body


def _fail(email: AlertEmail, owner: str, error: str, report: AlertEmailReport) -> None:
    with transaction.atomic():  # failed and its task, or neither
        if not finish_claimed(AlertEmail, email.pk, owner, status=S.FAILED, last_error=error):
            return
        report.failed += 1
        person = email.recipient
        admin_task_create(
            kind=AdminTask.Kind.ALERT_EMAIL_FAILED,
            case=email.case,
            text=f"The urgent alert email to {person.get_full_name() or person.username} "
            f"about case {email.case.reference} could not be sent to "
            f"{person.email or 'them (no email address recorded)'} after {email.attempts} "
            f"tries: {error[:200]}. Tell them today to sign in and read the alert, and check "
            "their email address and the mail server.",
        )


def _retry(email: AlertEmail, owner: str, error: str, report: AlertEmailReport) -> None:
    if email.attempts >= settings.ALERT_EMAIL_MAX_ATTEMPTS:
        _fail(email, owner, error, report)
    elif retry_later(
        AlertEmail,
        email.pk,
        owner,
        attempts=email.attempts,
        first_seconds=settings.ALERT_EMAIL_RETRY_SECONDS,
        error=error,
    ):
        report.retried += 1


def _send_one(email: AlertEmail, owner: str, report: AlertEmailReport) -> None:
    address = email.recipient.email
    if not address:
        _fail(email, owner, "the person has no email address", report)
        return
    subject, body = _message(email)
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])
    except Exception as exc:  # any mail server or network fault: try again later
        logger.warning(
            "urgent alert email %s to user %s not sent: %r", email.pk, email.recipient_id, exc
        )
        _retry(email, owner, f"{type(exc).__name__}: {exc}"[:1000], report)
        return
    now = timezone.now()
    with transaction.atomic():
        if finish_claimed(AlertEmail, email.pk, owner, status=S.SENT, sent_at=now, last_error=""):
            report.sent += 1
            Alert.objects.filter(email=email, emailed_at=None).update(emailed_at=now)


def alert_emails_send_due(
    *, owner: str | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> AlertEmailReport:
    """Claim and send due urgent-alert emails batch by batch until none is due (or
    `max_batches`), taking over rows a stopped worker left past its lease. Any number of
    workers may run this at once; each row goes to one."""
    owner = owner or new_owner()
    report = AlertEmailReport()
    for ids in claim_due_batches(
        AlertEmail,
        owner=owner,
        size=batch_size or settings.ALERT_EMAIL_BATCH_SIZE,
        lease_seconds=settings.ALERT_EMAIL_LEASE_SECONDS,
        max_batches=max_batches,
    ):
        report.claimed += len(ids)
        for email in _load(ids):
            _send_one(email, owner, report)
    return report
