"""Scoped reads: every list a page or the API shows comes through one of these."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accounts.models import Role, User
from screening.audit import audit_finding
from screening.models import (
    AdminTask,
    Alert,
    AssessmentDraft,
    AuditEntry,
    Case,
    Finding,
    FindingStatus,
    InboundMessage,
    Message,
    Room,
    Session,
    Venue,
    Visit,
    VisitHistory,
    VisitStatus,
    YoungPerson,
)

SEE_ALL = {Role.YOT_ADMIN, Role.YOT_MANAGER}
LIVE_VISIT = [VisitStatus.BOOKED, VisitStatus.COMPLETED]


def _practitioner_sessions(user: User) -> QuerySet[Session]:
    """The user's own sessions in visits not cancelled. Scopes use it as `pk__in` (a subquery
    run once), never as a correlated EXISTS, which SQLite re-runs for every row listed."""
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
        return qs.filter(pk__in=_practitioner_sessions(user).values("visit__case_id"))
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
        runs = _practitioner_sessions(user).values("visit__case__young_person_id")
        return qs.filter(pk__in=runs)
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
        return qs.filter(pk__in=_practitioner_sessions(user).values("visit_id"))
    return qs.none()


# What a visit shown on its own or in a list needs: its columns, the room and venue names, and
# its sessions with their agency and practitioner (the case only by its id).
_VISIT_SHOWN_DEFERRED = ("booked_by", "rebook_of", "created_at", "confirmed_at")
_SESSION_SHOWN_DEFERRED = ("blocked_until", "attendance_recorded_at")


def visits_shown_for(*, user: User) -> QuerySet[Visit]:
    """visit_list_for's visits, reading only what showing them needs; not for writing."""
    sessions = Session.objects.defer(*_SESSION_SHOWN_DEFERRED)
    return (
        visit_list_for(user=user)
        .select_related(None)
        .select_related("room__venue")
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


# --- findings and drafts (need to know, DESIGN.md rule 6) ------------------------------


def findings_sessions_for(*, user: User) -> QuerySet[Session]:
    """Sessions whose findings the user may read: a practitioner, their own agency's
    sessions in visits they are part of; a case manager, their cases'; a YOT manager, all.
    YOT admins and system administrators never read findings content."""
    qs = Session.objects.select_related("visit__case__young_person", "agency", "practitioner")
    if not user.is_active:
        return qs.none()
    if user.role == Role.YOT_MANAGER:
        return qs
    if user.role == Role.CASE_MANAGER:
        return qs.filter(visit__case__case_manager=user)
    if user.role == Role.PRACTITIONER:
        practitioner = getattr(user, "practitioner", None)
        if practitioner is None:
            return qs.none()
        part_of = _practitioner_sessions(user).values("visit_id")
        return qs.filter(agency_id=practitioner.agency_id, visit_id__in=part_of)
    return qs.none()


def findings_read_for(*, user: User, session: Session):
    """The findings the user sees for a session (the working copy for its practitioner,
    else the newest submitted version), audit-logged; None when there are none yet.
    The session must come from findings_sessions_for."""
    versions = Finding.objects.filter(session=session).select_related("form__agency")
    own = session.practitioner.user_id == user.pk
    finding = (
        versions.order_by("-version").first()
        if own
        else versions.exclude(status=FindingStatus.DRAFT).order_by("-version").first()
    )
    if finding is not None:
        audit_finding(user=user, action=AuditEntry.Action.READ, finding=finding)
    return finding


def findings_answers_visible(*, user: User, finding) -> tuple[dict, bool]:
    """The answers the user may see, and whether they were withheld: restricted findings
    show only their summary to anyone but the agency's practitioners and YOT managers."""
    if not finding.restricted or user.role in (Role.PRACTITIONER, Role.YOT_MANAGER):
        return dict(finding.answers), False
    keep = ("restricted", "restricted_summary", "consent", "concern_level")
    return {k: v for k, v in finding.answers.items() if k in keep}, True


def communication_needs_for_session(*, session: Session) -> dict:
    """What everyone seeing the young person needs: the recorded communication needs and
    the speech and language outcome and strategies, when not restricted."""
    draft = AssessmentDraft.objects.filter(case=session.visit.case_id).first()
    section = draft.sections.filter(key="communication_needs").first() if draft else None
    return {
        "recorded": session.visit.case.young_person.communication_needs,
        "from_findings": section.generated_text if section else "",
    }


def draft_case_list_for(*, user: User) -> QuerySet[Case]:
    """Cases whose assessment draft the user may read: a case manager's own, all for a
    YOT manager; nobody else reads drafts."""
    qs = Case.objects.select_related("young_person", "case_manager")
    if not user.is_active:
        return qs.none()
    if user.role == Role.YOT_MANAGER:
        return qs
    if user.role == Role.CASE_MANAGER:
        return qs.filter(case_manager=user)
    return qs.none()


def alert_list_for(*, user: User):
    """The user's own alerts."""
    if not user.is_authenticated or not user.is_active:
        return Alert.objects.none()
    return Alert.objects.filter(recipient=user).select_related("case")


def audit_entries_for(*, user: User):
    """The audit log, for YOT managers only."""
    if not user.is_active or user.role != Role.YOT_MANAGER:
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("case")


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


# --- work lists for the dashboard and the practitioner's home ------------------------------


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
)


