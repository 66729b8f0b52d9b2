"""Test data built through the real services, so every rule applies to it."""

from __future__ import annotations

import datetime as dt
import itertools

from accounts.models import Role, User
from accounts.services import user_create
from agencies.models import Agency, Interpreter, Practitioner
from agencies.services import interpreter_create, practitioner_create, working_pattern_create
from screening.models import Case, OrderType, Room, Venue, YoungPerson
from screening.people.cases import case_create
from screening.people.young_people import young_person_create
from screening.venues.services import room_create, venue_create

PASSWORD = "a-long-test-password-42"
_counter = itertools.count(1)

# Numbers that phonenumbers accepts as UK mobiles; fictional people only.
MOBILES = ["07400 123456", "07400 123457", "07911 123456", "07911 123457", "07700 100200"]


def make_user(*, role: str = Role.YOT_ADMIN, username: str | None = None, **extra) -> User:
    n = next(_counter)
    return user_create(
        username=username or f"{role}-{n}",
        password=PASSWORD,
        role=role,
        email=f"{role}-{n}@yot.example.org",
        **extra,
    )


def make_practitioner(
    *, agency: str | Agency = "health", user: User | None = None, with_login: bool = True, **extra
) -> Practitioner:
    n = next(_counter)
    if isinstance(agency, str):
        agency = Agency.objects.get(code=agency)
    if user is None and with_login:
        user = make_user(role=Role.PRACTITIONER)
    return practitioner_create(
        agency=agency,
        name=extra.pop("name", f"Practitioner {n}"),
        email=extra.pop("email", f"p{n}@agency.example.org"),
        user=user,
        **extra,
    )


def make_working_practitioner(
    *,
    agency: str | Agency = "health",
    weekdays: list[int] | tuple[int, ...] = (0, 1, 2, 3, 4),
    hours: tuple[int, int] = (9, 17),
    valid_from: dt.date = dt.date(2027, 1, 1),
    **extra,
) -> Practitioner:
    """A practitioner with one weekly working pattern (weekdays 09:00-17:00 by default)."""
    practitioner = make_practitioner(agency=agency, **extra)
    working_pattern_create(
        practitioner=practitioner,
        weekdays=list(weekdays),
        start_time=dt.time(hours[0]),
        end_time=dt.time(hours[1]),
        valid_from=valid_from,
    )
    return practitioner


def make_interpreter(
    *,
    languages: list[str] | tuple[str, ...] = ("pl",),
    weekdays: list[int] | tuple[int, ...] | None = (0, 1, 2, 3, 4),
    hours: tuple[int, int] = (9, 17),
    valid_from: dt.date = dt.date(2027, 1, 1),
    name: str | None = None,
) -> Interpreter:
    """An interpreter (Polish by default) with one weekly working pattern, unless
    `weekdays` is None."""
    n = next(_counter)
    interpreter = interpreter_create(
        name=name or f"Interpreter {n}", languages=list(languages), email=f"int{n}@example.org"
    )
    if weekdays is not None:
        working_pattern_create(
            practitioner=interpreter,
            weekdays=list(weekdays),
            start_time=dt.time(hours[0]),
            end_time=dt.time(hours[1]),
            valid_from=valid_from,
        )
    return interpreter


def make_venue(**extra) -> Venue:
    n = next(_counter)
    return venue_create(
        name=extra.pop("name", f"Venue {n}"),
        address=extra.pop("address", f"{n} High Street, Sutton"),
        **extra,
    )


def make_room(*, venue: Venue | None = None, name: str | None = None) -> Room:
    return room_create(venue=venue or make_venue(), name=name or f"Room {next(_counter)}")


def make_young_person(**extra) -> YoungPerson:
    n = next(_counter)
    return young_person_create(
        given_name=extra.pop("given_name", f"Alex{n}"),
        family_name=extra.pop("family_name", "Testperson"),
        date_of_birth=extra.pop("date_of_birth", dt.date(2011, 5, 17)),
        # Fictional people made by tests may share a name on purpose.
        confirm_not_duplicate=extra.pop("confirm_not_duplicate", True),
        **extra,
    )


def make_case(
    *,
    young_person: YoungPerson | None = None,
    case_manager: User | None = None,
    order_type: str = OrderType.REFERRAL_ORDER,
    order_start_date: dt.date = dt.date(2027, 3, 1),
) -> Case:
    return case_create(
        young_person=young_person or make_young_person(),
        order_type=order_type,
        order_start_date=order_start_date,
        case_manager=case_manager,
    )


# --- findings -----------------------------------------------------------------------------

