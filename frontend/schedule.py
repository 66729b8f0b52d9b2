"""The week and day views of who is where, and a venue's printable day sheet for reception.
What they show comes from screening.booking.week; this module only lays it out."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from frontend.access import page
from frontend.forms import DateField, ScheduleForm
from screening.booking.week import day_sheet, week_view
from screening.models import Venue
from screening.models.venues import ROOMLESS_KINDS


def _query(form: ScheduleForm, day: dt.date) -> str:
    """The same filters for another week or day."""
    params: dict[str, object] = {
        "week_of_0": day.day,
        "week_of_1": day.month,
        "week_of_2": day.year,
    }
    if form.is_valid():
        if form.cleaned_data.get("venue"):
            params["venue"] = form.cleaned_data["venue"].pk
        if form.cleaned_data.get("agency"):
            params["agency"] = form.cleaned_data["agency"].code
    return urlencode(params)


def _render(request: HttpRequest, *, days: int) -> HttpResponse:
    form = ScheduleForm(request.GET or None)
    today = timezone.localdate()
    first = today
    venue = agency = None
    if form.is_bound and form.is_valid():
        first = form.cleaned_data.get("week_of") or today
        venue, agency = form.cleaned_data.get("venue"), form.cleaned_data.get("agency")
    if days == 7:
        first -= dt.timedelta(days=first.weekday())  # the week from its Monday
    view = week_view(first_day=first, days=days, venue=venue, agency=agency)
    step = dt.timedelta(days=days)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "frontend/schedule.html",
        {
            "form": form,
            "view": view,
            "days": days,
            "first": first,
            "last": first + step - dt.timedelta(days=1),
            "previous_query": _query(form, first - step),
            "next_query": _query(form, first + step),
            "day_queries": [(d, _query(form, d.date)) for d in view.days],
            "venue": venue,
            # Venues with rooms, and homes and schools (visits there need none).
            "venues": Venue.objects.filter(Q(rooms__is_active=True) | Q(kind__in=ROOMLESS_KINDS))
            .distinct()
            .order_by("name")
            if venue is None
            else [venue],
        },
        status=status,
    )


@page("schedule", "read")
def week(request: HttpRequest) -> HttpResponse:
    """Seven days from Monday: each practitioner's and room's sessions, leave, busy and
    free times, for the days and people asked."""
    return _render(request, days=7)


@page("schedule", "read")
def day(request: HttpRequest) -> HttpResponse:
    """One day of the same."""
    return _render(request, days=1)


@page("schedule", "read")
def venue_day_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The day's visits at one venue, to print for reception."""
    venue = get_object_or_404(Venue, pk=pk)
    field = DateField(label_name=gettext_lazy("date"), required=False)
    error = ""
    when = timezone.localdate()
    boxes = [request.GET.get(f"date_{n}", "") for n in range(3)]
    if any(boxes):
        try:
            when = field.clean(boxes) or when
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    return render(
        request,
        "frontend/day_sheet.html",
        {
            "venue": venue,
            "when": when,
            "boxes": boxes if error else [when.day, when.month, when.year],
            "error": error,
            "visits": [] if error else day_sheet(venue=venue, day=when),
        },
        status=400 if error else 200,
    )