def _visit_rows_for(user: User) -> QuerySet[Visit]:
    return (
        visit_list_for(user=user)
        .prefetch_related(None)
        .select_related("case__young_person", "room__venue")
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


def sessions_awaiting_findings_for(*, user: User) -> QuerySet[Session]:
    """Attended sessions whose findings are not submitted yet, with the case's findings due
    date; `has_working_copy` says whether a draft of them is saved."""
    findings = Finding.objects.filter(session=OuterRef("pk"))
    return (
        session_list_for(user=user)
        .select_related("visit__case__young_person", "agency", "practitioner")
        .filter(attended=True, cancelled=False)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .exclude(Exists(findings.exclude(status=FindingStatus.DRAFT)))
        .annotate(has_working_copy=Exists(findings.filter(status=FindingStatus.DRAFT)))
        .order_by("visit__case__findings_due_by", "agency__order", "start", "id")
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


def _session_rows_for(user: User) -> QuerySet[Session]:
    return (
        session_list_for(user=user)
        .select_related(None)
        .select_related("visit__case", "agency", "practitioner")
        .only(*_SESSION_ROW_FIELDS)
    )


@dataclass
class AgencyBacklog:
    agency_code: str
    agency_name: str
    overdue: int = 0
    due: int = 0  # not yet overdue


@dataclass(frozen=True)
class FindingsBacklog:
    """Sessions awaiting findings: counts per agency in the agencies' session order, and
    the first overdue ones (most overdue first) with their case and practitioner."""

    by_agency: list[AgencyBacklog]
    overdue: list[Session]


def findings_backlog_for(*, user: User, today, limit: int) -> FindingsBacklog:
    """The backlog of findings in the user's scope (overdue: the case's findings due date is
    before `today`), from one pass over the awaiting sessions reading a few columns each,
    then the `limit` most overdue sessions as list rows: two queries, however long the list."""
    rows = (
        sessions_awaiting_findings_for(user=user)
        .order_by()
        .values_list(
            "id",
            "agency__order",
            "agency__code",
            "agency__name",
            "visit__case__findings_due_by",
            "start",
        )
    )
    tallies: dict[tuple[int, str], AgencyBacklog] = {}
    late = []
    for pk, order, code, name, due_by, start in rows:
        tally = tallies.setdefault((order, code), AgencyBacklog(agency_code=code, agency_name=name))
        if due_by is not None and due_by < today:
            tally.overdue += 1
            late.append((due_by, order, start, pk))
        else:
            tally.due += 1
    first = [pk for *_, pk in sorted(late)[:limit]]
    found = _session_rows_for(user).in_bulk(first)
    return FindingsBacklog(
        by_agency=[tallies[key] for key in sorted(tallies)],
        overdue=[found[pk] for pk in first],
    )


def sessions_missed_for(*, user: User) -> QuerySet[Session]:
    """Sessions the young person did not attend that have no booked or completed rebooking,
    as list rows."""
    rebooked = Visit.objects.filter(rebook_of=OuterRef("pk"), status__in=LIVE_VISIT)
    return (
        _session_rows_for(user)
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
