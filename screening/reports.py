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
- Reasons for lateness are listed for the cases with a late deadline (of any stage) in the
  period: each visit's recorded late reason and each missed session that was rebooked.

The database does the counting: each stage's deadlines are grouped by due date and outcome
(on time, late, not done) in SQL, local dates included (`screening.local_dates`), so the
report reads a few rows per day of the period whatever the number of cases; only the
reasons, which the page lists one by one, are read as rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import IsNull, LessThanOrEqual
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency
from screening.access import can
from screening.deadlines import closure_days, findings_due_by
from screening.local_dates import ONE_DAY, local_date, local_midnight
from screening.models import Case as CaseModel
from screening.models import DraftEvent, Finding, Session, Visit, VisitStatus

STAGES = [
    ("visit", "Screening visit"),
    ("findings", "Agency findings"),
    ("assessment", "Signed-off assessment"),
]
STAGE_LABELS = dict(STAGES)
NO_REASON = "No reason recorded"
# A deadline's outcome in the counting queries; NULL (None) while it is not done.
ON_TIME, LATE = 1, 0


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

    def add(self, *, on_time: bool, n: int = 1) -> None:
        if on_time:
            self.on_time += n
        else:
            self.late += n


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


@dataclass(frozen=True)
class _Period:
    """Deadlines due from `first` to the day before `end`, judged at `now`."""

    first: dt.date
    end: dt.date
    now: dt.datetime
    zone: ZoneInfo
    closures: frozenset[dt.date]

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.zone).date()

    def local_date(self, field_name: str) -> Case:
        """A moment's local date, exact whenever it is compared with a due date of the period."""
        return local_date(field_name, first=self.first, end=self.end, zone=self.zone)

    @property
    def late(self) -> Q:
        """Items (annotated `due` and `outcome`) that are settled and late."""
        return Q(outcome=LATE) | Q(outcome__isnull=True, due__lt=self.today)

    def findings_due(self, session_day: dt.date) -> dt.date:
        return findings_due_by(visit_date=session_day, closures=self.closures)

    def last_session_day_due_before(self, day: dt.date) -> dt.date:
        """The last session date whose findings fall due before `day` (a later session never
        falls due earlier, so every session date up to this one does too)."""
        session_day = day - ONE_DAY
        while self.findings_due(session_day) >= day:
            session_day -= ONE_DAY
        return session_day


def _outcome(done, due) -> Case:
    """ON_TIME when done on or before the due date, LATE after it, None when not done."""
    return Case(
        When(IsNull(done, True), then=Value(None)),
        When(LessThanOrEqual(done, due), then=Value(ON_TIME)),
        default=Value(LATE),
        output_field=IntegerField(),
    )


def _visit_items(p: _Period) -> QuerySet[CaseModel]:
    """Cases whose screening visit falls due in the period, annotated `due` and `outcome`:
    done on the local date of the first visit not cancelled (rebookings of missed sessions
    excluded), once it has started."""
    first_visit = (
        Visit.objects.filter(case=OuterRef("pk"), rebook_of__isnull=True, start__lte=p.now)
        .exclude(status=VisitStatus.CANCELLED)
        .order_by("start")
        .values(outcome=_outcome(p.local_date("start"), OuterRef("visit_due_by")))[:1]
    )
    return CaseModel.objects.filter(visit_due_by__gte=p.first, visit_due_by__lt=p.end).annotate(
        due=F("visit_due_by"), outcome=Subquery(first_visit)
    )


def _assessment_items(p: _Period) -> QuerySet[CaseModel]:
    """Cases whose signed-off assessment falls due in the period, annotated `due` and
    `outcome`: done on the local date of the draft's first sign-off."""
    first_sign_off = (
        DraftEvent.objects.filter(draft__case=OuterRef("pk"), kind=DraftEvent.Kind.SIGNED_OFF)
        .order_by("at")
        .values(outcome=_outcome(p.local_date("at"), OuterRef("assessment_due_by")))[:1]
    )
    return CaseModel.objects.filter(
        assessment_due_by__gte=p.first, assessment_due_by__lt=p.end
    ).annotate(due=F("assessment_due_by"), outcome=Subquery(first_sign_off))


