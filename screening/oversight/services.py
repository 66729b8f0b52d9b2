"""Writing management oversight notes (append-only, dated, author recorded, audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from screening.audit import audit_record
from screening.errors import NotAllowed, too_long
from screening.models import OVERSIGHT_NOTE_LIMIT, AuditEntry, Case, OversightNote


def check_oversight_note_text(text: Any) -> str:
    """The note's text, stripped; raises ValidationError naming `text` when it is empty or
    longer than the limit."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": [gettext("Enter the oversight note.")]})
    text = text.strip()
    if len(text) > OVERSIGHT_NOTE_LIMIT:
        raise ValidationError({"text": [too_long(OVERSIGHT_NOTE_LIMIT)]})
    return text


@transaction.atomic
def oversight_note_add(*, case: Case, user: User, text: Any) -> OversightNote:
    """Add a YOT manager's oversight note to the case, dated now, and audit it. Notes are
    never changed or removed. Raises NotAllowed for anyone but an active YOT manager and
    ValidationError naming `text`."""
    if not user.is_active or user.role != Role.YOT_MANAGER:
        raise NotAllowed(gettext("Only a YOT manager adds management oversight notes."))
    note = OversightNote.objects.create(
        case=case,
        text=check_oversight_note_text(text),
        created_at=timezone.now(),
        author=user,
        author_role=user.role,
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.WRITE,
        obj=note,
        case=case,
        detail="oversight note added",
    )
    return note
