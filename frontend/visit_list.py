"""The visits list: every visit the user may see, filtered by day, room and practitioner."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from frontend.access import page
from frontend.forms import VisitFilterForm
from frontend.views import paginate, query_params
from screening.booking.selectors import visits_filtered, visits_shown_for
from screening.local_dates import local_midnight
from screening.models import VisitStatus


@page("visits", "read")
def visit_list(request: HttpRequest) -> HttpResponse:
    """Visits in the user's scope that are not cancelled: a chosen day's, room's or
    practitioner's, and without a day those from today on; earliest first."""
    form = VisitFilterForm(request.GET or None)
    visits = (
        visits_shown_for(user=request.user)
        .select_related("case__young_person")
        .exclude(status=VisitStatus.CANCELLED)
        .order_by("start", "id")
    )
    day = None
    if form.is_bound and not form.is_valid():
        visits = visits.none()
    elif form.is_bound:
        data = form.cleaned_data
        day = data["day"]
        visits = visits_filtered(
            visits,
            day=day,
            room=data["room"].pk if data["room"] else None,
            practitioner=data["practitioner"].pk if data["practitioner"] else None,
        )
    if day is None:
        zone = timezone.get_current_timezone()
        visits = visits.filter(start__gte=local_midnight(timezone.localdate(), zone))
    return render(
        request,
        "frontend/visit_list.html",
        {
            "form": form,
            "page": paginate(request, visits),
            "day": day,
            "params": query_params(request),
            "error_title": form.errors,
        },
    )
