"""The dashboard's work lists: the week's visits a page at a time, today's capped, the
backlog of findings counted per agency with the most overdue listed, and a query count that
does not grow with the rows shown, for every role that has a dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from frontend import views
from screening.assessment.findings import findings_submit
from screening.assessment.selectors import findings_backlog_for
from screening.booking.services import session_record_attendance, visit_cancel
from screening.models import Session
from tests.factories import complete_answers, make_case, make_screened_case, make_user
from tests.frontend.test_pages import browser_for
from tests.messaging import LONDON, NOW, at, book, freeze, make_team

pytestmark = pytest.mark.django_db

TOMORROW = NOW.date() + dt.timedelta(days=1)  # NOW is a Tuesday: tomorrow is this week


def _screened(case_manager, day: dt.date, *, missed: str | None = None):
    """A past visit of four sessions, all attended except `missed` (an agency code)."""
    case, sessions = make_screened_case(case_manager=case_manager, visit_day=day)
    for code, session in sessions.items():
        if code == missed:
            session_record_attendance(session=session, attended=False, reason="Unwell")
        else:
            session_record_attendance(session=session, attended=True)
    return case, sessions


def _submit(session) -> None:
    findings_submit(
        session=session,
        user=session.practitioner.user,
        answers=complete_answers(session.agency.code),
    )


def _book_this_week(team, case_manager, hour: int, day: dt.date = TOMORROW):
    visit = book(team, start=at(hour, day=day))
    visit.case.case_manager = case_manager
    visit.case.save()
    return visit


def _dashboard_queries(client) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("role", [Role.YOT_ADMIN, Role.YOT_MANAGER, Role.CASE_MANAGER])
def test_dashboard_query_count_does_not_grow_with_rows(monkeypatch, role):
    freeze(monkeypatch)
    case_manager = make_user(role=Role.CASE_MANAGER)
    user = case_manager if role == Role.CASE_MANAGER else make_user(role=role)
    client = browser_for(user)
    team = make_team()
    past = NOW.date() - dt.timedelta(days=14)
    _screened(case_manager, past, missed="education")
    _book_this_week(team, case_manager, 10)
    _book_this_week(team, case_manager, 12, day=NOW.date())
    few, few_page = _dashboard_queries(client)
    for n in range(3):
        _screened(case_manager, past - dt.timedelta(days=7 * (n + 1)), missed="health")
        _book_this_week(team, case_manager, 11 + n)
        _book_this_week(team, case_manager, 13 + n, day=NOW.date())
    many, many_page = _dashboard_queries(client)
    assert len(many_page.context["week_visits"]) == 8 > len(few_page.context["week_visits"])
    assert len(many_page.context["awaiting"]) == 12 > len(few_page.context["awaiting"])
    assert len(many_page.context["missed"]) == 4 > len(few_page.context["missed"])
    assert many == few


def test_dashboard_week_visits_come_a_page_at_a_time(monkeypatch):
    freeze(monkeypatch)
    monkeypatch.setattr(views, "DASHBOARD_ROWS", 2)
    admin = make_user(role=Role.YOT_ADMIN)
    team = make_team()
    visits = [_book_this_week(team, None, hour) for hour in (10, 11, 12)]
    client = browser_for(admin)
    first = client.get("/dashboard/")
    second = client.get("/dashboard/", {"page": 2})
    assert [v.pk for v in first.context["week_visits"]] == [v.pk for v in visits[:2]]
    assert [v.pk for v in second.context["week_visits"]] == [visits[2].pk]
    assert 'href="?page=2#week"' in first.content.decode()


def test_dashboard_caps_todays_visits_and_says_the_rest_are_in_the_week(monkeypatch):
    freeze(monkeypatch)
    monkeypatch.setattr(views, "DASHBOARD_ROWS", 2)
    admin = make_user(role=Role.YOT_ADMIN)
    team = make_team()
    client = browser_for(admin)
    for hour in (12, 13):
        _book_this_week(team, None, hour, day=NOW.date())
    assert client.get("/dashboard/").context["today_more"] is False
    _book_this_week(team, None, 14, day=NOW.date())
    page = client.get("/dashboard/")
    assert len(page.context["today_visits"]) == 2
    assert "Showing the first 2 of today" in page.content.decode()


def test_findings_backlog_counts_per_agency_and_lists_the_most_overdue_first(monkeypatch):
    freeze(monkeypatch, dt.datetime.combine(NOW.date(), dt.time(17), tzinfo=LONDON))
    case_manager = make_user(role=Role.CASE_MANAGER)
    older, older_sessions = _screened(case_manager, NOW.date() - dt.timedelta(days=21))
    newer, _ = _screened(case_manager, NOW.date() - dt.timedelta(days=14))
    _, today_sessions = _screened(case_manager, NOW.date())  # findings not due yet
    _submit(older_sessions["health"])
    _submit(today_sessions["education"])
    backlog = findings_backlog_for(user=case_manager, today=NOW.date(), limit=4)
    counts = {row.agency_code: (row.overdue, row.due) for row in backlog.by_agency}
    assert counts == {
        "speech_language": (2, 1),
        "health": (1, 1),
        "education": (2, 0),
        "social_care": (2, 1),
    }
    assert [row.agency_code for row in backlog.by_agency] == list(counts)
    assert [(s.visit.case_id, s.agency.code) for s in backlog.overdue] == [
        (older.pk, "speech_language"),
        (older.pk, "education"),
        (older.pk, "social_care"),
        (newer.pk, "speech_language"),
    ]


def test_findings_backlog_leaves_out_other_case_managers_cases(monkeypatch):
    freeze(monkeypatch)
    mine, other = make_user(role=Role.CASE_MANAGER), make_user(role=Role.CASE_MANAGER)
    past = NOW.date() - dt.timedelta(days=14)
    case, _ = _screened(mine, past)
    _screened(other, past)
    backlog = findings_backlog_for(user=mine, today=NOW.date(), limit=10)
    assert sum(row.overdue for row in backlog.by_agency) == 4
    assert {s.visit.case_id for s in backlog.overdue} == {case.pk}


def test_dashboard_work_lists_show_their_first_rows_and_say_more_are_waiting(monkeypatch):
    freeze(monkeypatch)
    monkeypatch.setattr(views, "DASHBOARD_ROWS", 2)
    case_manager = make_user(role=Role.CASE_MANAGER)
    client = browser_for(case_manager)
    past = NOW.date() - dt.timedelta(days=14)
    _screened(case_manager, past, missed="education")  # 3 overdue, 1 missed
    for _ in range(2):
        make_case(case_manager=case_manager, order_start_date=NOW.date())
    page = client.get("/dashboard/")
    html = page.content.decode()
    assert page.context["needing_more"] is False and len(page.context["needing"]) == 2
    assert page.context["missed_more"] is False
    assert "the 2 most overdue of 3" in html
    make_case(case_manager=case_manager, order_start_date=NOW.date())
    _screened(case_manager, past - dt.timedelta(days=7), missed="health")
    _screened(case_manager, past - dt.timedelta(days=14), missed="health")
    page = client.get("/dashboard/")
    html = page.content.decode()
    assert len(page.context["needing"]) == 2 and page.context["needing_more"] is True
    assert "Showing the 2 most urgent; more cases need a visit." in html
    assert len(page.context["missed"]) == 2 and page.context["missed_more"] is True
    assert "Showing the 2 missed longest ago" in html
    assert "the 2 most overdue of 9" in html


def test_cases_needing_a_visit_leave_out_booked_ones_and_keep_cancelled_ones(monkeypatch):
    freeze(monkeypatch)
    admin = make_user(role=Role.YOT_ADMIN)
    team = make_team()
    waiting = make_case(order_start_date=NOW.date())
    booked = _book_this_week(team, None, 10)
    cancelled = _book_this_week(team, None, 11)
    visit_cancel(visit=cancelled, reason="Family moved the date", cancelled_by=admin)
    needing = browser_for(admin).get("/dashboard/").context["needing"]
    assert {c.pk for c in needing} == {waiting.pk, cancelled.case_id}
    assert booked.case_id not in {c.pk for c in needing}


def test_first_submission_marks_the_session_and_the_backlog_still_checks_the_findings(
    monkeypatch,
):
    freeze(monkeypatch, dt.datetime.combine(NOW.date(), dt.time(17), tzinfo=LONDON))
    case_manager = make_user(role=Role.CASE_MANAGER)
    _, sessions = _screened(case_manager, NOW.date() - dt.timedelta(days=21))
    health, education = sessions["health"], sessions["education"]
    _submit(health)
    health.refresh_from_db()
    first = health.findings.get(version=1).submitted_at
    assert health.findings_submitted_at == first
    _submit(health)  # an amendment keeps the moment of the first submission
    health.refresh_from_db()
    assert health.findings_submitted_at == first
    # A session whose findings came before the mark existed (not backfilled) stays out of
    # the backlog: the mark only narrows what is read.
    _submit(education)
    Session.objects.filter(pk=education.pk).update(findings_submitted_at=None)
    backlog = findings_backlog_for(user=case_manager, today=NOW.date(), limit=10)
    assert {s.agency.code for s in backlog.overdue} == {"speech_language", "social_care"}
