"""The timeliness report: on-time rates per stage (screening visit, each agency's findings,
signed-off assessment) by month of the due date and, for findings, by agency, with the
reasons recorded for lateness.

Counting rules (the report page states them too):
- An item is counted once its outcome is settled: done (on time when done on or before its
  due date, else late), or not done and past its due date (late). An item still open on or
  before its due date is "not yet due" and is not counted in any rate.
- Screening visit: one per case; done once every agency booked on the case's visits (not
  cancelled, rebookings excluded) has seen the young person: on the local date of the last
  of those agencies' first sessions that has started and was not recorded as missed
  (rebookings included: a missed session counts on the day its rebooking happens); due
  `case.visit_due_by`. A visit whose attendance was never recorded counts once started.
- Findings: one per attended session; done on the local date of its first submission; due
  the finding's `due_by` (for a session with no findings yet, the same rule: the set number
  of working days after the session's date).
- Signed-off assessment: one per case; done on the local date of the draft's first sign-off
  event; due `case.assessment_due_by`.
- Review: one per review (screening/assessment/reviews.py); done on its sign-off date; due its
  `due_by`. Counted by reason too (scheduled, after new information, asked for); a late
  review lists its own late reason (Review.late_reason) among the reasons for lateness.
- Months are those of the due date, in the YOT's zone.
- Reasons for lateness are listed for the cases with a late deadline (of any stage) in the
  period: each visit's recorded late reason and each missed session that was rebooked; then
  each late review due in the period, with its late reason or "No reason recorded".

The database does the counting: each stage's deadlines are grouped by due date and outcome
(on time, late, not done) in SQL, local dates included (`screening.local_dates`), so the
report reads a few rows per day of the period whatever the number of cases; only the
reasons, which the page lists one by one, are read as rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    Expression,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import In, IsNull, LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from agencies.models import Agency
from screening.access import can
from screening.local_dates import ONE_DAY, EndsBy, local_date, local_midnight
from screening.models import Case as CaseModel
from screening.models import DraftEvent, Finding, Review, Session, Visit, VisitStatus
from screening.people.deadlines import closure_days, findings_due_by
from screening.reports.plan_delivery import PlanDelivery, plan_delivery

STAGES = [
    ("visit", gettext_lazy("Screening visit")),
    ("findings", gettext_lazy("Agency findings")),
    ("assessment", gettext_lazy("Signed-off assessment")),
]
# Labels are in the page's language (the CSV download is written in English).
STAGE_LABELS = {**dict(STAGES), "review": gettext_lazy("Review signed off")}
REVIEW_REASON_LABELS = {
    "scheduled": gettext_lazy("Scheduled"),
    "new_information": gettext_lazy("After new information"),
    "requested": gettext_lazy("Asked for"),
}
NO_REASON = gettext_lazy("No reason recorded")


ON_TIME, LATE, NOT_YET_DUE = "on_time", "late", "not_yet_due"


def outcome(*, done_on: dt.date | None, due: dt.date, today: dt.date) -> str:
    """The counting rule of every stage (the module's docstring): done on or before its due
    date is on time, done after it late; not done, late once `today` is past the due date,
    else not yet due (counted in no rate). `_Period.state` is the same rule in SQL, and
    tests/screening/planner/test_report_agreement.py proves the two agree."""
    if done_on is not None:
        return ON_TIME if done_on <= due else LATE
    return LATE if due < today else NOT_YET_DUE


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
    plan_actions: PlanDelivery | None = None  # done by their due date (plan_delivery.py)
    reviews: StageRates | None = None
    reviews_by_reason: list[tuple[str, Rate]] = field(default_factory=list)

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


class _Judged(Func):
    """`CASE ends_by WHEN TRUE THEN 0 WHEN FALSE THEN case ELSE undone END`: `_Period.state`
    with the moment written once, where it is a correlated subquery (a searched CASE would
    name it twice, and SQLite runs it each time it is named)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        (ends_by, ends_params), (case, case_params), (undone, undone_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = f"CASE {ends_by} WHEN TRUE THEN 0 WHEN FALSE THEN {case} ELSE {undone} END"
        return sql, (*ends_params, *case_params, *undone_params)


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

    def done_state(self, done, due, case) -> Case:
        """An item done at the moment `done`: 0 when on or before the local date `due` (a
        date of the period), else the id of its case."""
        return Case(
            When(EndsBy(done, due, first=self.first, end=self.end, zone=self.zone), then=0),
            default=case,
            output_field=IntegerField(),
        )

    def undone_state(self, due, case) -> Case:
        """An item not done: minus the id of its case once past the local date `due`, else
        None (not yet due)."""
        return Case(When(LessThan(due, self.today), then=-case), output_field=IntegerField())

    def state(self, done, due, case) -> Case:
        """`done_state`, or `undone_state` while `done` is NULL."""
        return Case(
            When(IsNull(done, True), then=self.undone_state(due, case)),
            default=self.done_state(done, due, case),
            output_field=IntegerField(),
        )

    def judged(self, done, due, case) -> _Judged:
        """`state` for a moment `done` given by an expression read once (a subquery): the
        outcome of `EndsBy`, true, false or NULL, picks the state."""
        ends_by = EndsBy(done, due, first=self.first, end=self.end, zone=self.zone)
        return _Judged(ends_by, case, self.undone_state(due, case))

    def findings_due(self, session_day: dt.date) -> dt.date:
        return findings_due_by(visit_date=session_day, closures=self.closures)

    def last_session_day_due_before(self, day: dt.date) -> dt.date:
        """The last session date whose findings fall due before `day` (a later session never
        falls due earlier, so every session date up to this one does too)."""
        session_day = day - ONE_DAY
        while self.findings_due(session_day) >= day:
            session_day -= ONE_DAY
        return session_day


class _Tally(NamedTuple):
    """`n` items due on `due` (of one agency, for findings) in one state: 0 done on time, a
    case's id when done late, minus a case's id when not done and past due, None when not
    yet due. The database counts the items on time and not yet due; late ones are counted
    per case, which names the cases whose reasons the report lists."""

    due: dt.date
    agency_id: int | None
    state: int | None
    n: int


def _rows(query: QuerySet) -> list[tuple]:
    """The rows of a values_list query as the database returns them: the tallies are a few
    thousand rows of dates and integers, and Django's per-value converters would take
    longer than the query (dates are converted once per distinct day by `_Days`)."""
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _Days(dict):
    """Dates as the database returns them (a date, or ISO text on SQLite), each converted once."""

    def __missing__(self, value: dt.date | str) -> dt.date:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        self[value] = day
        return day


def _case_tallies(items: QuerySet[CaseModel], due: str, state: Expression) -> list[_Tally]:
    """Tallies of cases whose `due` date falls in the period, by `state` (a case's, from a
    correlated subquery). Counted here, not grouped in SQL: SQLite runs the subquery once
    for the grouping key and again for the value, and a few thousand pairs count quickly."""
    rows = items.annotate(state=state).values_list(due, "state").order_by()
    days = _Days()
    counts = Counter(_rows(rows))
    return [_Tally(days[day], None, state, n) for (day, state), n in counts.items()]


def case_seen(now: dt.datetime) -> QuerySet:
    """The screening visit rule as a subquery over `Session` (OuterRef("pk") is the case):
    its first row's `seen` is the moment every agency booked on the case's visits (not
    cancelled; rebookings and review visits excluded) had seen the young person, NULL (or no
    row) while one of them has not. Sessions of review visits never count as the screening
    visit. The report and the capacity planner both count by it.

    That moment is the latest of the booked agencies' first sessions seen (rebookings
    included), so the case's sessions are grouped by agency, each group with whether it is
    booked (`owed`) and its first session seen (`seen`: started, not recorded as missed),
    and ordered: booked agencies first, one not yet seen before any seen, then the latest
    seen; a case with no booked agency at all (its first visit's sessions cancelled) takes
    its earliest seen session. Correlated on the case alone, so each case reads its own few
    sessions (through its visits), however long the history."""
    seen = Q(start__lte=now) & ~Q(attended=False)
    booked = Case(When(owed__gt=0, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        Session.objects.filter(
            visit__case=OuterRef("pk"), visit__review__isnull=True, cancelled=False
        )
        .exclude(visit__status=VisitStatus.CANCELLED)
        .values("agency_id")
        .annotate(
            owed=Count("pk", filter=Q(visit__rebook_of__isnull=True)),
            seen=Min("start", filter=seen),
        )
        .order_by(
            booked.desc(),
            Case(When(owed__gt=0, then=F("seen")), output_field=DateTimeField()).desc(
                nulls_first=True
            ),
            F("seen").asc(nulls_last=True),
        )
    )


def _visit_tallies(p: _Period) -> list[_Tally]:
    """Screening visits due in the period, done on the local date by which every agency
    booked on the case's visits had seen the young person (`case_seen`)."""
    seen = Subquery(case_seen(p.now).values("seen")[:1])
    cases = CaseModel.objects.filter(visit_due_by__gte=p.first, visit_due_by__lt=p.end)
    return _case_tallies(cases, "visit_due_by", p.judged(seen, F("visit_due_by"), F("pk")))


def _assessment_tallies(p: _Period) -> list[_Tally]:
    """Signed-off assessments due in the period, done on the local date of the draft's first
    sign-off."""
    first_sign_off = (
        DraftEvent.objects.filter(draft__case=OuterRef("pk"), kind=DraftEvent.Kind.SIGNED_OFF)
        .order_by("at")
        .values(state=p.done_state(F("at"), OuterRef("assessment_due_by"), OuterRef("pk")))
    )
    cases = CaseModel.objects.filter(assessment_due_by__gte=p.first, assessment_due_by__lt=p.end)
    state = Coalesce(Subquery(first_sign_off[:1]), p.undone_state(F("assessment_due_by"), F("pk")))
    return _case_tallies(cases, "assessment_due_by", state)


def _findings_tallies(p: _Period) -> list[_Tally]:
    """Findings due in the period, one per attended session of a visit not cancelled: due the
    earliest `due_by` of its findings rows and done on the local date of its first
    submission; a session with no findings yet falls due the set number of working days
    after its local date."""
    owing = Q(session__attended=True, session__cancelled=False) & ~Q(
        session__visit__status=VisitStatus.CANCELLED
    )
    case = F("session__visit__case_id")
    # Almost every session has one findings row, counted straight from the findings table
    # (its index holds the columns needed); sessions with amendments or a working copy take
    # the earliest due date and first submission over their rows. Versions are unique per
    # session, so a session whose rows are all version 1 has exactly one.
    several = Finding.objects.exclude(version=1).values("session_id")
    one = (
        Finding.objects.filter(owing, due_by__gte=p.first, due_by__lt=p.end)
        .exclude(session_id__in=several)
        .annotate(state=p.state(F("submitted_at"), F("due_by"), case))
        .values_list("due_by", "session__agency_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    days = _Days()
    tallies = [_Tally(days[due], agency, state, n) for due, agency, state, n in _rows(one)]
    amended = (
        Finding.objects.filter(owing, session_id__in=several)
        .values("session_id", "session__agency_id", "session__visit__case_id")
        .annotate(due=Min("due_by"), state=p.state(Min("submitted_at"), Min("due_by"), case))
        .filter(due__gte=p.first, due__lt=p.end)
        .values_list("due", "session__agency_id", "state")
        .order_by()
    )
    tallies += [_Tally(days[due], agency, state, 1) for due, agency, state in _rows(amended)]
    first_day = p.last_session_day_due_before(p.first) + ONE_DAY
    last_day = p.last_session_day_due_before(p.end)
    if first_day <= last_day:
        day = local_date("start", first=first_day, end=last_day + ONE_DAY, zone=p.zone)
        unwritten = (
            Session.objects.filter(
                attended=True,
                cancelled=False,
                start__gte=local_midnight(first_day, p.zone),
                start__lt=local_midnight(last_day + ONE_DAY, p.zone),
            )
            .exclude(visit__status=VisitStatus.CANCELLED)
            # Correlated, so each session of the period probes the findings index; `NOT IN`
            # over every session id in the findings table grows with the whole history.
            .exclude(Exists(Finding.objects.filter(session=OuterRef("pk"))))
            .values_list(day, "agency_id", "visit__case_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        due_on: dict[dt.date, dt.date] = {}
        for held, agency, case_id, n in _rows(unwritten):
            held = days[held]
            due = due_on.get(held) or due_on.setdefault(held, p.findings_due(held))
            tallies.append(_Tally(due, agency, -case_id if due < p.today else None, n))
    return tallies


REVIEW_LATE = gettext_lazy("Review signed off after its due date")
REVIEW_OVERDUE = gettext_lazy("Review still open after its due date")
VISIT_LATE = gettext_lazy("Visit after the deadline")
REBOOKED = gettext_lazy("Missed session, rebooked")


def _review_reasons(p: _Period) -> list[Reason]:
    """Each late review due in the period (signed off after its due date, or open past it),
    by case reference: its recorded late reason, or that none was recorded."""
    late = Q(signed_off_on__gt=F("due_by")) | Q(signed_off_on__isnull=True, due_by__lt=p.today)
    rows = (
        Review.objects.filter(late, due_by__gte=p.first, due_by__lt=p.end)
        .order_by("case__reference", "due_by", "pk")
        .values_list("case__reference", "late_reason", "due_by", "signed_off_on")
    )
    return [
        Reason(reference, REVIEW_LATE if signed else REVIEW_OVERDUE, text.strip() or NO_REASON, due)
        for reference, text, due, signed in rows
    ]


def _review_tallies(p: _Period) -> list[_Tally]:
    """Reviews due in the period, done on their sign-off date; the tally's agency slot holds
    the review's reason (the report counts reviews by reason as findings by agency)."""
    state = Case(
        When(signed_off_on__isnull=False, signed_off_on__lte=F("due_by"), then=0),
        When(signed_off_on__isnull=False, then=F("case_id")),
        When(due_by__lt=p.today, then=-F("case_id")),
        output_field=IntegerField(),
    )
    rows = (
        Review.objects.filter(due_by__gte=p.first, due_by__lt=p.end)
        .annotate(state=state)
        .values_list("due_by", "reason", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    days = _Days()
    return [_Tally(days[due], reason, st, n) for due, reason, st, n in _rows(rows)]


@contextmanager
def _without_jit() -> Iterator[None]:
    """On PostgreSQL, run the report's queries without JIT compilation: their estimated cost
    passes `jit_above_cost`, and compiling takes about 15 ms a query, more than running it.
    (Only there: a transaction on SQLite would take the write lock.)"""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


class _InIds(Func):
    """`field IN (ids)` with the ids as one parameter: a JSON array on SQLite, an array on
    PostgreSQL. Django prepares each member of an IN list in Python (about 15 microseconds
    each, a noticeable share of the report for a few thousand late cases), and a long list
    runs into the databases' limits on parameters."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, ids: Iterable[int]) -> None:
        self.ids = sorted(ids)
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(In(self.get_source_expressions()[0], self.ids))

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        in_json = f"{sql} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - a compiled column
        return in_json, (*params, json.dumps(self.ids))

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"{sql} = ANY(%s)", (*params, self.ids)


def _reasons(p: _Period, late_cases: set[int]) -> list[Reason]:
    """For each late case, by reference: its visits' late reasons (rebookings excluded), then
    its missed sessions that were rebooked, in visit order."""
    by_case: dict[str, list[Reason]] = defaultdict(list)
    if not late_cases:
        return []
    # Rebookings are left out here, not in SQL: SQLite, without statistics, would read
    # `rebook_of IS NULL` from its index (every first visit ever booked) rather than the
    # late cases' few visits from theirs.
    late_visits = (
        Visit.objects.filter(_InIds("case_id", late_cases))
        .exclude(status=VisitStatus.CANCELLED)
        .exclude(late_reason="")
        .order_by("start", "id")
        .values_list("case__reference", "late_reason", "start", "rebook_of_id")
    )
    for reference, text, start, rebook_of in late_visits:
        if rebook_of is None and text.strip():
            on = start.astimezone(p.zone).date()
            by_case[reference].append(Reason(reference, VISIT_LATE, text.strip(), on))
    missed = (
        Session.objects.filter(
            _InIds("visit__case_id", late_cases), attended=False, cancelled=False
        )
        .exclude(visit__status=VisitStatus.CANCELLED)
        .filter(Exists(Visit.objects.filter(rebook_of=OuterRef("pk"))))
        .order_by("visit__start", "visit_id", "start", "id")
        .values_list("visit__case__reference", "attendance_reason", "start")
    )
    for reference, text, start in missed:
        on = start.astimezone(p.zone).date()
        reason = Reason(reference, REBOOKED, text.strip() or NO_REASON, on)
        by_case[reference].append(reason)
    return [reason for reference in sorted(by_case) for reason in by_case[reference]]


class _Folded:
    """A stage's tallies folded in one pass: on time and late per due date and per agency,
    deadlines not yet due, and the cases with a late deadline."""

    def __init__(self, tallies: list[_Tally]) -> None:
        self.by_due: dict[dt.date, Rate] = defaultdict(Rate)
        self.by_agency: dict[int | None, Rate] = defaultdict(Rate)
        self.not_yet_due = 0
        self.late_cases: set[int] = set()
        for due, agency_id, state, n in tallies:
            if state is None:
                self.not_yet_due += n
            elif state == 0:
                self.by_due[due].on_time += n
                self.by_agency[agency_id].on_time += n
            else:
                self.by_due[due].late += n
                self.by_agency[agency_id].late += n
                self.late_cases.add(abs(state))

    def stage(self, key: str, months: list[dt.date]) -> StageRates:
        total, per_month = Rate(), {m: Rate() for m in months}
        for due, rate in self.by_due.items():
            for into in (total, per_month[month_start(due)]):
                into.on_time += rate.on_time
                into.late += rate.late
        return StageRates(key, STAGE_LABELS[key], total, list(per_month.items()), self.not_yet_due)

    def agencies(self) -> list[tuple[str, Rate]]:
        """Per agency, in the agencies' session order."""
        agencies = Agency.objects.values_list("pk", "order", "name")
        named = {pk: (order, name) for pk, order, name in agencies}
        rates = sorted((named[pk], rate) for pk, rate in self.by_agency.items())
        return [(name, rate) for (_, name), rate in rates]


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
    with _without_jit():
        folded = {
            "visit": _Folded(_visit_tallies(p)),
            "findings": _Folded(_findings_tallies(p)),
            "assessment": _Folded(_assessment_tallies(p)),
        }
        reviews = _Folded(_review_tallies(p))
        return Timeliness(
            first_month=first,
            last_month=last,
            months=months,
            stages=[folded[key].stage(key, months) for key, _ in STAGES],
            findings_by_agency=folded["findings"].agencies(),
            reasons=_reasons(p, set().union(*(f.late_cases for f in folded.values())))
            + _review_reasons(p),
            plan_actions=plan_delivery(
                first=first, end=end, months=months, today=p.today, zone=p.zone
            ),
            reviews=reviews.stage("review", months),
            reviews_by_reason=[
                (label, reviews.by_agency[key])
                for key, label in REVIEW_REASON_LABELS.items()
                if key in reviews.by_agency
            ],
        )
