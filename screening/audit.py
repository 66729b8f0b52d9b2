"""The audit log of findings and drafts: every read and write, who, what, when."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.db import models

from accounts.models import Role, User
from screening.models import AuditEntry, Case


def _entry(
    *, user: User | None, action: str, obj: models.Model, case: Case | None, detail: str = ""
) -> AuditEntry:
    return AuditEntry(
        user=user if user is not None and user.pk else None,
        username=getattr(user, "username", "") or "system",
        role=getattr(user, "role", "") or "",
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        case=case,
        detail=detail[:300],
    )


def audit_record(
    *, user: User | None, action: str, obj: models.Model, case: Case | None, detail: str = ""
) -> AuditEntry:
    """Write one audit entry; called by the selectors and services that touch findings."""
    entry = _entry(user=user, action=action, obj=obj, case=case, detail=detail)
    entry.save(force_insert=True)
    return entry


def _finding_entry(*, user: User | None, action: str, finding, note: str) -> AuditEntry:
    session = finding.session
    return _entry(
        user=user,
        action=action,
        obj=finding,
        case=session.visit.case,
        detail=f"{session.agency.code} findings v{finding.version} {note}".strip(),
    )


def audit_finding(*, user: User | None, action: str, finding, note: str = "") -> AuditEntry:
    """Audit one findings version, naming the agency and version."""
    entry = _finding_entry(user=user, action=action, finding=finding, note=note)
    entry.save(force_insert=True)
    return entry


def audit_finding_steps(
    *, user: User | None, finding, steps: list[tuple[str, str]]
) -> list[AuditEntry]:
    """Audit several steps taken on one findings version at once (`(action, note)` each, in
    order), one entry per step as audit_finding writes it, in one INSERT."""
    return AuditEntry.objects.bulk_create(
        [
            _finding_entry(user=user, action=action, finding=finding, note=note)
            for action, note in steps
        ]
    )


def audit_reads(*, user: User, objects: list, detail: str) -> None:
    """Audit the reads of a page of objects of one kind (each with a `case_id`): one entry
    per object, written together."""
    if not objects:
        return
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=user,
                username=user.username,
                role=user.role,
                action=AuditEntry.Action.READ,
                object_type=obj._meta.model_name,
                object_id=obj.pk,
                case_id=obj.case_id,
                detail=detail,
            )
            for obj in objects
        ]
    )


def audit_entries_for(*, user: User):
    """The audit log, for YOT managers only."""
    if not user.is_active or user.role != Role.YOT_MANAGER:
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("case")


# --- in words, for the audit log page --------------------------------------------------------

_FINDINGS_DETAIL = re.compile(r"^(?P<agency>\S+) findings v(?P<version>\d+)(?: (?P<note>.+))?$")
_DRAFT_WORDS = {
    (AuditEntry.Action.READ, ""): "Read the assessment draft",
    (AuditEntry.Action.READ, "print"): "Printed the assessment draft",
    (AuditEntry.Action.WRITE, "edited"): "Edited the assessment draft",
    (AuditEntry.Action.SUBMIT, ""): "Sent the assessment draft for sign-off",
    (AuditEntry.Action.SIGN_OFF, ""): "Signed off the assessment draft",
    (AuditEntry.Action.EXPORT, "Word document"): (
        "Downloaded the assessment draft as a Word document"
    ),
}
_FINDINGS_WORDS = {
    (AuditEntry.Action.READ, ""): "Read the {agency} findings, version {version}",
    (AuditEntry.Action.WRITE, "saved"): (
        "Saved a working copy of the {agency} findings, version {version}"
    ),
    (AuditEntry.Action.SUBMIT, "submitted"): "Submitted the {agency} findings, version {version}",
    (AuditEntry.Action.SUBMIT, "amended"): (
        "Submitted an amendment: the {agency} findings, version {version}"
    ),
}


_PLAN_WORDS = {
    (AuditEntry.Action.READ, "judgements"): "Read the judgements of a signed-off assessment",
    (AuditEntry.Action.READ, "plan action"): "Read a plan action",
    (AuditEntry.Action.WRITE, "plan action added"): "Added a plan action",
    (AuditEntry.Action.WRITE, "plan action open"): "Changed a plan action (open)",
    (AuditEntry.Action.WRITE, "plan action done"): "Recorded a plan action done",
    (AuditEntry.Action.WRITE, "plan action not_done"): "Recorded a plan action not done",
    (AuditEntry.Action.READ, "oversight note"): "Read a management oversight note",
    (AuditEntry.Action.WRITE, "oversight note added"): "Added a management oversight note",
}


_REVIEW_WORDS = {
    (AuditEntry.Action.READ, "new information"): "Read significant new information",
    (AuditEntry.Action.WRITE, "new information recorded"): "Recorded significant new information",
    (AuditEntry.Action.READ, "review"): "Read a review",
    (AuditEntry.Action.WRITE, "review started"): "Started a review",
}


def role_words(role: str) -> str:
    """A role as people say it ("Case manager"); an account with none is the system."""
    return str(Role(role).label) if role in Role.values else (role or "System")


def audit_entry_words(entry: AuditEntry, *, agency_names: Mapping[str, str]) -> str:
    """What one entry records, as a sentence: "Printed the assessment draft", "Read the
    Health findings, version 2"; the detail that audit_record and audit_finding write is
    read back here, in the module that writes it."""
    detail = entry.detail or ""
    if entry.object_type == "finding":
        match = _FINDINGS_DETAIL.match(detail)
        if match:
            words = _FINDINGS_WORDS.get((entry.action, match["note"] or ""))
            agency = agency_names.get(match["agency"], match["agency"])
            if words:
                return words.format(agency=agency, version=match["version"])
            return (
                f"{entry.get_action_display()}: the {agency} findings, version {match['version']}"
            )
    if entry.object_type in ("assessmentversion", "planaction", "oversightnote"):
        words = _PLAN_WORDS.get((entry.action, detail))
        if words:
            return words
    if entry.object_type in ("newinformation", "review"):
        words = _REVIEW_WORDS.get((entry.action, detail.split(" (")[0]))
        if words:
            return words + (f" ({detail.split(' (', 1)[1]}" if " (" in detail else "")
    if entry.object_type == "assessmentdraft":
        words = _DRAFT_WORDS.get((entry.action, detail))
        if words:
            return words
        if entry.action == AuditEntry.Action.REOPEN:
            return "Reopened the assessment draft" + (f": {detail}" if detail else "")
        return f"{entry.get_action_display()}: the assessment draft" + (
            f" ({detail})" if detail else ""
        )
    if entry.action == AuditEntry.Action.DISPOSE:
        # Retention (screening/governance/disposal.py): what kind and how many, never content.
        return f"Retention schedule: {detail}" if detail else "Retention schedule"
    if entry.object_type == "youngperson" and entry.action == AuditEntry.Action.EXPORT:
        return f"Exported everything held about young person {entry.object_id} (subject access)"
    return f"{entry.get_action_display()}: {entry.object_type} {entry.object_id}" + (
        f" ({detail})" if detail else ""
    )
