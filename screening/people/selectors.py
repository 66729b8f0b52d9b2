"""Scoped reads of young people and cases: every list a page or the API shows comes through one."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Role, User
from screening.access import SEE_ALL, practitioner_sessions
from screening.models import (
    LIVE_VISIT,
    Case,
    Visit,
    YoungPerson,
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
        return qs.filter(pk__in=practitioner_sessions(user).values("visit__case_id"))
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
        runs = practitioner_sessions(user).values("visit__case__young_person_id")
        return qs.filter(pk__in=runs)
    return qs.none()


def cases_needing_visit_for(*, user: User) -> QuerySet[Case]:
    """Cases in the user's scope with no booked or completed visit, most urgent first, with
    what a row of them shows (reference, young person's name, due dates)."""
    return (
        case_list_for(user=user)
        .select_related(None)
        .select_related("young_person")
        .only(
            "reference",
            "visit_due_by",
            "assessment_due_by",
            "young_person__given_name",
            "young_person__family_name",
        )
        # NOT IN over the live visits' case ids, read once: a correlated NOT EXISTS walks the
        # cases by due date probing each one's visits, and those needing a visit come last.
        .exclude(pk__in=Visit.objects.filter(status__in=LIVE_VISIT).values("case_id"))
        .order_by("visit_due_by", "id")
    )
