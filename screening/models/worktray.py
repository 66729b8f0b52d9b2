"""What a person must do by hand (admin tasks)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.models.booking import Visit
from screening.models.messaging import InboundMessage, Message
from screening.models.people import Case


class AdminTask(models.Model):
    """Something a YOT admin must do by hand, usually phone the young person."""

    class Kind(models.TextChoices):
        UNDELIVERED = "undelivered", _("Text not delivered: phone")
        FAILED = "failed", _("Text could not be sent: phone")
        OPTED_OUT = "opted_out", _("Number opted out of texts: phone")
        INVALID_NUMBER = "invalid_number", _("Number cannot receive texts: check it")
        OUTCOME_UNKNOWN = "outcome_unknown", _("Not known whether a text was sent: check")
        TEXT_HELD = "text_held", _("Text held, its wording would reveal too much: phone")
        REARRANGE = "rearrange", _("Asked to rearrange the visit")
        REPLY = "reply", _("Reply to read")
        CALL_REQUESTED = "call_requested", _("Asked by the text's link for a call: phone")
        MOVED_BY_LINK = "moved_by_link", _("Visit moved to another time by the text's link")
        INVITE_FAILED = "invite_failed", _("Calendar invite could not be emailed: tell them")
        ALERT_EMAIL_FAILED = (
            "alert_email_failed",
            _("Urgent alert email could not be sent: tell them"),
        )
        WORK_EMAIL_FAILED = "work_email_failed", _("Work list email could not be sent: tell them")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="admin_tasks"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="admin_tasks"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="admin_tasks"
    )
    inbound = models.ForeignKey(
        InboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="admin_tasks"
    )
    text = models.TextField()  # in English, as opened (the API's and the trail's words)
    # The text's msgid and parts, for the pages to word it in the reader's language
    # (screening/worktray/words.py); empty for a task stored before it, shown as `text`.
    wording = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["done_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'done' if self.done_at else 'open'})"
