"""Management oversight: a YOT manager's dated notes on a case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from screening.models.people import Case

OVERSIGHT_NOTE_LIMIT = 4000


class OversightNote(models.Model):
    """One management oversight note on a case, by a YOT manager. Append-only: a note is
    never changed or removed (a correction is a later note); the author and the moment are
    recorded, and every read and write is audited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="oversight_notes")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="oversight_notes"
    )
    author_role = models.CharField(
        max_length=20, help_text="The author's role when they wrote it (kept if it changes)."
    )

    class Meta:
        ordering = ["case", "created_at", "id"]
        # The oversight list reads each case's latest note.
        indexes = [models.Index(fields=["case", "created_at"], name="oversightnote_case_at_idx")]

    def __str__(self) -> str:
        return f"oversight note {self.pk} on case {self.case_id}"
