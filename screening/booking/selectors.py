"""Scoped reads of visits and sessions, and a case's timeline of visit changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from agencies.local_time import date_words_here, day_words_here, local
from agencies.models import Agency, Practitioner
from screening.access import SEE_ALL, practitioner_sessions
from screening.local_dates import ONE_DAY, local_midnight
from screening.models import (
    LIVE_VISIT,
    Case,
    Room,
    Session,
    Venue,
    Visit,
    VisitHistory,
    VisitStatus,
)


def visit_list_for(*, user: User) -> QuerySet[Visit]:
    """Visits of the cases the user may see; a practitioner sees visits they run a session in."""
    qs = Visit.objects.select_related("room__venue", "venue", "case").prefetch_related(
        "sessions__agency", "sessions__practitioner"
    )
    if not user.is_active:
        return qs.none()
    if user.role in SEE_ALL:
        return qs
    if user.role == Role.CASE_MANAGER:
        return qs.filter(case__case_manager=user)
    if user.role == Role.PRACTITIONER:
        return qs.filter(pk__in=practitioner_sessions(user).values("visit_id"))
    return qs.none()


def booked_visit_of(*, case: Case) -> Visit | None:
    """The case's booked visit (the earliest, if a rebooking is booked too), or None: while
    there is one the case cannot book another (visit_book raises CaseAlreadyBooked)."""
    return (
        Visit.objects.filter(case=case, status=VisitStatus.BOOKED)
        .select_related("room__venue", "venue")
        .order_by("start", "id")
        .first()
    )


# What a visit shown on its own or in a list needs: its columns, the room and venue names, and
# its sessions with their agency and practitioner (the case only by its id).
_VISIT_SHOWN_DEFERRED = ("booked_by", "created_at", "confirmed_at")


_SESSION_SHOWN_DEFERRED = ("blocked_until", "attendance_recorded_at")


def visits_shown_for(*, user: User) -> QuerySet[Visit]:
    """visit_list_for's visits, reading only what showing them needs; not for writing."""
    sessions = Session.objects.defer(*_SESSION_SHOWN_DEFERRED)
    return (
        visit_list_for(user=user)
        .select_related(None)
        .select_related("room__venue", "venue")
        .defer(*_VISIT_SHOWN_DEFERRED)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("sessions", queryset=sessions), "sessions__agency", "sessions__practitioner"
        )
    )


def session_list_for(*, user: User) -> QuerySet[Session]:
    """Sessions the user may act on: all for YOT staff, their own for a practitioner."""
    qs = Session.objects.select_related("visit__case", "agency", "practitioner")
    if not user.is_active:
        return qs.none()
    if user.role in SEE_ALL:
        return qs
    if user.role == Role.CASE_MANAGER:
        return qs.filter(visit__case__case_manager=user)
    if user.role == Role.PRACTITIONER:
        return qs.filter(practitioner__user=user)
    return qs.none()


# What a dashboard row of visits shows: when, the case reference, the young person's name and
# the room. The sessions are not read: a list of visits never shows them.
_VISIT_ROW_FIELDS = (
    "id",
    "start",
    "case__reference",
    "case__young_person__given_name",
    "case__young_person__family_name",
    "room__name",
    "room__venue__name",
    "venue__name",
)


def _visit_rows_for(user: User) -> QuerySet[Visit]:
    return (
        visit_list_for(user=user)
        .prefetch_related(None)
        .select_related("case__young_person", "room__venue", "venue")
        .only(*_VISIT_ROW_FIELDS)
    )


def visits_between_for(*, user: User, start, end) -> QuerySet[Visit]:
    """Visits in scope that are not cancelled and start in [start, end), as list rows (the
    case, young person and room read with them; not their sessions)."""
    return (
        _visit_rows_for(user)
        .exclude(status=VisitStatus.CANCELLED)
        .filter(start__gte=start, start__lt=end)
        .order_by("start", "id")
    )


def visits_unconfirmed_for(*, user: User, now) -> QuerySet[Visit]:
    """Booked visits still to come that nobody has confirmed (a YES reply sets
    Visit.confirmed_at), as list rows."""
    return (
        _visit_rows_for(user)
        .filter(status=VisitStatus.BOOKED, start__gte=now, confirmed_at__isnull=True)
        .order_by("start", "id")
    )


# What a dashboard row of sessions shows: the case reference and findings due date, the
# agency and practitioner names, when it was and why it was missed.
_SESSION_ROW_FIELDS = (
    "visit_id",
    "start",
    "attendance_reason",
    "visit__case__reference",
    "visit__case__findings_due_by",
    "agency__name",
    "practitioner__name",
)


def session_rows_for(user: User) -> QuerySet[Session]:
    return (
        session_list_for(user=user)
        .select_related(None)
        .select_related("visit__case", "agency", "practitioner")
        .only(*_SESSION_ROW_FIELDS)
    )


