"""The audit log of findings and drafts: every read and write, who, what, when."""

from __future__ import annotations

from django.db import models

from accounts.models import Role, User
from screening.models import AuditEntry, Case


def audit_record(
    *, user: User | None, action: str, obj: models.Model, case: Case | None, detail: str = ""
) -> AuditEntry:
    """Write one audit entry; called by the selectors and services that touch findings."""
    return AuditEntry.objects.create(
        user=user if user is not None and user.pk else None,
        username=getattr(user, "username", "") or "system",
        role=getattr(user, "role", "") or "",
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        case=case,
        detail=detail[:300],
    )


def audit_finding(*, user: User | None, action: str, finding, note: str = "") -> AuditEntry:
    """Audit one findings version, naming the agency and version."""
    session = finding.session
    return audit_record(
        user=user,
        action=action,
        obj=finding,
        case=session.visit.case,
        detail=f"{session.agency.code} findings v{finding.version} {note}".strip(),
    )


def audit_entries_for(*, user: User):
    """The audit log, for YOT managers only."""
    if not user.is_active or user.role != Role.YOT_MANAGER:
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("case")
