"""Thin views: check the role, read through a selector, write through a service."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from schedule.models import Event

from accounts.models import ApiToken, Role, User
from accounts.services import user_create, user_update
from accounts.two_factor import check_code, has_confirmed_device, two_factor_required
from agencies import services as agency_services
from agencies.models import Agency, Practitioner
from agencies.selectors import agency_list, practitioner_list_for
from api import serializers as s
from api.permissions import METHOD_ACTIONS, RolePermission
from screening.booking import services as visit_services
from screening.booking.options import visit_options as options_for_case
from screening.booking.selectors import session_list_for, visit_list_for, visits_shown_for
from screening.booking.services import SessionRequest
from screening.calendars import imports as calendar_services
from screening.models import CalendarImport, Case, OrderType, Room, Visit, YoungPerson
from screening.people.cases import case_create
from screening.people.selectors import case_list_for, young_person_list_for
from screening.people.young_people import young_person_create, young_person_update
from screening.venues.selectors import room_list, venue_list
from screening.venues.services import room_create, room_rotate_feed_token, venue_create

# --- auth ------------------------------------------------------------------------------------


class TokenView(APIView):
    """Exchange a username and password for an API token that expires."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials are a 401 with a challenge, not DRF's 403 for views
        # without authentication classes.
        return "Token"

    @extend_schema(
        request=s.TokenRequestSerializer, responses={200: s.TokenResponseSerializer}, auth=[]
    )
    def post(self, request: Request) -> Response:
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The plain HttpRequest, so django-axes counts failures and sees a lockout.
        http_request = request._request
        user = authenticate(
            http_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            raise Throttled(detail="Too many failed attempts: signing in is paused for a while.")
        if user is None or not user.is_active:
            raise AuthenticationFailed("Username or password is not right.")
        if two_factor_required(user=user):
            if not has_confirmed_device(user=user):
                raise ValidationError(
                    {"otp": ["Set up an authenticator app by signing in to the website first."]}
                )
            check_code(user=user, code=data.validated_data.get("otp", ""))
        token, key = ApiToken.issue(user=user)
        return Response({"token": key, "expires": token.expires})


# --- users -----------------------------------------------------------------------------------


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "users"
    permission_classes = [RolePermission]
    serializer_class = s.UserSerializer
    filterset_fields = ["role", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return User.objects.order_by("username")

    def perform_create(self, serializer: s.UserSerializer) -> None:
        serializer.instance = user_create(**serializer.validated_data)

    def perform_update(self, serializer: s.UserSerializer) -> None:
        serializer.instance = user_update(user=serializer.instance, **serializer.validated_data)


# --- agencies --------------------------------------------------------------------------------


class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    resource = "agencies"
    permission_classes = [RolePermission]
    serializer_class = s.AgencySerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Agency]:
        return agency_list()


class PractitionerFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__code")

    class Meta:
        model = Practitioner
        fields = ["agency", "is_active"]


class PractitionerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "practitioners"
    permission_classes = [RolePermission]
    filterset_class = PractitionerFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Practitioner]:
        return practitioner_list_for(user=self.request.user)

    def get_serializer_class(self) -> type:
        if getattr(self.request.user, "role", None) == Role.PRACTITIONER:
            return s.PractitionerSelfSerializer
        return s.PractitionerSerializer

    def perform_create(self, serializer: s.PractitionerSerializer) -> None:
        serializer.instance = agency_services.practitioner_create(**serializer.validated_data)

    def perform_update(self, serializer: s.PractitionerSerializer) -> None:
        serializer.instance = agency_services.practitioner_update(
            practitioner=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses={200: s.CalendarFeedSerializer})
    @action(detail=True, methods=["post"], url_path="calendar-token/rotate")
    def rotate_calendar_token(self, request: Request, pk: str | None = None) -> Response:
        practitioner = agency_services.practitioner_rotate_feed_token(
            practitioner=self.get_object()
        )
        return Response({"calendar_feed_url": s.practitioner_feed_url(practitioner)})

    def required_action(self, request: Request) -> str:
        # Rotating a feed secret changes an existing record: it is an update, which a
        # practitioner may do on their own record.
        if self.action == "rotate_calendar_token":
            return "update"
        return METHOD_ACTIONS.get(request.method, "update")


class PractitionerChildMixin:
    """Endpoints nested under /practitioners/{id}/: the parent is looked up in scope (404)."""

    resource = "availability"
    permission_classes = [RolePermission]
    lookup_value_regex = r"\d+"

    def practitioner(self) -> Practitioner:
        return get_object_or_404(
            practitioner_list_for(user=self.request.user), pk=self.kwargs["practitioner_pk"]
        )


