"""A believable, entirely fictional YOT for the demo, built through the real services.

Every person here is invented. Mobile numbers are valid-looking UK mobiles, so the demo
refuses to run with a real SMS provider (nothing may ever be texted to them).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from agencies.local_time import yot_zone
from agencies.models import Agency, Interpreter, Practitioner
from agencies.services import (
    interpreter_create,
    leave_create,
    practitioner_create,
    working_pattern_create,
)
from demo.findings import demo_answers
from demo.oversight import (
    HIGH_RISK_JUDGEMENTS,
    oversight_note_backdated,
    plan_progress,
    sign_off_backdate,
)
from demo.retention import old_cases
from screening.assessment.drafts import draft_edit, draft_merge, draft_sign_off, draft_submit
from screening.assessment.findings import findings_submit
from screening.assessment.reviews import new_information_record
from screening.booking.services import (
    SessionRequest,
    rebook_due_by,
    session_rebook,
    session_record_attendance,
    visit_book,
    visit_cancel,
)
from screening.calendars.imports import calendar_import_upload
from screening.calendars.loading import calendar_import_load_requested
from screening.errors import NotAllowed, SlotTaken
from screening.messaging.dispatch import messages_dispatch_due
from screening.messaging.replies import inbound_record, message_status_record
from screening.messaging.reply_links import token_for
from screening.messaging.send_times import in_quiet_hours, next_allowed, quiet_hours
from screening.messaging.text import LINK_PATH, link_base
from screening.models import (
    AdminTask,
    AssessmentDraft,
    AssessmentVersion,
    Case,
    DraftEvent,
    DraftStatus,
    Finding,
    FindingStatus,
    Language,
    Message,
    MessageStatus,
    NewInformation,
    NewInformationKind,
    OrderType,
    PlanAction,
    PlanActionStatus,
    Review,
    ReviewStatus,
    Room,
    Session,
    Venue,
    VenueKind,
    Visit,
    VisitStatus,
    YoungPerson,
)
from screening.people.cases import case_create
from screening.people.deadlines import findings_due_by, review_due_after_sign_off
from screening.people.workdays import add_months, add_working_days, is_working_day
from screening.people.young_people import young_person_create, young_person_update
from screening.venues.services import room_create, venue_create

DEMO_PASSWORD = "demo-password-2027"
# The case manager's judgements on the drafts sent for sign-off (sign-off needs all three).
JUDGEMENTS = {
    "risk_of_serious_harm": {
        "level": "medium",
        "reason": "Pushed a younger pupil at school; no weapon, no injury.",
    },
    "safety_and_wellbeing": {
        "level": "medium",
        "reason": "Out late with older peers; settled at home with his aunt.",
    },
    "likelihood_of_reoffending": {
        "level": "medium",
        "reason": "First order; attends school most days.",
    },
}
MARKER_USERNAME = "admin.adeyemi"

STAFF = [
    ("admin.adeyemi", Role.YOT_ADMIN, "Tola", "Adeyemi"),
    ("admin.okafor", Role.YOT_ADMIN, "Grace", "Okafor"),
    ("cm.lindqvist", Role.CASE_MANAGER, "Mara", "Lindqvist"),
    ("cm.bhattacharya", Role.CASE_MANAGER, "Dev", "Bhattacharya"),
    ("cm.oconnell", Role.CASE_MANAGER, "Niamh", "O'Connell"),
    ("manager.hartwell", Role.YOT_MANAGER, "Jonah", "Hartwell"),
    ("sysadmin.ferreira", Role.SYSTEM_ADMIN, "Ines", "Ferreira"),
]

# (username, agency, name, working days)
PRACTITIONERS = [
    ("slt.mwangi", "speech_language", "Wanjiru Mwangi", [0, 1, 2, 3]),
    ("slt.dubois", "speech_language", "Claire Dubois", [1, 2, 3, 4]),
    ("slt.kowalski", "speech_language", "Piotr Kowalski", [0, 2, 4]),
    ("nurse.achebe", "health", "Ngozi Achebe", [0, 1, 2, 3]),
    ("nurse.pemberton", "health", "Hattie Pemberton", [1, 2, 3, 4]),
    ("nurse.rahman", "health", "Salma Rahman", [0, 1, 3, 4]),
    ("edu.castellano", "education", "Lucia Castellano", [0, 1, 2, 3, 4]),
    ("edu.brennan", "education", "Aidan Brennan", [0, 1, 2]),
    ("edu.nakamura", "education", "Kenji Nakamura", [2, 3, 4]),
    ("sw.osei", "social_care", "Kwame Osei", [0, 1, 2, 3]),
    ("sw.ferguson", "social_care", "Isla Ferguson", [1, 2, 3, 4]),
    ("sw.haddad", "social_care", "Rami Haddad", [0, 2, 3, 4]),
]

YOUNG_PEOPLE = [
    ("Jayden", "Marlowe"),
    ("Keira", "Ashdown"),
    ("Tyrese", "Fenwick"),
    ("Amara", "Quill"),
    ("Callum", "Rookwood"),
    ("Zainab", "Thorncliffe"),
    ("Reece", "Delacourt"),
    ("Maisie", "Penhallow"),
    ("Cerys", "Llewelyn"),
    ("Ellie", "Sandford"),
    ("Dylan", "Kestrel"),
    ("Precious", "Oyelaran"),
    ("Harvey", "Linwood"),
    ("Skye", "Moorcroft"),
    ("Ibrahim", "Valentine"),
    ("Lacey", "Hollins"),
    ("Mason", "Crowhurst"),
    ("Tia", "Wexley"),
    ("Ashton", "Greaves"),
    ("Chantelle", "Ormsby"),
    ("Riley", "Stanbury"),
    ("Aaliyah", "Fairbairn"),
    ("Connor", "Blackwood"),
    ("Leah", "Tamworth"),
    ("Marcus", "Eddleston"),
    ("Nia", "Rowntree"),
    ("Kai", "Pendleford"),
    ("Sienna", "Haverly"),
    ("Jamal", "Whitcombe"),
    ("Freya", "Ellingham"),
]

# Texted in Welsh (her texts use the Welsh templates).
WELSH_SPEAKING = {"Cerys Llewelyn"}

# The parents and carers of every third young person: (given name, family name or None
# for the young person's own).
CARERS = [
    ("Donna", None),
    ("Marcus", None),
    ("Yvonne", "Achterberg"),
    ("Tariq", None),
    ("Bernadette", None),
    ("Lee", "Saunders"),
    ("Joanne", None),
    ("Wayne", None),
    ("Farida", None),
    ("Gwen", "Morgan"),
]

COMMUNICATION_NEEDS = [
    "Short sentences and one question at a time; check understanding by asking him to "
    "explain back.",
    "Reads at about age 8 level: give written information in easy read.",
    "Diagnosed with autism: prefers a quiet room, warning before changes, visual timetable.",
    "Hearing aid in the left ear: face her when speaking, avoid background noise.",
]

ORDER_TYPES = [
    OrderType.REFERRAL_ORDER,
    OrderType.YOUTH_REHABILITATION_ORDER,
    OrderType.REFERRAL_ORDER,
    OrderType.DETENTION_AND_TRAINING_ORDER,
    OrderType.YOUTH_CONDITIONAL_CAUTION,
    OrderType.REFERRAL_ORDER,
    OrderType.OTHER,
]

AGENCY_ORDER = ["speech_language", "health", "education", "social_care"]


@dataclass
class DemoResult:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)


class DemoRefused(Exception):
    """The demo may not run with this configuration."""


def check_safe_sms_backend() -> None:
    """Refuse a real SMS provider: the demo's numbers may belong to real people."""
    if settings.SMS_BACKEND not in settings.SMS_SAFE_BACKENDS:
        raise DemoRefused(
            f"SMS_BACKEND is {settings.SMS_BACKEND!r}, a real provider. The demo's numbers "
            f"could reach real phones: set SMS_BACKEND to one of "
            f"{', '.join(sorted(settings.SMS_SAFE_BACKENDS))}."
        )


