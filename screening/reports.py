"""The timeliness report: on-time rates per stage (screening visit, each agency's findings,
signed-off assessment) by month of the due date and, for findings, by agency, with the
reasons recorded for lateness.

Counting rules (the report page states them too):
- An item is counted once its outcome is settled: done (on time when done on or before its
  due date, else late), or not done and past its due date (late). An item still open on or
  before its due date is "not yet due" and is not counted in any rate.
- Screening visit: one per case; done on the local date of the case's first visit that was
  not cancelled (rebookings of missed sessions excluded), once it has started; due
  `case.visit_due_by`.
- Findings: one per attended session; done on the local date of its first submission; due
  the finding's `due_by` (for a session with no findings yet, the same rule: the set number
  of working days after the session's date).
- Signed-off assessment: one per case; done on the local date of the draft's first sign-off
  event; due `case.assessment_due_by`.
- Months are those of the due date, in the YOT's zone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, Min, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts.models import User
from screening.access import can
from screening.deadlines import closure_days, findings_due_by
from screening.models import Case, DraftEvent, Session, Visit, VisitStatus

STAGES = [
    ("visit", "Screening visit"),
    ("findings", "Agency findings"),
    ("assessment", "Signed-off assessment"),
]
STAGE_LABELS = dict(STAGES)
NO_REASON = "No reason recorded"


@dataclass(frozen=True)
class Item:
    """One deadline measured: a case's visit or assessment, or one session's findings."""

    stage: str
    case_id: int
    case_reference: str
    due: dt.date
    done: dt.date | None
    agency: tuple[int, str] | None = None  # (position in the session order, name)

    def settled(self, today: dt.date) -> bool:
        return self.done is not None or self.due < today

    @property
    def on_time(self) -> bool:
        return self.done is not None and self.done <= self.due


@dataclass
class Rate:
    on_time: int = 0
    late: int = 0

    @property
    def counted(self) -> int:
        return self.on_time + self.late

    @property
    def percent(self) -> int | None:
        """Whole per cent on time (rounded half up), or None when nothing was counted."""
        if not self.counted:
            return None
        return (200 * self.on_time + self.counted) // (2 * self.counted)

    def add(self, item: Item) -> None:
        if item.on_time:
            self.on_time += 1
        else:
            self.late += 1


@dataclass
class StageRates:
    key: str
    label: str
    total: Rate
    by_month: list[tuple[dt.date, Rate]]
    not_yet_due: int


@dataclass(frozen=True)
class Reason:
    case_reference: str
    kind: str  # "Visit after the deadline" or "Missed session, rebooked"
    text: str
    on: dt.date


@dataclass
class Timeliness:
    first_month: dt.date
    last_month: dt.date
    months: list[dt.date]
    stages: list[StageRates]
    findings_by_agency: list[tuple[str, Rate]]
    reasons: list[Reason] = field(default_factory=list)

    @property
    def reason_counts(self) -> list[tuple[str, int]]:
        counts = Counter(r.text for r in self.reasons)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last six months, this one included."""
    last = month_start(today)
    return add_months(last, -5), last


def _local(moment: dt.datetime | None, zone=None) -> dt.date | None:
    """The local date of a moment; pass `zone` in loops over many rows (looked up once)."""
    if moment is None:
        return None
    return moment.astimezone(zone or timezone.get_current_timezone()).date()


def _visit_items(cases: list[Case], now: dt.datetime) -> list[Item]:
    items = []
    for case in cases:
        firsts = [v for v in case.report_visits if v.rebook_of_id is None and v.start <= now]
        done = _local(firsts[0].start) if firsts else None
        items.append(Item("visit", case.pk, case.reference, case.visit_due_by, done))
    return items


def _assessment_items(cases: list[Case]) -> list[Item]:
    items = []
    for case in cases:
        done = _local(case.first_sign_off)
        items.append(Item("assessment", case.pk, case.reference, case.assessment_due_by, done))
    return items


