"""The timeliness report against a small YOT whose numbers are worked out by hand.

Now is Wednesday 14 April 2027, noon; the period is February to April 2027.
- Case P (order from Sunday 28 February): visit on Wednesday 3 March, on time. Findings:
  health submitted 4 March (on time), education submitted 10 March (late), speech and
  language never submitted (late: due 5 March has passed); social care did not attend
  ("Unwell on the day") and was rebooked for Thursday 4 March, so its findings are not
  counted, and the visit counts done on 4 March, when the last agency saw the young person
  (still on time). Signed off 12 March, on time.
- Case L (other order from Monday 15 March): visit only on Wednesday 31 March, after its
  deadline ("Interpreter not available"): late. Health findings never submitted: late (due
  in April). Assessment not signed off and past due (April): late.
- Case N (order from Tuesday 13 April): visit not yet due and none booked: not counted.
- Case O (order from 1 December 2026): due before the period: not counted.
Expected: visit 1 on time, 1 late (both March), 1 not yet due; findings 1 on time, 3 late
(health 1 of 2, speech and language 0 of 1, education 0 of 1); assessment 1 on time
(March), 1 late (April).
"""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role
from agencies.models import Agency
from screening.assessment.drafts import draft_sign_off, draft_submit
from screening.assessment.findings import findings_submit
from screening.booking.services import (
    SessionRequest,
    session_rebook,
    session_record_attendance,
    visit_book,
)
from screening.models import DraftEvent, OrderType
from screening.reports.timeliness import add_months, default_period, timeliness_for
from tests import factories
from tests.factories import record_judgements
from tests.messaging import LONDON, freeze
from tests.screening.reports.test_timeliness_reference import freeze_draft_events

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 4, 14, 12, 0, tzinfo=LONDON)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _case_p(clock, manager):
    clock.moment = at(dt.date(2027, 2, 20), 9)
    case, sessions = factories.make_screened_case(visit_day=dt.date(2027, 3, 3))
    clock.moment = at(dt.date(2027, 3, 3), 13)
    for code, session in sessions.items():
        attended = code != "social_care"
        session_record_attendance(
            session=session, attended=attended, reason="" if attended else "Unwell on the day"
        )
    missed = sessions["social_care"]
    missed.refresh_from_db()
    session_rebook(
        missed=missed,
        room=missed.visit.room,
        practitioner=missed.practitioner,
        start=at(dt.date(2027, 3, 4), 10),
        reason="Young person was unwell",
    )
    for code, day in [("health", dt.date(2027, 3, 4)), ("education", dt.date(2027, 3, 10))]:
        clock.moment = at(day, 15)
        s = sessions[code]
        findings_submit(
            session=s, user=s.practitioner.user, answers=factories.complete_answers(code)
        )
    clock.moment = at(dt.date(2027, 3, 11), 10)
    case.refresh_from_db()
    record_judgements(case.assessment_draft)
    case.refresh_from_db()
    draft_submit(draft=case.assessment_draft, user=case.case_manager)
    clock.moment = at(dt.date(2027, 3, 12), 10)
    draft_sign_off(draft=case.assessment_draft, user=manager)
    return case


def _case_l(clock):
    clock.moment = at(dt.date(2027, 3, 15), 9)
    case = factories.make_case(order_type=OrderType.OTHER, order_start_date=dt.date(2027, 3, 15))
    nurse = factories.make_working_practitioner(agency="health")
    visit = visit_book(
        case=case,
        room=factories.make_room(),
        sessions=[
            SessionRequest(
                agency=Agency.objects.get(code="health"),
                practitioner=nurse,
                start=at(dt.date(2027, 3, 31), 10),
            )
        ],
        late_reason="Interpreter not available",
    )
    clock.moment = at(dt.date(2027, 3, 31), 11)
    session_record_attendance(session=visit.sessions.get(), attended=True)
    return case


@pytest.fixture
def yot(monkeypatch):
    clock = freeze(monkeypatch, NOW)
    freeze_draft_events(monkeypatch, clock)
    manager = factories.make_user(role=Role.YOT_MANAGER)
    p = _case_p(clock, manager)
    late = _case_l(clock)
    clock.moment = at(dt.date(2027, 4, 13), 9)
    factories.make_case(order_start_date=dt.date(2027, 4, 13))
    clock.moment = at(dt.date(2026, 12, 1), 9)
    factories.make_case(order_start_date=dt.date(2026, 12, 1))
    clock.moment = NOW
    return {"manager": manager, "p": p, "l": late}