def logins() -> list[tuple[str, str]]:
    """One login per role, and one practitioner per agency: (what they are, username). Each
    practitioner printed has findings to write (an attended session whose findings are not
    yet in, due today or later) when the demo has one for their agency."""
    demo_users = [s[0] for s in STAFF] + [p[0] for p in PRACTITIONERS]
    found = []
    for role in [Role.YOT_ADMIN, Role.CASE_MANAGER, Role.YOT_MANAGER, Role.SYSTEM_ADMIN]:
        user = User.objects.filter(role=role, username__in=demo_users).order_by("username").first()
        if user is not None:
            found.append((Role(role).label, user.username))
    today = timezone.localdate()
    submitted = Finding.objects.filter(session=OuterRef("pk")).exclude(status=FindingStatus.DRAFT)
    for agency in Agency.objects.filter(code__in=AGENCY_ORDER).order_by("order"):
        pool = Practitioner.objects.filter(agency=agency, user__username__in=demo_users)
        latest = (
            Session.objects.filter(
                agency=agency, practitioner__in=pool, attended=True, cancelled=False
            )
            .exclude(visit__status=VisitStatus.CANCELLED)
            .exclude(Exists(submitted))
            .order_by("-start")
            .values_list("practitioner__user__username", "start")
            .first()
        )
        due = latest and findings_due_by(visit_date=timezone.localdate(latest[1]))
        if latest and due >= today:
            username = latest[0]
        else:
            username = (
                pool.order_by("user__username").values_list("user__username", flat=True).first()
            )
        if username is not None:
            found.append((f"{Role.PRACTITIONER.label}, {agency.name}", username))
    return found


