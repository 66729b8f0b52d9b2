"""The timeliness report, counted by the database, against a plain per-row computation of
the same rules (screening/reports.py's docstring), on varied YOTs built through the services.

Each YOT has cases waiting for a visit, visits before, on and after their deadline (some with
a reason), visits still to come, missed sessions (some rebooked), findings never written, kept
as a working copy, submitted once or amended, and sign-offs (some reopened and signed off
again). Completions fall just before and just after local midnight of the due date, in
summer time and in winter time, around both clock changes of 2027 (28 March and 31 October),
and closure days move deadlines. The reference below reads every row and decides in Python.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from agencies.models import Agency
from screening.assessment.drafts import draft_reopen, draft_sign_off, draft_submit
from screening.assessment.findings import findings_due_for, findings_save, findings_submit
from screening.booking.services import (
    SessionRequest,
    session_rebook,
    session_record_attendance,
    visit_book,
)
from screening.models import (
    Case,
    ClosureDay,
    DraftEvent,
    OrderType,
    Review,
    Session,
    Visit,
    VisitStatus,
)
from screening.people.workdays import add_working_days, is_working_day
from screening.reports.timeliness import add_months, timeliness_for
from tests import factories
from tests.factories import record_judgements
from tests.messaging import LONDON, freeze

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 11, 19, 12, 0, tzinfo=LONDON)
# Order starts spread over the year, crowded around both clock changes and month ends.
ORDER_STARTS = [
    dt.date(2027, 2, 22),
    dt.date(2027, 3, 15),
    dt.date(2027, 3, 19),
    dt.date(2027, 3, 22),
    dt.date(2027, 3, 23),
    dt.date(2027, 3, 31),
    dt.date(2027, 5, 24),
    dt.date(2027, 9, 27),
    dt.date(2027, 10, 18),
    dt.date(2027, 10, 22),
    dt.date(2027, 10, 25),
    dt.date(2027, 10, 26),
    dt.date(2027, 11, 8),
    dt.date(2027, 11, 15),
    dt.date(2027, 11, 18),
]
CLOSURES = [dt.date(2027, 3, 30), dt.date(2027, 10, 29), dt.date(2027, 11, 2)]
SLOTS = [dt.time(9), dt.time(11, 40), dt.time(14, 20)]
PERIODS = [
    (dt.date(2027, 2, 1), dt.date(2027, 11, 1)),
    (dt.date(2027, 3, 1), dt.date(2027, 4, 1)),
    (dt.date(2027, 10, 1), dt.date(2027, 10, 1)),
    (dt.date(2027, 11, 1), dt.date(2027, 12, 1)),
]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def around_midnight_after(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment just before or just after the local midnight ending `day`, or well clear."""
    return rng.choice(
        [
            at(day, 23, 30),  # on the due date, after 23:00 UTC in summer time
            at(day + dt.timedelta(days=1), 0, 30),  # the next local day, same UTC date in summer
            at(day - dt.timedelta(days=1), 15),
            at(day + dt.timedelta(days=4), 10),
        ]
    )


def working_day_on_or_after(day: dt.date, closures) -> dt.date:
    while not is_working_day(day, closures=closures):
        day += dt.timedelta(days=1)
    return day


