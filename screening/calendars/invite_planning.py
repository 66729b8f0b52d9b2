"""Planning calendar invites when a visit is booked, moved or cancelled
(docs/decisions/0005-calendars.md).

The booking services call `invites_plan_for_change` inside the booking transaction. It
decides the rows from the change's two snapshots alone (no reads) and writes them with one
INSERT, so they commit or roll back with the booking, and the iCalendar building
(CPU-heavy) stays out of the booking; `invites.invites_send_due` sends them afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from screening.calendars import tasks
from screening.models import InviteEmail, VisitHistory
from screening.outbox import kick

K = InviteEmail.Kind
REQUEST, CANCEL = InviteEmail.Method.REQUEST, InviteEmail.Method.CANCEL
# Which invites a visit change calls for; attendance and completion call for none.
CHANGE_KINDS = {
    VisitHistory.Kind.BOOKED: K.BOOKED,
    VisitHistory.Kind.RESCHEDULED: K.MOVED,
    VisitHistory.Kind.CANCELLED: K.CANCELLED,
}


def invites_for_change(
    *,
    visit_id: int,
    version: int,
    kind: str,
    previous: dict | None,
    snapshot: dict,
    now: dt.datetime,
) -> list[InviteEmail]:
    """The invite rows (unsaved) a change calls for, from its snapshots alone: REQUEST to
    each practitioner of a booked or moved visit, CANCEL to each of a cancelled one and to
    a practitioner a move took off a session. Nothing for attendance or completion, nor
    for a visit that has already ended (recorded afterwards)."""
    invite_kind = CHANGE_KINDS.get(kind)
    if invite_kind is None or dt.datetime.fromisoformat(snapshot["end"]) <= now:
        return []
    sessions = snapshot["sessions"]
    method = CANCEL if invite_kind == K.CANCELLED else REQUEST

    def row(session_id: int, practitioner_id: int, method: str, kind: str) -> InviteEmail:
        return InviteEmail(
            visit_id=visit_id,
            visit_version=version,
            session_id=session_id,
            practitioner_id=practitioner_id,
            method=method,
            kind=kind,
            next_attempt_at=now,
            created_at=now,
        )

    rows = [row(s["id"], s["practitioner"], method, invite_kind) for s in sessions]
    if invite_kind == K.MOVED:
        before = {s["id"]: s["practitioner"] for s in (previous or {}).get("sessions", [])}
        rows += [
            row(s["id"], before[s["id"]], CANCEL, K.CANCELLED)
            for s in sessions
            if before.get(s["id"], s["practitioner"]) != s["practitioner"]
        ]
    return rows


def invites_plan_for_change(
    *, visit, kind: str, previous: dict | None, snapshot: dict
) -> list[InviteEmail]:
    """Write the invites a visit change calls for, in one INSERT inside the booking
    transaction (they commit or roll back with it), and wake the worker once it commits.
    Reads nothing: the visit's id and version and the two snapshots say it all."""
    rows = invites_for_change(
        visit_id=visit.pk,
        version=visit.version,
        kind=kind,
        previous=previous,
        snapshot=snapshot,
        now=timezone.now(),
    )
    if rows:
        InviteEmail.objects.bulk_create(rows)
        transaction.on_commit(kick_invites)
    return rows


def kick_invites() -> None:
    """Ask a Celery worker to send due invites now (a no-op without a broker)."""
    kick(tasks.send_due_invites)
