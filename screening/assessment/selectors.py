"""Scoped reads of findings, drafts and alerts (need to know, DESIGN.md rule 6)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from accounts.models import Role, User
from screening.access import practitioner_sessions
from screening.assessment.merge import suggest_ratings
from screening.audit import audit_finding
from screening.booking.selectors import session_list_for, session_rows_for
from screening.models import (
    VICTIM_SAFETY,
    Alert,
    AssessmentDraft,
    AssessmentVersion,
    AuditEntry,
    Case,
    DraftSection,
    DraftStatus,
    Finding,
    FindingStatus,
    PlanAction,
    PlanActionStatus,
    Session,
    VisitStatus,
)
from screening.people.selectors import case_list_for


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
        part_of = practitioner_sessions(user).values("visit_id")
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


# What every reader sees of a restricted finding; the rest is for those who read it whole.
SUMMARY_ANSWERS = frozenset({"restricted", "restricted_summary", "consent", "concern_level"})


def reads_restricted_findings(user: User) -> bool:
    """Restricted findings are read whole by their agency's practitioners (findings are
    scoped to their own agency's sessions) and by YOT managers only."""
    return user.role in (Role.PRACTITIONER, Role.YOT_MANAGER)


def findings_answers_visible(*, user: User, finding) -> tuple[dict, bool]:
    """The answers the user may see, and whether they were withheld: restricted findings
    show only their summary to anyone but the agency's practitioners and YOT managers."""
    if not finding.restricted or reads_restricted_findings(user):
        return dict(finding.answers), False
    return {k: v for k, v in finding.answers.items() if k in SUMMARY_ANSWERS}, True


@dataclass(frozen=True)
class DraftFlags:
    """The flags of a draft a reader sees, the ratings they suggest, and whether any were
    withheld from this reader."""

    flags: list[dict]
    suggested_ratings: dict[str, str]
    withheld: bool


def draft_flags_for(*, user: User, draft: AssessmentDraft) -> DraftFlags:
    """The draft's flags the user may see: a flag raised by a restricted finding's answers
    shows only to those who read that finding whole (a case manager sees its summary only,
    and "exploitation concern" would give away what the summary leaves out); one raised by
    the answers every reader sees (the concern level) shows to all. Ratings are suggested
    from the flags shown."""
    if reads_restricted_findings(user) or not draft.restricted:
        return DraftFlags(list(draft.flags), dict(draft.suggested_ratings), False)
    restricted = {(r["agency"], r["finding_version"]) for r in draft.restricted}
    shown = [
        flag
        for flag in draft.flags
        if (flag["agency"], flag["finding_version"]) not in restricted
        or flag["key"].split(".")[1] in SUMMARY_ANSWERS  # key: agency.question.rule
    ]
    if len(shown) == len(draft.flags):
        return DraftFlags(shown, dict(draft.suggested_ratings), False)
    return DraftFlags(shown, suggest_ratings(shown), True)


def communication_needs_for_session(*, session: Session) -> dict:
    """What everyone seeing the young person needs: the recorded communication needs and
    the speech and language outcome and strategies, when not restricted."""
    draft = AssessmentDraft.objects.filter(case=session.visit.case_id).first()
    section = draft.sections.filter(key="communication_needs").first() if draft else None
    return {
        "recorded": session.visit.case.young_person.communication_needs,
        "from_findings": section.generated_text if section else "",
    }


def _draft_readers_scope(user: User, case: str = "") -> Q | None:
    """The cases whose drafts the user reads, as a filter on the case (reached through
    `case`): a case manager's own, all for a YOT manager; None for nobody else."""
    if not user.is_active:
        return None
    if user.role == Role.YOT_MANAGER:
        return Q()
    if user.role == Role.CASE_MANAGER:
        return Q(**{f"{case}case_manager": user})
    return None


def draft_case_list_for(*, user: User) -> QuerySet[Case]:
    """Cases whose assessment draft the user may read: a case manager's own, all for a
    YOT manager; nobody else reads drafts."""
    qs = Case.objects.select_related("young_person", "case_manager")
    scope = _draft_readers_scope(user)
    return qs.none() if scope is None else qs.filter(scope)


def alert_list_for(*, user: User):
    """The user's own alerts."""
    if not user.is_authenticated or not user.is_active:
        return Alert.objects.none()
    return Alert.objects.filter(recipient=user).select_related("case")


