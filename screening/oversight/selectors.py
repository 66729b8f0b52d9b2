"""What needs a YOT manager: the oversight lists, and who reads oversight notes.

Each list is one function `(*, user, today, limit) -> Listed` and one row of `LISTS`; the
API and the page read `LISTS` in order, so a new list is a function and a line.

A manager's review (for `high_risk_without_manager_review`) is the later of
- the newest management oversight note on the case (only YOT managers write them), and
- the sign-off of the case's newest assessment version (only YOT managers sign off).
A case is listed when its newest signed-off assessment judges the risk of serious harm
high or very high and its last manager's review was on a local date (the YOT's zone) more
than `OVERSIGHT_HIGH_RISK_REVIEW_DAYS` (default 28) calendar days before today: reviewed
28 days ago is in time, 29 days ago is not. Its `due_by` is that review's local date plus
those days, so a case is listed exactly when `due_by` is before today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from agencies.local_time import date_words_here
from screening.assessment.review_selectors import (
    new_information_without_review,
    reviews_due,
    reviews_overdue,
)
from screening.assessment.selectors import (
    draft_case_list_for,
    drafts_awaiting_sign_off_for,
    plan_actions_for,
    plan_actions_read,
)
from screening.audit import audit_reads
from screening.local_dates import local_midnight
from screening.models import (
    AssessmentVersion,
    Case,
    NewInformationKind,
    OversightNote,
    PlanActionStatus,
    ReviewReason,
    YoungPerson,
)

HIGH_RISK = ("high", "very_high")
StrOrPromise = str | Promise
# The risk levels a list shows, in the page's language (the API gives the codes).
RISK_WORDS = {"high": gettext_lazy("High"), "very_high": gettext_lazy("Very high")}


def high_risk_review_days() -> int:
    """Calendar days a high or very high risk case may go without a manager's review."""
    return settings.OVERSIGHT_HIGH_RISK_REVIEW_DAYS


@dataclass(frozen=True)
class OversightRow:
    """One case on a list: what every list gives (`case`, `reference`, `initials`,
    `due_by`, `days_overdue`: whole days past `due_by`, 0 when not past), the young
    person's name for the page, a sentence for the page, and the list's own fields."""

    case: int
    reference: str
    initials: str
    name: str
    due_by: dt.date | None
    days_overdue: int
    summary: str
    extra: dict[str, Any] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        """The row as the API gives it (no full name: the case link leads to it)."""
        return {
            "case": self.case,
            "reference": self.reference,
            "initials": self.initials,
            "due_by": self.due_by,
            "days_overdue": self.days_overdue,
            **self.extra,
        }


@dataclass(frozen=True)
class Listed:
    """A list's length and its first rows."""

    count: int
    rows: list[OversightRow]


def _days_past(due_by: dt.date | None, today: dt.date) -> int:
    return max((today - due_by).days, 0) if due_by else 0


def _person(case: Case) -> tuple[str, str]:
    return case.young_person.initials, str(case.young_person)


def _display_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _listed(qs: QuerySet, limit: int, row: Callable[[Any], OversightRow]) -> Listed:
    return Listed(count=qs.count(), rows=[row(item) for item in qs[:limit]])


# --- the lists ------------------------------------------------------------------------------


def awaiting_sign_off(*, user: User, today: dt.date, limit: int) -> Listed:
    """Drafts sent for sign-off, the longest waiting first; due by the assessment deadline."""

    def row(draft) -> OversightRow:
        case = draft.case
        initials, name = _person(case)
        who = _display_name(draft.submitted_by) if draft.submitted_by_id else ""
        day = date_words_here(_local_day(draft.submitted_at)) if draft.submitted_at else ""
        if who and day:
            sent = _("Sent for sign-off by %(name)s on %(day)s") % {"name": who, "day": day}
        elif who:
            sent = _("Sent for sign-off by %(name)s") % {"name": who}
        elif day:
            sent = _("Sent for sign-off on %(day)s") % {"day": day}
        else:
            sent = _("Sent for sign-off")
        return OversightRow(
            case=case.pk,
            reference=case.reference,
            initials=initials,
            name=name,
            due_by=case.assessment_due_by,
            days_overdue=_days_past(case.assessment_due_by, today),
            summary=sent,
            extra={"submitted_at": draft.submitted_at, "submitted_by": draft.submitted_by_id},
        )

    return _listed(drafts_awaiting_sign_off_for(user=user), limit, row)


