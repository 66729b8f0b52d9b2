"""Young people, their unavailable times, and their cases (orders)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from agencies.languages import LANGUAGE_CHOICES


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# A parent or carer must come to the visit, unless the admin says otherwise, when the young
# person is under this age on the order's start date (DESIGN.md "Participants").
PARENT_CARER_AGE = 16


class Language(models.TextChoices):
    ENGLISH = "en", gettext_lazy("English")
    WELSH = "cy", gettext_lazy("Welsh")


class YoungPerson(models.Model):
    """A young person; mobile numbers are stored in E.164, texted only with consent."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    mobile = models.CharField(max_length=16, blank=True)
    sms_consent = models.BooleanField(default=False)
    parent_carer_name = models.CharField(max_length=150, blank=True)
    parent_carer_mobile = models.CharField(max_length=16, blank=True)
    parent_carer_sms_consent = models.BooleanField(default=False)
    # None: by age (under PARENT_CARER_AGE on each case's order start date); True or False:
    # the admin's decision for every case of this young person.
    parent_carer_must_attend = models.BooleanField(
        null=True,
        blank=True,
        help_text="Blank: by age (under 16 on the order start date); otherwise the admin's "
        "decision.",
    )
    communication_needs = models.TextField(blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    # The visit holds an interpreter for `interpreter_language` (ISO 639-1) when needed;
    # `language` above stays the language of the texts (English or Welsh templates).
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(
        max_length=2,
        blank=True,
        choices=LANGUAGE_CHOICES,
        help_text="ISO 639-1 code of the language the interpreter works in.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = "young people"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def initials(self) -> str:
        return f"{self.given_name[:1]}{self.family_name[:1]}".upper()

    def parent_carer_attends(self, order_start_date: dt.date) -> bool:
        """Whether a parent or carer must attend a visit for an order starting on that day:
        the admin's explicit choice, else under PARENT_CARER_AGE on that day."""
        if self.parent_carer_must_attend is not None:
            return self.parent_carer_must_attend
        return age_on(self.date_of_birth, order_start_date) < PARENT_CARER_AGE

    def clean(self) -> None:
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and not 10 <= age_on(self.date_of_birth, today) <= 25:
            errors["date_of_birth"] = [
                gettext("Date of birth must make the young person 10 to 25 years old.")
            ]
        if self.sms_consent and not self.mobile:
            errors["sms_consent"] = [gettext("Consent to texts needs a mobile number.")]
        if self.parent_carer_sms_consent and not self.parent_carer_mobile:
            errors["parent_carer_sms_consent"] = [
                gettext("Consent to texts needs a mobile number.")
            ]
        if self.parent_carer_must_attend and not self.parent_carer_name.strip():
            errors["parent_carer_name"] = [
                gettext("Enter the parent or carer's name, since they must attend.")
            ]
        if self.interpreter_needed and not self.interpreter_language:
            errors["interpreter_language"] = [
                gettext("Choose the language the interpreter is needed for.")
            ]
        if errors:
            raise ValidationError(errors)


class WeeklyTime(models.Model):
    """A usual weekly time (weekdays, from and to, local) someone cannot attend."""

    weekdays = models.JSONField(help_text="Weekday numbers, 0 = Monday.")
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        abstract = True
        ordering = ["young_person", "start_time", "id"]

    def __str__(self) -> str:
        return f"{self.weekdays} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class UnavailableTime(WeeklyTime):
    """A usual weekly time the young person cannot attend, such as school hours."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="unavailable"
    )


class ParentCarerUnavailableTime(WeeklyTime):
    """A usual weekly time the young person's parent or carer cannot come (such as work),
    avoided when they must attend."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="parent_carer_unavailable"
    )


class OrderType(models.TextChoices):
    REFERRAL_ORDER = "referral_order", gettext_lazy("Referral order")
    YOUTH_REHABILITATION_ORDER = (
        "youth_rehabilitation_order",
        gettext_lazy("Youth rehabilitation order"),
    )
    DETENTION_AND_TRAINING_ORDER = (
        "detention_and_training_order",
        gettext_lazy("Detention and training order"),
    )
    YOUTH_CONDITIONAL_CAUTION = (
        "youth_conditional_caution",
        gettext_lazy("Youth conditional caution"),
    )
    OTHER = "other", gettext_lazy("Other")


class RetentionStage(models.TextChoices):
    LIVE = "live", gettext_lazy("Held in full")
    REDUCED = "reduced", gettext_lazy("Basic details only")
    DISPOSED = "disposed", gettext_lazy("Disposed")


class CaseReferenceCounter(models.Model):
    """The last case number given out in a year; its row lock serialises new references."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    """One order for one young person, with deadlines computed in working days."""

    reference = models.CharField(max_length=20, unique=True)
    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT, related_name="cases")
    order_type = models.CharField(max_length=40, choices=OrderType.choices)
    order_start_date = models.DateField()
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_cases",
    )
    visit_due_by = models.DateField()
    assessment_due_by = models.DateField()
    findings_due_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The retention schedule's stage (screening/governance/retention.py): held in full, basic
    # details only, or disposed of (the row kept, anonymised, for the reports' counts).
    retention_stage = models.CharField(
        max_length=10,
        choices=RetentionStage.choices,
        default=RetentionStage.LIVE,
    )
    retention_changed_at = models.DateTimeField(null=True, blank=True)
    # The last action's date as it was when the case was reduced: what reduction removes
    # (plan actions) no longer moves the disposal date earlier.
    retention_last_action_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-order_start_date", "-id"]
        indexes = [
            models.Index(fields=["case_manager"]),
            models.Index(fields=["visit_due_by"]),
            # The timeliness report counts assessments by due date.
            models.Index(fields=["assessment_due_by"], name="case_assessment_due_idx"),
            # Cases with no booked or completed visit (no findings deadline yet), by due date:
            # the dashboard's first work list.
            models.Index(
                fields=["visit_due_by", "id"],
                condition=models.Q(findings_due_by__isnull=True),
                name="case_needs_visit_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def parent_carer_must_attend(self) -> bool:
        """Whether a parent or carer must attend this case's visit (YoungPerson rule)."""
        return self.young_person.parent_carer_attends(self.order_start_date)
