"""Findings, assessment layouts and drafts, and urgent alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from screening.models.booking import Session
from screening.models.outbox import OutboxRow, OutboxStatus, outbox_indexes
from screening.models.people import Case


class FindingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    AMENDED = "amended", "Amended"


class Finding(models.Model):
    """One version of an agency's findings for a session. Submitted versions are never
    changed: an amendment is a new row; at most one working copy (draft) per session."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="findings")
    form = models.ForeignKey("agencies.FindingsForm", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=FindingStatus.choices)
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_by = models.DateField(help_text="Two working days after the visit, by default.")

    class Meta:
        ordering = ["session", "version", "id"]
        # "Has this session a submitted version?" answered from the index alone (the backlog
        # of findings on the dashboard asks it of every attended session).
        # The timeliness report counts findings by due date from the second alone.
        indexes = [
            models.Index(fields=["session", "status"], name="finding_session_status_idx"),
            models.Index(
                fields=["due_by", "session", "submitted_at"], name="finding_due_report_idx"
            ),
            # The few sessions with amendments or a second working copy, which the report
            # treats apart: read from this index, not a scan of every finding ever written.
            # (With the version too: SQLite reads a covering partial index, not a narrower one.)
            models.Index(
                fields=["session", "version"],
                condition=~models.Q(version=1),
                name="finding_amended_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "version"], name="one_finding_per_version"),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(status="draft"),
                name="one_working_copy_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"findings {self.session_id} v{self.version} {self.status}"

    @property
    def restricted(self) -> bool:
        return self.answers.get("restricted") == "yes"

    def is_late(self) -> bool:
        """Submitted after its due date (or not yet submitted and past it)."""
        if self.submitted_at is not None:
            return timezone.localdate(self.submitted_at) > self.due_by
        return timezone.localdate() > self.due_by


class AssessmentLayout(models.Model):
    """The draft's sections and the rules that merge findings into them, as data."""

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    sections = models.JSONField()
    mapping = models.JSONField(
        default=dict, blank=True, help_text='Overrides: {"agency.question": ["section", ...]}.'
    )
    conflicts = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_layout"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def as_data(self) -> dict:
        return {"sections": self.sections, "mapping": self.mapping, "conflicts": self.conflicts}


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    SIGNED_OFF = "signed_off", "Signed off"


class AssessmentDraft(models.Model):
    """The case's initial assessment draft: merged findings plus the case manager's edits."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="assessment_draft")
    layout = models.ForeignKey(AssessmentLayout, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    built_from = models.JSONField(default=list, help_text="The finding versions merged.")
    flags = models.JSONField(default=list)
    suggested_ratings = models.JSONField(default=dict)
    conflicts = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    restricted = models.JSONField(default=list)
    generated_plan = models.JSONField(default=dict)
    plan = models.JSONField(default=dict)
    plan_edited = models.BooleanField(default=False)
    plan_needs_review = models.BooleanField(default=False)
    merged_at = models.DateTimeField(null=True, blank=True)
    new_findings_since_sign_off = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # The work lists read drafts by status (a few open ones among every draft ever
        # signed off); sign-off waits are listed longest first.
        indexes = [
            models.Index(fields=["status", "submitted_at", "id"], name="draft_status_idx"),
        ]

    def __str__(self) -> str:
        return f"draft for {self.case.reference}"

    def is_locked(self) -> bool:
        return self.status == DraftStatus.SIGNED_OFF


class DraftSection(models.Model):
    """One section: the text the merge generated and the case manager's text, kept apart
    so a new merge never overwrites what the case manager wrote."""

    draft = models.ForeignKey(AssessmentDraft, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    generated_text = models.TextField(blank=True)
    pieces = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    edited = models.BooleanField(default=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    needs_review = models.BooleanField(default=False)
    review_changes = models.JSONField(default=list, help_text="What the findings changed.")
    suggested_text = models.TextField(blank=True, help_text="The newly merged text to review.")

    class Meta:
        ordering = ["draft", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "key"], name="one_section_per_key"),
        ]

    def __str__(self) -> str:
        return self.title


class DraftEvent(models.Model):
    """Every step of a draft's oversight: merged, edited, submitted, signed off, reopened."""

    class Kind(models.TextChoices):
        MERGED = "merged", "Findings merged"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Submitted for sign-off"
        SIGNED_OFF = "signed_off", "Signed off"
        REOPENED = "reopened", "Reopened"

    draft = models.ForeignKey(AssessmentDraft, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["draft", "at", "id"]
        # A draft's first sign-off, for the timeliness report.
        indexes = [models.Index(fields=["draft", "kind", "at"], name="draftevent_kind_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Alert(models.Model):
    """A same-day notice to a person (urgent findings); shown on their pages and emailed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(max_length=120, help_text="What raised it, so it is raised once.")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey(
        "AlertEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
        help_text="The email that tells the recipient of it.",
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "case", "key"], name="one_alert_per_cause"
            ),
        ]

    def __str__(self) -> str:
        return self.text


# An alert email is planned, sending, sent or failed: exactly the outbox's statuses.
AlertEmailStatus = OutboxStatus


class AlertEmail(OutboxRow):
    """One urgent-alert email in the outbox: to one person, for their alerts raised by one
    submission. Planned in the transaction that raises the alerts, sent later by the
    background worker, retried, and failed with an admin task (screening/assessment/
    alert_emails.py). The recipient's address is read when it is sent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta(OutboxRow.Meta):
        indexes = outbox_indexes("alert_email")

    def __str__(self) -> str:
        return f"alert email to user {self.recipient_id}, case {self.case_id} ({self.status})"


class WorkEmail(OutboxRow):
    """One work-list email in the outbox: a draft sent for sign-off (to a YOT manager), a
    draft signed off or reopened and findings arrived (to the case manager). Planned in the
    transaction of the step that causes it and sent by the background worker like the
    urgent-alert emails (screening/assessment/work_emails.py). It carries no case content:
    the body is one sentence and a link to the draft behind sign-in."""

    class Kind(models.TextChoices):
        SENT_FOR_SIGN_OFF = "sent_for_sign_off", "Draft sent for sign-off"
        SIGNED_OFF = "signed_off", "Draft signed off"
        REOPENED = "reopened", "Draft reopened"
        FINDINGS_ARRIVED = "findings_arrived", "Findings arrived"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta(OutboxRow.Meta):
        indexes = outbox_indexes("work_email")

    def __str__(self) -> str:
        return f"{self.kind} email to user {self.recipient_id}, case {self.case_id} ({self.status})"