def actions_overdue(*, user: User, today: dt.date, limit: int) -> Listed:
    """Open plan actions past their due date (today in the YOT's zone), most overdue first;
    each action shown is a read of it, audit-logged."""
    qs = (
        plan_actions_for(user=user)
        .filter(status=PlanActionStatus.OPEN, due_date__lt=today)
        .order_by("due_date", "case_id", "id")
    )
    count = qs.count()
    actions = plan_actions_read(user=user, actions=qs[:limit])

    def row(action) -> OversightRow:
        initials, name = _person(action.case)
        owner = _display_name(action.owner) or (
            action.owner_agency.name if action.owner_agency else ""
        )
        return OversightRow(
            case=action.case_id,
            reference=action.case.reference,
            initials=initials,
            name=name,
            due_by=action.due_date,
            days_overdue=_days_past(action.due_date, today),
            summary=f"{action.action} ({owner})" if owner else action.action,
            extra={
                "action": action.pk,
                "action_text": action.action,
                "category": action.category,
                "owner_agency": action.owner_agency.code if action.owner_agency else None,
                "owner": action.owner_id,
            },
        )

    return Listed(count=count, rows=[row(a) for a in actions])


def _high_risk_cases(user: User, today: dt.date) -> QuerySet[Case]:
    newest = AssessmentVersion.objects.filter(case=OuterRef("pk")).order_by("-version")
    newest_note = OversightNote.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-id")
    cutoff = local_midnight(
        today - dt.timedelta(days=high_risk_review_days()), timezone.get_current_timezone()
    )
    return (
        draft_case_list_for(user=user)
        .filter(pk__in=AssessmentVersion.objects.values("case_id"))
        .annotate(
            risk=Subquery(newest.values("risk_of_serious_harm")[:1]),
            version_pk=Subquery(newest.values("pk")[:1]),
            signed_off_at=Subquery(newest.values("signed_off_at")[:1]),
            noted_at=Subquery(newest_note.values("created_at")[:1]),
        )
        .filter(risk__in=HIGH_RISK, signed_off_at__lt=cutoff)
        .filter(Q(noted_at__isnull=True) | Q(noted_at__lt=cutoff))
        .annotate(
            reviewed_at=Greatest(F("signed_off_at"), Coalesce(F("noted_at"), "signed_off_at"))
        )
        .order_by("reviewed_at", "pk")
    )


def high_risk_without_manager_review(*, user: User, today: dt.date, limit: int) -> Listed:
    """Cases judged high or very high risk of serious harm in their newest signed-off
    assessment, without a manager's review (module docstring) in the set number of days,
    the longest unreviewed first; each risk level shown is a read of that assessment's
    judgements, audit-logged."""
    if user.role != Role.YOT_MANAGER:
        return Listed(0, [])
    qs = _high_risk_cases(user, today)
    count = qs.count()
    cases = list(qs[:limit])
    versions = AssessmentVersion.objects.only("pk", "case_id").in_bulk(
        [c.version_pk for c in cases]
    )
    audit_reads(user=user, objects=list(versions.values()), detail="judgements")
    days = high_risk_review_days()
    rows = []
    for case in cases:
        reviewed_on = _local_day(case.reviewed_at)
        by_note = case.noted_at is not None and case.noted_at >= case.signed_off_at
        due_by = reviewed_on + dt.timedelta(days=days)
        initials, name = _person(case)
        words = {
            "level": RISK_WORDS[case.risk],
            "day": date_words_here(reviewed_on),
            "how": _("oversight note") if by_note else _("sign-off"),
        }
        rows.append(
            OversightRow(
                case=case.pk,
                reference=case.reference,
                initials=initials,
                name=name,
                due_by=due_by,
                days_overdue=_days_past(due_by, today),
                summary=_("%(level)s risk of serious harm; last manager's review %(day)s (%(how)s)")
                % words,
                extra={
                    "risk_of_serious_harm": case.risk,
                    "last_manager_review": reviewed_on,
                    "last_manager_review_by": "oversight_note" if by_note else "sign_off",
                    "assessment_version": versions[case.version_pk].pk,
                },
            )
        )
    return Listed(count=count, rows=rows)


@dataclass(frozen=True)
class OversightList:
    """One list of the oversight page and `GET /oversight/`: its API key, its heading, what
    the page says when it is empty, and the function that reads it."""

    key: str
    title: StrOrPromise
    empty: StrOrPromise
    read: Callable[..., Listed]


def _from_dicts(rows: list[dict], limit: int, today: dt.date, summary, extra) -> Listed:
    """Rows given as dicts (the review selectors' `{case, reference, due_by, ...}`) as a
    list's rows: the young people of the rows shown read in one query."""
    shown = rows[:limit]
    cases = Case.objects.filter(pk__in={r["case"] for r in shown}).select_related("young_person")
    people = {case.pk: case.young_person for case in cases}
    out = []
    for r in shown:
        person: YoungPerson = people[r["case"]]
        out.append(
            OversightRow(
                case=r["case"],
                reference=r["reference"],
                initials=person.initials,
                name=str(person),
                due_by=r["due_by"],
                days_overdue=_days_past(r["due_by"], today),
                summary=summary(r),
                extra=extra(r),
            )
        )
    return Listed(count=len(rows), rows=out)


