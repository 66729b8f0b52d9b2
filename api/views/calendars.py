"""A practitioner's imported calendar, and the iCalendar feeds for calendar apps:
/calendars/practitioners/{id}.ics?token=, /calendars/interpreters/{id}.ics?token= and
/calendars/rooms/{id}.ics?token=. A feed's
token in the address is the only credential (calendar apps cannot log in); a wrong, missing
or rotated token, or an unknown id, answers a plain 404 that does not say which."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Practitioner
from agencies.selectors import practitioner_list_for
from api.permissions import RolePermission
from api.serializers.calendars import (
    CalendarImportSerializer,
    CalendarImportUploadSerializer,
    CalendarImportUrlSerializer,
    calendar_import_data,
)
from screening.calendars import imports as calendar_services
from screening.calendars.feeds import (
    interpreter_feed,
    interpreter_for_feed,
    practitioner_feed,
    practitioner_for_feed,
    room_feed,
    room_for_feed,
)
from screening.models import CalendarImport


class CalendarImportMixin:
    """Busy times imported from the practitioner's own calendar: that practitioner or a
    YOT admin; anyone else's practitioner is out of scope (404)."""

    resource = "calendar_import"
    permission_classes = [RolePermission]

    def practitioner(self, request: Request, practitioner_pk: int) -> Practitioner:
        return get_object_or_404(practitioner_list_for(user=request.user), pk=practitioner_pk)

    @staticmethod
    def answer(practitioner: Practitioner, *, code: int = status.HTTP_200_OK) -> Response:
        record = (
            CalendarImport.objects.filter(practitioner=practitioner).defer("requested_data").first()
        )
        return Response(calendar_import_data(record), status=code)


class CalendarImportView(CalendarImportMixin, APIView):
    @extend_schema(responses={200: CalendarImportSerializer})
    def get(self, request: Request, practitioner_pk: int) -> Response:
        return self.answer(self.practitioner(request, practitioner_pk))

    @extend_schema(
        request=CalendarImportUrlSerializer,
        responses={202: CalendarImportSerializer},
        description="Accepted: the background worker loads the address (status pending, then "
        "ok or failed with the error); the busy times imported before count until it loads.",
    )
    def put(self, request: Request, practitioner_pk: int) -> Response:
        practitioner = self.practitioner(request, practitioner_pk)
        data = CalendarImportUrlSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        calendar_services.calendar_import_set_url(
            practitioner=practitioner, url=data.validated_data["url"]
        )
        return self.answer(practitioner, code=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, practitioner_pk: int) -> Response:
        calendar_services.calendar_import_delete(
            practitioner=self.practitioner(request, practitioner_pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarImportUploadView(CalendarImportMixin, APIView):
    # The one endpoint that takes a file rather than JSON.
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": CalendarImportUploadSerializer},
        responses={202: CalendarImportSerializer},
        description="Accepted: the background worker reads the file (status pending, then ok "
        "or failed with the error); the busy times imported before count until it loads.",
    )
    def post(self, request: Request, practitioner_pk: int) -> Response:
        practitioner = self.practitioner(request, practitioner_pk)
        data = CalendarImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        limit = settings.CALENDAR_IMPORT["max_bytes"]
        calendar_services.calendar_import_upload(
            practitioner=practitioner, data=upload.read(limit + 1), file_name=upload.name or ""
        )
        return self.answer(practitioner, code=status.HTTP_202_ACCEPTED)


# --- feeds ----------------------------------------------------------------------------------


def _not_found() -> HttpResponse:
    return HttpResponseNotFound("Not found.", content_type="text/plain; charset=utf-8")


def _calendar(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The address is a secret: shared caches must not keep the feed.
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="screening.ics"'
    return response


@require_safe
def practitioner_calendar(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    practitioner = practitioner_for_feed(
        practitioner_id=practitioner_id, token=request.GET.get("token", "")
    )
    if practitioner is None:
        return _not_found()
    return _calendar(practitioner_feed(practitioner=practitioner))


@require_safe
def room_calendar(request: HttpRequest, room_id: int) -> HttpResponse:
    room = room_for_feed(room_id=room_id, token=request.GET.get("token", ""))
    if room is None:
        return _not_found()
    return _calendar(room_feed(room=room))


@require_safe
def interpreter_calendar(request: HttpRequest, interpreter_id: int) -> HttpResponse:
    interpreter = interpreter_for_feed(
        interpreter_id=interpreter_id, token=request.GET.get("token", "")
    )
    if interpreter is None:
        return _not_found()
    return _calendar(interpreter_feed(interpreter=interpreter))
