"""The capacity planner's runs (screening/planner, ADR 0019)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PlannerRun(models.Model):
    """One request to simulate: its parameters and what-if changes, and, once the worker
    has finished, the results (a baseline, separate appointments and the what-if, as JSON)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    params = models.JSONField(default=dict)
    changes = models.JSONField(default=list)
    results = models.JSONField(default=list)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Planner run {self.pk} ({self.get_status_display().lower()})"