def _review_summary(r: dict) -> str:
    why = ReviewReason(r["reason"]).label
    if r["started_on"]:
        return _("%(why)s, started %(day)s") % {"why": why, "day": date_words_here(r["started_on"])}
    return _("%(why)s, not started") % {"why": why}


def _review_extra(r: dict) -> dict[str, Any]:
    return {k: r[k] for k in ("review", "reason", "status", "started_on")}


def reviews_due_soon(*, user: User, today: dt.date, limit: int) -> Listed:
    """Open reviews due today or in the next six days, soonest first."""
    return _from_dicts(reviews_due(today, user=user), limit, today, _review_summary, _review_extra)


def reviews_past_due(*, user: User, today: dt.date, limit: int) -> Listed:
    """Open reviews past their due date, most overdue first."""
    rows = reviews_overdue(today, user=user)
    return _from_dicts(rows, limit, today, _review_summary, _review_extra)


def new_information_unreviewed(*, user: User, today: dt.date, limit: int) -> Listed:
    """New information no signed-off review has taken in yet, its review's due date first
    (each item listed is an audited read, as on the case page)."""

    def summary(r: dict) -> str:
        kind = NewInformationKind(r["kind"]).label
        return _("%(kind)s, received %(day)s") % {
            "kind": kind,
            "day": date_words_here(r["received_on"]),
        }

    def extra(r: dict) -> dict[str, Any]:
        return {
            "new_information": r["id"],
            "kind": r["kind"],
            "received_on": r["received_on"],
            "review": r["review"],
            "review_status": r["review_status"],
        }

    return _from_dicts(new_information_without_review(user=user), limit, today, summary, extra)


# The lists, in the page's order.
LISTS: list[OversightList] = [
    OversightList(
        "awaiting_sign_off",
        gettext_lazy("Drafts awaiting sign-off"),
        gettext_lazy("No drafts are waiting for sign-off."),
        awaiting_sign_off,
    ),
    OversightList(
        "actions_overdue",
        gettext_lazy("Overdue plan actions"),
        gettext_lazy("No plan actions are overdue."),
        actions_overdue,
    ),
    OversightList(
        "high_risk_without_manager_review",
        gettext_lazy("High or very high risk of serious harm, without a manager's review"),
        gettext_lazy(
            "Every case judged high or very high risk of serious harm has had a manager's "
            "review in time."
        ),
        high_risk_without_manager_review,
    ),
    OversightList(
        "reviews_overdue",
        gettext_lazy("Reviews overdue"),
        gettext_lazy("No reviews are overdue."),
        reviews_past_due,
    ),
    OversightList(
        "reviews_due",
        gettext_lazy("Reviews due in the next week"),
        gettext_lazy("No reviews are due in the next week."),
        reviews_due_soon,
    ),
    OversightList(
        "new_information_without_review",
        gettext_lazy("New information not yet reviewed"),
        gettext_lazy("All new information has been taken into a signed-off review."),
        new_information_unreviewed,
    ),
]


@dataclass(frozen=True)
class OversightSection:
    list: OversightList
    listed: Listed


def oversight_for(
    *, user: User, today: dt.date | None = None, limit: int = 100
) -> list[OversightSection]:
    """Every oversight list for a YOT manager (today in the YOT's zone), each its count and
    first `limit` rows; nothing for anyone else."""
    if not user.is_active or user.role != Role.YOT_MANAGER:
        return []
    today = today or timezone.localdate()
    return [
        OversightSection(item, item.read(user=user, today=today, limit=limit)) for item in LISTS
    ]


# --- oversight notes -----------------------------------------------------------------------


def oversight_note_case_list_for(*, user: User) -> QuerySet[Case]:
    """Cases whose oversight notes the user may read: every case for a YOT manager; a case
    manager, their own cases (the notes direct their work on the case). Nobody else:
    practitioners, YOT admins and system administrators never read them."""
    if not user.is_active or user.role not in (Role.YOT_MANAGER, Role.CASE_MANAGER):
        return Case.objects.none()
    return draft_case_list_for(user=user)


def oversight_notes_read(*, user: User, case: Case, notes=None) -> list[OversightNote]:
    """The case's oversight notes, newest first (or the page of them given), each read
    audit-logged. The case must come from oversight_note_case_list_for."""
    if notes is None:
        notes = oversight_notes_of(case=case)
    notes = list(notes)
    audit_reads(user=user, objects=notes, detail="oversight note")
    return notes


def oversight_notes_of(*, case: Case) -> QuerySet[OversightNote]:
    """The case's oversight notes, newest first, with their authors (not yet read)."""
    return (
        OversightNote.objects.filter(case=case)
        .select_related("author")
        .order_by("-created_at", "-id")
    )