ANSWERS = {
    "speech_language": {
        "screening_tool": "Communication screening questionnaire",
        "understanding": "yes",
        "speaking": "no",
        "social_communication": "yes",
        "literacy": "yes",
        "total_score": 14,
        "threshold_met": "yes",
        "outcome": "slcn_identified",
        "conditions": ["dld"],
        "strategies": "Use short sentences and check understanding by asking them to explain back.",
        "referral": "full_slt_assessment",
    },
    "health": {
        "gp_registered": "yes",
        "mental_health": "no_concern",
        "self_harm": "none",
        "suicidal_ideation": "no",
        "substances": ["cannabis"],
        "substance_frequency": "weekly",
    },
    "education": {
        "provision": "mainstream",
        "hours_per_week": 25,
        "attendance_percent": 82,
        "permanent_exclusion": "no",
        "send": "sen_support",
    },
    "social_care": {
        "status": "child_in_need",
        "child_protection_now": "no",
        "accommodation_suitable": "yes",
        "missing_episodes": 0,
        "exploitation": ["none"],
        "risk_to_others": "none_known",
    },
}
COMMON_ANSWERS = {
    "consent": "young_person",
    "concern_level": "medium",
    "linked_to_offending": "unclear",
    "strengths": "Plays football for a local club.",
}


def complete_answers(code: str, **overrides) -> dict:
    """A complete, valid set of answers for an agency's default form."""
    return {**ANSWERS[code], **COMMON_ANSWERS, **overrides}


def make_screened_case(*, case_manager: User | None = None, visit_day: dt.date | None = None):
    """A case whose one visit, with all four default agencies, took place in the past.
    Returns (case, {agency code: session})."""
    from zoneinfo import ZoneInfo

    from screening.booking.services import SessionRequest, visit_book

    day = visit_day or dt.date(2026, 11, 5)
    london = ZoneInfo("Europe/London")
    case = make_case(
        case_manager=case_manager or make_user(role=Role.CASE_MANAGER),
        order_start_date=day - dt.timedelta(days=3),
    )
    requests, start = [], dt.datetime.combine(day, dt.time(10), tzinfo=london)
    for agency in Agency.objects.filter(required_by_default=True).order_by("order"):
        practitioner = make_working_practitioner(
            agency=agency, valid_from=day - dt.timedelta(days=30)
        )
        requests.append(SessionRequest(agency=agency, practitioner=practitioner, start=start))
        start += dt.timedelta(minutes=agency.default_duration_minutes + 5)
    visit = visit_book(case=case, room=make_room(), sessions=requests, record_past=True)
    return case, {
        s.agency.code: s for s in visit.sessions.select_related("agency", "practitioner__user")
    }


def make_section_need_review(case, health) -> None:
    """The case manager edits the draft's Substance use section, then an amendment of the
    health findings changes it, so it needs review."""
    from screening.assessment.drafts import draft_edit
    from screening.assessment.findings import findings_save, findings_submit
    from screening.models import AssessmentDraft

    draft_edit(
        draft=AssessmentDraft.objects.get(case=case),
        user=case.case_manager,
        sections=[{"key": "substance_use", "text": "My own words."}],
    )
    findings_save(
        session=health,
        user=health.practitioner.user,
        answers=complete_answers("health", substances=["alcohol"]),
    )
    findings_submit(session=health, user=health.practitioner.user)


def submit_findings(session, **overrides):
    """Submit complete findings for the session as its practitioner, with `overrides`."""
    from screening.assessment.findings import findings_submit

    return findings_submit(
        session=session,
        user=session.practitioner.user,
        answers=complete_answers(session.agency.code, **overrides),
    )


def make_case_with_findings(code: str = "health"):
    """A screened case whose `code` session's findings are submitted (so it has a draft).
    Returns (case, {agency code: session})."""
    case, sessions = make_screened_case()
    submit_findings(sessions[code])
    return case, sessions


# The case manager's three judgements, each with a reason (sign-off needs them all).
JUDGEMENTS_GIVEN = {
    "risk_of_serious_harm": {"level": "medium", "reason": "Threats made to a classmate."},
    "safety_and_wellbeing": {"level": "high", "reason": "Missing from home twice this month."},
    "likelihood_of_reoffending": {"level": "medium", "reason": "Second offence this year."},
}


def record_judgements(draft, **overrides):
    """The case's case manager records the three judgements on the draft."""
    from screening.assessment.drafts import draft_edit

    return draft_edit(
        draft=draft, user=draft.case.case_manager, judgements={**JUDGEMENTS_GIVEN, **overrides}
    )
