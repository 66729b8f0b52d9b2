"""Which role may use which resource at all (API.md's role table).

Scoping to individual objects is done by the selectors; this table only answers
"may this role use this kind of thing", so pages and the API give the same answer.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User
from screening.models import Session, VisitStatus

ALL_ROLES = frozenset(Role.values)
ADMINS = frozenset({Role.YOT_ADMIN, Role.SYSTEM_ADMIN})

CAPABILITIES: dict[str, dict[str, frozenset[str]]] = {
    "users": {
        "read": frozenset({Role.SYSTEM_ADMIN}),
        "create": frozenset({Role.SYSTEM_ADMIN}),
        "update": frozenset({Role.SYSTEM_ADMIN}),
    },
    # Changes that would let a login read findings wait for a YOT manager (accounts/services).
    "privilege_requests": {
        "read": frozenset({Role.YOT_MANAGER, Role.SYSTEM_ADMIN}),
        "update": frozenset({Role.YOT_MANAGER}),
    },
    "account_events": {"read": frozenset({Role.YOT_MANAGER})},
    "agencies": {"read": ALL_ROLES},
    "practitioners": {
        "read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER, Role.SYSTEM_ADMIN, Role.PRACTITIONER}),
        "create": ADMINS,
        # A practitioner may change a few fields of their own record only.
        "update": ADMINS | {Role.PRACTITIONER},
    },
    "availability": {
        "read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER, Role.SYSTEM_ADMIN, Role.PRACTITIONER}),
        "create": ADMINS | {Role.PRACTITIONER},
        "update": ADMINS | {Role.PRACTITIONER},
    },
    # The pool of interpreters and their availability (working patterns, leave).
    "interpreters": {
        "read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER, Role.SYSTEM_ADMIN}),
        "create": ADMINS,
        "update": ADMINS,
    },
    "venues": {"read": ALL_ROLES, "create": ADMINS, "update": ADMINS},
    "rooms": {"read": ALL_ROLES, "create": ADMINS, "update": ADMINS},
    "young_people": {
        "read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER, Role.CASE_MANAGER, Role.PRACTITIONER}),
        "create": frozenset({Role.YOT_ADMIN}),
        "update": frozenset({Role.YOT_ADMIN}),
    },
    "cases": {
        "read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER, Role.CASE_MANAGER, Role.PRACTITIONER}),
        "create": frozenset({Role.YOT_ADMIN}),
        "update": frozenset({Role.YOT_ADMIN}),
    },
    "visits": {
        "read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER, Role.CASE_MANAGER, Role.PRACTITIONER}),
        "create": frozenset({Role.YOT_ADMIN}),
        "update": frozenset({Role.YOT_ADMIN}),
    },
    "visit_options": {"read": frozenset({Role.YOT_ADMIN})},
    # Earlier times freed by cancellations, offered to cases waiting or booked late.
    "bring_forward": {"read": frozenset({Role.YOT_ADMIN})},
    # Importing busy times from a practitioner's own calendar: the practitioner (their own,
    # scoped by selector) and YOT admins.
    "calendar_import": {
        "read": frozenset({Role.YOT_ADMIN, Role.PRACTITIONER}),
        "create": frozenset({Role.YOT_ADMIN, Role.PRACTITIONER}),
        "update": frozenset({Role.YOT_ADMIN, Role.PRACTITIONER}),
    },
    # A practitioner records attendance only for sessions they run (scoped by selector).
    "attendance": {"create": frozenset({Role.YOT_ADMIN, Role.PRACTITIONER})},
    # Findings content: never YOT admins or system administrators (need to know, rule 6).
    "findings_forms": {"read": ALL_ROLES, "create": frozenset({Role.SYSTEM_ADMIN})},
    "findings": {
        "read": frozenset({Role.PRACTITIONER, Role.CASE_MANAGER, Role.YOT_MANAGER}),
        "update": frozenset({Role.PRACTITIONER}),
        "create": frozenset({Role.PRACTITIONER}),
    },
    "assessment_drafts": {
        "read": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER}),
        "update": frozenset({Role.CASE_MANAGER}),
    },
    # Plan actions: the case manager and managers see their cases' plans and add to them; a
    # practitioner sees and updates their agency's actions only (scoped by selector; victim
    # safety actions never). Admins read no assessment content.
    "plan_actions": {
        "read": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER, Role.PRACTITIONER}),
        "create": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER}),
        "update": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER, Role.PRACTITIONER}),
    },
    # Management oversight: the lists of what needs a YOT manager, for them alone; their notes
    # on a case are read by managers and by that case's case manager (scoped by selector),
    # whose work they direct. Practitioners and admins never read them.
    "oversight": {"read": frozenset({Role.YOT_MANAGER})},
    "oversight_notes": {
        "read": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER}),
        "create": frozenset({Role.YOT_MANAGER}),
    },
    # Significant new information: recorded by anyone working on the case (its case manager,
    # managers, a practitioner with a session on it: scoped by selector); a practitioner reads
    # back only what they recorded. Reviews: the case manager and managers.
    "new_information": {
        "read": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER, Role.PRACTITIONER}),
        "create": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER, Role.PRACTITIONER}),
    },
    "reviews": {
        "read": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER}),
        "create": frozenset({Role.CASE_MANAGER, Role.YOT_MANAGER}),
    },
    "draft_submit": {"create": frozenset({Role.CASE_MANAGER})},
    "draft_sign_off": {"create": frozenset({Role.YOT_MANAGER})},
    "draft_reopen": {"create": frozenset({Role.YOT_MANAGER})},
    "audit_log": {"read": frozenset({Role.YOT_MANAGER})},
    # Subject access (UK GDPR Art 15): everything held about one young person, findings
    # included, so only YOT managers, who already read all of it (README "Subject access").
    "subject_access": {"read": frozenset({Role.YOT_MANAGER})},
    # Retention and disposal: YOT managers read the list of records due and approve it (the
    # approval is the recorded decision); system administrators edit the schedule's
    # figures in the administration pages (accounts/admin_access.py).
    "retention": {
        "read": frozenset({Role.YOT_MANAGER}),
        "update": frozenset({Role.YOT_MANAGER}),
    },
    "alerts": {"read": ALL_ROLES, "update": ALL_ROLES},
    # Text messages are admin territory; case managers read those of their own cases.
    "messages": {"read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER, Role.CASE_MANAGER})},
    "message_templates": {
        "read": frozenset({Role.SYSTEM_ADMIN, Role.YOT_ADMIN}),
        "create": frozenset({Role.SYSTEM_ADMIN}),
        "update": frozenset({Role.SYSTEM_ADMIN}),
    },
    "admin_tasks": {
        "read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER}),
        "update": frozenset({Role.YOT_ADMIN}),
    },
    # YOT managers watch timeliness; YOT admins read it too, since they record the reasons
    # for late and rebooked visits and already see every case and visit. The report shows
    # dates and agency names only, never findings content.
    "timeliness_report": {"read": frozenset({Role.YOT_MANAGER, Role.YOT_ADMIN})},
    # Who is where (the week and day views, a venue's day sheet): the people who book and
    # oversee visits; it names cases and, on the day sheet, young people.
    "schedule": {"read": frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER})},
    # The capacity planner (issue 18): a YOT manager's question about the team's capacity;
    # its runs hold figures and staff names, nothing of any young person.
    "capacity_planner": {
        "read": frozenset({Role.YOT_MANAGER}),
        "create": frozenset({Role.YOT_MANAGER}),
    },
}

# Roles that see a practitioner's own calendar feed address besides the practitioner.
FEED_URL_ROLES = ADMINS


def can(user: User, resource: str, action: str) -> bool:
    """True when the user's role may perform the action on this kind of resource."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role in CAPABILITIES[resource].get(action, frozenset())


# Roles that see every case, visit and session.
SEE_ALL = frozenset({Role.YOT_ADMIN, Role.YOT_MANAGER})


def practitioner_sessions(user: User) -> QuerySet[Session]:
    """The user's own sessions in visits not cancelled. Scopes use it as `pk__in` (a subquery
    run once), never as a correlated EXISTS, which SQLite re-runs for every row listed."""
    return Session.objects.filter(practitioner__user=user).exclude(
        visit__status=VisitStatus.CANCELLED
    )


def sees_attendance_reason(user: User, session: Session) -> bool:
    """Why a session was missed is need to know, scoped as findings are (DESIGN.md rule 6):
    a practitioner sees it for their own agency's sessions only; staff who see the visit at
    all (YOT admins, who record attendance and rebook, managers and its case manager) see
    every session's. The caller has already scoped the visit to the user."""
    if user.role != Role.PRACTITIONER:
        return True
    practitioner = getattr(user, "practitioner", None)
    return practitioner is not None and practitioner.agency_id == session.agency_id