def _counted(items: QuerySet) -> list[tuple[dt.date, None, int | None, int]]:
    """(due date, no agency, outcome, how many) of items annotated `due` and `outcome`."""
    rows = items.values("due", "outcome").annotate(n=Count("pk")).order_by()
    return [(r["due"], None, r["outcome"], r["n"]) for r in rows]


def _live_sessions() -> QuerySet[Session]:
    """Attended sessions of visits not cancelled: each owes findings."""
    return Session.objects.filter(attended=True, cancelled=False).exclude(
        visit__status=VisitStatus.CANCELLED
    )


def _findings_counted(p: _Period) -> list[tuple[dt.date, int, int | None, int]]:
    """(due date, agency id, outcome, how many) of the findings due in the period: due the
    finding's `due_by` (the earliest of its versions) and done on the local date of its first
    submission; a session with no findings yet falls due the set number of working days
    after its local date."""
    live = Q(session__attended=True, session__cancelled=False) & ~Q(
        session__visit__status=VisitStatus.CANCELLED
    )
    # Almost every session has one findings row, counted straight from the findings table;
    # sessions with amendments or a working copy take their earliest due date and first
    # submission over their rows.
    several = (
        Finding.objects.order_by()
        .values("session_id")
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .values("session_id")
    )
    one = (
        Finding.objects.filter(live, due_by__gte=p.first, due_by__lt=p.end)
        .exclude(session_id__in=several)
        .annotate(outcome=_outcome(p.local_date("submitted_at"), F("due_by")))
        .values("due_by", "session__agency_id", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [(r["due_by"], r["session__agency_id"], r["outcome"], r["n"]) for r in one]
    amended = (
        Finding.objects.filter(live, session_id__in=several)
        .values("session_id", "session__agency_id")
        .annotate(due=Min("due_by"), done=Min(p.local_date("submitted_at")))
        .filter(due__gte=p.first, due__lt=p.end)
        .order_by()
    )
    for r in amended:
        outcome = None if r["done"] is None else ON_TIME if r["done"] <= r["due"] else LATE
        rows.append((r["due"], r["session__agency_id"], outcome, 1))
    first_day = p.last_session_day_due_before(p.first) + ONE_DAY
    last_day = p.last_session_day_due_before(p.end)
    if first_day <= last_day:
        unwritten = (
            _unwritten_sessions(p, first_day, last_day)
            .values(
                day=local_date("start", first=first_day, end=last_day + ONE_DAY, zone=p.zone),
                agency_pk=F("agency_id"),
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
        rows += [(p.findings_due(r["day"]), r["agency_pk"], None, r["n"]) for r in unwritten]
    return rows


def _unwritten_sessions(p: _Period, first_day: dt.date, last_day: dt.date) -> QuerySet[Session]:
    """Sessions owing findings, with none written, held from `first_day` to `last_day`."""
    return _live_sessions().filter(
        ~Exists(Finding.objects.filter(session=OuterRef("pk"))),
        start__gte=local_midnight(first_day, p.zone),
        start__lt=local_midnight(last_day + ONE_DAY, p.zone),
    )


def _findings_late(p: _Period, case_ref: str) -> Q:
    """The case at OuterRef(`case_ref`) has findings due in the period and settled late (the
    same rules as `_findings_counted`, per session, for the few cases that have reasons)."""
    findings = Finding.objects.filter(session=OuterRef("pk"))
    written = (
        _live_sessions()
        .filter(visit__case=OuterRef(case_ref))
        .annotate(
            due=Subquery(findings.order_by("due_by").values("due_by")[:1]),
            done=Subquery(
                findings.filter(submitted_at__isnull=False)
                .order_by("submitted_at")
                .values(day=p.local_date("submitted_at"))[:1]
            ),
        )
        .filter(due__gte=p.first, due__lt=p.end)
        .filter(Q(done__gt=F("due")) | Q(done__isnull=True, due__lt=p.today))
    )
    late = Q(Exists(written))
    first_day = p.last_session_day_due_before(p.first) + ONE_DAY
    last_day = min(p.last_session_day_due_before(p.end), p.last_session_day_due_before(p.today))
    if first_day <= last_day:
        unwritten = _unwritten_sessions(p, first_day, last_day)
        late |= Q(Exists(unwritten.filter(visit__case=OuterRef(case_ref))))
    return late


def _late_in_period(p: _Period, case_ref: str) -> Q:
    """The case at OuterRef(`case_ref`) has a deadline in the period settled late."""
    late = Q()
    for items in (_visit_items(p), _assessment_items(p)):
        late |= Q(Exists(items.filter(pk=OuterRef(case_ref)).filter(p.late)))
    return late | _findings_late(p, case_ref)


def _reasons(p: _Period) -> list[Reason]:
    """Each case with a late deadline in the period, by reference: its visits' late reasons
    (rebookings excluded), then its missed sessions that were rebooked, in visit order."""
    by_case: dict[str, list[Reason]] = defaultdict(list)
    late_visits = (
        Visit.objects.filter(rebook_of__isnull=True)
        .exclude(status=VisitStatus.CANCELLED)
        .exclude(late_reason="")
        .filter(_late_in_period(p, "case_id"))
        .order_by("case__reference", "start", "id")
        .values_list("case__reference", "late_reason", "start")
    )
    for reference, text, start in late_visits:
        if text.strip():
            on = start.astimezone(p.zone).date()
            by_case[reference].append(
                Reason(reference, "Visit after the deadline", text.strip(), on)
            )
    missed = (
        Session.objects.filter(attended=False, cancelled=False)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .filter(Exists(Visit.objects.filter(rebook_of=OuterRef("pk"))))
        .filter(_late_in_period(p, "visit__case_id"))
        .order_by("visit__case__reference", "visit__start", "visit_id", "start", "id")
        .values_list("visit__case__reference", "attendance_reason", "start")
    )
    for reference, text, start in missed:
        on = start.astimezone(p.zone).date()
        reason = Reason(reference, "Missed session, rebooked", text.strip() or NO_REASON, on)
        by_case[reference].append(reason)
    return [reason for reference in sorted(by_case) for reason in by_case[reference]]


def _stage(
    key: str, rows: Iterable[tuple[dt.date, object, int | None, int]], months, today: dt.date
) -> StageRates:
    total, per_month = Rate(), {m: Rate() for m in months}
    open_ = 0
    for due, _, outcome, n in rows:
        if outcome is None and due >= today:
            open_ += n
            continue
        total.add(on_time=outcome == ON_TIME, n=n)
        per_month[month_start(due)].add(on_time=outcome == ON_TIME, n=n)
    return StageRates(key, STAGE_LABELS[key], total, list(per_month.items()), open_)


def _by_agency(rows, today: dt.date) -> list[tuple[str, Rate]]:
    """Settled findings per agency, in the agencies' session order."""
    agencies = {
        pk: (order, name) for pk, order, name in Agency.objects.values_list("pk", "order", "name")
    }
    rates: dict[tuple[int, str], Rate] = defaultdict(Rate)
    for due, agency_id, outcome, n in rows:
        if outcome is not None or due < today:
            rates[agencies[agency_id]].add(on_time=outcome == ON_TIME, n=n)
    return [(name, rate) for (_, name), rate in sorted(rates.items())]


def timeliness_for(
    *, user: User, first_month: dt.date, last_month: dt.date, now: dt.datetime | None = None
) -> Timeliness:
    """On-time rates for deadlines due from the first day of `first_month` to the last day
    of `last_month`. Raises PermissionError for a role that does not watch timeliness."""
    if not can(user, "timeliness_report", "read"):
        raise PermissionError("Only YOT managers and YOT admins see the timeliness report.")
    first, last = month_start(first_month), month_start(last_month)
    end = add_months(last, 1)
    months = []
    m = first
    while m < end:
        months.append(m)
        m = add_months(m, 1)
    p = _Period(
        first=first,
        end=end,
        now=now or timezone.now(),
        zone=timezone.get_current_timezone(),
        closures=closure_days(),
    )
    findings = _findings_counted(p)
    rows = {
        "visit": _counted(_visit_items(p)),
        "findings": findings,
        "assessment": _counted(_assessment_items(p)),
    }
    return Timeliness(
        first_month=first,
        last_month=last,
        months=months,
        stages=[_stage(key, rows[key], months, p.today) for key, _ in STAGES],
        findings_by_agency=_by_agency(findings, p.today),
        reasons=_reasons(p),
    )
