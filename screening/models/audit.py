"""Who read or changed findings and drafts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from screening.models.people import Case


class AuditEntry(models.Model):
    """Who read or wrote which findings or draft, and when (need to know, rule 6)."""

    class Action(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Write"
        SUBMIT = "submit", "Submit"
        EXPORT = "export", "Export"
        SIGN_OFF = "sign_off", "Sign off"
        REOPEN = "reopen", "Reopen"
        DISPOSE = "dispose", "Dispose"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, help_text="Kept if the account goes.")
    role = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=30)
    object_id = models.PositiveIntegerField()
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"