def _mobile(n: int) -> str:
    return f"07400 1{n:05d}"


def _working_days(start: dt.date, count: int, step: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            days.append(day)
    return days


def _staff() -> dict[str, User]:
    users = {}
    for username, role, first, last in STAFF:
        users[username] = user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@yot.example.org",
        )
    return users


def _practitioners(today: dt.date, zone: ZoneInfo) -> dict[str, list[Practitioner]]:
    by_agency: dict[str, list[Practitioner]] = {}
    valid_from = today - dt.timedelta(days=120)
    for index, (username, code, name, days) in enumerate(PRACTITIONERS):
        first, last = name.split(" ", 1)
        user = user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=Role.PRACTITIONER,
            first_name=first,
            last_name=last,
            email=f"{username}@partners.example.org",
        )
        practitioner = practitioner_create(
            agency=Agency.objects.get(code=code),
            name=name,
            user=user,
            email=f"{username}@partners.example.org",
            phone=f"020 7946 0{index:03d}",
            daily_session_cap=6 if index % 3 else 4,
        )
        # Mornings and afternoons are separate patterns: lunch is a break in between.
        working_pattern_create(
            practitioner=practitioner,
            weekdays=days,
            start_time=dt.time(9, 0),
            end_time=dt.time(12, 30),
            valid_from=valid_from,
        )
        working_pattern_create(
            practitioner=practitioner,
            weekdays=days,
            start_time=dt.time(13, 15),
            end_time=dt.time(17, 0),
            valid_from=valid_from,
        )
        if index % 4 == 1:
            leave_day = add_working_days(today, 3 + index)
            leave_create(
                practitioner=practitioner,
                start=dt.datetime.combine(leave_day, dt.time(0), tzinfo=zone),
                end=dt.datetime.combine(leave_day + dt.timedelta(days=2), dt.time(0), tzinfo=zone),
                reason="Annual leave",
            )
        by_agency.setdefault(code, []).append(practitioner)
    return by_agency


# The practitioner whose own calendar (an uploaded file) has a weekly meeting.
CALENDAR_DEMO_USERNAME = "nurse.achebe"


def demo_calendar(*, today: dt.date, zone: ZoneInfo) -> bytes:
    """A practitioner's own calendar: a weekly Tuesday team meeting 09:30-11:00, with next
    week's moved to Wednesday afternoon, and a free 'focus time' block that blocks nothing."""
    tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7)
    moved = tuesday + dt.timedelta(days=7)

    def stamp(day: dt.date, hour: int, minute: int = 0) -> str:
        return f"{day:%Y%m%d}T{hour:02d}{minute:02d}00"

    tz = f"TZID={zone.key}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Demo//Practitioner calendar//EN",
        "BEGIN:VEVENT",
        "UID:team-meeting@partners.example.org",
        "DTSTAMP:20260101T000000Z",
        "SUMMARY:Health team meeting",
        f"DTSTART;{tz}:{stamp(tuesday, 9, 30)}",
        f"DTEND;{tz}:{stamp(tuesday, 11)}",
        "RRULE:FREQ=WEEKLY;BYDAY=TU",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:team-meeting@partners.example.org",
        "DTSTAMP:20260101T000000Z",
        "SUMMARY:Health team meeting (moved)",
        f"RECURRENCE-ID;{tz}:{stamp(moved, 9, 30)}",
        f"DTSTART;{tz}:{stamp(moved + dt.timedelta(days=1), 14)}",
        f"DTEND;{tz}:{stamp(moved + dt.timedelta(days=1), 15, 30)}",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:focus@partners.example.org",
        "DTSTAMP:20260101T000000Z",
        "SUMMARY:Focus time",
        f"DTSTART;{tz}:{stamp(tuesday, 14)}",
        f"DTEND;{tz}:{stamp(tuesday, 16)}",
        "RRULE:FREQ=WEEKLY",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _import_demo_calendar(team: dict[str, list[Practitioner]], today: dt.date, zone: ZoneInfo):
    practitioner = next(
        p for pool in team.values() for p in pool if p.user.username == CALENDAR_DEMO_USERNAME
    )
    requested = calendar_import_upload(
        practitioner=practitioner,
        data=demo_calendar(today=today, zone=zone),
        file_name="outlook-export.ics",
    )
    # Loaded now, as the background worker would, so the demo opens with the busy times.
    calendar_import_load_requested(calendar_import=requested)


# The interpreter pool: (name, languages, weekdays). Fictional people.
INTERPRETERS = [
    ("Agnieszka Wrona", ["pl"], [0, 1, 2, 3, 4]),
    ("Tomasz Kalina", ["pl", "ru"], [1, 3]),
]


