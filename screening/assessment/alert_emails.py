"""Sending the urgent-alert emails through their outbox (the `AlertEmail` rows that
`drafts.alerts_raise` plans in the submission's transaction).

`alert_emails_send_due` (the background worker: `run_dispatcher`, or the Celery task
`screening.send_due_alert_emails`) claims due rows and emails each recipient. A refused
email is retried with growing delays; after ALERT_EMAIL_MAX_ATTEMPTS it is marked failed
and the YOT admins get a task to tell the person, in the same transaction. The email names
the case reference only; the finding itself stays behind sign-in.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from screening.integrations.email import staff_language
from screening.models import AdminTask, Alert, AlertEmail, WorkEmail
from screening.outbox import EmailOutbox, OutboxReport
from screening.worktray.services import admin_task_create
from screening.worktray.words import said

logger = logging.getLogger(__name__)


# The key prefix of alerts raised by new information (screening/assessment/reviews.py).
NEW_INFORMATION_KEY = "new_information."
# Where a task says an email could not be sent when the person has no address.
NO_ADDRESS = gettext_noop("them (no email address recorded)")


def _message(email: AlertEmail) -> tuple[str, str]:
    """The subject and body: what kind of thing was recorded (an urgent finding or
    significant new information), the case reference and where to sign in, nothing more."""
    reference = email.case.reference
    link = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/cases/{email.case_id}/"
    if email.alerts.filter(key__startswith=NEW_INFORMATION_KEY).exists():
        subject = gettext("New information: case %(reference)s")
        said = gettext("Significant new information was recorded today for case %(reference)s.")
    else:
        subject = gettext("Urgent finding: case %(reference)s")
        said = gettext("An urgent finding was recorded today for case %(reference)s.")
    body = (
        f"{said % {'reference': reference}}\n\n"
        f"{gettext('Please sign in to see it and decide what to do today:')}\n{link}\n"
    )
    return subject % {"reference": reference}, body


Row = TypeVar("Row", AlertEmail, WorkEmail)


class PersonEmailOutbox(EmailOutbox[Row, OutboxReport]):
    """An outbox of emails to one person (`recipient`) about one case (`case`): the urgent
    alerts here, the work-list emails (work_emails.py)."""

    report_class = OutboxReport
    no_address = "the person has no email address"

    @staticmethod
    def name_of(person) -> str:
        """How an admin task names the person an email was for."""
        return person.get_full_name() or person.username

    @staticmethod
    def address_words(person) -> str | dict:
        """Where an admin task says the email could not be sent (a wording part)."""
        return person.email or said(NO_ADDRESS)

    def load(self, ids: list[int]) -> list[Row]:
        return list(
            self.model.objects.filter(pk__in=ids)
            .select_related("recipient", "case")
            .order_by("next_attempt_at", "id")
        )

    def address(self, row: Row) -> str:
        return row.recipient.email


class _AlertEmailOutbox(PersonEmailOutbox[AlertEmail]):
    model = AlertEmail
    # ALERT_EMAIL_BATCH_SIZE, _LEASE_SECONDS, _MAX_ATTEMPTS, _RETRY_SECONDS
    settings_prefix = "ALERT_EMAIL"

    def send(self, row: AlertEmail, address: str, now: dt.datetime) -> None:
        with translation.override(staff_language(row.recipient)):
            subject, body = _message(row)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])

    def refused(self, row: AlertEmail, address: str, exc: Exception) -> None:
        logger.warning(
            "urgent alert email %s to user %s not sent: %r", row.pk, row.recipient_id, exc
        )

    def record_sent(self, row: AlertEmail, sent_at: dt.datetime) -> bool:
        """The email sent and its alerts emailed, or neither."""
        with transaction.atomic():
            if not super().record_sent(row, sent_at):
                return False
            Alert.objects.filter(email=row, emailed_at=None).update(emailed_at=sent_at)
            return True

    def open_failed_task(self, row: AlertEmail, error: str) -> None:
        person = row.recipient
        admin_task_create(
            kind=AdminTask.Kind.ALERT_EMAIL_FAILED,
            case=row.case,
            wording=said(
                gettext_noop(
                    "The urgent alert email to %(name)s about case %(reference)s could not be "
                    "sent to %(address)s after %(tries)s tries: %(error)s. Tell them today to "
                    "sign in and read the alert, and check their email address and the mail "
                    "server."
                ),
                name=self.name_of(person),
                reference=row.case.reference,
                address=self.address_words(person),
                tries=row.attempts,
                error=error[:200],
            ),
        )


def alert_emails_send_due(
    *, owner: str | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> OutboxReport:
    """Claim and send due urgent-alert emails batch by batch until none is due (or
    `max_batches`), taking over rows a stopped worker left past its lease. Any number of
    workers may run this at once; each row goes to one."""
    return _AlertEmailOutbox(owner).send_due(batch_size=batch_size, max_batches=max_batches)
