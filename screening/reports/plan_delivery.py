"""The timeliness report's plan actions: were they done by their due date?

Counting rules (the report page states them too):
- Each plan action whose due date falls in the period is one item, by the month of its
  (current) due date in the YOT's zone.
- Done on time: recorded done on a local date on or before its due date (`done_at`).
  Done late: recorded done after it. Not done: recorded not done (a settled outcome,
  whatever the date). Open and overdue: still open after its due date. Those four are
  counted; an open action not yet past its due date is "not yet due" and is not.
- Per cent on time: done on time out of the four counted outcomes.

The database does the counting: one query grouping the actions by due date and outcome,
local dates compared as the rest of the report does (`screening.local_dates.EndsBy`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, F, IntegerField, Q, Value, When

from screening.local_dates import EndsBy
from screening.models import PlanAction, PlanActionStatus

# An action's outcome in the grouped query.
DONE_ON_TIME, DONE_LATE, NOT_DONE, OPEN_OVERDUE, NOT_YET_DUE = range(5)


@dataclass
class Delivery:
    """Plan actions by outcome."""

    done_on_time: int = 0
    done_late: int = 0
    not_done: int = 0
    open_overdue: int = 0

    @property
    def counted(self) -> int:
        return self.done_on_time + self.done_late + self.not_done + self.open_overdue

    @property
    def percent(self) -> int | None:
        """Whole per cent done on time (rounded half up), or None when nothing was counted."""
        if not self.counted:
            return None
        return (200 * self.done_on_time + self.counted) // (2 * self.counted)

    def add(self, outcome: int, n: int) -> None:
        if outcome == DONE_ON_TIME:
            self.done_on_time += n
        elif outcome == DONE_LATE:
            self.done_late += n
        elif outcome == NOT_DONE:
            self.not_done += n
        elif outcome == OPEN_OVERDUE:
            self.open_overdue += n


@dataclass
class PlanDelivery:
    total: Delivery
    by_month: list[tuple[dt.date, Delivery]]
    not_yet_due: int


def outcome_of(*, status: str, done_on: dt.date | None, due: dt.date, today: dt.date) -> int:
    """One action's outcome by the rules above (`done_on`: the local date it was done)."""
    if status == PlanActionStatus.DONE:
        return DONE_ON_TIME if done_on is not None and done_on <= due else DONE_LATE
    if status == PlanActionStatus.NOT_DONE:
        return NOT_DONE
    return OPEN_OVERDUE if due < today else NOT_YET_DUE


def plan_delivery(
    *, first: dt.date, end: dt.date, months: list[dt.date], today: dt.date, zone: ZoneInfo
) -> PlanDelivery:
    """Plan actions due from `first` to the day before `end` (`months` the period's first
    days), judged on `today` (the YOT's local date)."""
    outcome = Case(
        When(
            Q(status=PlanActionStatus.DONE)
            & Q(EndsBy(F("done_at"), F("due_date"), first=first, end=end, zone=zone)),
            then=Value(DONE_ON_TIME),
        ),
        When(status=PlanActionStatus.DONE, then=Value(DONE_LATE)),
        When(status=PlanActionStatus.NOT_DONE, then=Value(NOT_DONE)),
        When(due_date__lt=today, then=Value(OPEN_OVERDUE)),
        default=Value(NOT_YET_DUE),
        output_field=IntegerField(),
    )
    rows = (
        PlanAction.objects.filter(due_date__gte=first, due_date__lt=end)
        .annotate(outcome=outcome)
        .values_list("due_date", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total, not_yet_due = Delivery(), 0
    per_month: dict[dt.date, Delivery] = defaultdict(Delivery)
    for due, state, n in rows:
        if state == NOT_YET_DUE:
            not_yet_due += n
            continue
        total.add(state, n)
        per_month[due.replace(day=1)].add(state, n)
    return PlanDelivery(total, [(m, per_month[m]) for m in months], not_yet_due)