class WorkingPatternViewSet(PractitionerChildMixin, viewsets.ViewSet):
    serializer_class = s.WorkingPatternSerializer

    @extend_schema(responses={200: s.WorkingPatternSerializer(many=True)})
    def list(self, request: Request, practitioner_pk: str) -> Response:
        patterns = agency_services.working_patterns_of(practitioner=self.practitioner())
        return Response(s.WorkingPatternSerializer(patterns, many=True).data)

    @extend_schema(request=s.WorkingPatternSerializer, responses={201: s.WorkingPatternSerializer})
    def create(self, request: Request, practitioner_pk: str) -> Response:
        practitioner = self.practitioner()
        data = s.WorkingPatternSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pattern = agency_services.working_pattern_create(
            practitioner=practitioner, **data.validated_data
        )
        return Response(s.WorkingPatternSerializer(pattern).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, practitioner_pk: str, pk: str) -> Response:
        try:
            agency_services.working_pattern_delete(
                practitioner=self.practitioner(), pattern_id=int(pk)
            )
        except (Event.DoesNotExist, ValueError):
            return Response(
                {"detail": "Not found.", "errors": {}}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeaveViewSet(PractitionerChildMixin, viewsets.ViewSet):
    serializer_class = s.LeaveSerializer

    @extend_schema(responses={200: s.LeaveSerializer(many=True)})
    def list(self, request: Request, practitioner_pk: str) -> Response:
        leave = agency_services.leave_of(practitioner=self.practitioner())
        return Response(s.LeaveSerializer(leave, many=True).data)

    @extend_schema(request=s.LeaveSerializer, responses={201: s.LeaveSerializer})
    def create(self, request: Request, practitioner_pk: str) -> Response:
        practitioner = self.practitioner()
        data = s.LeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        event = agency_services.leave_create(
            practitioner=practitioner,
            start=values["start"],
            end=values["end"],
            reason=values.get("description", ""),
        )
        return Response(s.LeaveSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, practitioner_pk: str, pk: str) -> Response:
        try:
            agency_services.leave_delete(practitioner=self.practitioner(), leave_id=int(pk))
        except (Event.DoesNotExist, ValueError):
            return Response(
                {"detail": "Not found.", "errors": {}}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarImportMixin:
    """Busy times imported from the practitioner's own calendar: that practitioner or a
    YOT admin; anyone else's practitioner is out of scope (404)."""

    resource = "calendar_import"
    permission_classes = [RolePermission]

    def practitioner(self, request: Request, practitioner_pk: int) -> Practitioner:
        return get_object_or_404(practitioner_list_for(user=request.user), pk=practitioner_pk)

    @staticmethod
    def answer(practitioner: Practitioner) -> Response:
        record = CalendarImport.objects.filter(practitioner=practitioner).first()
        return Response(s.calendar_import_data(record))


class CalendarImportView(CalendarImportMixin, APIView):
    @extend_schema(responses={200: s.CalendarImportSerializer})
    def get(self, request: Request, practitioner_pk: int) -> Response:
        return self.answer(self.practitioner(request, practitioner_pk))

    @extend_schema(
        request=s.CalendarImportUrlSerializer, responses={200: s.CalendarImportSerializer}
    )
    def put(self, request: Request, practitioner_pk: int) -> Response:
        practitioner = self.practitioner(request, practitioner_pk)
        data = s.CalendarImportUrlSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        calendar_services.calendar_import_set_url(
            practitioner=practitioner, url=data.validated_data["url"]
        )
        return self.answer(practitioner)

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
        request={"multipart/form-data": s.CalendarImportUploadSerializer},
        responses={200: s.CalendarImportSerializer},
    )
    def post(self, request: Request, practitioner_pk: int) -> Response:
        practitioner = self.practitioner(request, practitioner_pk)
        data = s.CalendarImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        limit = settings.CALENDAR_IMPORT["max_bytes"]
        calendar_services.calendar_import_upload(
            practitioner=practitioner, data=upload.read(limit + 1), file_name=upload.name or ""
        )
        return self.answer(practitioner)


# --- venues and rooms ------------------------------------------------------------------------


class VenueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "venues"
    permission_classes = [RolePermission]
    serializer_class = s.VenueSerializer

    def get_queryset(self) -> QuerySet:
        return venue_list()

    def perform_create(self, serializer: s.VenueSerializer) -> None:
        serializer.instance = venue_create(**serializer.validated_data)


class RoomViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "rooms"
    permission_classes = [RolePermission]
    serializer_class = s.RoomSerializer
    filterset_fields = ["venue", "is_active"]

    def get_queryset(self) -> QuerySet[Room]:
        return room_list()

    def perform_create(self, serializer: s.RoomSerializer) -> None:
        serializer.instance = room_create(**serializer.validated_data)

    def required_action(self, request: Request) -> str:
        # Rotating the feed secret updates the room.
        if self.action == "rotate_calendar_token":
            return "update"
        return METHOD_ACTIONS.get(request.method, "update")

    @extend_schema(request=None, responses={200: s.CalendarFeedSerializer})
    @action(detail=True, methods=["post"], url_path="calendar-token/rotate")
    def rotate_calendar_token(self, request: Request, pk: str | None = None) -> Response:
        room = room_rotate_feed_token(room=self.get_object())
        return Response({"calendar_feed_url": s.room_feed_url(room)})


# --- young people and cases ------------------------------------------------------------------


class YoungPersonFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Name contains")

    class Meta:
        model = YoungPerson
        fields = ["search"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(given_name__icontains=word) | Q(family_name__icontains=word)
            )
        return queryset


class YoungPersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "young_people"
    permission_classes = [RolePermission]
    filterset_class = YoungPersonFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[YoungPerson]:
        return young_person_list_for(user=self.request.user)

    def get_serializer_class(self) -> type:
        if getattr(self.request.user, "role", None) == Role.PRACTITIONER:
            return s.YoungPersonBasicSerializer
        return s.YoungPersonSerializer

    def perform_create(self, serializer: s.YoungPersonSerializer) -> None:
        serializer.instance = young_person_create(**serializer.validated_data)

    def perform_update(self, serializer: s.YoungPersonSerializer) -> None:
        serializer.instance = young_person_update(
            young_person=serializer.instance, **serializer.validated_data
        )


class CaseFilter(django_filters.FilterSet):
    order_type = django_filters.ChoiceFilter(choices=OrderType.choices)
    visit_due_before = django_filters.DateFilter(field_name="visit_due_by", lookup_expr="lte")
    reference = django_filters.CharFilter(field_name="reference", lookup_expr="iexact")

    class Meta:
        model = Case
        fields = ["order_type", "case_manager", "young_person", "reference", "visit_due_before"]


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "cases"
    permission_classes = [RolePermission]
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        return case_list_for(user=self.request.user)

    def perform_create(self, serializer: s.CaseSerializer) -> None:
        serializer.instance = case_create(**serializer.validated_data)

    def required_action(self, request: Request) -> str | tuple[str, str]:
        if self.action == "visit_options":
            return ("visit_options", "read")
        return METHOD_ACTIONS.get(request.method, "update")

    @extend_schema(
        parameters=[s.VisitOptionsQuerySerializer], responses={200: s.VisitOptionsSerializer}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="visit-options",
        filterset_class=None,
        pagination_class=None,
    )
    def visit_options(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        query = s.VisitOptionsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        found = options_for_case(
            case=case,
            agencies=q.get("agencies"),
            durations=q.get("durations"),
            order=q["order"],
            min_gap=q.get("min_gap"),
            max_gap=q.get("max_gap"),
            not_before=q.get("not_before"),
            respect_unavailable=q["respect_unavailable"] == "true",
            count=q["count"],
        )
        return Response(s.visit_options_data(found))


# --- visits and sessions ---------------------------------------------------------------------


def _session_requests(rows: list[dict]) -> list[SessionRequest]:
    return [
        SessionRequest(
            agency=r["agency"], practitioner=r["practitioner"], start=r["start"], end=r.get("end")
        )
        for r in rows
    ]


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    resource = "visits"
    permission_classes = [RolePermission]
    serializer_class = s.VisitSerializer
    filterset_fields = ["case", "status", "room"]

    def get_queryset(self) -> QuerySet[Visit]:
        if self.action in {"list", "retrieve"}:
            return visits_shown_for(user=self.request.user)
        return visit_list_for(user=self.request.user)

    def required_action(self, request: Request) -> str:
        if self.action in {"reschedule", "cancel"}:
            return "update"
        return METHOD_ACTIONS.get(request.method, "update")

    @extend_schema(request=s.VisitInputSerializer, responses={201: s.VisitSerializer})
    def create(self, request: Request) -> Response:
        data = s.VisitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = get_object_or_404(case_list_for(user=request.user), pk=values["case"].pk)
        visit = visit_services.visit_book(
            case=case,
            room=values["room"],
            sessions=_session_requests(values["sessions"]),
            booked_by=request.user,
            late_reason=values.get("late_reason", ""),
            min_gap=values.get("min_gap"),
            max_gap=values.get("max_gap"),
        )
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(s.VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RescheduleInputSerializer, responses={200: s.VisitSerializer})
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        data = s.RescheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        visit_services.visit_reschedule(
            visit=visit,
            room=values["room"],
            sessions=_session_requests(values["sessions"]),
            changed_by=request.user,
            late_reason=values.get("late_reason", ""),
            min_gap=values.get("min_gap"),
            max_gap=values.get("max_gap"),
        )
        return Response(s.VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(request=s.CancelInputSerializer, responses={200: s.VisitSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        data = s.CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit_services.visit_cancel(
            visit=visit, reason=data.validated_data["reason"], cancelled_by=request.user
        )
        return Response(s.VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)


class SessionAttendanceView(APIView):
    """Record attendance: a YOT admin, or the practitioner running that session."""

    resource = "attendance"
    permission_classes = [RolePermission]

    @extend_schema(request=s.AttendanceInputSerializer, responses={200: s.SessionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        session = get_object_or_404(session_list_for(user=request.user), pk=pk)
        data = s.AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = visit_services.session_record_attendance(
            session=session,
            attended=data.validated_data["attended"],
            reason=data.validated_data.get("reason", ""),
            recorded_by=request.user,
        )
        return Response(s.SessionSerializer(session).data)
