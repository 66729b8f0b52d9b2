"""The practitioner's home (sessions, availability, calendar feed) and the YOT admin's
practitioner list; availability is written through agencies.services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from schedule.models import Event

from accounts.models import Role
from agencies import services as agency_services
from agencies.models import Practitioner
from agencies.selectors import calendar_feed_url, practitioner_list_for, practitioner_of
from frontend.access import page
from frontend.forms import WEEKDAYS, LeaveForm, WorkingPatternForm, apply_service_errors
from frontend.views import paginate
from screening.access import can
from screening.assessment.selectors import sessions_awaiting_findings_for
from screening.booking.selectors import session_list_for

DAY_NAMES = dict(WEEKDAYS)


def _patterns(practitioner: Practitioner) -> list[dict[str, object]]:
    return [
        {
            "pattern": p,
            "days": ", ".join(str(DAY_NAMES[d]) for d in p.weekdays),
        }
        for p in agency_services.working_patterns_of(practitioner=practitioner)
    ]


def _availability_context(practitioner: Practitioner) -> dict[str, object]:
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    leave = [
        e
        for e in agency_services.leave_of(practitioner=practitioner)
        if e.end > dt.datetime.combine(today, dt.time(0), tzinfo=zone)
    ]
    for e in leave:
        e.last_day = (timezone.localtime(e.end) - dt.timedelta(microseconds=1)).date()
    return {"practitioner": practitioner, "patterns": _patterns(practitioner), "leave": leave}


def _calendar_link(request: HttpRequest) -> dict[str, object]:
    """Whether the page links to the practitioner's calendar settings."""
    return {"may_calendar": can(request.user, "calendar_import", "read")}


@page("availability", "read")
def my_home(request: HttpRequest) -> HttpResponse:
    """A practitioner's sessions, findings to submit, availability and calendar feed."""
    if request.user.role != Role.PRACTITIONER:
        raise PermissionDenied  # admins see a practitioner's availability from the list
    practitioner = practitioner_of(user=request.user)
    if practitioner is None:
        raise Http404("No practitioner record for this login.")
    now = timezone.now()
    sessions = session_list_for(user=request.user).select_related(
        "visit__case__young_person", "visit__room__venue", "visit__venue"
    )
    upcoming = sessions.filter(end__gte=now, cancelled=False).exclude(visit__status="cancelled")
    past = sessions.filter(end__lt=now).order_by("-start", "-id")
    awaiting = list(sessions_awaiting_findings_for(user=request.user))
    today = timezone.localdate()
    for s in awaiting:
        due = s.visit.case.findings_due_by
        s.overdue = due is not None and due < today
    return render(
        request,
        "frontend/my_home.html",
        {
            **_availability_context(practitioner),
            **_calendar_link(request),
            "upcoming": upcoming.order_by("start", "id")[:50],
            "past": paginate(request, past, 20),
            "awaiting": awaiting,
            "feed_url": calendar_feed_url(practitioner),
            "now": now,
            "own": True,
        },
    )


@page("practitioners", "create")
def practitioner_list(request: HttpRequest) -> HttpResponse:
    practitioners = practitioner_list_for(user=request.user).order_by("agency__order", "name", "id")
    return render(
        request, "frontend/practitioner_list.html", {"page": paginate(request, practitioners)}
    )


def _practitioner(request: HttpRequest, pk: int) -> Practitioner:
    return get_object_or_404(practitioner_list_for(user=request.user), pk=pk)


@page("availability", "read")
def availability(request: HttpRequest, pk: int) -> HttpResponse:
    practitioner = _practitioner(request, pk)
    return render(
        request,
        "frontend/availability.html",
        {
            **_availability_context(practitioner),
            **_calendar_link(request),
            "feed_url": calendar_feed_url(practitioner),
            "own": practitioner.user_id == request.user.pk,
        },
    )


def _back(request: HttpRequest, practitioner: Practitioner):
    if practitioner.user_id == request.user.pk:
        return redirect("frontend:my_home")
    return redirect("frontend:availability", pk=practitioner.pk)


@page("availability", "create")
def pattern_new(request: HttpRequest, pk: int) -> HttpResponse:
    practitioner = _practitioner(request, pk)
    form = WorkingPatternForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agency_services.working_pattern_create(practitioner=practitioner, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The working pattern is added."))
            return _back(request, practitioner)
    return render(
        request,
        "frontend/availability_form.html",
        {
            "form": form,
            "practitioner": practitioner,
            "what": "working pattern",
            "error_title": form.errors,
        },
    )


@page("availability", "create")
def leave_new(request: HttpRequest, pk: int) -> HttpResponse:
    practitioner = _practitioner(request, pk)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        zone = timezone.get_current_timezone()
        data = form.cleaned_data
        try:
            agency_services.leave_create(
                practitioner=practitioner,
                start=dt.datetime.combine(data["first_day"], dt.time(0), tzinfo=zone),
                end=dt.datetime.combine(
                    data["last_day"] + dt.timedelta(days=1), dt.time(0), tzinfo=zone
                ),
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error, {"start": "first_day", "end": "last_day"})
        else:
            messages.success(request, _("The leave is added."))
            return _back(request, practitioner)
    return render(
        request,
        "frontend/availability_form.html",
        {"form": form, "practitioner": practitioner, "what": "leave", "error_title": form.errors},
    )


@require_POST
@page("availability", "update")
def pattern_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    practitioner = _practitioner(request, pk)
    try:
        agency_services.working_pattern_delete(practitioner=practitioner, pattern_id=item)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("The working pattern is removed."))
    return _back(request, practitioner)


@require_POST
@page("availability", "update")
def leave_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    practitioner = _practitioner(request, pk)
    try:
        agency_services.leave_delete(practitioner=practitioner, leave_id=item)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("The leave is removed."))
    return _back(request, practitioner)
