"""Scoped reads: every list a page or the API shows comes through one of these."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Role, User
from screening.models import (
    Case,
    Room,
    Session,
    Venue,
    Visit,
    VisitHistory,
    VisitStatus,
    YoungPerson,
)

SEE_ALL = {Role.YOT_ADMIN, Role.YOT_MANAGER}


def _practitioner_sessions(user: User) -> QuerySet[Session]:
    return Session.objects.filter(practitioner__user=user).exclude(
        visit__status=VisitStatus.CANCELLED
    )


def case_list_for(*, user: User) -> QuerySet[Case]:
    """Admins and managers see all cases; case managers their own; practitioners those they
    run a session in; other roles none."""
    qs = Case.objects.select_related("young_person", "case_manager")
    if not user.is_active:
        return qs.none()
    if user.role in SEE_ALL:
        return qs
    if user.role == Role.CASE_MANAGER:
        return qs.filter(case_manager=user)
    if user.role == Role.PRACTITIONER:
        runs = _practitioner_sessions(user).filter(visit__case=OuterRef("pk"))
        return qs.filter(Exists(runs))
    return qs.none()


def young_person_list_for(*, user: User) -> QuerySet[YoungPerson]:
    """Young people of the cases the user may see."""
    qs = YoungPerson.objects.prefetch_related("unavailable")
    if not user.is_active:
        return qs.none()
    if user.role in SEE_ALL:
        return qs
    if user.role == Role.CASE_MANAGER:
        return qs.filter(
            Exists(Case.objects.filter(young_person=OuterRef("pk"), case_manager=user))
        )
    if user.role == Role.PRACTITIONER:
        runs = _practitioner_sessions(user).filter(visit__case__young_person=OuterRef("pk"))
        return qs.filter(Exists(runs))
    return qs.none()


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.prefetch_related("opening_hours")


def room_list() -> QuerySet[Room]:
    return Room.objects.select_related("venue")


def visit_list_for(*, user: User) -> QuerySet[Visit]:
    """Visits of the cases the user may see; a practitioner sees visits they run a session in."""
    qs = Visit.objects.select_related("room__venue", "case").prefetch_related(
        "sessions__agency", "sessions__practitioner"
    )
    if not user.is_active:
        return qs.none()
    if user.role in SEE_ALL:
        return qs
    if user.role == Role.CASE_MANAGER:
        return qs.filter(case__case_manager=user)
    if user.role == Role.PRACTITIONER:
        return qs.filter(Exists(_practitioner_sessions(user).filter(visit=OuterRef("pk"))))
    return qs.none()


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


# --- work lists for the dashboard and the practitioner's home ------------------------------


def _live_visit(case_ref: OuterRef | str = "pk") -> Exists:
    return Exists(
        Visit.objects.filter(
            case=OuterRef(case_ref), status__in=[VisitStatus.BOOKED, VisitStatus.COMPLETED]
        )
    )


def cases_needing_visit_for(*, user: User) -> QuerySet[Case]:
    """Cases in the user's scope with no booked or completed visit, most urgent first."""
    return (
        case_list_for(user=user)
        .annotate(has_visit=_live_visit())
        .filter(has_visit=False)
        .order_by("visit_due_by", "id")
    )


def visits_between_for(*, user: User, start, end) -> QuerySet[Visit]:
    """Visits in scope that are not cancelled and start in [start, end)."""
    return (
        visit_list_for(user=user)
        .select_related("case__young_person")
        .exclude(status=VisitStatus.CANCELLED)
        .filter(start__gte=start, start__lt=end)
        .order_by("start", "id")
    )


def visits_unconfirmed_for(*, user: User, now) -> QuerySet[Visit]:
    """Booked visits still to come that the young person has not confirmed.

    Confirmation arrives as a reply to the booking text; until replies are recorded,
    every booked visit still to come is unconfirmed. Exclude confirmed visits here when
    replies are stored."""
    return (
        visit_list_for(user=user)
        .select_related("case__young_person")
        .filter(status=VisitStatus.BOOKED, start__gte=now)
        .order_by("start", "id")
    )


def sessions_awaiting_findings_for(*, user: User) -> QuerySet[Session]:
    """Attended sessions whose agency's findings are still to come, with the case's
    findings due date.

    Every attended session counts until findings are stored; when they are, exclude the
    sessions whose findings were submitted here, and every page showing this list follows."""
    return (
        session_list_for(user=user)
        .select_related("visit__case__young_person", "agency", "practitioner")
        .filter(attended=True, cancelled=False)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .order_by("visit__case__findings_due_by", "agency__order", "start", "id")
    )


def sessions_missed_for(*, user: User) -> QuerySet[Session]:
    """Sessions the young person did not attend that have no booked or completed rebooking."""
    rebooked = Visit.objects.filter(
        rebook_of=OuterRef("pk"), status__in=[VisitStatus.BOOKED, VisitStatus.COMPLETED]
    )
    return (
        session_list_for(user=user)
        .select_related("visit__case__young_person", "agency", "practitioner")
        .filter(attended=False, cancelled=False)
        .exclude(Exists(rebooked))
        .order_by("start", "id")
    )


def case_timeline(*, case: Case) -> list[dict[str, object]]:
    """Everything that happened on a case, newest first: the case opening and every change
    to its visits (booked, rescheduled, cancelled, attendance, completed)."""
    events: list[dict[str, object]] = [
        {
            "at": case.created_at,
            "title": "Case opened",
            "by": None,
            "text": f"{case.get_order_type_display()} starting {case.order_start_date:%-d %B %Y}",
        }
    ]
    history = (
        VisitHistory.objects.filter(visit__case=case)
        .select_related("by", "visit")
        .order_by("at", "id")
    )
    for entry in history:
        events.append(
            {
                "at": entry.at,
                "title": f"Visit {entry.get_kind_display().lower()}",
                "by": entry.by,
                "text": entry.reason,
                "visit": entry.visit,
            }
        )
    events.sort(key=lambda e: e["at"], reverse=True)
    return events