def sessions_missed_for(*, user: User) -> QuerySet[Session]:
    """Sessions the young person did not attend that have no booked or completed rebooking,
    as list rows."""
    rebooked = Visit.objects.filter(rebook_of=OuterRef("pk"), status__in=LIVE_VISIT)
    return (
        session_rows_for(user)
        .filter(attended=False, cancelled=False)
        .exclude(Exists(rebooked))
        .order_by("start", "id")
    )


def _attendance_words(reason: str, names: Mapping[str, str]) -> str:
    """The attendance row's reason ("health: did not attend", as the service writes it) as
    "Health: Did not attend", in the active language."""
    code, sep, outcome = reason.partition(": ")
    if not sep:
        return reason
    said = {"attended": _("Attended"), "did not attend": _("Did not attend")}.get(outcome)
    return f"{names.get(code, code)}: {said or outcome[:1].upper() + outcome[1:]}"


def _where_when(
    snapshot: Mapping[str, Any], rooms: Mapping[int, Room], venues: Mapping[int, Venue]
) -> str:
    """'Wednesday 24 February 2027 at 10:00 (Civic Centre, Room 1)' from a history snapshot
    (the venue's name for a visit with no room), in the active language."""
    start = local(dt.datetime.fromisoformat(snapshot["start"]))
    where = rooms.get(snapshot.get("room")) or venues.get(snapshot.get("venue"))
    words = _("%(day)s at %(time)s") % {
        "day": day_words_here(start.date()),
        "time": f"{start:%H:%M}",
    }
    return words + (f" ({where})" if where else "")


def _team_changes(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    names: Mapping[str, str],
    people: Mapping[int, str],
) -> list[str]:
    """'Health: Ngozi Achebe instead of Sam Okafor' for each agency whose practitioner changed."""
    was = {s["agency"]: s["practitioner"] for s in before.get("sessions", [])}
    out = []
    for s in after.get("sessions", []):
        old = was.get(s["agency"])
        if old is not None and old != s["practitioner"]:
            out.append(
                _("%(agency)s: %(now)s instead of %(was)s")
                % {
                    "agency": names.get(s["agency"], s["agency"]),
                    "now": people.get(s["practitioner"], "?"),
                    "was": people.get(old, "?"),
                }
            )
    return out


def _visit_text(
    entry: VisitHistory,
    before: Mapping[str, Any] | None,
    *,
    names: Mapping[str, str],
    rooms: Mapping[int, Room],
    people: Mapping[int, str],
    venues: Mapping[int, Venue] | None = None,
) -> str:
    venues = venues or {}
    after = entry.snapshot or {}
    kind = entry.kind
    if kind == VisitHistory.Kind.ATTENDANCE:
        return _attendance_words(entry.reason, names)
    parts: list[str] = []
    if kind == VisitHistory.Kind.BOOKED and after.get("start"):
        parts.append(_("For %(when)s.") % {"when": _where_when(after, rooms, venues)})
    if kind == VisitHistory.Kind.RESCHEDULED and after.get("start") and before:
        was, now = _where_when(before, rooms, venues), _where_when(after, rooms, venues)
        if was != now:
            parts.append(_("From %(was)s to %(now)s.") % {"was": was, "now": now})
        else:
            parts.append(_("Still %(now)s.") % {"now": now})
        changes = _team_changes(before, after, names, people)
        if changes:
            parts.append("; ".join(changes) + ".")
    if entry.reason:
        why = {
            VisitHistory.Kind.CANCELLED: _("Why"),
            VisitHistory.Kind.BOOKED: _("Why rebooked"),
        }.get(kind, _("Reason"))
        parts.append(f"{why}: {entry.reason}")
    if entry.late_reason:
        parts.append(f"{_('Why after the deadline')}: {entry.late_reason}")
    return " ".join(parts)


_VISIT_FIELDS = ("start", "end", "room", "status")
_SESSION_FIELDS = ("practitioner", "start", "end", "cancelled")


def _change(field: str, before: Any, after: Any) -> dict[str, Any]:
    """One field's change; times (ISO text in a snapshot) as datetimes."""
    if field.endswith(("start", "end")):
        before, after = (dt.datetime.fromisoformat(v) if v else v for v in (before, after))
    return {"field": field, "before": before, "after": after}


def _changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What differs between two history snapshots, field by field (a first snapshot: every
    field, from nothing); a session by its agency's code."""
    was = before or {}
    out = [
        _change(name, was.get(name), after.get(name))
        for name in _VISIT_FIELDS
        if was.get(name) != after.get(name)
    ]
    old = {s["agency"]: s for s in was.get("sessions", [])}
    for session in after.get("sessions", []):
        prior = old.get(session["agency"], {})
        out += [
            _change(f"sessions.{session['agency']}.{name}", prior.get(name), session.get(name))
            for name in _SESSION_FIELDS
            if prior.get(name) != session.get(name)
        ]
    return out


