"""Visits and sessions: booking, rescheduling, cancelling, attendance."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Practitioner
from api.filters import WindowDateFilter
from api.permissions import METHOD_ACTIONS, RolePermission
from api.serializers.booking import (
    AttendanceInputSerializer,
    CancelInputSerializer,
    RebookInputSerializer,
    RescheduleInputSerializer,
    SessionSerializer,
    VisitHistorySerializer,
    VisitInputSerializer,
    VisitSerializer,
)
from screening.booking import services as visit_services
from screening.booking.selectors import (
    session_list_for,
    visit_history,
    visit_list_for,
    visits_filtered,
    visits_shown_for,
)
from screening.booking.services import KEEP, SessionRequest
from screening.models import Session, Visit
from screening.people.selectors import case_list_for


def _session_requests(rows: list[dict]) -> list[SessionRequest]:
    return [
        SessionRequest(
            agency=r["agency"], practitioner=r["practitioner"], start=r["start"], end=r.get("end")
        )
        for r in rows
    ]


class VisitFilter(django_filters.FilterSet):
    day = WindowDateFilter(method="filter_day", label="Starts on this local date (YOT zone)")
    practitioner = django_filters.ModelChoiceFilter(
        queryset=Practitioner.objects.all(),
        method="filter_practitioner",
        label="Has a session (not cancelled) run by this practitioner",
    )

    class Meta:
        model = Visit
        fields = ["case", "status", "room", "day", "practitioner"]

    def filter_day(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return visits_filtered(queryset, day=value)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_practitioner(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return visits_filtered(queryset, practitioner=value.pk)


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    resource = "visits"
    permission_classes = [RolePermission]
    serializer_class = VisitSerializer
    filterset_class = VisitFilter

    def get_queryset(self) -> QuerySet[Visit]:
        if self.action in {"list", "retrieve"}:
            return visits_shown_for(user=self.request.user)
        return visit_list_for(user=self.request.user)

    def required_action(self, request: Request) -> str:
        if self.action in {"reschedule", "cancel"}:
            return "update"
        return METHOD_ACTIONS.get(request.method, "update")

    @extend_schema(request=VisitInputSerializer, responses={201: VisitSerializer})
    def create(self, request: Request) -> Response:
        data = VisitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = get_object_or_404(case_list_for(user=request.user), pk=values["case"].pk)
        visit = visit_services.visit_book(
            case=case,
            room=values.get("room"),
            venue=values.get("venue"),
            sessions=_session_requests(values["sessions"]),
            booked_by=request.user,
            late_reason=values.get("late_reason", ""),
            min_gap=values.get("min_gap"),
            max_gap=values.get("max_gap"),
            interpreter=values.get("interpreter"),
            review=values.get("review"),
        )
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RescheduleInputSerializer, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        data = RescheduleInputSerializer(data=request.data, context={"visit": visit})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        visit_services.visit_reschedule(
            visit=visit,
            room=values.get("room"),
            venue=values.get("venue"),
            sessions=_session_requests(values["sessions"]),
            changed_by=request.user,
            reason=values.get("reason", ""),
            late_reason=values.get("late_reason", ""),
            min_gap=values.get("min_gap"),
            max_gap=values.get("max_gap"),
            interpreter=values.get("interpreter", KEEP),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(request=CancelInputSerializer, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit_services.visit_cancel(
            visit=visit, reason=data.validated_data["reason"], cancelled_by=request.user
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=visit.pk)).data)


class VisitHistoryView(ListAPIView):
    """GET /visits/{id}/history/: every change to the visit, oldest first (who, when, what
    changed, why); the visit is looked up in the user's scope (404)."""

    resource = "visits"
    permission_classes = [RolePermission]
    serializer_class = VisitHistorySerializer
    filter_backends: list = []

    def get_queryset(self) -> list[dict]:
        visit = get_object_or_404(visit_list_for(user=self.request.user), pk=self.kwargs["pk"])
        return visit_history(visit=visit)


class _SessionActionView(APIView):
    """A POST on one session in the user's scope (404 outside it) with a validated body."""

    permission_classes = [RolePermission]
    input_class: type[serializers.Serializer]

    def session_and_input(self, request: Request, pk: int) -> tuple[Session, dict]:
        session = get_object_or_404(session_list_for(user=request.user), pk=pk)
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        return session, data.validated_data


class SessionRebookView(_SessionActionView):
    """POST /sessions/{id}/rebook/: book the missed session's agency again, alone (YOT
    admins), while the rest of its visit may still be to come."""

    resource = "visits"
    input_class = RebookInputSerializer

    @extend_schema(request=RebookInputSerializer, responses={201: VisitSerializer})
    def post(self, request: Request, pk: int) -> Response:
        missed, values = self.session_and_input(request, pk)
        visit = visit_services.session_rebook(
            missed=missed,
            room=values.get("room"),
            venue=values.get("venue"),
            practitioner=values["practitioner"],
            start=values["start"],
            end=values.get("end"),
            reason=values["reason"],
            interpreter=values.get("interpreter"),
            late_reason=values.get("late_reason", ""),
            booked_by=request.user,
        )
        shown = visits_shown_for(user=request.user).get(pk=visit.pk)
        body = VisitSerializer(shown, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class SessionAttendanceView(_SessionActionView):
    """Record attendance: a YOT admin, or the practitioner running that session."""

    resource = "attendance"
    input_class = AttendanceInputSerializer

    @extend_schema(request=AttendanceInputSerializer, responses={200: SessionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        session, values = self.session_and_input(request, pk)
        session = visit_services.session_record_attendance(
            session=session,
            attended=values["attended"],
            reason=values.get("reason", ""),
            recorded_by=request.user,
        )
        return Response(SessionSerializer(session, context={"request": request}).data)
