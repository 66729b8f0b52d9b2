"""Writes on cases: references and deadlines."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from screening.deadlines import case_deadlines
from screening.models import Case, YoungPerson

REFERENCE_PREFIX = "YJ"


def check_case_manager(*, user: User | None) -> None:
    """A case's manager must be an active login with the case manager role."""
    if user is not None and (user.role != Role.CASE_MANAGER or not user.is_active):
        raise ValidationError(
            {"case_manager": ["Choose an active user with the case manager role."]}
        )


def next_reference(*, year: int) -> str:
    """The next free human reference of the year, like YJ-2027-0042."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    last = (
        Case.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def case_create(
    *,
    young_person: YoungPerson,
    order_type: str,
    order_start_date: dt.date,
    case_manager: User | None = None,
) -> Case:
    """Open a case for an order, with its deadlines; the reference is unique per year."""
    check_case_manager(user=case_manager)
    deadlines = case_deadlines(order_type=order_type, order_start_date=order_start_date)
    year = timezone.localdate().year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case(
                    reference=next_reference(year=year),
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
        except IntegrityError:
            # Another writer took the same reference between our read and insert.
            continue
    raise ValidationError({"reference": ["Could not allocate a case reference; try again."]})


@transaction.atomic
def case_update(*, case: Case, **fields: object) -> Case:
    """Change a case; deadlines follow a changed order type or start date."""
    if "case_manager" in fields:
        check_case_manager(user=fields["case_manager"])  # type: ignore[arg-type]
    for name, value in fields.items():
        setattr(case, name, value)
    deadlines = case_deadlines(order_type=case.order_type, order_start_date=case.order_start_date)
    case.visit_due_by = deadlines.visit_due_by
    case.assessment_due_by = deadlines.assessment_due_by
    case.full_clean()
    case.save()
    return case
