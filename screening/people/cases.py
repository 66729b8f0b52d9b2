"""Writes on cases: references and deadlines."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from agencies.local_time import check_date_window
from screening.models import Case, CaseReferenceCounter, YoungPerson
from screening.people.deadlines import case_deadlines

REFERENCE_PREFIX = "YJ"


def check_case_manager(*, user: User | None) -> None:
    """A case's manager must be an active login with the case manager role."""
    if user is not None and (user.role != Role.CASE_MANAGER or not user.is_active):
        raise ValidationError(
            {"case_manager": [gettext("Choose an active user with the case manager role.")]}
        )


def next_reference(*, year: int) -> str:
    """Take the next human reference of the year, like YJ-2027-0042, inside the caller's
    transaction: the counter row is locked until it commits, so no two cases share one."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    # The year's counter, once it exists, is taken by its update alone.
    if not CaseReferenceCounter.objects.filter(year=year).update(last=F("last") + 1):
        last = (
            Case.objects.filter(reference__startswith=prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        try:
            with transaction.atomic():
                CaseReferenceCounter.objects.create(
                    year=year, last=int(last.rsplit("-", 1)[1]) if last else 0
                )
        except IntegrityError:
            pass  # another writer created the year's counter first
        CaseReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = CaseReferenceCounter.objects.get(year=year).last
    return f"{prefix}{number:04d}"


@transaction.atomic
def case_create(
    *,
    young_person: YoungPerson,
    order_type: str,
    order_start_date: dt.date,
    case_manager: User | None = None,
) -> Case:
    """Open a case for an order, with its deadlines and a reference unique per year; raises
    ValidationError naming the field (an order start date outside the date window)."""
    check_case_manager(user=case_manager)
    check_date_window(order_start_date=order_start_date)
    deadlines = case_deadlines(order_type=order_type, order_start_date=order_start_date)
    case = Case(
        reference=next_reference(year=timezone.localdate().year),
        young_person=young_person,
        order_type=order_type,
        order_start_date=order_start_date,
        case_manager=case_manager,
        visit_due_by=deadlines.visit_due_by,
        assessment_due_by=deadlines.assessment_due_by,
    )
    case.full_clean(validate_unique=False)
    case.save()
    return case


@transaction.atomic
def case_update(*, case: Case, **fields: object) -> Case:
    """Change a case; deadlines follow a changed order type or start date."""
    if "case_manager" in fields:
        check_case_manager(user=fields["case_manager"])  # type: ignore[arg-type]
    check_date_window(order_start_date=fields.get("order_start_date"))
    for name, value in fields.items():
        setattr(case, name, value)
    deadlines = case_deadlines(order_type=case.order_type, order_start_date=case.order_start_date)
    case.visit_due_by = deadlines.visit_due_by
    case.assessment_due_by = deadlines.assessment_due_by
    case.full_clean()
    case.save()
    return case
