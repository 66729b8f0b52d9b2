"""The columns every email outbox table shares, for the claims, outcomes and retries of
screening/outbox.py (docs/decisions/0004-sms-outbox.md). Abstract: each outbox keeps its
own table, and this module is not re-exported from screening.models."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from screening import outbox


class OutboxStatus(models.TextChoices):
    """The statuses the shared claims and outcomes write (screening/outbox.py)."""

    PLANNED = outbox.PLANNED, "Planned"
    SENDING = outbox.SENDING, "Sending"
    SENT = outbox.SENT, "Sent"
    FAILED = outbox.FAILED, "Failed"


class OutboxRow(models.Model):
    """One email waiting in, or gone from, an outbox: planned, claimed (`sending`, with the
    worker's name and time), then sent or failed, each attempt counted at the claim. A
    subclass with more outcomes overrides `status` with its own choices."""

    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PLANNED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_owner = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


def outbox_indexes(prefix: str) -> list[models.Index]:
    """The two indexes the claims read (`<prefix>_due`: planned rows by due time;
    `<prefix>_lease`: claimed rows by claim time, for taking over a stopped worker's).
    Named per table, as index names are unique across the database."""
    return [
        models.Index(fields=["status", "next_attempt_at"], name=f"{prefix}_due"),
        models.Index(fields=["status", "claimed_at"], name=f"{prefix}_lease"),
    ]
