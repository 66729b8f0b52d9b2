"""Agencies, their practitioners, and where each practitioner's availability is stored."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from agencies.findings_forms import own_words
from agencies.languages import check_languages


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Agency(models.Model):
    """A partner agency whose practitioner sees the young person in the one visit."""

    code = models.SlugField(
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", "Use lower-case letters, digits and _.")],
    )
    name = models.CharField(max_length=100)
    default_duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    order = models.PositiveSmallIntegerField(help_text="Position in the default session order.")
    required_by_default = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def name_in_sentence(self) -> str:
        """The name as written inside a sentence ('No health practitioner is free'): words
        lose their capital, but a word with capitals after its first letter (CAMHS, NHS)
        is an acronym or a proper name and stays as written."""
        return " ".join(
            word if any(c.isupper() for c in word[1:]) else word.lower()
            for word in self.name.split(" ")
        )


class Practitioner(models.Model):
    """A member of one agency who runs screening sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practitioner",
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="practitioners")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=20, blank=True)
    daily_session_cap = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(120)],
        help_text="Time held free after each session.",
    )
    is_active = models.BooleanField(default=True)
    calendar = models.OneToOneField(
        "schedule.Calendar", on_delete=models.PROTECT, related_name="practitioner"
    )
    feed_token = models.CharField(max_length=64, default=new_feed_token, unique=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["agency", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


def validate_languages(value) -> None:
    try:
        check_languages(value)
    except ValueError as error:
        raise ValidationError(str(error)) from error


class Interpreter(models.Model):
    """An interpreter from the YOT's pool: held for a visit's whole span, gaps included.
    Their working patterns and leave live on their own django-scheduler Calendar, stored
    and expanded exactly as practitioners' are (agencies.availability)."""

    name = models.CharField(max_length=150)
    languages = models.JSONField(
        validators=[validate_languages], help_text='ISO 639-1 codes, such as ["pl"].'
    )
    email = models.EmailField()
    # The language their calendar invites are written in, as a login's `language` is for
    # staff (screening.integrations.email.staff_language). Blank: none chosen (English).
    invite_language = models.CharField(
        max_length=10, blank=True, default="", choices=[("en-gb", "English"), ("cy", "Cymraeg")]
    )
    is_active = models.BooleanField(default=True)
    calendar = models.OneToOneField(
        "schedule.Calendar", on_delete=models.PROTECT, related_name="interpreter"
    )
    feed_token = models.CharField(max_length=64, default=new_feed_token, unique=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def speaks(self, code: str) -> bool:
        return code in (self.languages or [])


class FindingsForm(models.Model):
    """One version of an agency's findings form, as data. Findings keep the version they
    were written in; a new version is a new row, never an edit of an old one."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="forms")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    # The title on pages read in Welsh (blank: the English title, marked lang="en"), as a
    # question's label_cy is (docs/decisions/0021).
    title_cy = models.CharField(max_length=200, blank=True, default="")
    questions = models.JSONField(help_text="The questions, checked by agencies.findings_forms.")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="one_form_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} v{self.version}"

    @property
    def code(self) -> str:
        return self.agency.code

    @property
    def title_here(self) -> tuple[str, str]:
        """The title for the active language, as a question's label is worded (own_words):
        the Welsh title on a Welsh page when given, else the English, with "en" when that
        is not the page's language (for lang="en"), else ""."""
        return own_words({"title": self.title, "title_cy": self.title_cy}, "title")

    def question(self, key: str) -> dict | None:
        return next((q for q in self.questions if q["key"] == key), None)
