"""Freed slots: the time a cancelled or moved visit gives back, recorded in the same
transaction as the change (docs/decisions/0018-parent-carer-and-bring-forward.md; a home
or school visit's, docs/decisions/0024-freed-time-from-home-and-school-visits.md)."""

from __future__ import annotations

from django.utils import timezone

from screening.models import FreedSlot, Visit


def freed_slot_record(*, visit: Visit, cause: str) -> FreedSlot | None:
    """Record the visit's current place (its venue, and its room when it has one), span and
    practitioners as freed (call it before the change writes the new times); nothing when
    the visit has already started. A home or school visit frees no room of ours, but its
    practitioners' time (and their journey) is freed all the same. Runs inside the caller's
    transaction, so a rolled-back change frees nothing."""
    if visit.start <= timezone.now():
        return None
    practitioners = list(
        visit.sessions.filter(cancelled=False).values_list("practitioner_id", flat=True)
    )
    slot = FreedSlot.objects.create(
        venue_id=visit.venue_id,
        room_id=visit.room_id,
        start=visit.start,
        end=visit.end,
        cause=cause,
        visit=visit,
    )
    slot.practitioners.set(practitioners)
    return slot
