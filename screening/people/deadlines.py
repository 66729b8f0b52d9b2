"""Deadlines in working days (DESIGN.md "Deadlines"), all configurable in settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from screening.models import ClosureDay, OrderType
from screening.people.workdays import add_months, add_working_days


def closure_days() -> frozenset[dt.date]:
    return frozenset(ClosureDay.objects.order_by().values_list("date", flat=True))


@dataclass(frozen=True)
class CaseDeadlines:
    visit_due_by: dt.date
    assessment_due_by: dt.date


def case_deadlines(
    *, order_type: str, order_start_date: dt.date, closures: frozenset[dt.date] | None = None
) -> CaseDeadlines:
    """Visit and signed-off assessment due dates, counted in working days from the order start."""
    config = settings.SCREENING_DEADLINES
    closed = closure_days() if closures is None else closures
    assessment_days = (
        config["assessment_working_days_referral_order"]
        if order_type == OrderType.REFERRAL_ORDER
        else config["assessment_working_days_other"]
    )
    return CaseDeadlines(
        visit_due_by=add_working_days(
            order_start_date, config["visit_working_days"], closures=closed
        ),
        assessment_due_by=add_working_days(order_start_date, assessment_days, closures=closed),
    )


def findings_due_by(*, visit_date: dt.date, closures: frozenset[dt.date] | None = None) -> dt.date:
    """Each agency's findings are due a set number of working days after the visit."""
    closed = closure_days() if closures is None else closures
    return add_working_days(
        visit_date, settings.SCREENING_DEADLINES["findings_working_days"], closures=closed
    )


def review_due_after_sign_off(*, signed_off_on: dt.date) -> dt.date:
    """The next review falls due REVIEW_INTERVAL_MONTHS calendar months after a sign-off."""
    return add_months(signed_off_on, settings.SCREENING_DEADLINES["review_interval_months"])


def review_due_after_new_information(
    *, received_on: dt.date, closures: frozenset[dt.date] | None = None
) -> dt.date:
    """A review is due REVIEW_ON_NEW_INFORMATION_WORKING_DAYS working days after
    significant new information is received."""
    closed = closure_days() if closures is None else closures
    return add_working_days(
        received_on,
        settings.SCREENING_DEADLINES["review_on_new_information_working_days"],
        closures=closed,
    )
