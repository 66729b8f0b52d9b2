"""Scoped reads of agencies and practitioners."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import Role, User
from agencies.models import Agency, Interpreter, Practitioner

PRACTITIONER_READERS = {Role.YOT_ADMIN, Role.YOT_MANAGER, Role.SYSTEM_ADMIN}


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.all()


def practitioner_list_for(*, user: User) -> QuerySet[Practitioner]:
    """Admins and managers see every practitioner; a practitioner sees only their own record."""
    qs = Practitioner.objects.select_related("agency", "user")
    if not user.is_active:
        return qs.none()
    if user.role in PRACTITIONER_READERS:
        return qs
    if user.role == Role.PRACTITIONER:
        return qs.filter(user=user)
    return qs.none()


def practitioner_of(*, user: User) -> Practitioner | None:
    """The practitioner record of a practitioner's login, if any."""
    if user.role != Role.PRACTITIONER:
        return None
    return Practitioner.objects.select_related("agency").filter(user=user).first()


def calendar_feed_url(practitioner: Practitioner) -> str:
    """The secret address of a practitioner's calendar feed (shown to them and admins only)."""
    return (
        f"{settings.PUBLIC_BASE_URL}/calendars/practitioners/{practitioner.pk}.ics"
        f"?token={practitioner.feed_token}"
    )


INTERPRETER_READERS = {Role.YOT_ADMIN, Role.YOT_MANAGER, Role.SYSTEM_ADMIN}


def interpreter_list_for(*, user: User) -> QuerySet[Interpreter]:
    """Admins and managers see the interpreter pool; nobody else does."""
    if not user.is_active or user.role not in INTERPRETER_READERS:
        return Interpreter.objects.none()
    return Interpreter.objects.all()


def interpreter_feed_url(interpreter: Interpreter) -> str:
    """The secret address of an interpreter's calendar feed (shown to admins only)."""
    return (
        f"{settings.PUBLIC_BASE_URL}/calendars/interpreters/{interpreter.pk}.ics"
        f"?token={interpreter.feed_token}"
    )
