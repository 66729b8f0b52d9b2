"""A large synthetic YOT for the list benchmark, written in bulk but consistent with what the
services would have written.

Staff, practitioners (with their working patterns), venues and rooms are made through the
real services. Young people, cases, visits, sessions, findings, drafts, texts, replies,
tasks, alerts, audit entries and visit history are planned in Python first and then written
with bulk_create: the services take tens of queries per case, far too slow for 10,000
cases. The plan follows the services' rules: deadlines from `case_deadlines` and
`findings_due_by`, drafts from the real merge engine (`screening.assessment.merge`), urgent
alerts from the same concern rules, and no practitioner or room ever double-booked (the
database guards would refuse the insert if the plan were wrong).

Cases are spread over every stage: waiting for a visit (some overdue), booked (some after
a cancelled first booking), visited with findings partly missing (some with a saved working
copy), a missed session, drafts being edited, awaiting sign-off and signed off.

`plan_yot` plans everything; `write_cases` writes any subset of the planned cases, so a
caller can write a few first, measure, and then write the rest.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from agencies.models import Agency, FindingsForm, Practitioner
from agencies.services import practitioner_create, working_pattern_create
from demo.findings import demo_answers
from demo.seed import YOUNG_PEOPLE
from screening.assessment.drafts import _urgent_flags, contributions_of
from screening.assessment.merge import merge
from screening.models import (
    AdminTask,
    Alert,
    AssessmentDraft,
    AssessmentLayout,
    AuditEntry,
    Case,
    CaseReferenceCounter,
    DraftEvent,
    DraftSection,
    DraftStatus,
    Finding,
    FindingStatus,
    InboundMessage,
    Message,
    MessagePurpose,
    MessageStatus,
    OrderType,
    Room,
    Session,
    Visit,
    VisitHistory,
    VisitStatus,
    YoungPerson,
)
from screening.people.deadlines import case_deadlines, closure_days, findings_due_by
from screening.people.workdays import is_working_day
from screening.venues.services import room_create, venue_create

AGENCY_CODES = ["speech_language", "health", "education", "social_care"]
PER_AGENCY = 12  # one practitioner per agency per room: 12 rooms run at once
VENUES = 3
ROOMS_PER_VENUE = 4
SLOT_STARTS = [dt.time(8), dt.time(10, 30), dt.time(13), dt.time(15, 30)]  # 2 h 30 each
GAP = 5  # minutes between sessions
CASE_MANAGERS = 8
ORDER_TYPES = [
    OrderType.REFERRAL_ORDER,
    OrderType.YOUTH_REHABILITATION_ORDER,
    OrderType.REFERRAL_ORDER,
    OrderType.DETENTION_AND_TRAINING_ORDER,
    OrderType.YOUTH_CONDITIONAL_CAUTION,
    OrderType.OTHER,
]
LATE_REASON = "Young person unwell on the first date offered"
MISSED_REASON = "Did not attend: young person unwell"
CASE_MANAGER_NOTE = "Lives with mum and two younger brothers; says home is calm at present."


@dataclass
class Staff:
    admins: list[User]
    case_managers: list[User]  # the busy ones, round robin over most cases
    quiet_case_manager: User  # manages the few cases the first write holds
    managers: list[User]
    system_admin: User
    practitioners: dict[str, list[Practitioner]]
    quiet_practitioner: Practitioner  # runs the health sessions of the quiet cases only
    rooms: list[Room]


@dataclass
class CasePlan:
    index: int
    stage: str  # waiting, booked, rebooked, partial, missed, editing, awaiting, signed
    order_type: str
    order_start: dt.date
    case_manager: User
    visit_day: dt.date | None = None
    slot: int = 0
    room: int = 0
    cancelled_day: dt.date | None = None
    quiet: bool = False
    confirmed: bool = False  # replied YES
    asks_change: bool = False  # replied asking to rearrange: an admin task
    undelivered: bool = False  # the confirmation text was not delivered: an admin task


@dataclass
class Plan:
    staff: Staff
    cases: list[CasePlan]
    today: dt.date
    now: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)


def _fast_hasher():
    from django.test.utils import override_settings

    # Logins in the benchmark use force_login; hashing cost is not what it measures.
    return override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def make_staff() -> Staff:
    """Staff, practitioners with weekday working patterns, and 12 rooms, via the services."""
    with _fast_hasher(), transaction.atomic():

        def user(username: str, role: str, first: str, last: str) -> User:
            return user_create(
                username=username,
                password="bench-password-2030",
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}@yot.example.org",
            )

        admins = [user(f"admin.{n}", Role.YOT_ADMIN, "Admin", f"Number {n}") for n in range(2)]
        cms = [
            user(f"cm.{n}", Role.CASE_MANAGER, "Case", f"Manager {n}") for n in range(CASE_MANAGERS)
        ]
        quiet_cm = user("cm.quiet", Role.CASE_MANAGER, "Quiet", "Caseload")
        managers = [user(f"manager.{n}", Role.YOT_MANAGER, "Yot", f"Manager {n}") for n in range(2)]
        sysadmin = user("sysadmin.0", Role.SYSTEM_ADMIN, "System", "Admin")
        agencies = {a.code: a for a in Agency.objects.filter(code__in=AGENCY_CODES)}
        valid_from = timezone.localdate() - dt.timedelta(days=400)
        team: dict[str, list[Practitioner]] = {}

        def practitioner(code: str, name: str) -> Practitioner:
            login = user(name.lower().replace(" ", "."), Role.PRACTITIONER, *name.split(" ", 1))
            p = practitioner_create(
                agency=agencies[code],
                name=name,
                user=login,
                email=f"{login.username}@partners.example.org",
                daily_session_cap=6,
            )
            working_pattern_create(
                practitioner=p,
                weekdays=[0, 1, 2, 3, 4],
                start_time=dt.time(8),
                end_time=dt.time(18),
                valid_from=valid_from,
            )
            return p

        for code in AGENCY_CODES:
            team[code] = [
                practitioner(code, f"{code.title()} Worker{n}") for n in range(PER_AGENCY)
            ]
        quiet = practitioner("health", "Health Newstarter")
        rooms = []
        for v in range(VENUES):
            venue = venue_create(name=f"Hub {v}", address=f"{v + 1} Market Street, Ashworth")
            rooms += [room_create(venue=venue, name=f"Room {r}") for r in range(ROOMS_PER_VENUE)]
    return Staff(admins, cms, quiet_cm, managers, sysadmin, team, quiet, rooms)


def _working_days(start: dt.date, count: int, step: int, closed) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        if is_working_day(day, closures=closed):
            days.append(day)
        day += dt.timedelta(days=step)
    return days


def _stage(rng: random.Random, age: int) -> str:
    """A past visit's story; recent visits are earlier in the flow than old ones."""
    if rng.random() < 0.04:
        return "missed"
    if age < 8:
        weights = {"partial": 45, "editing": 30, "awaiting": 15, "signed": 10}
    else:
        weights = {"partial": 4, "editing": 5, "awaiting": 6, "signed": 85}
    return rng.choices(list(weights), list(weights.values()))[0]


