"""Freed slots: the time a cancelled or moved visit gives back, recorded in the same
transaction as the change (docs/decisions/0018-parent-carer-and-bring-forward.md)."""

from __future__ import annotations

from django.utils import timezone

from screening.models import FreedSlot, Visit


def freed_slot_record(*, visit: Visit, cause: str) -> FreedSlot | None:
    """Record the visit's current room, span and practitioners as freed (call it before the
    change writes the new times); nothing when the visit has already started or held no
    room. Runs inside the caller's transaction, so a rolled-back change frees nothing."""
    if visit.start <= timezone.now():
        return None
    if visit.room_id is None:
        # A home or school visit frees no room of ours (bring forward offers rooms' time).
        return None
    practitioners = list(
        visit.sessions.filter(cancelled=False).values_list("practitioner_id", flat=True)
    )
    slot = FreedSlot.objects.create(
        room_id=visit.room_id, start=visit.start, end=visit.end, cause=cause, visit=visit
    )
    slot.practitioners.set(practitioners)
    return slot