def _interpreters(today: dt.date) -> None:
    for name, languages, days in INTERPRETERS:
        interpreter = interpreter_create(
            name=name,
            languages=languages,
            email=f"{name.split()[0].lower()}@interpreting.example.org",
        )
        working_pattern_create(
            practitioner=interpreter,
            weekdays=days,
            start_time=dt.time(9, 0),
            end_time=dt.time(17, 0),
            valid_from=today - dt.timedelta(days=30),
        )


def _rooms() -> list[Room]:
    civic = venue_create(name="Greenbank Youth Hub", address="14 Greenbank Road, Ashworth, AW3 2QT")
    annex = venue_create(
        name="Millbrook Family Centre",
        address="2 Mill Lane, Ashworth, AW1 7HN",
        opening_hours=[
            {"weekday": d, "opens": dt.time(8, 30), "closes": dt.time(17, 30)} for d in range(5)
        ],
    )
    return [
        room_create(venue=civic, name="Interview room 1"),
        room_create(venue=civic, name="Interview room 2"),
        room_create(venue=annex, name="Garden room"),
    ]


def _community_room() -> Room:
    """A community venue 25 minutes from the practitioners' base (issue 17): one visit is
    booked there."""
    centre = venue_create(
        name="Mill Road youth centre",
        address="40 Mill Road, Ashworth, AW2 5JD",
        kind=VenueKind.COMMUNITY,
        text_name="the youth centre on Mill Road",
        travel_minutes=25,
    )
    return room_create(venue=centre, name="Meeting room")


def _home_venue() -> Venue:
    """Visits at the young person's home need no room (issue 17): one visit is booked there.
    Its address is the case's, so texts call it "your home"."""
    return venue_create(
        name="Young person's home",
        address="The young person's address, on their case record",
        kind=VenueKind.HOME,
        text_name="your home",
        travel_minutes=20,
    )


