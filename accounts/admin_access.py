"""Who may use the administration pages, and for which records (API.md's role table).

A group per role carries the model permissions; a user's group and staff flag follow
their role, so changing the role changes what they can do in the admin at once.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from accounts.models import Role, User

SCHEDULER_MODELS = [
    "schedule.calendar",
    "schedule.calendarrelation",
    "schedule.event",
    "schedule.eventrelation",
    "schedule.occurrence",
    "schedule.rule",
]
# Models each role may manage in the admin ("app_label.model": full add/change/delete/view).
ADMIN_MODELS: dict[str, list[str]] = {
    Role.YOT_ADMIN: [
        "agencies.practitioner",
        "agencies.interpreter",
        "screening.venue",
        "screening.openinghours",
        "screening.room",
        "screening.youngperson",
        "screening.unavailabletime",
        "screening.case",
        "screening.admintask",
    ],
    Role.SYSTEM_ADMIN: [
        "accounts.user",
        "agencies.agency",
        "agencies.findingsform",
        "agencies.practitioner",
        "agencies.interpreter",
        "screening.closureday",
        "screening.messagetemplate",
        "screening.retentionrule",
        "screening.venue",
        "screening.openinghours",
        "screening.room",
        # django-scheduler's own tables: availability is edited on the practitioner pages,
        # which check what they write; only system administrators see the raw rows.
        *SCHEDULER_MODELS,
    ],
}
VIEW_ONLY_MODELS: dict[str, list[str]] = {
    Role.YOT_ADMIN: [
        # Visits and sessions change only through the booking services (history, texts,
        # invites); the admin shows them read-only (screening/admin.py).
        "screening.visit",
        "screening.session",
        "screening.visithistory",
        "screening.closureday",
        "agencies.agency",
        "screening.message",
        "screening.inboundmessage",
        "screening.numberstatus",
    ],
    Role.SYSTEM_ADMIN: ["screening.assessmentlayout"],
}


def group_name(role: str) -> str:
    return f"Role: {Role(role).label}"


def sync_role_groups() -> None:
    """Create or refresh the permission group of every role that uses the admin."""
    for role, models in ADMIN_MODELS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        wanted = []
        for label, actions in ((m, ("add", "change", "delete", "view")) for m in models):
            app_label, model = label.split(".")
            wanted += Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{a}_{model}" for a in actions],
            )
        for label in VIEW_ONLY_MODELS[role]:
            app_label, model = label.split(".")
            wanted += Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=f"view_{model}",
            )
        group.permissions.set(wanted)


def apply_role(user: User) -> None:
    """Give the user the staff flag and the one group their role implies."""
    uses_admin = user.role in ADMIN_MODELS and user.is_active
    if user.is_staff != uses_admin:
        user.is_staff = uses_admin
        user.save(update_fields=["is_staff"])
    role_groups = Group.objects.filter(name__startswith="Role: ")
    user.groups.remove(*role_groups.exclude(name=group_name(user.role)))
    if user.role in ADMIN_MODELS:
        group, _ = Group.objects.get_or_create(name=group_name(user.role))
        user.groups.add(group)