class YotBuilder:
    """Builds one varied YOT through the services, moving a frozen clock as it goes."""

    def __init__(self, clock, rng: random.Random) -> None:
        self.clock, self.rng = clock, rng
        self.manager = factories.make_user(role=Role.YOT_MANAGER)
        self.case_manager = factories.make_user(role=Role.CASE_MANAGER)
        self.agencies = list(Agency.objects.filter(required_by_default=True).order_by("order"))
        self.team = {a.code: self._practitioner(a) for a in self.agencies}
        self.cover = {a.code: self._practitioner(a) for a in self.agencies}  # for rebookings
        self.room, self.rebook_room = factories.make_room(), factories.make_room()
        self.booked: dict[dt.date, int] = defaultdict(int)
        self.rebooked: set[dt.date] = set()
        self.closures = frozenset(CLOSURES)

    def _practitioner(self, agency: Agency):
        return factories.make_working_practitioner(agency=agency, hours=(8, 18))

    def free_day(self, day: dt.date) -> tuple[dt.date, int]:
        day = working_day_on_or_after(day, self.closures)
        while self.booked[day] >= len(SLOTS):
            day = working_day_on_or_after(day + dt.timedelta(days=1), self.closures)
        slot = self.booked[day]
        self.booked[day] += 1
        return day, slot

    def case(self, order_start: dt.date) -> None:
        rng = self.rng
        self.clock.moment = at(order_start, 9)
        case = factories.make_case(
            order_type=rng.choice([OrderType.REFERRAL_ORDER, OrderType.OTHER]),
            order_start_date=order_start,
            case_manager=self.case_manager,
        )
        story = rng.choice(["waiting", "visited", "visited", "visited", "future"])
        if story == "waiting":
            return
        if story == "future":
            day, slot = self.free_day(NOW.date() + dt.timedelta(days=rng.randrange(2, 9)))
            self.book(case, day, slot, late_reason=self.reason_if_late(case, day))
            return
        day, slot = self.free_day(case.visit_due_by + dt.timedelta(days=rng.randrange(-4, 5)))
        self.clock.moment = at(order_start, 10)
        visit = self.book(case, day, slot, late_reason=self.reason_if_late(case, day))
        self.after_visit(case, visit)

    def reason_if_late(self, case: Case, day: dt.date) -> str:
        """Booking after the deadline needs a reason (the service insists)."""
        if day <= case.visit_due_by:
            return ""
        return self.rng.choice(["Interpreter not available", "Young person unwell"])

    def book(self, case: Case, day: dt.date, slot: int, *, late_reason: str) -> Visit:
        start = dt.datetime.combine(day, SLOTS[slot], tzinfo=LONDON)
        requests = []
        for agency in self.agencies:
            requests.append(
                SessionRequest(agency=agency, practitioner=self.team[agency.code], start=start)
            )
            start += dt.timedelta(minutes=agency.default_duration_minutes + 5)
        return visit_book(
            case=case,
            room=self.room,
            sessions=requests,
            late_reason=late_reason,
            record_past=start < self.clock.moment,
        )

    def after_visit(self, case: Case, visit: Visit) -> None:
        rng = self.rng
        sessions = list(visit.sessions.select_related("agency", "practitioner__user"))
        missed = {s.pk for s in sessions if rng.random() < 0.2}
        for session in sessions:
            self.clock.moment = session.start + dt.timedelta(minutes=20)
            attended = session.pk not in missed
            reason = "" if attended else rng.choice(["Did not come", "Unwell"])
            session_record_attendance(session=session, attended=attended, reason=reason)
        for session in sessions:
            if session.pk in missed and rng.random() < 0.6:
                self.rebook(session)
        last = visit.start
        for session in sessions:
            if session.pk not in missed:
                last = max(last, self.findings(session))
        draft = getattr(Case.objects.get(pk=case.pk), "assessment_draft", None)
        if draft is None or rng.random() < 0.25:
            return
        moment = max(
            last + dt.timedelta(hours=1), around_midnight_after(case.assessment_due_by, rng)
        )
        if moment >= NOW:
            return
        self.clock.moment = moment
        draft = record_judgements(draft)
        draft_submit(draft=draft, user=case.case_manager)
        draft_sign_off(draft=draft, user=self.manager)
        if rng.random() < 0.3 and moment + dt.timedelta(days=3) < NOW:
            self.clock.moment = moment + dt.timedelta(days=2)
            draft_reopen(draft=draft, user=self.manager, reason="Health findings amended")
            draft.refresh_from_db()
            draft_submit(draft=draft, user=case.case_manager)
            self.clock.moment = moment + dt.timedelta(days=3)
            draft_sign_off(draft=draft, user=self.manager)

    def rebook(self, missed: Session) -> None:
        code = missed.agency.code
        day = working_day_on_or_after(missed.start.date() + dt.timedelta(days=2), self.closures)
        while day in self.rebooked:
            day = working_day_on_or_after(day + dt.timedelta(days=1), self.closures)
        self.rebooked.add(day)
        missed.refresh_from_db()
        session_rebook(
            missed=missed,
            room=self.rebook_room,
            practitioner=self.cover[code],
            start=at(day, 16),
            reason="Young person was unwell",
        )

    def findings(self, session: Session) -> dt.datetime:
        """Nothing, a working copy, a submission near its due date, or an amendment too."""
        rng, user, code = self.rng, session.practitioner.user, session.agency.code
        what = rng.choice(["none", "copy", "submit", "submit", "submit", "amend"])
        if what == "none":
            return session.start
        moment = around_midnight_after(findings_due_for(session=session), rng)
        moment = max(moment, session.start + dt.timedelta(hours=1))
        if moment >= NOW:
            return session.start
        self.clock.moment = moment
        if what == "copy":
            findings_save(session=session, answers={"consent": "young_person"}, user=user)
            return moment
        findings_submit(session=session, user=user, answers=factories.complete_answers(code))
        if what == "amend" and moment + dt.timedelta(days=1) < NOW:
            self.clock.moment = moment + dt.timedelta(days=1)
            answers = factories.complete_answers(code, strengths="Volunteers at a food bank.")
            findings_submit(session=session, user=user, answers=answers)
            return self.clock.moment
        return moment


