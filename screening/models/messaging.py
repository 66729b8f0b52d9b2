"""Text messages: templates, the outbox, numbers' states and replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from screening.models.booking import Visit
from screening.models.people import Language, YoungPerson


class MessagePurpose(models.TextChoices):
    CONFIRMATION = "confirmation", gettext_lazy("Confirmation")
    DAY_BEFORE = "day_before", gettext_lazy("Reminder the day before")
    MORNING = "morning", gettext_lazy("Reminder on the morning")
    RESCHEDULED = "rescheduled", gettext_lazy("Rescheduled notice")
    CANCELLED = "cancelled", gettext_lazy("Cancellation notice")
    HELP = "help", gettext_lazy("Answer to HELP")
    INTRODUCTION = "introduction", gettext_lazy("Introduction (first text to a number)")


class MessageTemplate(models.Model):
    """The wording of one purpose in one language, standard or easy read; checked on save."""

    purpose = models.CharField(max_length=20, choices=MessagePurpose.choices)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    easy_read = models.BooleanField(default=False)
    body = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["purpose", "language", "easy_read"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "language", "easy_read"], name="one_template_per_variant"
            )
        ]

    def __str__(self) -> str:
        variant = " easy read" if self.easy_read else ""
        return f"{self.get_purpose_display()} ({self.language}{variant})"


class RecipientKind(models.TextChoices):
    YOUNG_PERSON = "young_person", gettext_lazy("Young person")
    PARENT_CARER = "parent_carer", gettext_lazy("Parent or carer")


class MessageStatus(models.TextChoices):
    PLANNED = "planned", gettext_lazy("Planned")
    SENDING = "sending", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Sent")
    DELIVERED = "delivered", gettext_lazy("Delivered")
    UNDELIVERED = "undelivered", gettext_lazy("Undelivered")
    FAILED = "failed", gettext_lazy("Failed")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")
    HELD = "held", gettext_lazy("Held: would reveal too much")
    OUTCOME_UNKNOWN = "outcome_unknown", gettext_lazy("Outcome unknown")


class Message(models.Model):
    """One text in the outbox: planned, claimed, sent at most once per (visit version,
    purpose, number), and followed up to delivery."""

    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    visit_version = models.PositiveIntegerField(null=True, blank=True)
    young_person = models.ForeignKey(
        YoungPerson, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    purpose = models.CharField(max_length=20, choices=MessagePurpose.choices)
    recipient = models.CharField(
        max_length=20, choices=RecipientKind.choices, default=RecipientKind.YOUNG_PERSON
    )
    to = models.CharField(max_length=16, help_text="E.164")
    body = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    easy_read = models.BooleanField(default=False)
    template = models.ForeignKey(
        MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    send_at = models.DateTimeField(help_text="When it was planned to go, outside quiet hours.")
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.PLANNED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    reconcile_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        help_text="Planned: when it may next be sent. Outcome unknown: when to reconcile next."
    )
    claim_owner = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    provider_status = models.CharField(max_length=20, blank=True)
    last_error = models.TextField(blank=True)
    reply_link = models.ForeignKey(
        "ReplyLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    in_reply_to = models.OneToOneField(
        "InboundMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="answer"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["send_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["to", "created_at"]),
            models.Index(fields=["provider_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "visit_version", "purpose", "to"], name="message_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.to[-3:]} ({self.status})"


class NumberStatus(models.Model):
    """What we know about one number: opted out (STOP) or in (START), or not textable."""

    number = models.CharField(max_length=16, primary_key=True, help_text="E.164")
    opted_out_at = models.DateTimeField(null=True, blank=True)
    opted_in_at = models.DateTimeField(null=True, blank=True)
    invalid_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "number statuses"

    def __str__(self) -> str:
        return self.number[-3:]

    def may_text(self) -> bool:
        return self.opted_out_at is None and self.invalid_at is None


class InboundMessage(models.Model):
    """A reply received, linked to the young person and visit by its number."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirms"
        CHANGE = "change", "Asks to rearrange"
        OPT_OUT = "opt_out", "Opts out"
        OPT_IN = "opt_in", "Opts back in"
        HELP = "help", "Asks for help"
        OTHER = "other", "Other"

    provider_id = models.CharField(max_length=64, unique=True)
    from_number = models.CharField(max_length=16)
    body = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    young_person = models.ForeignKey(
        YoungPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    visit_version = models.PositiveIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["from_number", "received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} from {self.from_number[-3:]}"


class ReplyLink(models.Model):
    """The link a visit's texts carry (`/r/{token}`): one per visit version and number, for
    the young person (or carer) to confirm, choose another time or ask for a call without
    signing in. Only the token's SHA-256 is stored, beside a random nonce the token is
    derived from with the secret key (screening/messaging/reply_links.py), so a copy of the
    database alone gives no working link."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reply_links")
    visit_version = models.PositiveIntegerField()
    recipient = models.CharField(
        max_length=20, choices=RecipientKind.choices, default=RecipientKind.YOUNG_PERSON
    )
    to = models.CharField(max_length=16, help_text="E.164: the number the link was texted to.")
    nonce = models.CharField(max_length=32, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="The end of the visit's local day.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    call_requested_at = models.DateTimeField(null=True, blank=True)
    moved_at = models.DateTimeField(
        null=True, blank=True, help_text="When another time was chosen through it."
    )

    class Meta:
        ordering = ["visit", "visit_version", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "visit_version", "to"], name="one_reply_link_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"reply link {self.visit_id} v{self.visit_version} to {self.to[-3:]}"
