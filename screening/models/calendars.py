"""Calendars imported from practitioners, and the calendar invite outbox."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from agencies.models import Interpreter, Practitioner
from screening.models.booking import Session, Visit
from screening.models.outbox import OutboxRow, outbox_indexes
from screening.models.venues import Room


class CalendarImport(models.Model):
    """Busy times imported from a practitioner's own calendar (a URL or an uploaded file).

    Only the busy intervals are kept, never the events' titles or details: `busy` is a
    list of [start, end) pairs in whole UTC minutes since the epoch (the scheduling
    engine's unit), expanded between `busy_from` and `busy_until`. `source`, `url` and
    `file_name` say where the busy times in force came from (`source` is blank until a
    first import succeeds).

    A new address or an uploaded file is a request (`requested_*`, `status` pending),
    loaded by the background worker; the busy times in force stay until it succeeds. A
    failed load, requested or a refresh, keeps them too and records the error and its time
    (`status` failed).
    """

    class Source(models.TextChoices):
        URL = "url", "Calendar address"
        UPLOAD = "upload", "Uploaded file"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be loaded"
        OK = "ok", "Loaded"
        FAILED = "failed", "Could not be loaded"

    practitioner = models.OneToOneField(
        Practitioner, on_delete=models.CASCADE, related_name="calendar_import"
    )
    source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    url = models.CharField(max_length=2000, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    busy = models.JSONField(default=list, blank=True)
    busy_from = models.DateTimeField(null=True, blank=True)
    busy_until = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OK)
    requested_source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    requested_url = models.CharField(max_length=2000, blank=True)
    requested_file_name = models.CharField(max_length=255, blank=True)
    requested_data = models.BinaryField(
        null=True, blank=True, help_text="An uploaded file until the worker has read it."
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    request_token = models.CharField(
        max_length=32, blank=True, help_text="Names the request, so a later one is not overwritten."
    )
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker started loading the request."
    )

    class Meta:
        indexes = [
            models.Index(fields=["source", "last_fetched_at"]),
            models.Index(fields=["status", "requested_at"], name="calendar_import_requested"),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} ({self.get_source_display().lower() or 'nothing yet'})"

    @property
    def busy_count(self) -> int:
        return len(self.busy)


class InviteStatus(models.TextChoices):
    PLANNED = "planned", gettext_lazy("Planned")
    SENDING = "sending", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Sent")
    FAILED = "failed", gettext_lazy("Failed")
    SUPERSEDED = "superseded", gettext_lazy("Superseded")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn (nothing had been sent to cancel)")


class InviteEmail(OutboxRow):
    """One calendar invite email in the outbox: one practitioner, one session, one visit
    change. Planned inside the booking transaction, sent later by the background worker
    from the rows as they are then (docs/decisions/0005-calendars.md)."""

    class Method(models.TextChoices):
        REQUEST = "REQUEST", "Request (add or update)"
        CANCEL = "CANCEL", "Cancel (remove)"

    class Kind(models.TextChoices):
        BOOKED = "booked", "Screening session"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="invites")
    visit_version = models.PositiveIntegerField()
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invites")
    practitioner = models.ForeignKey(
        Practitioner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The recipient; their email address is read when the invite is sent.",
    )
    # Or the visit's interpreter (then no practitioner): the invite is for the whole visit,
    # and `session` is the visit's first-made session, which stays with it for its life.
    interpreter = models.ForeignKey(
        Interpreter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The recipient when the invite is for the visit's interpreter.",
    )
    method = models.CharField(max_length=7, choices=Method.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A cancellation to the practitioner a move took off the session: the session's time
    # and room as that practitioner was sent them (from the change's previous snapshot),
    # since the session itself now holds the new ones. Empty on every other row.
    previous_start = models.DateTimeField(null=True, blank=True)
    previous_end = models.DateTimeField(null=True, blank=True)
    previous_room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The outbox's statuses, superseded (the visit changed again before it was sent) and
    # withdrawn (a cancellation to a practitioner never sent an invitation to the session).
    status = models.CharField(
        max_length=10, choices=InviteStatus.choices, default=InviteStatus.PLANNED
    )

    class Meta(OutboxRow.Meta):
        indexes = outbox_indexes("invite")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "visit_version", "practitioner"], name="invite_planned_once"
            ),
            models.UniqueConstraint(
                fields=["visit", "visit_version", "interpreter"],
                condition=models.Q(interpreter__isnull=False),
                name="interpreter_invite_planned_once",
            ),
            models.CheckConstraint(
                condition=models.Q(practitioner__isnull=True) ^ models.Q(interpreter__isnull=True),
                name="invite_has_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} v{self.visit_version} session {self.session_id} ({self.status})"