def freeze_draft_events(monkeypatch, clock) -> None:
    """Draft events take their time from a field default, which holds the real
    timezone.now (bound when the model was defined): give it the frozen clock too."""
    monkeypatch.setattr(DraftEvent._meta.get_field("at"), "_get_default", clock)


def start_yot(monkeypatch, seed: int) -> tuple[object, YotBuilder]:
    """A frozen clock, the closure days and a builder of cases."""
    clock = freeze(monkeypatch, NOW)
    freeze_draft_events(monkeypatch, clock)
    for day in CLOSURES:
        ClosureDay.objects.create(date=day, reason="Staff training")
    return clock, YotBuilder(clock, random.Random(seed))


def build_yot(monkeypatch, seed: int) -> None:
    clock, builder = start_yot(monkeypatch, seed)
    for order_start in ORDER_STARTS * 2:
        builder.case(order_start)
    clock.moment = NOW


# --- the reference: every row read, every rule decided in Python ------------------------------


@dataclass(frozen=True)
class Item:
    stage: str
    case: Case
    agency: Agency | None
    due: dt.date
    done: dt.date | None


def local(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def reference_items(now: dt.datetime) -> list[Item]:
    closures = frozenset(ClosureDay.objects.values_list("date", flat=True))
    days = settings.SCREENING_DEADLINES["findings_working_days"]
    items = []
    for case in Case.objects.all():
        # Seen once every agency booked on the case's own visits has a session that
        # happened (started, not missed), rebookings included: the last such first session.
        live = [v for v in case.visits.all() if v.status != VisitStatus.CANCELLED]
        owed = {
            s.agency_id
            for v in live
            if v.rebook_of_id is None
            for s in v.sessions.all()
            if not s.cancelled
        }
        happened: dict[int, dt.datetime] = {}
        for v in live:
            for s in v.sessions.all():
                if not s.cancelled and s.attended is not False and s.start <= now:
                    happened[s.agency_id] = min(s.start, happened.get(s.agency_id, s.start))
        seen = max(happened[a] for a in owed) if owed and owed <= set(happened) else None
        items.append(Item("visit", case, None, case.visit_due_by, local(seen) if seen else None))
        sign_offs = list(
            DraftEvent.objects.filter(
                draft__case=case, kind=DraftEvent.Kind.SIGNED_OFF
            ).values_list("at", flat=True)
        )
        done = local(min(sign_offs)) if sign_offs else None
        items.append(Item("assessment", case, None, case.assessment_due_by, done))
    for session in Session.objects.select_related("visit__case", "agency"):
        if not session.attended or session.cancelled:
            continue
        if session.visit.status == VisitStatus.CANCELLED:
            continue
        findings = list(session.findings.all())
        if findings:
            due = min(f.due_by for f in findings)
        else:
            due = add_working_days(local(session.start), days, closures=closures)
        submitted = [f.submitted_at for f in findings if f.submitted_at is not None]
        done = local(min(submitted)) if submitted else None
        items.append(Item("findings", session.visit.case, session.agency, due, done))
    return items


def reference(first: dt.date, last: dt.date, now: dt.datetime) -> dict:
    end, today = add_months(last, 1), local(now)
    months = []
    m = first
    while m < end:
        months.append(m)
        m = add_months(m, 1)
    stages = {
        key: {"total": [0, 0], "open": 0, "months": {m: [0, 0] for m in months}}
        for key in ("visit", "findings", "assessment")
    }
    agencies: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    late_cases = set()
    for item in reference_items(now):
        if not first <= item.due < end:
            continue
        stage = stages[item.stage]
        if item.done is None and item.due >= today:
            stage["open"] += 1
            continue
        late = 0 if item.done is not None and item.done <= item.due else 1
        stage["total"][late] += 1
        stage["months"][item.due.replace(day=1)][late] += 1
        if item.agency is not None:
            agencies[(item.agency.order, item.agency.name)][late] += 1
        if late:
            late_cases.add(item.case)
    reasons = []
    for case in sorted(late_cases, key=lambda c: c.reference):
        visits = [v for v in case.visits.order_by("start", "id") if v.status != "cancelled"]
        for v in visits:
            if v.rebook_of_id is None and v.late_reason.strip():
                reasons.append(
                    (
                        case.reference,
                        "Visit after the deadline",
                        v.late_reason.strip(),
                        local(v.start),
                    )
                )
        for v in visits:
            for s in v.sessions.order_by("start", "id"):
                if s.attended is False and not s.cancelled and s.rebooked_by.exists():
                    text = s.attendance_reason.strip() or "No reason recorded"
                    reasons.append(
                        (case.reference, "Missed session, rebooked", text, local(s.start))
                    )
    # Then each late review due in the period (signed off after its due date, or open past
    # it), by case reference and due date, with its own late reason.
    late_reviews = [
        r
        for r in Review.objects.select_related("case")
        if first <= r.due_by < end
        and (r.signed_off_on > r.due_by if r.signed_off_on else r.due_by < today)
    ]
    for r in sorted(late_reviews, key=lambda r: (r.case.reference, r.due_by, r.pk)):
        text = r.late_reason.strip() or "No reason recorded"
        kind = (
            "Review signed off after its due date"
            if r.signed_off_on
            else "Review still open after its due date"
        )
        reasons.append((r.case.reference, kind, text, r.due_by))
    return {
        "stages": {
            key: (tuple(s["total"]), s["open"], [(m, tuple(r)) for m, r in s["months"].items()])
            for key, s in stages.items()
        },
        "agencies": [(name, tuple(r)) for (_, name), r in sorted(agencies.items())],
        "reasons": reasons,
    }


def report_as_reference(first: dt.date, last: dt.date) -> dict:
    manager = factories.make_user(role=Role.YOT_MANAGER)
    report = timeliness_for(user=manager, first_month=first, last_month=last, now=NOW)
    return {
        "stages": {
            s.key: (
                (s.total.on_time, s.total.late),
                s.not_yet_due,
                [(m, (r.on_time, r.late)) for m, r in s.by_month],
            )
            for s in report.stages
        },
        "agencies": [(name, (r.on_time, r.late)) for name, r in report.findings_by_agency],
        "reasons": [(r.case_reference, r.kind, r.text, r.on) for r in report.reasons],
    }


def check_yot_is_varied() -> None:
    """The data set reaches every branch the report distinguishes (else the test is weak)."""
    items = reference_items(NOW)
    today = local(NOW)
    for stage in ("visit", "findings", "assessment"):
        of_stage = [i for i in items if i.stage == stage]
        assert any(i.done is not None and i.done <= i.due for i in of_stage), stage
        assert any(i.done is not None and i.done > i.due for i in of_stage), stage
        assert any(i.done is None and i.due < today for i in of_stage), stage
        assert any(i.done is None and i.due >= today for i in of_stage), stage
    # Completed one local day after the due date, but on the same UTC date.
    assert any(
        i.done is not None
        and i.done == i.due + dt.timedelta(days=1)
        and i.due.month in (4, 5, 6, 7, 8, 9, 10)
        for i in items
    )
    assert Case.objects.filter(visits__isnull=True).exists()
    assert Session.objects.filter(attended=True, findings__isnull=True).exists()
    assert Session.objects.filter(findings__version=2).exists()
    assert Session.objects.filter(findings__status="draft", findings__version=1).exists()
    assert Visit.objects.filter(rebook_of__isnull=False).exists()
    assert DraftEvent.objects.filter(kind=DraftEvent.Kind.REOPENED).exists()


@pytest.mark.parametrize("seed", [5])
def test_database_counts_equal_a_per_row_count_of_the_same_rules(monkeypatch, seed):
    build_yot(monkeypatch, seed)
    check_yot_is_varied()
    for first, last in PERIODS:
        assert report_as_reference(first, last) == reference(first, last, NOW), (first, last)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [8, 13, 21])
def test_database_counts_equal_a_per_row_count_on_more_yots(monkeypatch, seed):
    build_yot(monkeypatch, seed)
    for first, last in PERIODS:
        assert report_as_reference(first, last) == reference(first, last, NOW), (first, last)


# --- the number of queries ---------------------------------------------------------------------


def test_report_query_count_does_not_grow_with_the_cases(monkeypatch):
    clock, builder = start_yot(monkeypatch, 5)
    manager = factories.make_user(role=Role.YOT_MANAGER)
    first, last = PERIODS[0]

    def queries() -> tuple[int, int, int]:
        clock.moment = NOW
        with CaptureQueriesContext(connection) as captured:
            report = timeliness_for(user=manager, first_month=first, last_month=last)
        counted = sum(s.total.counted + s.not_yet_due for s in report.stages)
        return len(captured), counted, len(report.reasons)

    for order_start in ORDER_STARTS[:4]:
        builder.case(order_start)
    few, few_items, few_reasons = queries()
    for order_start in ORDER_STARTS[4:] + ORDER_STARTS * 2:
        builder.case(order_start)
    many, many_items, many_reasons = queries()
    assert many_items > 3 * few_items and many_reasons > few_reasons
    assert many == few