def _attendance_change(reason: str) -> list[dict[str, Any]]:
    """An attendance row's change, from its reason as the service writes it
    ("health: did not attend")."""
    code, sep, outcome = reason.partition(": ")
    if not sep:
        return []
    return [{"field": f"sessions.{code}.attended", "before": None, "after": outcome == "attended"}]


def visit_history(*, visit: Visit) -> list[dict[str, Any]]:
    """Every change to one visit, oldest first: who (user id and name), when, what changed
    (field by field against the snapshot before) and why. The caller scopes `visit`."""
    out: list[dict[str, Any]] = []
    last: Mapping[str, Any] | None = None
    for entry in visit.history.select_related("by").order_by("at", "id"):
        snapshot = entry.snapshot or {}
        if entry.kind == VisitHistory.Kind.ATTENDANCE:
            changes = _attendance_change(entry.reason)
        else:
            changes = _changes(last, snapshot)
        if snapshot:
            last = snapshot
        by = entry.by
        out.append(
            {
                "version": entry.version,
                "kind": entry.kind,
                "at": entry.at,
                "by": by.pk if by else None,
                "by_name": (by.get_full_name() or by.username) if by else None,
                "reason": entry.reason,
                "late_reason": entry.late_reason,
                "changes": changes,
            }
        )
    return out


def _timeline_title(kind: str) -> str:
    """A visit history row's heading on the case timeline, in the active language."""
    return {
        VisitHistory.Kind.BOOKED: _("Visit booked"),
        VisitHistory.Kind.RESCHEDULED: _("Visit rescheduled"),
        VisitHistory.Kind.CANCELLED: _("Visit cancelled"),
        VisitHistory.Kind.ATTENDANCE: _("Visit attendance recorded"),
        VisitHistory.Kind.COMPLETED: _("Visit completed"),
    }.get(kind, kind)


def case_timeline(*, case: Case) -> list[dict[str, object]]:
    """Everything that happened on a case, newest first: the case opening and every change
    to its visits (booked, rescheduled, cancelled, attendance, completed), in words: agency
    names, and for a reschedule the time and room it moved from and to (each history row
    keeps the visit as it was after the change, so the row before it says where it was)."""
    events: list[dict[str, object]] = [
        {
            "at": case.created_at,
            "title": _("Case opened"),
            "by": None,
            "text": _("%(order)s starting %(day)s")
            % {
                "order": case.get_order_type_display(),
                "day": date_words_here(case.order_start_date),
            },
        }
    ]
    history = list(
        VisitHistory.objects.filter(visit__case=case)
        .select_related("by", "visit")
        .order_by("at", "id")
    )
    snapshots = [e.snapshot or {} for e in history]
    rooms = Room.objects.select_related("venue").in_bulk({s.get("room") for s in snapshots})
    venues = Venue.objects.in_bulk({s.get("venue") for s in snapshots if not s.get("room")})
    people = dict(
        Practitioner.objects.filter(
            pk__in={x["practitioner"] for s in snapshots for x in s.get("sessions", [])}
        ).values_list("pk", "name")
    )
    names = dict(Agency.objects.values_list("code", "name"))
    last: dict[int, Mapping[str, Any]] = {}
    for entry in history:
        events.append(
            {
                "at": entry.at,
                "title": _timeline_title(entry.kind),
                "by": entry.by,
                "text": _visit_text(
                    entry,
                    last.get(entry.visit_id),
                    names=names,
                    rooms=rooms,
                    people=people,
                    venues=venues,
                ),
                "visit": entry.visit,
            }
        )
        if entry.snapshot:
            last[entry.visit_id] = entry.snapshot
    events.sort(key=lambda e: e["at"], reverse=True)
    return events


def visits_filtered(
    visits: QuerySet[Visit],
    *,
    day: dt.date | None = None,
    room: int | None = None,
    practitioner: int | None = None,
) -> QuerySet[Visit]:
    """`visits` starting on this local date (in the YOT's zone), in this room, and with a
    session (not cancelled) run by this practitioner; each filter only when given."""
    if day is not None:
        zone = timezone.get_current_timezone()
        visits = visits.filter(
            start__gte=local_midnight(day, zone), start__lt=local_midnight(day + ONE_DAY, zone)
        )
    if room is not None:
        visits = visits.filter(room_id=room)
    if practitioner is not None:
        runs = Session.objects.filter(practitioner_id=practitioner, cancelled=False)
        visits = visits.filter(pk__in=runs.values("visit_id"))
    return visits