def plan_yot(*, cases: int, staff: Staff, seed: int = 11) -> Plan:
    """Plan `cases` cases: about 6% waiting for a visit, 8% booked, the rest visited."""
    rng = random.Random(seed)
    closed = closure_days()
    now = timezone.now()
    today = timezone.localdate(now)
    per_day = len(staff.rooms) * len(SLOT_STARTS)
    waiting = max(4, cases * 6 // 100)
    booked = max(4, cases * 8 // 100)
    past = cases - waiting - booked
    past_days = _working_days(today - dt.timedelta(days=1), -(-past // per_day), -1, closed)
    future_days = _working_days(today, -(-booked // per_day), 1, closed)
    back = _working_days(today, 12, -1, closed)
    plans: list[CasePlan] = []

    def case_plan(stage: str, start: dt.date, **extra) -> CasePlan:
        n = len(plans)
        return CasePlan(
            index=n,
            stage=stage,
            order_type=ORDER_TYPES[n % len(ORDER_TYPES)],
            order_start=start,
            case_manager=staff.case_managers[n % len(staff.case_managers)],
            **extra,
        )

    for k in range(past):
        day = past_days[k // per_day]
        age = k // per_day
        before = _working_days(day, 1 + rng.randrange(7), -1, closed)[-1]
        plans.append(
            case_plan(
                _stage(rng, age),
                before,
                visit_day=day,
                slot=(k % per_day) // len(staff.rooms),
                room=k % len(staff.rooms),
            )
        )
    for k in range(booked):
        day = future_days[k // per_day]
        start = back[rng.randrange(4)]
        stage = "rebooked" if rng.random() < 0.05 else "booked"
        plans.append(
            case_plan(
                stage,
                start,
                visit_day=day,
                slot=(k % per_day) // len(staff.rooms),
                room=k % len(staff.rooms),
                cancelled_day=start if stage == "rebooked" else None,
            )
        )
    for _ in range(waiting):
        plans.append(case_plan("waiting", back[rng.randrange(len(back))]))
    for p in plans:
        if p.visit_day is not None:
            p.confirmed = rng.random() < 0.6
            texted = p.index % 5 != 4  # the young person's consent to texts, as written
            p.asks_change = texted and not p.confirmed and rng.random() < 0.03
            p.undelivered = texted and rng.random() < 0.02
    # A quiet caseload: one case at each of a few stages, with the newest health practitioner.
    for stage in ("waiting", "booked", "partial", "signed"):
        plan = next(p for p in plans if p.stage == stage and not p.quiet)
        plan.quiet = True
        plan.case_manager = staff.quiet_case_manager
    counts: dict[str, int] = {}
    for p in plans:
        counts[p.stage] = counts.get(p.stage, 0) + 1
    return Plan(staff=staff, cases=plans, today=today, now=now, counts=counts)


def first_write(plan: Plan, *, per_kind: int = 2) -> list[CasePlan]:
    """A few cases of every stage, the quiet caseload, and a few of each kind that fills a
    work list (unconfirmed visits to come, undelivered texts old and recent, a request to
    rearrange), so every list has rows in a small first write too."""
    week_end = plan.today + dt.timedelta(days=7 - plan.today.weekday())
    kinds = {
        "unconfirmed this week": lambda p: (
            p.stage == "booked" and not p.confirmed and plan.today < p.visit_day < week_end
        ),
        "undelivered, recent": lambda p: p.undelivered and p.stage in {"booked", "partial"},
        "undelivered, old": lambda p: p.undelivered and p.stage == "signed",
        "asks to rearrange": lambda p: p.asks_change,
        # The first busy case manager's dashboard lists their visits this week.
        "a busy caseload's visit this week": lambda p: (
            p.case_manager == plan.staff.case_managers[0]
            and p.stage == "booked"
            and p.visit_day < week_end
        ),
    }
    kinds.update({stage: (lambda p, s=stage: p.stage == s) for stage in plan.counts})
    chosen = {p.index: p for p in plan.cases if p.quiet}
    for wanted in kinds.values():
        for p in [p for p in plan.cases if wanted(p)][:per_kind]:
            chosen[p.index] = p
    return sorted(chosen.values(), key=lambda p: p.index)


# --- writing -----------------------------------------------------------------------------


def p_confirmed_at(p: CasePlan, start: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """A YES reply the evening before the visit, or soon after booking for visits to come."""
    if not p.confirmed:
        return None
    return min(start - dt.timedelta(hours=20), now - dt.timedelta(hours=1))


def _mobile(n: int) -> str:
    return f"+4474001{n:05d}"


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


class _Writer:
    """Collects the rows of a set of cases and writes them table by table."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.staff = plan.staff
        self.agencies = {a.code: a for a in Agency.objects.filter(code__in=AGENCY_CODES)}
        self.forms = {
            code: FindingsForm.objects.filter(agency=agency).latest("version")
            for code, agency in self.agencies.items()
        }
        self.layout = AssessmentLayout.objects.get(active=True)
        self.closed = closure_days()

    # one young person and one case per plan
    def people_and_cases(self, plans: list[CasePlan]) -> dict[int, Case]:
        today = self.plan.today
        people = []
        for p in plans:
            n = p.index
            given, _ = YOUNG_PEOPLE[n % len(YOUNG_PEOPLE)]
            _, family = YOUNG_PEOPLE[(n // len(YOUNG_PEOPLE) + 7 * n) % len(YOUNG_PEOPLE)]
            age = 10 + n % 8
            carer = n % 3 == 0
            people.append(
                YoungPerson(
                    given_name=given,
                    family_name=family,
                    date_of_birth=dt.date(today.year - age - 1, 1 + n % 12, 1 + n % 28),
                    mobile=_mobile(n),
                    sms_consent=n % 5 != 4,
                    parent_carer_name=f"Sam {family}" if carer else "",
                    parent_carer_mobile=_mobile(50000 + n) if carer else "",
                    parent_carer_sms_consent=carer,
                    communication_needs="Short sentences, one question at a time."
                    if n % 4 == 0
                    else "",
                    created_at=_at(p.order_start, dt.time(9)),
                )
            )
        YoungPerson.objects.bulk_create(people)
        cases = []
        for p, person in zip(plans, people, strict=True):
            deadlines = case_deadlines(
                order_type=p.order_type, order_start_date=p.order_start, closures=self.closed
            )
            cases.append(
                Case(
                    reference=f"YJ-{p.order_start.year}-{p.index + 1:04d}",
                    young_person=person,
                    order_type=p.order_type,
                    order_start_date=p.order_start,
                    case_manager=p.case_manager,
                    visit_due_by=deadlines.visit_due_by,
                    assessment_due_by=deadlines.assessment_due_by,
                    findings_due_by=findings_due_by(visit_date=p.visit_day, closures=self.closed)
                    if p.visit_day
                    else None,
                    created_at=_at(p.order_start, dt.time(9, 30)),
                )
            )
        Case.objects.bulk_create(cases)
        return {p.index: c for p, c in zip(plans, cases, strict=True)}

    def _team(self, p: CasePlan, day: dt.date) -> list[Practitioner]:
        # Room r on day d is run by practitioner (r + d) of each agency: a bijection per day,
        # so nobody is in two rooms at once.
        shift = day.toordinal()
        team = [self.staff.practitioners[c][(p.room + shift) % PER_AGENCY] for c in AGENCY_CODES]
        if p.quiet:
            team[1] = self.staff.quiet_practitioner
        return team

    def visits(self, plans: list[CasePlan], cases: dict[int, Case]):
        admin = self.staff.admins[0]
        visits, sessions, owners = [], [], []
        for p in plans:
            if p.visit_day is None:
                continue
            start = _at(p.visit_day, SLOT_STARTS[p.slot])
            past = p.stage not in {"booked", "rebooked"}
            if p.cancelled_day is not None:
                visits.append(
                    Visit(
                        case=cases[p.index],
                        room=self.staff.rooms[p.room],
                        venue_id=self.staff.rooms[p.room].venue_id,
                        status=VisitStatus.CANCELLED,
                        version=2,
                        start=start + dt.timedelta(days=7),
                        end=start + dt.timedelta(days=7, minutes=150),
                        cancel_reason="Young person has a college interview that day",
                        booked_by=admin,
                        created_at=_at(p.cancelled_day, dt.time(11)),
                    )
                )
                owners.append((p, "cancelled"))
            live_visit_status = VisitStatus.COMPLETED if past else VisitStatus.BOOKED
            visits.append(
                Visit(
                    case=cases[p.index],
                    room=self.staff.rooms[p.room],
                    venue_id=self.staff.rooms[p.room].venue_id,
                    status=live_visit_status,
                    start=start,
                    end=start + dt.timedelta(minutes=150),
                    late_reason=LATE_REASON if p.visit_day > cases[p.index].visit_due_by else "",
                    booked_by=admin,
                    created_at=_at(p.order_start, dt.time(12)),
                    confirmed_at=p_confirmed_at(p, start, self.plan.now),
                )
            )
            owners.append((p, "live"))
        Visit.objects.bulk_create(visits)
        for visit, (p, kind) in zip(visits, owners, strict=True):
            at = visit.start
            for code, practitioner in zip(AGENCY_CODES, self._team(p, p.visit_day), strict=True):
                agency = self.agencies[code]
                end = at + dt.timedelta(minutes=agency.default_duration_minutes)
                past = visit.status == VisitStatus.COMPLETED
                missed = past and p.stage == "missed" and code == "health"
                sessions.append(
                    Session(
                        visit=visit,
                        agency=agency,
                        practitioner=practitioner,
                        start=at,
                        end=end,
                        buffer_minutes=10,
                        blocked_until=end + dt.timedelta(minutes=10),
                        cancelled=kind == "cancelled",
                        attended=(not missed) if past else None,
                        attendance_reason=MISSED_REASON if missed else "",
                        attendance_recorded_at=visit.end if past else None,
                    )
                )
                at = end + dt.timedelta(minutes=GAP)
        Session.objects.bulk_create(sessions)
        return visits, owners, sessions

    def history(self, visits, sessions) -> None:
        by_visit: dict[int, list[Session]] = {}
        for s in sessions:
            by_visit.setdefault(s.visit_id, []).append(s)
        rows = []
        admin = self.staff.admins[0]
        for visit in visits:
            snapshot = {
                "room": visit.room_id,
                "start": _iso(visit.start),
                "end": _iso(visit.end),
                "status": VisitStatus.BOOKED,
                "sessions": [
                    {
                        "id": s.pk,
                        "agency": s.agency.code,
                        "practitioner": s.practitioner_id,
                        "start": _iso(s.start),
                        "end": _iso(s.end),
                        "cancelled": False,
                    }
                    for s in by_visit[visit.pk]
                ],
            }
            rows.append(
                VisitHistory(
                    visit=visit,
                    version=1,
                    kind=VisitHistory.Kind.BOOKED,
                    at=visit.created_at,
                    by=admin,
                    snapshot=snapshot,
                )
            )
            if visit.status == VisitStatus.CANCELLED:
                rows.append(
                    VisitHistory(
                        visit=visit,
                        version=2,
                        kind=VisitHistory.Kind.CANCELLED,
                        at=visit.created_at + dt.timedelta(days=1),
                        by=admin,
                        reason=visit.cancel_reason,
                        snapshot={**snapshot, "status": VisitStatus.CANCELLED},
                    )
                )
            if visit.status == VisitStatus.COMPLETED:
                for s in by_visit[visit.pk]:
                    rows.append(
                        VisitHistory(
                            visit=visit,
                            version=1,
                            kind=VisitHistory.Kind.ATTENDANCE,
                            at=visit.end,
                            by=admin,
                            reason=f"{s.agency.code}: "
                            + ("attended" if s.attended else "did not attend"),
                            snapshot=snapshot,
                        )
                    )
                rows.append(
                    VisitHistory(
                        visit=visit,
                        version=1,
                        kind=VisitHistory.Kind.COMPLETED,
                        at=visit.end,
                        by=admin,
                        snapshot={**snapshot, "status": VisitStatus.COMPLETED},
                    )
                )
        VisitHistory.objects.bulk_create(rows)

    def findings(self, owners_by_visit: dict[int, CasePlan], sessions) -> list[Finding]:
        rows = []
        for s in sessions:
            p = owners_by_visit.get(s.visit_id)
            if p is None or not s.attended:
                continue
            code = s.agency.code
            visit_day = timezone.localdate(s.start)
            due = findings_due_by(visit_date=visit_day, closures=self.closed)
            answers = demo_answers(code, variant=p.index % 12, visit_day=visit_day)
            when = s.end + dt.timedelta(hours=3 + p.index % 40)
            missing = p.stage == "partial" and code in {"education", "social_care"}
            if missing and (p.index + len(code)) % 3:
                continue  # nothing saved yet
            rows.append(
                Finding(
                    session=s,
                    form=self.forms[code],
                    version=1,
                    status=FindingStatus.DRAFT if missing else FindingStatus.SUBMITTED,
                    answers=answers,
                    created_at=when,
                    updated_at=when,
                    updated_by=s.practitioner.user,
                    submitted_at=None if missing else when,
                    due_by=due,
                )
            )
        Finding.objects.bulk_create(rows)
        # What findings_submit marks on the session with its first submission.
        first: dict[int, Session] = {}
        for f in rows:
            if f.submitted_at is not None:
                f.session.findings_submitted_at = f.submitted_at
                first[f.session.pk] = f.session
        Session.objects.bulk_update(first.values(), ["findings_submitted_at"], batch_size=2000)
        return rows

    def drafts(self, cases: dict[int, Case], plans: list[CasePlan], findings: list[Finding]):
        by_case: dict[int, list[Finding]] = {}
        for f in findings:
            if f.status != FindingStatus.DRAFT:
                # contributions_of reads the agency as latest_findings annotates it.
                f.agency_id = f.session.agency_id
                by_case.setdefault(f.session.visit.case_id, []).append(f)
        drafts, pending_sections, events, audits = [], [], [], []
        manager = self.staff.managers[0]
        status = {
            "editing": DraftStatus.DRAFT,
            "awaiting": DraftStatus.AWAITING_SIGN_OFF,
            "signed": DraftStatus.SIGNED_OFF,
        }
        for p in plans:
            if p.stage not in status:
                continue
            case = cases[p.index]
            found = by_case.get(case.pk, [])
            result = merge(
                layout=self.layout.as_data(),
                contributions=contributions_of(found, list(self.agencies.values())),
            )
            merged_at = max(f.submitted_at for f in found)
            submitted = merged_at + dt.timedelta(days=2)
            signed = submitted + dt.timedelta(days=1)
            draft = AssessmentDraft(
                case=case,
                layout=self.layout,
                status=status[p.stage],
                built_from=result.built_from,
                flags=result.flags,
                suggested_ratings=result.suggested_ratings,
                conflicts=result.conflicts,
                restricted=result.restricted,
                generated_plan=result.plan,
                plan=result.plan,
                merged_at=merged_at,
                submitted_at=submitted if p.stage != "editing" else None,
                submitted_by=p.case_manager if p.stage != "editing" else None,
                signed_off_at=signed if p.stage == "signed" else None,
                signed_off_by=manager if p.stage == "signed" else None,
            )
            drafts.append(draft)
            pending_sections.append((draft, result, p))
            kinds = [(DraftEvent.Kind.MERGED, merged_at, None)]
            kinds.append((DraftEvent.Kind.EDITED, merged_at + dt.timedelta(days=1), p.case_manager))
            if p.stage != "editing":
                kinds.append((DraftEvent.Kind.SUBMITTED, submitted, p.case_manager))
            if p.stage == "signed":
                kinds.append((DraftEvent.Kind.SIGNED_OFF, signed, manager))
            events += [(draft, k, at, by) for k, at, by in kinds]
            audits.append((p.case_manager, AuditEntry.Action.WRITE, draft, merged_at))
            if p.stage == "signed":
                audits.append((manager, AuditEntry.Action.SIGN_OFF, draft, signed))
        AssessmentDraft.objects.bulk_create(drafts)
        sections = []
        for draft, result, p in pending_sections:
            for position, merged in enumerate(result.sections):
                edited = merged.key == "neighbourhood"
                sections.append(
                    DraftSection(
                        draft=draft,
                        key=merged.key,
                        title=merged.title,
                        guidance=merged.guidance,
                        position=position,
                        text=CASE_MANAGER_NOTE if edited else merged.text,
                        generated_text=merged.text,
                        pieces=merged.pieces,
                        sources=merged.sources,
                        edited=edited,
                        edited_at=draft.merged_at + dt.timedelta(days=1) if edited else None,
                        edited_by=p.case_manager if edited else None,
                    )
                )
        DraftSection.objects.bulk_create(sections, batch_size=2000)
        DraftEvent.objects.bulk_create(
            [DraftEvent(draft=d, kind=k, at=at, by=by) for d, k, at, by in events]
        )
        self.audit(
            [
                AuditEntry(
                    at=at,
                    user=user,
                    username=user.username,
                    role=user.role,
                    action=action,
                    object_type="assessmentdraft",
                    object_id=draft.pk,
                    case=draft.case,
                )
                for user, action, draft, at in audits
            ]
        )

    def audit(self, rows: list[AuditEntry]) -> None:
        AuditEntry.objects.bulk_create(rows, batch_size=2000)

    def findings_audit_and_alerts(self, findings: list[Finding]) -> int:
        entries, alerts = [], []
        for f in findings:
            case = f.session.visit.case
            user = f.session.practitioner.user
            action = AuditEntry.Action.WRITE
            if f.status != FindingStatus.DRAFT:
                action = AuditEntry.Action.SUBMIT
            entries.append(
                AuditEntry(
                    at=f.updated_at,
                    user=user,
                    username=user.username,
                    role=user.role,
                    action=action,
                    object_type="finding",
                    object_id=f.pk,
                    case=case,
                    detail=f"{f.session.agency.code} findings v{f.version}",
                )
            )
            if f.status == FindingStatus.DRAFT:
                continue
            recipients = [*self.staff.managers, case.case_manager]
            for key, text in _urgent_flags(f):
                for r in recipients:
                    alerts.append(
                        Alert(
                            recipient=r,
                            case=case,
                            key=key,
                            text=f"Urgent: {text} ({f.session.agency.name} findings, "
                            f"case {case.reference}).",
                            created_at=f.submitted_at,
                            emailed_at=f.submitted_at,
                            read_at=f.submitted_at + dt.timedelta(hours=2)
                            if f.submitted_at < self.plan.now - dt.timedelta(days=14)
                            else None,
                        )
                    )
        self.audit(entries)
        Alert.objects.bulk_create(alerts, batch_size=2000)
        return len(alerts)

    def texts(self, visits, owners) -> None:
        now = self.plan.now
        admin = self.staff.admins[0]
        messages, replies = [], []
        for visit, (p, kind) in zip(visits, owners, strict=True):
            person = visit.case.young_person
            numbers = []
            if person.sms_consent:
                numbers.append(("young_person", person.mobile))
            if person.parent_carer_sms_consent:
                numbers.append(("parent_carer", person.parent_carer_mobile))
            when = f"{timezone.localtime(visit.start):%A %-d %B at %H:%M}"
            place = f"{visit.room.venue.name}, {visit.room.venue.address}"
            purposes = [
                (MessagePurpose.CONFIRMATION, visit.created_at, f"appointment is on {when}"),
                (
                    MessagePurpose.DAY_BEFORE,
                    timezone.localtime(visit.start).replace(hour=17, minute=0)
                    - dt.timedelta(days=1),
                    f"reminder: your appointment is tomorrow, {when}",
                ),
            ]
            if kind == "cancelled":
                purposes = [
                    *purposes[:1],
                    (
                        MessagePurpose.CANCELLED,
                        visit.created_at + dt.timedelta(days=1),
                        f"your appointment on {when} is cancelled",
                    ),
                ]
            for recipient, number in numbers:
                for purpose, send_at, what in purposes:
                    sent = send_at <= now
                    undelivered = (
                        sent
                        and p.undelivered
                        and purpose == MessagePurpose.CONFIRMATION
                        and recipient == "young_person"
                    )
                    status = MessageStatus.PLANNED
                    if sent:
                        status = (
                            MessageStatus.UNDELIVERED if undelivered else MessageStatus.DELIVERED
                        )
                    messages.append(
                        Message(
                            visit=visit,
                            visit_version=visit.version if kind != "cancelled" else 1,
                            young_person=person,
                            purpose=purpose,
                            recipient=recipient,
                            to=number,
                            body=f"Youth Support: your {what}, {place}. Reply YES to confirm.",
                            send_at=send_at,
                            status=status,
                            attempts=1 if sent else 0,
                            next_attempt_at=send_at,
                            provider="console" if sent else "",
                            provider_id=f"SMbench{visit.pk}-{purpose}-{recipient}" if sent else "",
                            provider_status=status if sent else "",
                            created_at=visit.created_at,
                            sent_at=send_at if sent else None,
                            status_changed_at=send_at if sent else visit.created_at,
                        )
                    )
            if kind == "live" and visit.confirmed_at and person.sms_consent:
                replies.append(
                    InboundMessage(
                        provider_id=f"SMbench-in-{visit.pk}",
                        from_number=person.mobile,
                        body="Yes",
                        kind=InboundMessage.Kind.CONFIRM,
                        young_person=person,
                        visit=visit,
                        visit_version=visit.version,
                        received_at=visit.confirmed_at,
                    )
                )
            elif kind == "live" and person.sms_consent and p.asks_change:
                replies.append(
                    InboundMessage(
                        provider_id=f"SMbench-in-{visit.pk}",
                        from_number=person.mobile,
                        body="Can we change it please, I have college",
                        kind=InboundMessage.Kind.CHANGE,
                        young_person=person,
                        visit=visit,
                        visit_version=visit.version,
                        received_at=visit.created_at + dt.timedelta(hours=3),
                    )
                )
        Message.objects.bulk_create(messages, batch_size=2000)
        InboundMessage.objects.bulk_create(replies, batch_size=2000)
        tasks = []
        for m in messages:
            if m.status == MessageStatus.UNDELIVERED:
                old = m.send_at < now - dt.timedelta(days=7)
                tasks.append(
                    AdminTask(
                        kind=AdminTask.Kind.UNDELIVERED,
                        case=m.visit.case,
                        visit=m.visit,
                        message=m,
                        text=f"Text not delivered to {m.to[-3:]}: phone about the visit.",
                        created_at=m.send_at + dt.timedelta(minutes=5),
                        done_at=m.send_at + dt.timedelta(days=1) if old else None,
                        done_by=admin if old else None,
                    )
                )
        for r in replies:
            if r.kind == InboundMessage.Kind.CHANGE:
                tasks.append(
                    AdminTask(
                        kind=AdminTask.Kind.REARRANGE,
                        case=r.visit.case,
                        visit=r.visit,
                        inbound=r,
                        text="Asked to rearrange the visit: phone to agree a new time.",
                        created_at=r.received_at,
                    )
                )
        AdminTask.objects.bulk_create(tasks, batch_size=2000)


def write_cases(plan: Plan, plans: list[CasePlan]) -> None:
    """Write the given planned cases and everything that follows from their stage."""
    writer = _Writer(plan)
    with transaction.atomic():
        cases = writer.people_and_cases(plans)
        visits, owners, sessions = writer.visits(plans, cases)
        writer.history(visits, sessions)
        live = {v.pk: p for v, (p, kind) in zip(visits, owners, strict=True) if kind == "live"}
        found = writer.findings(live, sessions)
        writer.drafts(cases, plans, found)
        writer.findings_audit_and_alerts(found)
        writer.texts(visits, owners)
        for year in {c.order_start.year for c in plans}:
            last = max(c.index + 1 for c in plan.cases if c.order_start.year == year)
            CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
