"""The simulated YOT: orders arrive, each case is booked through the same search and
booking services an admin uses (earliest option), attendance is recorded, missed sessions
are rebooked by the real rebooking rule, findings are submitted and drafts signed off
through the real services, each at its simulated moment."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, User
from agencies.local_time import yot_zone
from agencies.models import Agency, FindingsForm, Practitioner
from screening.assessment.drafts import draft_edit, draft_sign_off, draft_submit
from screening.assessment.findings import findings_submit, form_current
from screening.booking.options import VisitOptions, visit_options
from screening.booking.services import (
    SessionRequest,
    rebook_due_by,
    session_rebook,
    session_record_attendance,
    visit_book,
)
from screening.models import AssessmentDraft, Case, Session, Visit
from screening.people.cases import case_create
from screening.people.deadlines import closure_days
from screening.people.workdays import add_working_days
from screening.people.young_people import young_person_create
from screening.planner.answers import answers_for
from screening.planner.clock import SimulatedClock, driven
from screening.planner.demand import Arrivals, Attendance, Delay, Order
from screening.scheduling import expand as ex
from screening.scheduling.explain import ROOM, first_free

ONE_VISIT, SEPARATE = "one_visit", "separate"
MISSED_REASON = "Did not attend"
REBOOK_REASON = "Missed the session; rebooked at the earliest time"
NO_OPTION = "No time was found within the search horizon"
DRAIN = dt.timedelta(days=91)
# Bottlenecks that are not an agency, in words.
A_ROOM = "A free room"
FIT = "Fitting the sessions back to back"  # each part free, never together in one room
JUDGEMENTS = {
    key: {"level": "low", "reason": "Simulated judgement."}
    for key in ("risk_of_serious_harm", "safety_and_wellbeing", "likelihood_of_reoffending")
}


@dataclass(frozen=True)
class Params:
    weeks: int
    first_monday: dt.date
    arrivals: Arrivals
    attendance: Attendance = field(default_factory=Attendance)
    findings_delay: Delay = field(default_factory=lambda: Delay(median=1, late_share=0.10, due=2))
    sign_off_delay: Delay = field(default_factory=lambda: Delay(median=2, late_share=0.10, due=5))
    seed: int = 1
    model: str = ONE_VISIT

    def __post_init__(self) -> None:
        if not 1 <= self.weeks <= 52:
            raise ValueError("Simulate from 1 to 52 weeks.")
        if self.model not in (ONE_VISIT, SEPARATE):
            raise ValueError(f"The model is {ONE_VISIT} or {SEPARATE}.")


@dataclass
class Log:
    """What the database does not record: which part set each booking's earliest start,
    the bookings that found no time, and how many service calls were made."""

    bottlenecks: Counter = field(default_factory=Counter)
    unbooked: list[tuple[str, str]] = field(default_factory=list)
    bookings: int = 0
    booking_seconds: float = 0.0
    orders: int = 0


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=yot_zone())


class Simulation:
    def __init__(self, params: Params) -> None:
        self.p = params
        self.zone = yot_zone()
        self.clock = SimulatedClock(_at(params.first_monday, 7))
        self.events: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self.seq = itertools.count()
        self.log = Log()
        self.closures = closure_days()
        self.outstanding: dict[int, set[str]] = {}  # case id -> agencies without findings
        self.number: dict[int, int] = {}  # case id -> order number (the per-case seed)
        self.forms: dict[int, FindingsForm] = {}  # agency id -> its current findings form

    # --- randomness: one stream per order and purpose, so a change to capacity never
    # shifts what the young people do or how fast the practitioners write -------------
    def rng(self, case: Case, *purpose: object) -> random.Random:
        return random.Random(f"{self.p.seed}:{self.number[case.pk]}:" + ":".join(map(str, purpose)))

    def at(self, moment: dt.datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self.events, (moment, next(self.seq), action))

    def run(self) -> Log:
        with driven(self.clock):
            self._people()
            orders = self.p.arrivals.orders(
                first_monday=self.p.first_monday,
                weeks=self.p.weeks,
                rng=random.Random(f"{self.p.seed}:arrivals"),
                closures=self.closures,
            )
            self.log.orders = len(orders)
            for order in orders:
                self.at(_at(order.start, 9, order.number % 60), lambda o=order: self.arrive(o))
            # Work still open this long after the last order is left undone (a young person
            # who never attends would be rebooked for ever); the rules count it late.
            stop = _at(self.p.first_monday + dt.timedelta(weeks=self.p.weeks) + DRAIN, 0)
            while self.events and self.events[0][0] < stop:
                moment, _, action = heapq.heappop(self.events)
                self.clock.set(moment)
                action()
        return self.log

    def _people(self) -> None:
        """The staff the services need: a case manager, a YOT manager and a login for each
        practitioner (the copied set-up has none)."""
        self.case_manager = User.objects.create(username="planner.cm", role=Role.CASE_MANAGER)
        self.manager = User.objects.create(username="planner.manager", role=Role.YOT_MANAGER)
        for p in Practitioner.objects.filter(user__isnull=True):
            p.user = User.objects.create(username=f"planner.p{p.pk}", role=Role.PRACTITIONER)
            p.save(update_fields=["user"])
        self.agencies = list(Agency.objects.filter(required_by_default=True).order_by("order"))

    # --- arrival and booking ------------------------------------------------------------
    def arrive(self, order: Order) -> None:
        person = young_person_create(
            given_name="Simulated",
            family_name=f"Young person {order.number + 1}",
            date_of_birth=order.start.replace(year=order.start.year - 15, day=1),
        )
        case = case_create(
            young_person=person,
            order_type=order.order_type,
            order_start_date=order.start,
            case_manager=self.case_manager,
        )
        self.number[case.pk] = order.number
        self.outstanding[case.pk] = {a.code for a in self.agencies}
        if self.p.model == ONE_VISIT:
            self.book(case, self.agencies)
        else:
            for agency in self.agencies:
                self.book(case, [agency])

    def _choose(self, found: VisitOptions):
        if found.options:
            return found.options[0], ""
        if found.after_deadline:
            return found.after_deadline[0], (found.reasons[0] if found.reasons else NO_OPTION)
        return None, ""

    def _bottleneck(self, found: VisitOptions, start: int) -> str:
        parts = first_free(found.request)
        if any(v is None for v in parts.values()):
            key = next(k for k, v in parts.items() if v is None)
        else:
            key = max(parts, key=lambda k: parts[k])
            if parts[key] < start - 5:
                key = FIT
        if key == ROOM:
            return A_ROOM
        if key == FIT:
            return FIT
        return found.agencies[key].name

    def book(self, case: Case, agencies: list[Agency], missed: Session | None = None) -> None:
        started = dt.datetime.now()
        deadline = rebook_due_by(session=missed) if missed else None
        found = visit_options(case=case, agencies=agencies, count=1, deadline=deadline)
        option, late_reason = self._choose(found)
        if option is None:
            self.log.unbooked.append(
                (case.reference, found.reasons[0] if found.reasons else NO_OPTION)
            )
            return
        self.log.bottlenecks[self._bottleneck(found, option.start)] += 1
        room = found.rooms[option.room]
        planned = [
            SessionRequest(
                agency=found.agencies[s.agency],
                practitioner=found.practitioners[s.practitioner],
                start=ex.from_minutes(s.start),
                end=ex.from_minutes(s.end),
            )
            for s in option.sessions
        ]
        interpreter = found.interpreters.get(option.interpreter) if option.interpreter else None
        if missed is None:
            visit = visit_book(
                case=case,
                room=room,
                sessions=planned,
                late_reason=late_reason,
                interpreter=interpreter,
            )
        else:
            one = planned[0]
            visit = session_rebook(
                missed=missed,
                room=room,
                practitioner=one.practitioner,
                start=one.start,
                end=one.end,
                reason=REBOOK_REASON,
                late_reason=late_reason,
                interpreter=interpreter,
            )
        self.log.bookings += 1
        self.log.booking_seconds += (dt.datetime.now() - started).total_seconds()
        self.at(visit.end, lambda v=visit: self.attend(v))

    # --- the day of the visit -------------------------------------------------------------
    def attend(self, visit: Visit) -> None:
        case = visit.case
        _, missed = self.p.attendance.draw(self.rng(case, "visit", visit.pk))
        # Read once, with what findings and rebooking use; each then as recorded.
        recorded = list(
            visit.sessions.select_related("agency", "practitioner__user", "visit__case")
        )
        for session in recorded:
            done = session_record_attendance(
                session=session, attended=not missed, reason=MISSED_REASON if missed else ""
            )
            session.attended, session.attendance_reason = done.attended, done.attendance_reason
            session.attendance_recorded_at = done.attendance_recorded_at
        for session in recorded:
            if missed:
                self.book(case, [session.agency], missed=session)
            else:
                self.schedule_findings(session)

    def schedule_findings(self, session: Session) -> None:
        case = session.visit.case
        delay = self.p.findings_delay.draw(self.rng(case, "findings", session.agency.code))
        day = add_working_days(timezone.localdate(session.end), delay, closures=self.closures)
        moment = max(_at(day, 16), session.end + dt.timedelta(minutes=30))
        self.at(moment, lambda s=session: self.write_findings(s))

    def write_findings(self, session: Session) -> None:
        # Forms are versions, never edited, and nobody publishes one during a run.
        if session.agency_id not in self.forms:
            self.forms[session.agency_id] = form_current(agency=session.agency)
        form = self.forms[session.agency_id]
        findings_submit(
            session=session,
            user=session.practitioner.user,
            answers=answers_for(form.questions, today=timezone.localdate()),
        )
        case = session.visit.case
        waiting = self.outstanding[case.pk]
        waiting.discard(session.agency.code)
        if not waiting:
            self.send_for_sign_off(case)

    def send_for_sign_off(self, case: Case) -> None:
        draft = AssessmentDraft.objects.get(case_id=case.pk)
        pending = [{"key": k, "reviewed": True} for k in draft.sections.filter(
            needs_review=True).values_list("key", flat=True)]  # fmt: skip
        draft = draft_edit(
            draft=draft,
            user=self.case_manager,
            judgements=JUDGEMENTS,
            sections=pending or None,
            plan_reviewed=draft.plan_needs_review,
        )
        try:
            draft = draft_submit(draft=draft, user=self.case_manager)
        except ValidationError:
            return  # stays with the case manager; counted as not signed off
        delay = self.p.sign_off_delay.draw(self.rng(case, "sign_off"))
        day = add_working_days(timezone.localdate(), delay, closures=self.closures)
        moment = max(_at(day, 15), self.clock.now() + dt.timedelta(minutes=30))
        self.at(moment, lambda d=draft: draft_sign_off(draft=d, user=self.manager))
