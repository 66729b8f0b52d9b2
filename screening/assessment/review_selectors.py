"""Scoped, audited reads of reviews and new information, and the lists the oversight page
shows (reviews due soon, overdue, new information not yet reviewed).

Need to know (DESIGN.md rule 6): a case's reviews and new information are read by its case
manager and by YOT managers; a practitioner with a session on the case records new
information and reads back only what they recorded. Every read of new information and of
reviews is audit-logged, as findings are.

The oversight lists (`reviews_due`, `reviews_overdue`, `new_information_without_review`) give
plain rows `{case, reference, due_by, ...}`. Given `user`, they are scoped to that user (a YOT
manager: every case; a case manager: their own; anyone else: none) and their reads of new
information audit-logged; without it (background jobs, reports) they read every case.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet

from accounts.models import Role, User
from screening.assessment.selectors import draft_case_list_for
from screening.audit import audit_reads
from screening.models import OPEN_REVIEW, Case, NewInformation, Review, ReviewStatus
from screening.people.selectors import case_list_for

# How far ahead "due soon" looks: a review due within the next week (today included) is
# listed as due; one whose due date has passed is overdue instead.
DUE_SOON_DAYS = 7


def review_case_list_for(*, user: User) -> QuerySet[Case]:
    """Cases whose reviews the user may read and start: a case manager's own, all for a YOT
    manager (as drafts)."""
    return draft_case_list_for(user=user)


def new_information_case_list_for(*, user: User) -> QuerySet[Case]:
    """Cases the user may record new information on: a case manager's own, all for a YOT
    manager, the cases a practitioner runs a session in."""
    if user.is_active and user.role == Role.PRACTITIONER:
        return case_list_for(user=user)
    return draft_case_list_for(user=user)


def new_information_for(*, user: User, case: Case) -> QuerySet[NewInformation]:
    """The case's new information the user may read, newest received first: all of it for
    its case manager and YOT managers; a practitioner, what they recorded themselves. The
    case must come from new_information_case_list_for."""
    qs = NewInformation.objects.filter(case=case).select_related("recorded_by", "review")
    if not user.is_active:
        return qs.none()
    if user.role == Role.PRACTITIONER:
        qs = qs.filter(recorded_by=user)
    elif user.role not in (Role.CASE_MANAGER, Role.YOT_MANAGER):
        return qs.none()
    return qs.order_by("-received_on", "-id")


def new_information_read(*, user: User, items) -> list[NewInformation]:
    """Read new information: each read is audit-logged."""
    items = list(items)
    audit_reads(user=user, objects=items, detail="new information")
    return items


def reviews_for(*, case: Case) -> QuerySet[Review]:
    """The case's reviews, the open one first, then the newest. The case must come from
    review_case_list_for."""
    return (
        Review.objects.filter(case=case)
        .prefetch_related("new_information")
        .select_related("version")
        .order_by(F("signed_off_on").asc(nulls_first=True), "-due_by", "-id")
    )


def reviews_read(*, user: User, reviews) -> list[Review]:
    """Read reviews: each read is audit-logged."""
    reviews = list(reviews)
    audit_reads(user=user, objects=reviews, detail="review")
    return reviews


def open_review_of(case: Case) -> Review | None:
    """The case's open (due or in progress) review, with its new information."""
    return Review.objects.filter(OPEN_REVIEW, case=case).prefetch_related("new_information").first()


# What the audit log says of a review read to book its visit (its id and due date only).
BOOKING_READ = "review due date, to book a visit"


def review_to_book(*, user: User, case: Case) -> Review | None:
    """The case's open review for someone booking its review visit (a YOT admin, from a case
    in their scope): the row is read for its id and due date only (need to know: no reason,
    new information or assessment), and the read is audit-logged."""
    review = Review.objects.filter(OPEN_REVIEW, case=case).only("id", "case_id", "due_by").first()
    if review is not None:
        audit_reads(user=user, objects=[review], detail=BOOKING_READ)
    return review


def review_for_booking(*, user: User, case: Case, pk: int) -> Review | None:
    """One of the case's reviews, by id, for its review visit's booking page: read for its
    id, due date and status only (the booking refuses a signed-off one, naming `review`),
    and the read is audit-logged like review_to_book's."""
    review = Review.objects.filter(case=case, pk=pk).only("id", "case_id", "due_by", "status")
    review = review.first()
    if review is not None:
        audit_reads(user=user, objects=[review], detail=BOOKING_READ)
    return review


# --- oversight lists -------------------------------------------------------------------------


def _scope(user: User | None, case: str = "case__") -> Q | None:
    if user is None:
        return Q()
    if not user.is_active:
        return None
    if user.role == Role.YOT_MANAGER:
        return Q()
    if user.role == Role.CASE_MANAGER:
        return Q(**{f"{case}case_manager": user})
    return None


def _review_rows(qs: QuerySet[Review], user: User | None) -> list[dict]:
    scope = _scope(user)
    if scope is None:
        return []
    rows = (
        qs.filter(scope)
        .order_by("due_by", "case_id")
        .values(
            "id",
            "case_id",
            "case__reference",
            "due_by",
            "reason",
            "status",
            "started_on",
            "case__case_manager_id",
        )
    )
    return [
        {
            "case": row["case_id"],
            "reference": row["case__reference"],
            "due_by": row["due_by"],
            "review": row["id"],
            "reason": row["reason"],
            "status": row["status"],
            "started_on": row["started_on"],
            "case_manager": row["case__case_manager_id"],
        }
        for row in rows
    ]


def reviews_due(today: dt.date, *, user: User | None = None) -> list[dict]:
    """Open reviews (due or in progress) due from `today` to DUE_SOON_DAYS - 1 days later
    (today and the next six days), soonest first: `{case, reference, due_by, review, reason,
    status, started_on, case_manager}`."""
    last = today + dt.timedelta(days=DUE_SOON_DAYS - 1)
    return _review_rows(
        Review.objects.filter(OPEN_REVIEW, due_by__gte=today, due_by__lte=last), user
    )


def reviews_overdue(today: dt.date, *, user: User | None = None) -> list[dict]:
    """Open reviews whose due date is before `today`, most overdue first (same rows as
    reviews_due)."""
    return _review_rows(Review.objects.filter(OPEN_REVIEW, due_by__lt=today), user)


def new_information_without_review(*, user: User | None = None) -> list[dict]:
    """New information no signed-off review has taken in yet (its review is due or in
    progress), soonest review due first: `{case, reference, due_by (the review's), id,
    kind, received_on, review, review_status}`; no summary (read it on the case). Given a
    user, each item read is audit-logged."""
    scope = _scope(user)
    if scope is None:
        return []
    items = list(
        NewInformation.objects.filter(scope)
        .exclude(review__status=ReviewStatus.SIGNED_OFF)
        .select_related("case", "review")
        .only(
            "id",
            "case_id",
            "case__reference",
            "kind",
            "received_on",
            "review__due_by",
            "review__status",
        )
        .order_by("review__due_by", "received_on", "id")
    )
    if user is not None:
        audit_reads(user=user, objects=items, detail="new information")
    return [
        {
            "case": item.case_id,
            "reference": item.case.reference,
            "due_by": item.review.due_by,
            "id": item.pk,
            "kind": item.kind,
            "received_on": item.received_on,
            "review": item.review_id,
            "review_status": item.review.status,
        }
        for item in items
    ]
