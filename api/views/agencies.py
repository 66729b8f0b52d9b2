"""Agencies, practitioners, interpreters, their working patterns and leave."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from schedule.models import Event

from accounts.models import Role
from agencies import services as agency_services
from agencies.models import Agency, Interpreter, Practitioner
from agencies.selectors import (
    agency_list,
    calendar_feed_url,
    interpreter_list_for,
    practitioner_list_for,
)
from api.permissions import METHOD_ACTIONS, RolePermission
from api.serializers.agencies import (
    AgencySerializer,
    InterpreterSerializer,
    LeaveSerializer,
    PractitionerSelfSerializer,
    PractitionerSerializer,
    WorkingPatternSerializer,
)
from api.serializers.calendars import CalendarFeedSerializer


class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    resource = "agencies"
    permission_classes = [RolePermission]
    serializer_class = AgencySerializer
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
            return PractitionerSelfSerializer
        return PractitionerSerializer

    def perform_create(self, serializer: PractitionerSerializer) -> None:
        serializer.instance = agency_services.practitioner_create(**serializer.validated_data)

    def perform_update(self, serializer: PractitionerSerializer) -> None:
        serializer.instance = agency_services.practitioner_update(
            practitioner=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses={200: CalendarFeedSerializer})
    @action(detail=True, methods=["post"], url_path="calendar-token/rotate")
    def rotate_calendar_token(self, request: Request, pk: str | None = None) -> Response:
        practitioner = agency_services.practitioner_rotate_feed_token(
            practitioner=self.get_object()
        )
        return Response({"calendar_feed_url": calendar_feed_url(practitioner)})

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
    serializer_class = WorkingPatternSerializer

    @extend_schema(responses={200: WorkingPatternSerializer(many=True)})
    def list(self, request: Request, **kwargs: str) -> Response:
        patterns = agency_services.working_patterns_of(practitioner=self.practitioner())
        return Response(WorkingPatternSerializer(patterns, many=True).data)

    @extend_schema(request=WorkingPatternSerializer, responses={201: WorkingPatternSerializer})
    def create(self, request: Request, **kwargs: str) -> Response:
        practitioner = self.practitioner()
        data = WorkingPatternSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pattern = agency_services.working_pattern_create(
            practitioner=practitioner, **data.validated_data
        )
        return Response(WorkingPatternSerializer(pattern).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str, **kwargs: str) -> Response:
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
    serializer_class = LeaveSerializer

    @extend_schema(responses={200: LeaveSerializer(many=True)})
    def list(self, request: Request, **kwargs: str) -> Response:
        leave = agency_services.leave_of(practitioner=self.practitioner())
        return Response(LeaveSerializer(leave, many=True).data)

    @extend_schema(request=LeaveSerializer, responses={201: LeaveSerializer})
    def create(self, request: Request, **kwargs: str) -> Response:
        practitioner = self.practitioner()
        data = LeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        event = agency_services.leave_create(
            practitioner=practitioner,
            start=values["start"],
            end=values["end"],
            reason=values.get("description", ""),
        )
        return Response(LeaveSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str, **kwargs: str) -> Response:
        try:
            agency_services.leave_delete(practitioner=self.practitioner(), leave_id=int(pk))
        except (Event.DoesNotExist, ValueError):
            return Response(
                {"detail": "Not found.", "errors": {}}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InterpreterViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "interpreters"
    permission_classes = [RolePermission]
    serializer_class = InterpreterSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Interpreter]:
        return interpreter_list_for(user=self.request.user)

    def perform_create(self, serializer: InterpreterSerializer) -> None:
        serializer.instance = agency_services.interpreter_create(**serializer.validated_data)

    def perform_update(self, serializer: InterpreterSerializer) -> None:
        serializer.instance = agency_services.interpreter_update(
            interpreter=serializer.instance, **serializer.validated_data
        )


class InterpreterChildMixin(PractitionerChildMixin):
    """Endpoints nested under /interpreters/{id}/: the same storage as practitioners'
    (the services take any calendar owner); the parent is looked up in scope (404)."""

    resource = "interpreters"

    def practitioner(self) -> Interpreter:  # type: ignore[override]
        return get_object_or_404(
            interpreter_list_for(user=self.request.user), pk=self.kwargs["interpreter_pk"]
        )


class InterpreterWorkingPatternViewSet(InterpreterChildMixin, WorkingPatternViewSet):
    pass


class InterpreterLeaveViewSet(InterpreterChildMixin, LeaveViewSet):
    pass
