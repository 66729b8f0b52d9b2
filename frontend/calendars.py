"""Calendar settings for one practitioner: the feed address (and a new one on request) and
busy times imported from their own calendar, by address or uploaded file. The practitioner
reaches their own at /my/calendar/, a YOT admin anyone's from /practitioners/<id>/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from agencies.models import Practitioner
from agencies.selectors import calendar_feed_url, practitioner_list_for, practitioner_of
from agencies.services import practitioner_rotate_feed_token
from frontend.access import page
from frontend.forms import CalendarUploadForm, CalendarUrlForm, apply_service_errors
from screening.access import can
from screening.calendars import imports as calendar_services
from screening.models import CalendarImport


def _settings_page(request: HttpRequest, practitioner: Practitioner, own: bool) -> HttpResponse:
    url_form = upload_form = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not can(request.user, "calendar_import", "update"):
            raise PermissionDenied
        if action == "rotate":
            practitioner_rotate_feed_token(practitioner=practitioner)
            messages.success(
                request, _("There is a new feed address. The old one no longer works.")
            )
            return redirect(request.path)
        if action == "remove":
            if calendar_services.calendar_import_delete(practitioner=practitioner):
                messages.success(request, _("Busy times are no longer imported."))
            return redirect(request.path)
        if action == "url":
            url_form = CalendarUrlForm(request.POST)
            if url_form.is_valid():
                try:
                    calendar_services.calendar_import_set_url(
                        practitioner=practitioner, url=url_form.cleaned_data["url"]
                    )
                except ValidationError as error:
                    apply_service_errors(url_form, error)
                else:
                    messages.success(
                        request,
                        _(
                            "The address is saved. The calendar is loaded in the background: "
                            "this page shows how it went."
                        ),
                    )
                    return redirect(request.path)
        elif action == "upload":
            upload_form = CalendarUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                limit = settings.CALENDAR_IMPORT["max_bytes"]
                try:
                    calendar_services.calendar_import_upload(
                        practitioner=practitioner,
                        data=upload.read(limit + 1),
                        file_name=upload.name or "",
                    )
                except ValidationError as error:
                    apply_service_errors(upload_form, error)
                else:
                    messages.success(
                        request,
                        _(
                            "The file is uploaded. It is read in the background: this page shows "
                            "how it went."
                        ),
                    )
                    return redirect(request.path)
        else:
            raise Http404("No such action.")
    record = (
        CalendarImport.objects.filter(practitioner=practitioner).defer("requested_data").first()
    )
    if url_form is None:
        wanted = record and (record.requested_url or record.url)
        initial = {"url": wanted} if wanted else None
        url_form = CalendarUrlForm(initial=initial)
    upload_form = upload_form or CalendarUploadForm()
    return render(
        request,
        "frontend/calendar_settings.html",
        {
            "practitioner": practitioner,
            "own": own,
            "feed_url": calendar_feed_url(practitioner),
            "record": record,
            "url_form": url_form,
            "upload_form": upload_form,
            "max_kb": settings.CALENDAR_IMPORT["max_bytes"] // 1024,
            "error_title": url_form.errors or upload_form.errors,
        },
    )


@page("calendar_import", "read")
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The practitioner's own calendar settings."""
    if request.user.role != Role.PRACTITIONER:
        raise PermissionDenied  # admins open a practitioner's from the practitioner list
    practitioner = practitioner_of(user=request.user)
    if practitioner is None:
        raise Http404("No practitioner record for this login.")
    return _settings_page(request, practitioner, own=True)


@page("calendar_import", "read")
def practitioner_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """A practitioner's calendar settings, for a YOT admin (or that practitioner)."""
    practitioner = get_object_or_404(practitioner_list_for(user=request.user), pk=pk)
    if practitioner.user_id == request.user.pk:
        return redirect("frontend:my_calendar")
    return _settings_page(request, practitioner, own=False)
