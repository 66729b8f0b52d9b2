"""Reviews of a signed-off assessment and the significant new information that opens them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from screening.models.assessment import AssessmentVersion
from screening.models.people import Case


class ReviewReason(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    NEW_INFORMATION = "new_information", gettext_lazy("New information")
    REQUESTED = "requested", gettext_lazy("Requested")


class ReviewStatus(models.TextChoices):
    DUE = "due", gettext_lazy("Due")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    SIGNED_OFF = "signed_off", gettext_lazy("Signed off")


OPEN_REVIEW = models.Q(status__in=[ReviewStatus.DUE, ReviewStatus.IN_PROGRESS])


class Review(models.Model):
    """One review of a case's assessment: due (scheduled after a sign-off, or opened by new
    information or on request), in progress (the draft is a review draft, started from the
    last signed-off version) and signed off (a new AssessmentVersion of kind review). At
    most one open (due or in progress) per case, enforced by the database."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    reason = models.CharField(max_length=20, choices=ReviewReason.choices)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DUE)
    due_by = models.DateField(help_text="In the YOT's zone.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_version = models.ForeignKey(
        AssessmentVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The signed-off assessment the review started from.",
    )
    late_reason = models.TextField(
        blank=True,
        help_text="Why the review was signed off after its due date (or is open past it).",
    )
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.OneToOneField(
        AssessmentVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review",
        help_text="The signed-off assessment the review made.",
    )

    class Meta:
        ordering = ["case", "-due_by", "-id"]
        indexes = [models.Index(fields=["status", "due_by"], name="review_status_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=OPEN_REVIEW, name="one_open_review_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"review {self.pk} of case {self.case_id} ({self.status}, due {self.due_by})"

    def is_open(self) -> bool:
        return self.status != ReviewStatus.SIGNED_OFF

    def is_overdue(self, today=None) -> bool:
        """Not signed off and past its due date (the YOT's local date)."""
        return self.is_open() and self.due_by < (today or timezone.localdate())

    def is_late(self) -> bool:
        """Signed off after its due date (or open and past it)."""
        if self.signed_off_on is not None:
            return self.signed_off_on > self.due_by
        return self.is_overdue()


class NewInformationKind(models.TextChoices):
    NEW_OFFENCE = "new_offence", gettext_lazy("New offence")
    ARREST = "arrest", gettext_lazy("Arrest")
    SAFEGUARDING_CONCERN = "safeguarding_concern", gettext_lazy("Safeguarding concern")
    HARMFUL_BEHAVIOUR = "harmful_behaviour", gettext_lazy("Harmful behaviour")
    CHANGE_OF_CIRCUMSTANCES = "change_of_circumstances", gettext_lazy("Change of circumstances")
    VICTIM_INFORMATION = "victim_information", gettext_lazy("Victim information")
    OTHER = "other", gettext_lazy("Other")


# The kinds that touch risk (to the young person or to others): recording one alerts the case
# manager and the YOT managers the same day, as urgent findings do (DESIGN.md rule 9).
ALERTING_KINDS = frozenset(
    {
        NewInformationKind.NEW_OFFENCE,
        NewInformationKind.ARREST,
        NewInformationKind.SAFEGUARDING_CONCERN,
        NewInformationKind.HARMFUL_BEHAVIOUR,
        NewInformationKind.VICTIM_INFORMATION,
    }
)


class NewInformation(models.Model):
    """Significant new information about a case, recorded by someone working on it. Never
    changed once recorded; it opens (or joins) the case's open review."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="new_information")
    kind = models.CharField(max_length=30, choices=NewInformationKind.choices)
    summary = models.TextField()
    received_on = models.DateField(help_text="When the YOT learnt of it (the YOT's zone).")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="new_information")

    class Meta:
        ordering = ["case", "-received_on", "-id"]
        verbose_name_plural = "new information"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for case {self.case_id}, received {self.received_on}"

    @property
    def alerts(self) -> bool:
        return self.kind in ALERTING_KINDS
