"""Reads on logins scoped to the reader: the privilege-change trail is the YOT managers'
(management oversight); changes awaiting approval are theirs to decide and system
administrators' to follow."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import AccountEvent, PrivilegeRequest, Role, User


def account_events_for(*, user: User) -> QuerySet[AccountEvent]:
    """Every privilege change, newest first, for YOT managers; nothing for anyone else."""
    if not user.is_active or user.role != Role.YOT_MANAGER:
        return AccountEvent.objects.none()
    return AccountEvent.objects.all()


def privilege_requests_for(*, user: User) -> QuerySet[PrivilegeRequest]:
    """Changes asked for, newest first, for YOT managers and system administrators."""
    if not user.is_active or user.role not in {Role.YOT_MANAGER, Role.SYSTEM_ADMIN}:
        return PrivilegeRequest.objects.none()
    return PrivilegeRequest.objects.select_related("user", "requested_by", "decided_by")


def users_with_pending_change() -> QuerySet[User]:
    """Every login, with `pending` (its change awaiting approval, if any) prefetched."""
    pending = PrivilegeRequest.objects.filter(status=PrivilegeRequest.Status.PENDING)
    return User.objects.prefetch_related(
        Prefetch(
            "privilege_requests", queryset=pending.select_related("requested_by"), to_attr="pending"
        )
    )
