"""Scoped reads: every list a page or the API shows comes through one of these."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Role, User
from screening.models import (
    AdminTask,
    Case,
    InboundMessage,
    Message,
    Room,
    Session,
    Venue,
    Visit,
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


def message_list_for(*, user: User, case: Case) -> QuerySet[Message]:
    """Texts about one case's visits, for a user who may see the case (see case_list_for)."""
    if not case_list_for(user=user).filter(pk=case.pk).exists():
        return Message.objects.none()
    return Message.objects.filter(visit__case=case).order_by("send_at", "id")


def reply_list_for(*, user: User, case: Case) -> QuerySet[InboundMessage]:
    """Replies linked to one case's visits, for a user who may see the case."""
    if not case_list_for(user=user).filter(pk=case.pk).exists():
        return InboundMessage.objects.none()
    return InboundMessage.objects.filter(visit__case=case).order_by("-received_at", "-id")


def admin_task_list_for(*, user: User) -> QuerySet[AdminTask]:
    """Tasks for the YOT's admins; YOT managers see them too."""
    qs = AdminTask.objects.select_related("case", "done_by")
    if user.is_active and user.role in SEE_ALL:
        return qs
    return qs.none()
