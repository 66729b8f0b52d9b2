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
    each practitioner of a booked visit, CANCEL to each of a cancelled one. A move sends
    "Moved" to a practitioner who keeps their session, a new invitation to one put on a
    session they never had, and a CANCEL to one taken off a session, with that session's
    time and room as they had it. Nothing for attendance or completion, nor for a visit
    that has already ended (recorded afterwards)."""
    invite_kind = CHANGE_KINDS.get(kind)
    if invite_kind is None or dt.datetime.fromisoformat(snapshot["end"]) <= now:
        return []
    sessions = snapshot["sessions"]
    method = CANCEL if invite_kind == K.CANCELLED else REQUEST

    def row(session_id: int, practitioner_id: int, method: str, kind: str, **was) -> InviteEmail:
        return InviteEmail(
            visit_id=visit_id,
            visit_version=version,
            session_id=session_id,
            practitioner_id=practitioner_id,
            method=method,
            kind=kind,
            next_attempt_at=now,
            created_at=now,
            **was,
        )

    if invite_kind != K.MOVED:
        return [row(s["id"], s["practitioner"], method, invite_kind) for s in sessions]
    before = {s["id"]: s for s in (previous or {}).get("sessions", [])}

    def kept(session: dict) -> bool:
        return (
            session["id"] in before
            and before[session["id"]]["practitioner"] == (session["practitioner"])
        )

    rows = [
        row(s["id"], s["practitioner"], REQUEST, K.MOVED if kept(s) else K.BOOKED) for s in sessions
    ]
    rows += [
        row(
            s["id"],
            before[s["id"]]["practitioner"],
            CANCEL,
            K.CANCELLED,
            previous_start=dt.datetime.fromisoformat(before[s["id"]]["start"]),
            previous_end=dt.datetime.fromisoformat(before[s["id"]]["end"]),
            previous_room_id=previous["room"],
        )
        for s in sessions
        if s["id"] in before and not kept(s)
    ]
    return rows


def interpreter_invites_for_change(
    *,
    visit_id: int,
    version: int,
    kind: str,
    previous: dict | None,
    snapshot: dict,
    now: dt.datetime,
) -> list[InviteEmail]:
    """The invite rows (unsaved) for the visit's interpreter, from the snapshots alone: the
    whole visit, REQUEST when booked, CANCEL when cancelled; on a move "Moved" to an
    interpreter kept, a new invitation to one put on it, and a CANCEL (with the visit's
    old time and room) to one taken off. Each row hangs on the visit's first-made session,
    which stays with the visit for its life."""
    invite_kind = CHANGE_KINDS.get(kind)
    if (
        invite_kind is None
        or not snapshot["sessions"]
        or dt.datetime.fromisoformat(snapshot["end"]) <= now
    ):
        return []
    anchor = min(s["id"] for s in snapshot["sessions"])
    current = snapshot.get("interpreter")
    before = (previous or {}).get("interpreter")

    def row(interpreter_id: int, method: str, kind: str, **was) -> InviteEmail:
        return InviteEmail(
            visit_id=visit_id,
            visit_version=version,
            session_id=anchor,
            interpreter_id=interpreter_id,
            method=method,
            kind=kind,
            next_attempt_at=now,
            created_at=now,
            **was,
        )

    if invite_kind != K.MOVED:
        method = CANCEL if invite_kind == K.CANCELLED else REQUEST
        return [row(current, method, invite_kind)] if current else []
    rows = [row(current, REQUEST, K.MOVED if current == before else K.BOOKED)] if current else []
    if before and before != current:
        rows.append(
            row(
                before,
                CANCEL,
                K.CANCELLED,
                previous_start=dt.datetime.fromisoformat(previous["start"]),
                previous_end=dt.datetime.fromisoformat(previous["end"]),
                previous_room_id=previous["room"],
            )
        )
    return rows


def invites_plan_for_change(
    *, visit, kind: str, previous: dict | None, snapshot: dict
) -> list[InviteEmail]:
    """Write the invites a visit change calls for, in one INSERT inside the booking
    transaction (they commit or roll back with it), and wake the worker once it commits.
    Reads nothing: the visit's id and version and the two snapshots say it all."""
    change = {
        "visit_id": visit.pk,
        "version": visit.version,
        "kind": kind,
        "previous": previous,
        "snapshot": snapshot,
        "now": timezone.now(),
    }
    rows = invites_for_change(**change) + interpreter_invites_for_change(**change)
    if rows:
        InviteEmail.objects.bulk_create(rows)
        transaction.on_commit(kick_invites)
    return rows


def kick_invites() -> None:
    """Ask a Celery worker to send due invites now (a no-op without a broker)."""
    kick(tasks.send_due_invites)
