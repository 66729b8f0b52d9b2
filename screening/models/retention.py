"""The retention schedule (one rule per order type) and disposal batches: what the daily
job proposed, who approved it, and what happened to each case (never what it held)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening.models.people import Case, OrderType


class DisposalAction(models.TextChoices):
    REDUCE = "reduce", gettext_lazy("Reduce to basic details")
    DISPOSE = "dispose", gettext_lazy("Dispose")


def _years(help_text: str, *, null: bool = False) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        null=null,
        blank=null,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=help_text,
    )


class RetentionRule(models.Model):
    """How long one order type's cases are kept after their last action: reduced to basic
    details after `reduce_after_years` (none: never reduced first), disposed of after
    `dispose_after_years`, and never before the young person reaches `keep_until_age`
    (none: no age rule). Every figure is data, edited in the administration pages."""

    order_type = models.CharField(max_length=40, choices=OrderType.choices, unique=True)
    reduce_after_years = _years(
        "Years after the last action when only the basic record is kept (blank: not reduced "
        "first).",
        null=True,
    )
    dispose_after_years = _years("Years after the last action when the case is disposed of.")
    keep_until_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Never disposed of before the young person's birthday of this age (blank: "
        "no age rule); the later date applies.",
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the figures come from (a schedule)."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order_type"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reduce_after_years__isnull=True)
                | models.Q(reduce_after_years__lt=models.F("dispose_after_years")),
                name="retention_reduce_before_dispose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_order_type_display()}: {self.describe()}"

    def describe(self) -> str:
        """The rule in English words, as disposal items store it: 'Basic details only after
        3 years, disposed of 5 years after the last action or at 18, whichever is later'."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.describe_here()

    def describe_here(self) -> str:
        """The rule in words in the active language (the page's)."""
        return rule_words(
            dispose=self.dispose_after_years,
            age=self.keep_until_age,
            reduce=self.reduce_after_years,
        )


def rule_words(*, dispose: int, age: int | None, reduce: int | None) -> str:
    """A retention rule in words, in the active language."""
    figures = {"dispose": dispose, "age": age, "reduce": reduce}
    if reduce and age:
        words = _(
            "Basic details only after %(reduce)s years, disposed of %(dispose)s years after "
            "the last action or at %(age)s, whichever is later"
        )
    elif reduce:
        words = _(
            "Basic details only after %(reduce)s years, disposed of %(dispose)s years after "
            "the last action"
        )
    elif age:
        words = _(
            "Disposed of %(dispose)s years after the last action or at %(age)s, whichever is later"
        )
    else:
        words = _("Disposed of %(dispose)s years after the last action")
    return words % figures


_RULE = re.compile(
    r"(?:Basic details only after (?P<reduce>\d+) years, d|D)isposed of (?P<dispose>\d+) years "
    r"after the last action(?: or at (?P<age>\d+), whichever is later)?"
)


def rule_words_from_text(text: str) -> str:
    """A rule as a disposal item stored it (RetentionRule.describe, English) in the active
    language; text of any other shape as stored."""
    m = _RULE.fullmatch(text)
    if m is None:
        return text
    return rule_words(
        dispose=int(m["dispose"]),
        age=int(m["age"]) if m["age"] else None,
        reduce=int(m["reduce"]) if m["reduce"] else None,
    )


class DisposalBatch(models.Model):
    """The cases due for reduction or disposal on one day, as proposed by the daily job (or a
    YOT manager); carried out only once a named YOT manager confirms it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", gettext_lazy("Waiting for approval")
        SUPERSEDED = "superseded", gettext_lazy("Replaced by a later list")
        CARRIED_OUT = "carried_out", gettext_lazy("Carried out")

    proposed_at = models.DateTimeField(default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(help_text="The local date the list was worked out for.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by_name = models.CharField(
        max_length=150, blank=True, help_text="Who approved it, kept if the login goes."
    )
    reduced = models.PositiveIntegerField(default=0)
    disposed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name_plural = "disposal batches"
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="proposed"),
                name="one_proposed_disposal_batch",
            )
        ]

    def __str__(self) -> str:
        return f"disposal batch {self.pk} ({self.status})"


class DisposalItem(models.Model):
    """One case of a batch: the action and the rule it follows, and how it went."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Waiting"
        DONE = "done", "Done"
        FAILED = "failed", "Failed: left unchanged"
        SKIPPED = "skipped", "No longer due: left unchanged"

    batch = models.ForeignKey(DisposalBatch, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=DisposalAction.choices)
    rule = models.CharField(max_length=300, help_text="The rule in words, as applied.")
    last_action_on = models.DateField()
    due_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    error = models.CharField(
        max_length=200, blank=True, help_text="The kind of error only, never any content."
    )

    class Meta:
        ordering = ["batch", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "case"], name="one_disposal_item_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.action} case {self.case_id} ({self.outcome})"
