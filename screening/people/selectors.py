"""Scoped reads of young people and cases: every list a page or the API shows comes through one."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Role, User
from screening.access import SEE_ALL, can, practitioner_sessions
from screening.models import (
    LIVE_VISIT,
    AssessmentDraft,
    Case,
    DraftStatus,
    Session,
    Visit,
    VisitStatus,
    YoungPerson,
)
from screening.people.search import parse_search


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
    qs = YoungPerson.objects.prefetch_related("unavailable", "parent_carer_unavailable")
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
        # The booking services keep a case's findings deadline empty exactly while it has
        # no booked or completed visit (set on booking, recomputed on cancelling), so the
        # cases waiting for one are read from a partial index in due order, however many
        # cases have been visited; each is still checked against its visits.
        .filter(findings_due_by__isnull=True)
        .exclude(Exists(Visit.objects.filter(case=OuterRef("pk"), status__in=LIVE_VISIT)))
        .order_by("visit_due_by", "id")
    )


# --- searching and filtering the lists --------------------------------------------------------


def _reference_is(word: str) -> Exists:
    return Exists(Case.objects.filter(young_person=OuterRef("pk"), reference__iexact=word))


def young_people_matching(
    people: QuerySet[YoungPerson], text: str, *, field: str = "q"
) -> QuerySet[YoungPerson]:
    """`people` whose date of birth is the one written in `text` (any GOV.UK form, see
    search.py) and whose name contains each other word, or who has a case with that
    reference. Raises ValidationError naming `field` for a date that does not exist."""
    terms = parse_search(text, field=field)
    if terms.date_of_birth is not None:
        people = people.filter(date_of_birth=terms.date_of_birth)
    for word in terms.words:
        people = people.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word) | _reference_is(word)
        )
    return people


def cases_matching(cases: QuerySet[Case], text: str, *, field: str = "q") -> QuerySet[Case]:
    """`cases` of young people found as young_people_matching finds them, or with the
    reference given."""
    terms = parse_search(text, field=field)
    if terms.date_of_birth is not None:
        cases = cases.filter(young_person__date_of_birth=terms.date_of_birth)
    for word in terms.words:
        cases = cases.filter(
            Q(reference__iexact=word)
            | Q(young_person__given_name__icontains=word)
            | Q(young_person__family_name__icontains=word)
        )
    return cases


class CaseStatus(models.TextChoices):
    """Where a case is, the first that holds: its draft's status once findings came, else
    whether its visit is booked, done or still to be booked. Those who may not read drafts
    (assessment_drafts in screening.access) see one status for the three draft ones:
    "Findings received"."""

    NEEDS_VISIT = "needs_visit", gettext_lazy("Needs a visit")
    VISIT_BOOKED = "visit_booked", gettext_lazy("Visit booked")
    AWAITING_FINDINGS = "awaiting_findings", gettext_lazy("Visit done, awaiting findings")
    FINDINGS_RECEIVED = "findings_received", gettext_lazy("Findings received")
    DRAFT = "draft", gettext_lazy("Draft in progress")
    AWAITING_SIGN_OFF = "awaiting_sign_off", gettext_lazy("Awaiting sign-off")
    SIGNED_OFF = "signed_off", gettext_lazy("Signed off")


_DRAFT_STATUS = {
    DraftStatus.DRAFT: CaseStatus.DRAFT,
    DraftStatus.AWAITING_SIGN_OFF: CaseStatus.AWAITING_SIGN_OFF,
    DraftStatus.SIGNED_OFF: CaseStatus.SIGNED_OFF,
}


def case_statuses_for(*, user: User) -> list[CaseStatus]:
    """The statuses this user's case lists show and filter by."""
    if can(user, "assessment_drafts", "read"):
        return [s for s in CaseStatus if s != CaseStatus.FINDINGS_RECEIVED]
    return [s for s in CaseStatus if s not in _DRAFT_STATUS.values()]


def _visits_of(status: tuple[str, ...]) -> QuerySet[Visit]:
    return Visit.objects.filter(status__in=status).values("case_id")


def cases_with_status(cases: QuerySet[Case], status: str, *, user: User) -> QuerySet[Case]:
    """`cases` whose CaseStatus is `status` (case_statuses_set says the same of each row);
    raises ValidationError naming `status` for one the user's lists do not show."""
    status = CaseStatus(status)
    if status not in case_statuses_for(user=user):
        raise ValidationError({"status": [gettext("Choose one of the statuses your lists show.")]})
    if status == CaseStatus.FINDINGS_RECEIVED:
        return cases.filter(assessment_draft__isnull=False)
    for draft_status, case_status in _DRAFT_STATUS.items():
        if status == case_status:
            return cases.filter(assessment_draft__status=draft_status)
    cases = cases.filter(assessment_draft__isnull=True)
    booked = _visits_of((VisitStatus.BOOKED,))
    if status == CaseStatus.VISIT_BOOKED:
        return cases.filter(pk__in=booked)
    if status == CaseStatus.AWAITING_FINDINGS:
        return cases.filter(pk__in=_visits_of(LIVE_VISIT)).exclude(pk__in=booked)
    return cases.exclude(pk__in=_visits_of(LIVE_VISIT))


def case_statuses_set(cases: list[Case], *, user: User) -> None:
    """Give each case its `status` (a CaseStatus, as the user's lists show it), the same as
    cases_with_status filters by, reading the drafts and visits of all of them in two
    queries."""
    drafts_shown = can(user, "assessment_drafts", "read")
    ids = [c.pk for c in cases]
    drafts = dict(AssessmentDraft.objects.filter(case_id__in=ids).values_list("case_id", "status"))
    visits: dict[int, set[str]] = {}
    for case_id, status in Visit.objects.filter(case_id__in=ids, status__in=LIVE_VISIT).values_list(
        "case_id", "status"
    ):
        visits.setdefault(case_id, set()).add(status)
    for case in cases:
        held = visits.get(case.pk, set())
        if case.pk in drafts:
            case.status = (
                _DRAFT_STATUS[drafts[case.pk]] if drafts_shown else CaseStatus.FINDINGS_RECEIVED
            )
        elif VisitStatus.BOOKED in held:
            case.status = CaseStatus.VISIT_BOOKED
        elif held:
            case.status = CaseStatus.AWAITING_FINDINGS
        else:
            case.status = CaseStatus.NEEDS_VISIT


def cases_filtered(
    cases: QuerySet[Case],
    *,
    user: User,
    status: str | None = None,
    agency: str | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
) -> QuerySet[Case]:
    """`cases` with this CaseStatus (as `user` sees it), with a session for this agency (by
    code) in a booked or completed visit, and an assessment due between `due_from` and
    `due_to` (inclusive); each filter only when given."""
    if status:
        cases = cases_with_status(cases, status, user=user)
    if agency:
        sessions = Session.objects.filter(
            agency__code=agency, cancelled=False, visit__status__in=LIVE_VISIT
        )
        cases = cases.filter(pk__in=sessions.values("visit__case_id"))
    if due_from is not None:
        cases = cases.filter(assessment_due_by__gte=due_from)
    if due_to is not None:
        cases = cases.filter(assessment_due_by__lte=due_to)
    return cases