def sessions_awaiting_findings_for(*, user: User) -> QuerySet[Session]:
    """Attended sessions whose findings are not submitted yet, with the case's findings due
    date; `has_working_copy` says whether a draft of them is saved."""
    findings = Finding.objects.filter(session=OuterRef("pk"))
    return (
        session_list_for(user=user)
        .select_related("visit__case__young_person", "agency", "practitioner")
        # `findings_submitted_at` is set with the first submission, so the partial index on
        # it narrows the sessions to those still awaiting; the check on the findings stays.
        .filter(attended=True, cancelled=False, findings_submitted_at__isnull=True)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .exclude(Exists(findings.exclude(status=FindingStatus.DRAFT)))
        .annotate(has_working_copy=Exists(findings.filter(status=FindingStatus.DRAFT)))
        .order_by("visit__case__findings_due_by", "agency__order", "start", "id")
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
    found = session_rows_for(user).in_bulk(first)
    return FindingsBacklog(
        by_agency=[tallies[key] for key in sorted(tallies)],
        overdue=[found[pk] for pk in first],
    )


# --- work lists of the case managers and YOT managers -------------------------------------

_DRAFT_ROW_FIELDS = (
    "id",
    "status",
    "case_id",
    "plan_needs_review",
    "submitted_at",
    "case__reference",
    "case__assessment_due_by",
    "case__young_person__given_name",
    "case__young_person__family_name",
)


def _draft_rows_for(user: User) -> QuerySet[AssessmentDraft]:
    # The scope as a filter on the draft's own case, not `case IN (cases in scope)`: for a
    # YOT manager that subquery is every case, walked to find the few drafts of a status.
    scope = _draft_readers_scope(user, "case__")
    qs = AssessmentDraft.objects.select_related("case__young_person").only(*_DRAFT_ROW_FIELDS)
    return qs.none() if scope is None else qs.filter(scope)


def drafts_to_edit_for(*, user: User) -> QuerySet[AssessmentDraft]:
    """The case manager's own drafts still open for editing, soonest assessment deadline
    first, each with `sections_to_review` (sections that changed findings marked); nobody
    else edits drafts."""
    if user.role != Role.CASE_MANAGER:
        return AssessmentDraft.objects.none()
    return (
        _draft_rows_for(user)
        .filter(status=DraftStatus.DRAFT)
        .annotate(sections_to_review=Count("sections", filter=Q(sections__needs_review=True)))
        .order_by("case__assessment_due_by", "id")
    )


def sections_needing_review_for(*, user: User) -> QuerySet[DraftSection]:
    """Sections of the case manager's open drafts that new or amended findings changed after
    they edited them, soonest assessment deadline first, in the draft's order."""
    if user.role != Role.CASE_MANAGER:
        return DraftSection.objects.none()
    return (
        DraftSection.objects.filter(
            draft__case__case_manager=user, draft__status=DraftStatus.DRAFT, needs_review=True
        )
        .select_related("draft__case")
        .only("key", "title", "draft__case_id", "draft__case__reference")
        .order_by("draft__case__assessment_due_by", "draft__case_id", "position")
    )


def drafts_awaiting_sign_off_for(*, user: User) -> QuerySet[AssessmentDraft]:
    """Drafts sent for sign-off, the longest waiting first, with who sent them: a YOT
    manager's work list; nobody else signs off."""
    if user.role != Role.YOT_MANAGER:
        return AssessmentDraft.objects.none()
    return (
        _draft_rows_for(user)
        .filter(status=DraftStatus.AWAITING_SIGN_OFF)
        .select_related("submitted_by")
        .only(
            *_DRAFT_ROW_FIELDS,
            "submitted_by__first_name",
            "submitted_by__last_name",
            "submitted_by__username",
        )
        .order_by("submitted_at", "id")
    )


def assessments_due_for(*, user: User) -> QuerySet[Case]:
    """The case manager's cases whose initial assessment is not signed off, soonest
    deadline first, each with `draft_status` (None before any findings)."""
    if user.role != Role.CASE_MANAGER:
        return Case.objects.none()
    return (
        draft_case_list_for(user=user)
        .select_related(None)
        .select_related("young_person")
        .only(
            "reference",
            "assessment_due_by",
            "young_person__given_name",
            "young_person__family_name",
        )
        .exclude(assessment_draft__status=DraftStatus.SIGNED_OFF)
        .annotate(draft_status=F("assessment_draft__status"))
        .order_by("assessment_due_by", "id")
    )


# --- judgements over time and plan actions -------------------------------------------------


def assessment_versions_read(*, case: Case, user: User) -> list[AssessmentVersion]:
    """The case's signed-off assessments, oldest first, each read audit-logged. The case
    must come from draft_case_list_for (judgements are read as drafts are)."""
    versions = list(
        AssessmentVersion.objects.filter(case=case)
        .select_related("signed_off_by")
        .order_by("version")
    )
    audit_reads(user=user, objects=versions, detail="judgements")
    return versions


def plan_case_list_for(*, user: User) -> QuerySet[Case]:
    """Cases whose plan the user may open: those whose draft they may read (a case manager's
    own, all for a YOT manager) and, for a practitioner, the cases they run a session in
    (they see only their agency's actions of it: plan_actions_for)."""
    if user.is_active and user.role == Role.PRACTITIONER:
        return case_list_for(user=user)
    return draft_case_list_for(user=user)


def plan_actions_for(*, user: User) -> QuerySet[PlanAction]:
    """Plan actions the user may see (need to know): every one for a YOT manager; a case
    manager, their cases' and any they own; a practitioner, those they own and their
    agency's on cases they run a session in, never victim safety actions. Each carries
    `overdue_now` (open and past its due date, today in the YOT's zone)."""
    qs = PlanAction.objects.select_related(
        "case__young_person", "case__case_manager", "owner_agency", "owner"
    )
    if not user.is_active:
        return qs.none()
    if user.role == Role.YOT_MANAGER:
        pass
    elif user.role == Role.CASE_MANAGER:
        qs = qs.filter(Q(case__case_manager=user) | Q(owner=user))
    elif user.role == Role.PRACTITIONER:
        practitioner = getattr(user, "practitioner", None)
        agency_ones = (
            Q(
                owner_agency_id=practitioner.agency_id,
                case_id__in=practitioner_sessions(user).values("visit__case_id"),
            )
            if practitioner is not None
            else Q(pk__in=[])
        )
        qs = qs.filter(Q(owner=user) | agency_ones).exclude(category=VICTIM_SAFETY)
    else:
        return qs.none()
    today = timezone.localdate()
    return qs.annotate(
        overdue_now=ExpressionWrapper(
            Q(status=PlanActionStatus.OPEN, due_date__lt=today), output_field=BooleanField()
        )
    ).order_by("due_date", "id")


def plan_actions_read(*, user: User, actions) -> list[PlanAction]:
    """Read a page of plan actions: each read is audit-logged (one entry per action)."""
    actions = list(actions)
    audit_reads(user=user, objects=actions, detail="plan action")
    return actions


def audit_reads(*, user: User, objects: list, detail: str) -> None:
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