def _report(yot):
    return timeliness_for(
        user=yot["manager"], first_month=dt.date(2027, 2, 1), last_month=dt.date(2027, 4, 1)
    )


def test_the_hand_made_data_set_has_the_due_months_the_counts_assume(yot):
    p, late = yot["p"], yot["l"]
    assert p.visit_due_by.month == 3 and late.visit_due_by.month == 3
    assert p.assessment_due_by.month == 3 and late.assessment_due_by.month == 4
    assert late.assessment_due_by < NOW.date()


def test_visit_stage_counts_on_time_and_late_and_leaves_out_cases_not_yet_due(yot):
    visit = _report(yot).stages[0]
    assert visit.key == "visit"
    assert (visit.total.on_time, visit.total.late, visit.total.percent) == (1, 1, 50)
    assert visit.not_yet_due == 1
    months = {m.month: (r.on_time, r.late) for m, r in visit.by_month}
    assert months == {2: (0, 0), 3: (1, 1), 4: (0, 0)}


def test_findings_stage_counts_first_submission_and_unsubmitted_past_due_as_late(yot):
    findings = _report(yot).stages[1]
    assert (findings.total.on_time, findings.total.late, findings.total.percent) == (1, 3, 25)
    months = {m.month: (r.on_time, r.late) for m, r in findings.by_month}
    assert months == {2: (0, 0), 3: (1, 2), 4: (0, 1)}


def test_findings_rates_by_agency_in_session_order(yot):
    rows = [(name, r.on_time, r.late) for name, r in _report(yot).findings_by_agency]
    names = dict(Agency.objects.values_list("code", "name"))
    assert rows == [
        (names["speech_language"], 0, 1),
        (names["health"], 1, 1),
        (names["education"], 0, 1),
    ]


def test_assessment_stage_uses_the_first_sign_off(yot):
    signed = DraftEvent.objects.get(kind=DraftEvent.Kind.SIGNED_OFF)
    assert signed.at.astimezone(LONDON).date() == dt.date(2027, 3, 12)
    assessment = _report(yot).stages[2]
    assert (assessment.total.on_time, assessment.total.late) == (1, 1)
    months = {m.month: (r.on_time, r.late) for m, r in assessment.by_month}
    assert months == {2: (0, 0), 3: (1, 0), 4: (0, 1)}


def test_reasons_for_lateness_list_late_visits_and_missed_sessions_rebooked(yot):
    report = _report(yot)
    listed = sorted((r.case_reference, r.kind, r.text) for r in report.reasons)
    assert listed == sorted(
        [
            (yot["l"].reference, "Visit after the deadline", "Interpreter not available"),
            (yot["p"].reference, "Missed session, rebooked", "Unwell on the day"),
        ]
    )
    assert report.reason_counts == [("Interpreter not available", 1), ("Unwell on the day", 1)]


def test_a_period_before_anything_was_due_counts_nothing(yot):
    report = timeliness_for(
        user=yot["manager"], first_month=dt.date(2026, 6, 1), last_month=dt.date(2026, 8, 1)
    )
    assert [s.total.counted for s in report.stages] == [0, 0, 0]
    assert [s.total.percent for s in report.stages] == [None, None, None]
    assert report.reasons == []


def test_only_yot_managers_and_admins_may_see_timeliness(db):
    for role in [Role.CASE_MANAGER, Role.PRACTITIONER, Role.SYSTEM_ADMIN]:
        with pytest.raises(PermissionError):
            timeliness_for(
                user=factories.make_user(role=role),
                first_month=dt.date(2027, 1, 1),
                last_month=dt.date(2027, 1, 1),
            )


def test_default_period_is_the_last_six_months_including_this_one():
    assert default_period(dt.date(2027, 2, 17)) == (dt.date(2026, 9, 1), dt.date(2027, 2, 1))
    assert add_months(dt.date(2027, 1, 1), -1) == dt.date(2026, 12, 1)
    assert add_months(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)
