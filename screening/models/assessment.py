"""Findings, assessment layouts and drafts, and urgent alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from agencies.findings_forms import PLAN_CATEGORIES
from screening.models.booking import Session
from screening.models.outbox import OutboxRow, OutboxStatus, outbox_indexes
from screening.models.people import Case


class FindingStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    AMENDED = "amended", gettext_lazy("Amended")


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
    DRAFT = "draft", gettext_lazy("Draft")
    AWAITING_SIGN_OFF = "awaiting_sign_off", gettext_lazy("Awaiting sign-off")
    SIGNED_OFF = "signed_off", gettext_lazy("Signed off")


# The case manager's judgements (DOMAIN.md: the system suggests, never decides): each with
# its scale. Data, so the draft, its versions, the API and the pages read one definition.
# Names and levels are marked for translation: the pages show them in their language; the
# API's values are the keys.
RISK_LEVELS = {
    "low": gettext_lazy("Low"),
    "medium": gettext_lazy("Medium"),
    "high": gettext_lazy("High"),
    "very_high": gettext_lazy("Very high"),
}
LIKELIHOOD_LEVELS = {
    "low": gettext_lazy("Low"),
    "medium": gettext_lazy("Medium"),
    "high": gettext_lazy("High"),
}
JUDGEMENTS = {
    "risk_of_serious_harm": (gettext_lazy("Risk of serious harm to others"), RISK_LEVELS),
    "safety_and_wellbeing": (gettext_lazy("Safety and wellbeing"), RISK_LEVELS),
    "likelihood_of_reoffending": (gettext_lazy("Likelihood of reoffending"), LIKELIHOOD_LEVELS),
}
JUDGEMENT_REASON_LIMIT = 5000


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", gettext_lazy("Initial assessment")
    REVIEW = "review", gettext_lazy("Review")


def _level(name: str, levels: dict[str, str]) -> models.CharField:
    return models.CharField(
        max_length=10, blank=True, choices=list(levels.items()), help_text=f"{name}: the level."
    )


class JudgementFields(models.Model):
    """The three judgements, each a level and the case manager's reason (blank until
    recorded on a draft; always given on a signed-off version)."""

    risk_of_serious_harm = _level("Risk of serious harm to others", RISK_LEVELS)
    risk_of_serious_harm_reason = models.TextField(blank=True)
    safety_and_wellbeing = _level("Safety and wellbeing", RISK_LEVELS)
    safety_and_wellbeing_reason = models.TextField(blank=True)
    likelihood_of_reoffending = _level("Likelihood of reoffending", LIKELIHOOD_LEVELS)
    likelihood_of_reoffending_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    def judgements(self) -> dict[str, dict[str, str] | None]:
        """`{key: {level, reason}}`, None for one not recorded."""
        out: dict[str, dict[str, str] | None] = {}
        for key in JUDGEMENTS:
            level = getattr(self, key)
            out[key] = {"level": level, "reason": getattr(self, f"{key}_reason")} if level else None
        return out

    def missing_judgements(self) -> list[str]:
        """The keys of the judgements without a level or a reason."""
        return [
            key
            for key in JUDGEMENTS
            if not getattr(self, key) or not getattr(self, f"{key}_reason").strip()
        ]


class AssessmentDraft(JudgementFields):
    """The case's assessment draft: merged findings plus the case manager's edits and
    judgements. Each sign-off keeps what was signed as an AssessmentVersion."""

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
    kind = models.CharField(
        max_length=10, choices=AssessmentKind.choices, default=AssessmentKind.INITIAL
    )
    changes_summary = models.TextField(
        blank=True,
        help_text="A review's answer to what changed, or why nothing did (sign-off needs it).",
    )
    judgements_edited_at = models.DateTimeField(null=True, blank=True)
    judgements_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
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


class AssessmentVersion(JudgementFields):
    """One signed-off assessment of a case, kept as it was signed: its judgements, its
    sections' text and its plan. Append-only: a sign-off adds a version, nothing changes
    or removes one (versions count up per case)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessment_versions")
    draft = models.ForeignKey(AssessmentDraft, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=AssessmentKind.choices)
    sections = models.JSONField(default=list, help_text="[{key, title, text}] as signed off.")
    plan = models.JSONField(default=dict, help_text="The plan as signed off, by category.")
    built_from = models.JSONField(default=list, help_text="The finding versions merged.")
    changes_summary = models.TextField(
        blank=True, help_text="A review's: what changed, or why nothing did."
    )
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="What differs from the previous version: {sections: [keys], judgements: "
        "[keys], plan: bool}; empty for a first version.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="one_assessment_per_version")
        ]

    def __str__(self) -> str:
        return f"assessment {self.case_id} v{self.version}"


VICTIM_SAFETY = "victim_safety"


class PlanActionStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Open")
    DONE = "done", gettext_lazy("Done")
    NOT_DONE = "not_done", gettext_lazy("Not done")


class PlanAction(models.Model):
    """One action of a case's plan, to be delivered: made from the signed-off plan (or
    added later), owned by an agency or a person, due on a date in the YOT's zone.
    Victim safety actions are seen by the case manager and YOT managers only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plan_actions")
    from_version = models.ForeignKey(
        AssessmentVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_actions",
        help_text="The signed-off assessment whose plan made it (null: added afterwards).",
    )
    action = models.CharField(max_length=500)
    category = models.CharField(max_length=30)
    owner_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=PlanActionStatus.choices, default=PlanActionStatus.OPEN
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    overdue_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When its owner was emailed that it is overdue."
    )
    done_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was recorded done (cleared if it is reopened or not done): the "
        "timeliness report compares its local date with the due date.",
    )

    class Meta:
        ordering = ["case", "due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="planaction_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"plan action {self.pk} of case {self.case_id} ({self.status})"

    @property
    def category_label(self) -> str:
        return PLAN_CATEGORIES.get(self.category, self.category)

    def is_overdue(self, today=None) -> bool:
        """Open and past its due date (the YOT's local date)."""
        today = today or timezone.localdate()
        return self.status == PlanActionStatus.OPEN and self.due_date < today


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
        REVIEW_STARTED = "review_started", "Review started"

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
        SENT_FOR_SIGN_OFF = "sent_for_sign_off", gettext_lazy("Draft sent for sign-off")
        SIGNED_OFF = "signed_off", gettext_lazy("Draft signed off")
        REOPENED = "reopened", gettext_lazy("Draft reopened")
        FINDINGS_ARRIVED = "findings_arrived", gettext_lazy("Findings arrived")
        ACTION_ASSIGNED = "action_assigned", gettext_lazy("Plan action assigned")
        ACTION_OVERDUE = "action_overdue", gettext_lazy("Plan action overdue")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta(OutboxRow.Meta):
        indexes = outbox_indexes("work_email")

    def __str__(self) -> str:
        return f"{self.kind} email to user {self.recipient_id}, case {self.case_id} ({self.status})"
