"""Start page and the YOT dashboard."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Role
from frontend.access import page
from screening.access import can
from screening.assessment.selectors import (
    assessments_due_for,
    drafts_awaiting_sign_off_for,
    drafts_to_edit_for,
    findings_backlog_for,
    sections_needing_review_for,
)
from screening.booking.selectors import (
    sessions_missed_for,
    visits_between_for,
    visits_unconfirmed_for,
)
from screening.models import DraftStatus
from screening.people.deadlines import closure_days
from screening.people.selectors import cases_needing_visit_for
from screening.people.workdays import working_days_between
from screening.worktray.selectors import admin_task_list_for

PAGE_SIZE = 25
DASHBOARD_ROWS = PAGE_SIZE  # rows of each work list on the dashboard


def paginate(request: HttpRequest, rows, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def query_params(request: HttpRequest) -> str:
    """The list's query (its search and filters) without the page, for page links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def home(request: HttpRequest) -> HttpResponse:
    """The start page; a signed-in user goes straight to their role's first page."""
    user = request.user
    if user.is_authenticated:
        if user.role == Role.PRACTITIONER:
            return redirect("frontend:my_home")
        if user.role in {Role.YOT_ADMIN, Role.YOT_MANAGER, Role.CASE_MANAGER}:
            return redirect("frontend:dashboard")
    return render(request, "frontend/home.html")


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


@page("cases", "read")
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs doing now, each row linking to where it is done."""
    user = request.user
    if user.role == Role.PRACTITIONER:
        raise PermissionDenied  # their home is the practitioner page
    today = timezone.localdate()
    closed = closure_days()
    # Each work list shows its first DASHBOARD_ROWS rows, read with one more to say when
    # some are left out; the week's visits come a page at a time (?page=). So the page stays
    # the same size however busy the YOT is.
    needing, needing_more = _first_rows(cases_needing_visit_for(user=user))
    for case in needing:
        case.visit_days_left = working_days_between(today, case.visit_due_by, closures=closed)
        case.assessment_days_left = working_days_between(
            today, case.assessment_due_by, closures=closed
        )
    day_start, day_end = local_day_bounds(today)
    monday = today - dt.timedelta(days=today.weekday())
    week_start, _ = local_day_bounds(monday)
    _, week_end = local_day_bounds(monday + dt.timedelta(days=6))
    today_visits, today_more = _first_rows(
        visits_between_for(user=user, start=day_start, end=day_end)
    )
    week = paginate(
        request, visits_between_for(user=user, start=week_start, end=week_end), DASHBOARD_ROWS
    )
    backlog = findings_backlog_for(user=user, today=today, limit=DASHBOARD_ROWS)
    missed, missed_more = _first_rows(sessions_missed_for(user=user))
    return render(
        request,
        "frontend/dashboard.html",
        {
            "today": today,
            "needing": needing,
            "needing_more": needing_more,
            "today_visits": today_visits,
            "today_more": today_more,
            "week_visits": week.object_list,
            "week_page": week,
            "awaiting": backlog.overdue,
            "awaiting_overdue": sum(row.overdue for row in backlog.by_agency),
            "awaiting_by_agency": backlog.by_agency,
            "unconfirmed": list(visits_unconfirmed_for(user=user, now=timezone.now())[:20]),
            "missed": missed,
            "missed_more": missed_more,
            **_task_block(user),
            **_draft_work(user, today, closed),
        },
    )


def _draft_work(user, today: dt.date, closed: frozenset[dt.date]) -> dict[str, object]:
    """The assessment work lists: for a case manager, their drafts to edit, the sections
    that changed findings marked for review and their assessment deadlines; for a YOT
    manager, the drafts waiting for sign-off. One query each, however many rows."""
    if user.role == Role.CASE_MANAGER:
        drafts, drafts_more = _first_rows(drafts_to_edit_for(user=user))
        sections, sections_more = _first_rows(sections_needing_review_for(user=user))
        due, due_more = _first_rows(assessments_due_for(user=user))
        for case in due:
            case.days_left = working_days_between(today, case.assessment_due_by, closures=closed)
            case.draft_label = (
                DraftStatus(case.draft_status).label if case.draft_status else "No findings yet"
            )
        return {
            "draft_work": True,
            "drafts_to_edit": drafts,
            "drafts_to_edit_more": drafts_more,
            "sections_to_review": sections,
            "sections_to_review_more": sections_more,
            "assessments_due": due,
            "assessments_due_more": due_more,
        }
    if user.role == Role.YOT_MANAGER:
        awaiting, awaiting_more = _first_rows(drafts_awaiting_sign_off_for(user=user))
        return {"sign_off": awaiting, "sign_off_more": awaiting_more}
    return {}


def _first_rows(rows) -> tuple[list, bool]:
    """The first DASHBOARD_ROWS rows, and whether there are more."""
    first = list(rows[: DASHBOARD_ROWS + 1])
    return first[:DASHBOARD_ROWS], len(first) > DASHBOARD_ROWS


def _task_block(user) -> dict[str, object]:
    """Failed texts and replies needing a phone call: the open admin tasks."""
    tasks = admin_task_list_for(user=user).filter(done_at__isnull=True).order_by("created_at", "id")
    return {
        "show_tasks": can(user, "admin_tasks", "read"),
        "open_tasks": list(tasks[:DASHBOARD_ROWS]),
        "open_task_count": tasks.count(),
    }