def _findings_items(first: dt.date, end: dt.date) -> list[Item]:
    """Attended sessions whose findings fall due in [first, end)."""
    closures = closure_days()
    # A session's findings are due a few working days after it, so sessions up to a month
    # before the period can fall due inside it.
    zone = timezone.get_current_timezone()
    # Plain rows, not model instances: a busy YOT has tens of thousands of sessions here.
    sessions = (
        Session.objects.filter(
            attended=True,
            cancelled=False,
            start__gte=dt.datetime.combine(add_months(first, -1), dt.time(0), tzinfo=zone),
            start__lt=dt.datetime.combine(end, dt.time(0), tzinfo=zone),
        )
        .exclude(visit__status=VisitStatus.CANCELLED)
        .annotate(first_submitted=Min("findings__submitted_at"), first_due=Min("findings__due_by"))
        .order_by("start", "id")
        .values_list(
            "visit__case_id",
            "visit__case__reference",
            "start",
            "agency__order",
            "agency__name",
            "first_submitted",
            "first_due",
        )
    )
    items = []
    for case_id, reference, start, order, name, submitted, first_due in sessions:
        due = first_due or findings_due_by(visit_date=_local(start, zone), closures=closures)
        if first <= due < end:
            done = _local(submitted, zone)
            items.append(Item("findings", case_id, reference, due, done, agency=(order, name)))
    return items


def _rates(key: str, items: list[Item], months: list[dt.date], today: dt.date) -> StageRates:
    total, per_month = Rate(), {m: Rate() for m in months}
    open_ = 0
    for item in items:
        if not item.settled(today):
            open_ += 1
            continue
        total.add(item)
        per_month[month_start(item.due)].add(item)
    return StageRates(key, STAGE_LABELS[key], total, list(per_month.items()), open_)


def _reasons(cases: list[Case], late_cases: set[int]) -> list[Reason]:
    reasons = []
    for case in cases:
        if case.pk not in late_cases:
            continue
        for visit in case.report_visits:
            if visit.rebook_of_id is None and visit.late_reason.strip():
                reasons.append(
                    Reason(
                        case.reference,
                        "Visit after the deadline",
                        visit.late_reason.strip(),
                        _local(visit.start),
                    )
                )
        for session in (s for v in case.report_visits for s in v.report_missed):
            reasons.append(
                Reason(
                    case.reference,
                    "Missed session, rebooked",
                    session.attendance_reason.strip() or NO_REASON,
                    _local(session.start),
                )
            )
    return reasons


def timeliness_for(
    *, user: User, first_month: dt.date, last_month: dt.date, now: dt.datetime | None = None
) -> Timeliness:
    """On-time rates for deadlines due from the first day of `first_month` to the last day
    of `last_month`. Raises PermissionError for a role that does not watch timeliness."""
    if not can(user, "timeliness_report", "read"):
        raise PermissionError("Only YOT managers and YOT admins see the timeliness report.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    first, last = month_start(first_month), month_start(last_month)
    end = add_months(last, 1)
    months = []
    m = first
    while m < end:
        months.append(m)
        m = add_months(m, 1)
    missed_rebooked = Session.objects.filter(attended=False, cancelled=False).filter(
        Exists(Visit.objects.filter(rebook_of=OuterRef("pk")))
    )
    visits = (
        Visit.objects.exclude(status=VisitStatus.CANCELLED)
        .only("id", "case_id", "start", "rebook_of_id", "late_reason")
        .prefetch_related(
            Prefetch(
                "sessions", queryset=missed_rebooked.order_by("start"), to_attr="report_missed"
            )
        )
    )
    cases = list(
        Case.objects.filter(
            Q(visit_due_by__gte=first, visit_due_by__lt=end)
            | Q(assessment_due_by__gte=first, assessment_due_by__lt=end)
        )
        .annotate(
            first_sign_off=Min(
                "assessment_draft__events__at",
                filter=Q(assessment_draft__events__kind=DraftEvent.Kind.SIGNED_OFF),
            )
        )
        .prefetch_related(
            Prefetch("visits", queryset=visits.order_by("start", "id"), to_attr="report_visits")
        )
        .order_by("reference")
    )
    visit_items = [i for i in _visit_items(cases, now) if first <= i.due < end]
    assessment_items = [i for i in _assessment_items(cases) if first <= i.due < end]
    findings_items = _findings_items(first, end)
    by_stage = {"visit": visit_items, "findings": findings_items, "assessment": assessment_items}
    stages = [_rates(key, by_stage[key], months, today) for key, _ in STAGES]
    agencies: dict[tuple[int, str], Rate] = defaultdict(Rate)
    for item in findings_items:
        if item.settled(today):
            agencies[item.agency].add(item)
    late_cases = {
        i.case_id
        for items in by_stage.values()
        for i in items
        if i.settled(today) and not i.on_time
    }
    return Timeliness(
        first_month=first,
        last_month=last,
        months=months,
        stages=stages,
        findings_by_agency=[(name, rate) for (_, name), rate in sorted(agencies.items())],
        reasons=_reasons(cases, late_cases),
    )