def _young_people(today: dt.date) -> list[YoungPerson]:
    people = []
    for n, (given, family) in enumerate(YOUNG_PEOPLE):
        age = 12 + n % 6
        born = dt.date(today.year - age, 1 + n % 12, 1 + (n * 7) % 28)
        details: dict[str, object] = {"mobile": _mobile(n), "sms_consent": n % 5 != 4}
        if f"{given} {family}" in WELSH_SPEAKING:
            details["language"] = Language.WELSH
        if n % 3 == 0:
            carer_given, carer_family = CARERS[n // 3 % len(CARERS)]
            details.update(
                parent_carer_name=f"{carer_given} {carer_family or family}",
                parent_carer_mobile=_mobile(500 + n),
                parent_carer_sms_consent=True,
            )
            if n % 2:  # some carers work mornings: avoided while they must come
                details["parent_carer_unavailable"] = [
                    {"weekdays": [0, 1, 2, 3, 4], "start_time": dt.time(9), "end_time": dt.time(12)}
                ]
        if n % 4 == 0:
            details["communication_needs"] = COMMUNICATION_NEEDS[
                (n // 4) % len(COMMUNICATION_NEEDS)
            ]
        unavailable = []
        if age < 16 and n % 2 == 0:
            unavailable = [
                {
                    "weekdays": [0, 1, 2, 3, 4],
                    "start_time": dt.time(8, 45),
                    "end_time": dt.time(15, 15),
                }
            ]
        people.append(
            young_person_create(
                given_name=given,
                family_name=family,
                date_of_birth=born,
                unavailable=unavailable,
                **details,
            )
        )
    return people


def _bookings(
    *,
    case: Case,
    day: dt.date,
    team: dict[str, list[Practitioner]],
    rooms: list[Room | Venue],
    zone: ZoneInfo,
    record_past: bool,
    booked_by: User,
    late_reason: str,
) -> Iterator[Callable[[], Visit]]:
    """The visits to try on the day, one per usual clinic start, room (or a home venue,
    which needs none) and team, in order. A visit after the case's deadline records
    `late_reason`."""
    agencies = {a.code: a for a in Agency.objects.filter(code__in=AGENCY_ORDER)}
    for hour, minute in [(9, 30), (13, 30), (10, 0), (14, 0), (9, 0), (13, 15)]:
        start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
        for room, shift in itertools.product(rooms, range(3)):
            sessions, t = [], start
            for code in AGENCY_ORDER:
                pool = team[code]
                practitioner = pool[(case.pk + shift) % len(pool)]
                sessions.append(
                    SessionRequest(agency=agencies[code], practitioner=practitioner, start=t)
                )
                t += dt.timedelta(minutes=agencies[code].default_duration_minutes + 5)
            yield partial(
                visit_book,
                case=case,
                room=room if isinstance(room, Room) else None,
                venue=room if isinstance(room, Venue) else None,
                sessions=sessions,
                booked_by=booked_by,
                record_past=record_past,
                late_reason="" if day <= case.visit_due_by else late_reason,
            )


def _first_accepted(attempts: Iterable[Callable[[], Visit]]) -> Visit | None:
    """The first booking the service accepts, each tried in its own savepoint (the service
    is the judge of every rule), or None."""
    for attempt in attempts:
        try:
            with transaction.atomic():
                return attempt()
        except (ValidationError, SlotTaken, NotAllowed):
            continue
    return None


# What happened after each completed visit, in order: findings partly in; all in and the
# draft being edited (one with a late amendment to review); awaiting sign-off; signed off.
FINDINGS_STORIES = (
    ["partial"] * 3 + ["editing"] * 2 + ["review"] + ["awaiting"] * 2 + ["signed"] * 2
)
CASE_MANAGER_NOTES = {
    "neighbourhood": "Lives on a busy estate near the town centre; says he feels safe at home "
    "but avoids the park after dark.",
    "motivation_to_change": "Wants to finish his college course and keep his place on the team.",
}


def _submitted_at(*, finding: Finding, late: bool, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """When the demo says a practitioner submitted the findings: on time, the afternoon of
    the visit or the next working day; late, a working day or two after they were due.
    Never before the session ended nor after `now`."""
    session = finding.session
    day = timezone.localdate(session.start)
    if late:
        late_day = add_working_days(finding.due_by, 1 + session.pk % 2)
        moment = dt.datetime.combine(late_day, dt.time(11, 20))
    elif session.pk % 3:
        moment = dt.datetime.combine(day, dt.time(16, 40))
    else:
        moment = dt.datetime.combine(add_working_days(day, 1), dt.time(14, 10))
    moment = max(moment.replace(tzinfo=zone), session.end + dt.timedelta(minutes=30))
    return min(moment, now - dt.timedelta(minutes=20))


def _backdate(finding: Finding, moment: dt.datetime) -> None:
    """The demo's findings carry the time they stand for, not the seeding time (the
    timeliness report reads it)."""
    Finding.objects.filter(pk=finding.pk).update(
        created_at=moment, updated_at=moment, submitted_at=moment
    )
    Session.objects.filter(pk=finding.session_id, findings_submitted_at__gt=moment).update(
        findings_submitted_at=moment
    )


def _findings(
    *,
    visit: Visit,
    story: str,
    variant: int,
    staff: dict[str, User],
    now: dt.datetime,
    judgements: dict = JUDGEMENTS,
) -> None:
    """Submit the visit's findings and move its draft along, all through the services,
    each submitted at a believable time (most on time, about one in four late)."""
    day = timezone.localdate(visit.start)
    zone = yot_zone()
    sessions = list(visit.sessions.select_related("agency", "practitioner__user"))
    for position, session in enumerate(sessions):
        code = session.agency.code
        if (
            story == "fresh"
            or session.attended is False
            or (story == "partial" and code in {"education", "social_care"})
        ):
            continue
        answers = demo_answers(code, variant=variant, visit_day=day)
        finding = findings_submit(session=session, user=session.practitioner.user, answers=answers)
        late = (variant + position) % 4 == 3
        _backdate(finding, _submitted_at(finding=finding, late=late, now=now, zone=zone))
    if story in {"partial", "missed", "fresh"}:
        return
    case = visit.case
    manager = next(u for u in staff.values() if u.role == Role.YOT_MANAGER)
    notes = [{"key": key, "text": text} for key, text in CASE_MANAGER_NOTES.items()]
    draft_edit(draft=draft_merge(case=case), user=case.case_manager, sections=notes)
    if story == "review":
        draft_edit(
            draft=case.assessment_draft,
            user=case.case_manager,
            sections=[{"key": "substance_use", "text": "Says he has stopped using cannabis."}],
        )
        health = next(s for s in sessions if s.agency.code == "health")
        amended = demo_answers("health", variant=variant, visit_day=day)
        amended.update(substances=["cannabis"], substance_frequency="daily")
        findings_submit(session=health, user=health.practitioner.user, answers=amended)
        return
    if story in {"awaiting", "signed"}:
        draft_edit(draft=case.assessment_draft, user=case.case_manager, judgements=judgements)
        draft_submit(draft=case.assessment_draft, user=case.case_manager)
    if story == "signed":
        draft_sign_off(draft=case.assessment_draft, user=manager)


def _plan_and_oversight(
    *, visit: Visit, stage: str, staff: dict[str, User], today: dt.date
) -> None:
    """A signed-off case's plan under way; for the older high-risk case, its sign-off and the
    manager's last oversight note dated weeks back, so it is due a manager's review."""
    zone = yot_zone()
    case = visit.case
    manager = next(u for u in staff.values() if u.role == Role.YOT_MANAGER)
    signed = None
    if stage == "oversight":
        signed = sign_off_backdate(case=case, visit_day=timezone.localdate(visit.start), zone=zone)
        oversight_note_backdated(case=case, manager=manager, today=today, zone=zone)
    plan_progress(case=case, user=case.case_manager, zone=zone, signed=signed)


def _backdate_sign_off(case: Case, day: dt.date, zone: ZoneInfo) -> None:
    """Date the case's last sign-off on `day` (at 15:00 local) and its next review from it."""
    moment = dt.datetime.combine(day, dt.time(15, 0), tzinfo=zone)
    version = AssessmentVersion.objects.filter(case=case).order_by("-version").first()
    AssessmentVersion.objects.filter(pk=version.pk).update(signed_off_at=moment)
    AssessmentDraft.objects.filter(case=case).update(signed_off_at=moment)
    DraftEvent.objects.filter(draft__case=case, kind=DraftEvent.Kind.SIGNED_OFF).update(at=moment)
    PlanAction.objects.filter(from_version=version).update(created_at=moment)
    Review.objects.filter(case=case, status=ReviewStatus.DUE).update(
        due_by=review_due_after_sign_off(signed_off_on=day)
    )


NEW_INFORMATION_SUMMARY = (
    "Police told us he was arrested on Saturday with two older boys after a shop theft; "
    "released under investigation."
)


def _reviews(*, today: dt.date, staff: dict[str, User]) -> dict[str, int]:
    """Reviews to show: one due next week and one overdue (their sign-offs dated three months
    before), and new information recorded last week on a case signed off three weeks ago (a
    draft awaiting sign-off is signed off for it)."""
    zone = yot_zone()
    manager = next(u for u in staff.values() if u.role == Role.YOT_MANAGER)
    signed = list(
        Case.objects.filter(assessment_draft__status=DraftStatus.SIGNED_OFF).order_by("pk")
    )
    waiting = Case.objects.filter(assessment_draft__status=DraftStatus.AWAITING_SIGN_OFF)
    awaiting = waiting.order_by("pk").first()
    months = settings.SCREENING_DEADLINES["review_interval_months"]
    shown = {"reviews due next week": 0, "reviews overdue": 0, "new information": 0}
    if len(signed) >= 2:
        next_week = today + dt.timedelta(days=7)
        _backdate_sign_off(signed[0], _months_before(next_week, months), zone)
        _backdate_sign_off(signed[1], _months_before(today - dt.timedelta(days=7), months), zone)
        shown["reviews due next week"] = shown["reviews overdue"] = 1
    if awaiting is not None:
        draft_sign_off(draft=awaiting.assessment_draft, user=manager)
        _backdate_sign_off(awaiting, today - dt.timedelta(days=21), zone)
        received = today - dt.timedelta(days=7)
        item = new_information_record(
            case=awaiting,
            user=awaiting.case_manager,
            kind=NewInformationKind.ARREST,
            summary=NEW_INFORMATION_SUMMARY,
            received_on=received,
        )
        moment = dt.datetime.combine(received, dt.time(11, 20), tzinfo=zone)
        NewInformation.objects.filter(pk=item.pk).update(recorded_at=moment)
        Review.objects.filter(pk=item.review_id).update(created_at=moment)
        shown["new information"] = 1
    return shown


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` months before (the month's last day when shorter),
    so a sign-off then falls due on `day` or a day or two before it."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    last = (add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


# The reason recorded for a visit that could only be booked after the case's deadline; and
# the visits that came late on purpose, by their place among the visited cases.
LATE_REASON = "Young person unwell on the first date offered"
LATE_VISITS = {
    2: LATE_REASON,
    6: "Court hearing on the first date offered; the next free date was after the deadline",
}
MISSED_REBOOK_REASON = "Young person unwell on the day; rebooked with the next free nurse"
# Why a rebooking is after its own deadline, when it is (the rebooking asks only then).
MISSED_REBOOK_LATE_REASON = "No nurse was free sooner at a time the young person could come"


def _rebook_missed(
    *, visit: Visit, team: dict[str, list[Practitioner]], rooms: list[Room], days: list[dt.date]
) -> Visit | None:
    """Rebook the visit's missed session on the first free clinic slot ahead, through the
    rebooking service (the timeliness report lists the missed session as a reason)."""
    missed = visit.sessions.filter(attended=False).select_related("agency").first()
    if missed is None:
        return None
    zone = yot_zone()
    due_by = rebook_due_by(session=missed)
    length = dt.timedelta(minutes=missed.agency.default_duration_minutes)
    starts = (
        dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
        for day in days
        for hour, minute in [(10, 30), (14, 30), (11, 30), (15, 30)]
    )
    return _first_accepted(
        partial(
            session_rebook,
            missed=missed,
            room=room,
            practitioner=practitioner,
            start=start,
            end=start + length,
            reason=MISSED_REBOOK_REASON,
            late_reason=MISSED_REBOOK_LATE_REASON if start.date() > due_by else "",
        )
        for start, room, practitioner in itertools.product(starts, rooms, team[missed.agency.code])
    )


def _before_quiet_hours(now: dt.datetime) -> tuple[dt.datetime, list[int]] | None:
    """Seeded in the quiet hours, the demo's bookings stand for ones made just before they
    began: the texts held back until the quiet hours end (confirmations, introductions) are
    made due now, to be sent and then dated that evening, so the demo shows sent texts,
    delivery reports and replies at any hour. Returns (that moment, the texts' ids), or
    None outside the quiet hours, when texts go as they are planned."""
    if not in_quiet_hours(now):
        return None
    start, _ = quiet_hours()
    local = timezone.localtime(now, yot_zone())
    day = local.date() if local.time() >= start else local.date() - dt.timedelta(days=1)
    before = dt.datetime.combine(day, start, tzinfo=yot_zone()) - dt.timedelta(minutes=25)
    held = Message.objects.filter(status=MessageStatus.PLANNED, send_at=next_allowed(now))
    ids = list(held.values_list("pk", flat=True))
    Message.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return before, ids


def _texts(*, log: Callable[[str], None]) -> dict[str, int]:
    """Send the texts the bookings planned (through the configured safe gateway), then
    play back a few delivery reports and replies, so every state shows in the demo,
    whatever the hour it is seeded (see _before_quiet_hours)."""
    held = _before_quiet_hours(timezone.now())
    report = messages_dispatch_due()
    if held is not None:
        before, ids = held
        Message.objects.filter(pk__in=ids, status=MessageStatus.SENT).update(
            created_at=before, sent_at=before, status_changed_at=before
        )
    sent = list(Message.objects.filter(status=MessageStatus.SENT).order_by("id"))
    for message in sent[:3]:
        message_status_record(provider_id=message.provider_id, provider_status="delivered")
    if len(sent) > 3:
        failed = sent[3]
        message_status_record(
            provider_id=failed.provider_id, provider_status="undelivered", error_code="30003"
        )
    if sent:
        inbound_record(provider_id="SMdemo-reply-yes", from_number=sent[0].to, body="Yes")
    if len(sent) > 1:
        inbound_record(
            provider_id="SMdemo-reply-change",
            from_number=sent[1].to,
            body="Change please, I have college that day",
        )
    log(f"Texts: {report.sent} sent now, the rest planned.")
    # The texts printed above carry their reply links; one to try by hand (no sign-in).
    link = next((m.reply_link for m in sent if m.reply_link is not None), None)
    token = token_for(link) if link is not None else None
    if token is not None:
        log(
            f"A young person's reply page (the link in their text): {link_base()}{LINK_PATH}{token}"
        )
    return {
        "texts planned or sent": Message.objects.count(),
        "open admin tasks": AdminTask.objects.filter(done_at=None).count(),
    }


def build(*, log: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Build the demo YOT once; a second run changes nothing."""
    check_safe_sms_backend()
    if User.objects.filter(username=MARKER_USERNAME).exists():
        return DemoResult(created=False, logins=logins())
    zone = yot_zone()
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        staff = _staff()
        team = _practitioners(today, zone)
        _import_demo_calendar(team, today, zone)
        rooms = _rooms()
        community = _community_room()
        home = _home_venue()
        people = _young_people(today)
        _interpreters(today)
        # One young person waiting for a visit needs a Polish interpreter.
        young_person_update(
            young_person=people[1], interpreter_needed=True, interpreter_language="pl"
        )
        managers = [u for u in staff.values() if u.role == Role.CASE_MANAGER]
        admin = staff[MARKER_USERNAME]
        log("Staff, practitioners, venues and young people created.")

        # Stages, in order: waiting for a visit, an order of two months ago (high risk, signed
        # off weeks ago, due a manager's review), booked, visited on the last working day
        # (findings not yet due), visited, visited with a missed session. Order start dates
        # are set so each stage's dates are believable.
        stages = ["waiting"] * 6 + ["oversight"] + ["booked"] * 8 + ["fresh"]
        stages += ["visited"] * 10 + ["missed"] * 4
        past_days = _working_days(today, 20, -1)
        older_days = _working_days(today, 45, -1)
        future_days = _working_days(today, 8, 1)
        counts = dict.fromkeys(
            [
                "waiting",
                "oversight",
                "booked",
                "fresh",
                "visited",
                "missed",
                "unbooked",
                "cancelled",
            ],
            0,
        )
        drafts = dict.fromkeys([*FINDINGS_STORIES, "missed", "fresh"], 0)
        for n, (person, stage) in enumerate(zip(people, stages, strict=True)):
            recent = stage in {"waiting", "booked"}
            if stage == "fresh":
                start = past_days[3]
            elif stage == "oversight":
                start = older_days[-1]
            else:
                start = past_days[n % 3] if recent else past_days[6 + n % 12]
            case = case_create(
                young_person=person,
                order_type=ORDER_TYPES[n % len(ORDER_TYPES)],
                order_start_date=start,
                case_manager=managers[n % len(managers)],
            )
            if stage == "waiting":
                counts["waiting"] += 1
                continue
            late_reason = LATE_VISITS.get(counts["visited"]) if stage == "visited" else None
            if stage == "booked":
                candidates = future_days[n % 4 :] + future_days
                past = False
            elif stage == "fresh":
                candidates, past = past_days[:2], True
            elif stage == "oversight":
                candidates, past = older_days[-4:-1][::-1], True
            else:
                # Working days after the order start up to yesterday, earliest first (for a
                # visit that came late, after its deadline).
                candidates = past_days[: past_days.index(start)][::-1]
                if late_reason:
                    candidates = [day for day in candidates if day > case.visit_due_by]
                past = True
            visit = None
            # The first booked case is seen at the community venue, the second at home.
            at = rooms
            if stage == "booked" and counts["booked"] < 2:
                at = [[community], [home]][counts["booked"]]
            for day in candidates:
                visit = _first_accepted(
                    _bookings(
                        case=case,
                        day=day,
                        team=team,
                        rooms=at,
                        zone=zone,
                        record_past=past,
                        booked_by=admin,
                        late_reason=late_reason or LATE_REASON,
                    )
                )
                if visit is not None:
                    break
            if visit is None:
                counts["unbooked"] += 1
                continue
            counts[stage] += 1
            if past:
                for session in visit.sessions.order_by("start"):
                    missed = stage == "missed" and session.agency.code == "health"
                    session_record_attendance(
                        session=session,
                        attended=not missed,
                        recorded_by=admin,
                        reason="Did not attend: young person unwell" if missed else "",
                    )
                story = FINDINGS_STORIES[counts[stage] - 1] if stage == "visited" else stage
                if stage == "oversight":
                    story = "signed"
                _findings(
                    visit=visit,
                    story=story,
                    variant=counts[stage] - 1,
                    staff=staff,
                    now=now,
                    judgements=HIGH_RISK_JUDGEMENTS if stage == "oversight" else JUDGEMENTS,
                )
                drafts[story] += 1
                if story == "signed":
                    _plan_and_oversight(visit=visit, stage=stage, staff=staff, today=today)
                if stage == "missed" and counts[stage] % 2:
                    _rebook_missed(visit=visit, team=team, rooms=rooms, days=future_days)
        # One family cancels its booked visit: the time it frees shows on the admin's
        # "Bring forward" list for the cases still waiting.
        last_booked = (
            Visit.objects.filter(status=VisitStatus.BOOKED, start__gt=timezone.now())
            .order_by("-start", "-id")
            .first()
        )
        if last_booked is not None:
            visit_cancel(
                visit=last_booked, reason="The family cannot come that day.", cancelled_by=admin
            )
            counts["booked"] -= 1
            counts["cancelled"] += 1
        reviews = _reviews(today=today, staff=staff)
        due_for_disposal = old_cases(
            today=today,
            zone=zone,
            case_manager=next(u for u in staff.values() if u.role == Role.CASE_MANAGER),
        )
    texts = _texts(log=log)
    result = DemoResult(created=True, logins=logins())
    result.counts = {
        "practitioners": Practitioner.objects.count(),
        "rooms": Room.objects.count(),
        "interpreters": Interpreter.objects.count(),
        "young people": YoungPerson.objects.count(),
        "cases": Case.objects.count(),
        "cases waiting for a visit": counts["waiting"],
        "visits booked": counts["booked"],
        "visits cancelled (their time offered to bring forward)": counts["cancelled"],
        "visits completed": counts["visited"],
        "visits with a missed session": counts["missed"],
        "visits with findings still missing": drafts["partial"] + drafts["missed"],
        "visits on the last working day (findings not yet due)": drafts["fresh"],
        "missed sessions rebooked": Visit.objects.exclude(rebook_of=None).count(),
        "drafts being edited": drafts["editing"] + drafts["review"],
        "drafts awaiting sign-off": AssessmentDraft.objects.filter(
            status=DraftStatus.AWAITING_SIGN_OFF
        ).count(),
        "drafts signed off": AssessmentDraft.objects.filter(status=DraftStatus.SIGNED_OFF).count(),
        "plan actions done / open / overdue": " / ".join(
            str(n)
            for n in (
                PlanAction.objects.filter(status=PlanActionStatus.DONE).count(),
                PlanAction.objects.filter(status=PlanActionStatus.OPEN).count(),
                PlanAction.objects.filter(status=PlanActionStatus.OPEN, due_date__lt=today).count(),
            )
        ),
        "high-risk cases awaiting a manager's review": counts["oversight"],
        "old cases due under the retention schedule (waiting for approval)": due_for_disposal,
        **reviews,
        **texts,
    }
    return result
