"""Visits, their sessions, and each visit's history of changes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from agencies.models import Agency, Interpreter, Practitioner
from screening.models.people import Case
from screening.models.venues import Room, Venue


class VisitStatus(models.TextChoices):
    BOOKED = "booked", gettext_lazy("Booked")
    COMPLETED = "completed", gettext_lazy("Completed")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


# A visit that holds or held its case's screening: booked, or completed.
LIVE_VISIT = (VisitStatus.BOOKED, VisitStatus.COMPLETED)


class Visit(models.Model):
    """The one screening visit: sessions back to back in one room, or at a venue that
    needs no room from our list (a home or school visit: `room` is empty)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    # Where the visit is: the room's venue for a visit in a room (set from the room when
    # not given), else a home or school venue (Venue.needs_room false) with no room.
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="visits")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    # Held for the visit's whole span, gaps included, like the room; the database refuses
    # two live visits of one interpreter that overlap (booking.guards).
    interpreter = models.ForeignKey(
        Interpreter, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    status = models.CharField(
        max_length=10, choices=VisitStatus.choices, default=VisitStatus.BOOKED
    )
    version = models.PositiveIntegerField(default=1)
    start = models.DateTimeField()
    end = models.DateTimeField()
    cancel_reason = models.TextField(blank=True)
    late_reason = models.TextField(
        blank=True, help_text="Why the visit is after the case's deadline, for timeliness reports."
    )
    rebook_of = models.ForeignKey(
        "Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rebooked_by",
        help_text="The missed session this one-session visit replaces.",
    )
    rebook_reason = models.TextField(
        blank=True, help_text="Why the missed session is rebooked (a rebooking only)."
    )
    review = models.ForeignKey(
        "Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        help_text="The review this visit is for (its deadline is the review's due date).",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the young person (or carer) replies YES for this version of the visit.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["room", "start"]),
            models.Index(
                fields=["interpreter", "start"],
                condition=models.Q(interpreter__isnull=False),
                name="visit_interpreter_start_idx",
            ),
            models.Index(fields=["case", "status"]),
            # Lists by time (the dashboard's week, the API's default order) walk this one.
            models.Index(fields=["start", "id"], name="visit_start_idx"),
            # A case's first visit, for the timeliness report.
            models.Index(fields=["case", "start"], name="visit_case_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="visit_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} visit {self.start:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.venue_id is None and self.room_id is not None:
            self.venue_id = Room.objects.values_list("venue_id", flat=True).get(pk=self.room_id)
        super().save(*args, **kwargs)

    @property
    def place(self) -> str:
        """Where the visit is, for staff: the room (with its venue), or the venue."""
        return str(self.room) if self.room_id is not None else self.venue.name

    def is_live(self) -> bool:
        return self.status != VisitStatus.CANCELLED

    def is_changeable(self) -> bool:
        """Only a booked visit that has not started may be rescheduled or cancelled."""
        return self.status == VisitStatus.BOOKED and self.start > timezone.now()


class Session(models.Model):
    """One agency's part of a visit, with one practitioner."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="sessions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sessions")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="sessions"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    buffer_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(0), MaxValueValidator(120)]
    )
    # The practitioner is held until `blocked_until` (end plus buffer); the database
    # refuses two live sessions of one practitioner whose held ranges overlap.
    blocked_until = models.DateTimeField(editable=False)
    cancelled = models.BooleanField(default=False)
    attended = models.BooleanField(null=True, blank=True)
    attendance_reason = models.TextField(blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    # When its findings were first submitted: set by findings_submit with the finding, never
    # without one, so a session still awaiting findings always has it empty.
    findings_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            # A practitioner's sessions by start with what the visit search and the booking
            # re-check read of them (held until, cancelled, visit), from the index alone.
            models.Index(
                fields=["practitioner", "start", "blocked_until", "cancelled", "visit"],
                name="session_practitioner_idx",
            ),
            # Missed sessions to rebook, by start: only the few the young person missed.
            models.Index(
                fields=["start", "id"],
                condition=models.Q(attended=False),
                name="session_missed_idx",
            ),
            # Sessions by date with what the timeliness report needs, from the index alone.
            models.Index(
                fields=["start", "attended", "cancelled", "agency", "visit"],
                name="session_start_report_idx",
            ),
            # Attended sessions whose findings have not come: the dashboard's backlog reads
            # these, not every session ever attended.
            models.Index(
                fields=["visit", "agency"],
                condition=models.Q(
                    attended=True, cancelled=False, findings_submitted_at__isnull=True
                ),
                name="session_awaiting_findings_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="session_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.start:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        self.hold()
        super().save(*args, **kwargs)

    def hold(self) -> None:
        """Set the range the practitioner is held for: the session plus their buffer."""
        self.blocked_until = self.end + dt.timedelta(minutes=self.buffer_minutes)


class VisitHistory(models.Model):
    """Every change to a visit, kept: what it was before, who changed it, when and why."""

    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDANCE = "attendance", "Attendance recorded"
        COMPLETED = "completed", "Completed"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="history")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the change was made (a cancellation's, a reschedule's or a rebooking's reason;
    # rows written before late_reason existed keep a booking's late reason here).
    reason = models.TextField(blank=True)
    late_reason = models.TextField(
        blank=True, help_text="Why the visit is after its deadline, when given with this change."
    )
    snapshot = models.JSONField(default=dict, help_text="The visit and sessions after the change.")

    class Meta:
        ordering = ["visit", "at", "id"]
        verbose_name_plural = "visit history"

    def __str__(self) -> str:
        return f"{self.visit_id} v{self.version} {self.kind}"


class FreedSlot(models.Model):
    """Time a cancellation or move gave back (the visit's span, where it was and the
    practitioners who were in it), so cases waiting for a visit, or booked after their
    deadline, can be offered it. Written in the same transaction as the change; ignored
    once its start has passed. A home or school visit frees no room (`room` empty): its
    venue says where it was, and the time freed is its practitioners' (and their travel)."""

    class Cause(models.TextChoices):
        CANCELLED = "cancelled", "Visit cancelled"
        RESCHEDULED = "rescheduled", "Visit moved"

    # Where the visit was: its venue always, its room when it had one.
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="freed_slots")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.CASCADE, related_name="freed_slots"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    freed_at = models.DateTimeField(default=timezone.now)
    cause = models.CharField(max_length=20, choices=Cause.choices)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="freed_slots")
    practitioners = models.ManyToManyField(Practitioner, related_name="freed_slots", blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["start"], name="freed_slot_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="freed_slot_starts_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue_id}/{self.room_id} {self.start:%Y-%m-%d %H:%M}"
