"""Venues and rooms."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import METHOD_ACTIONS, RolePermission
from api.serializers.calendars import CalendarFeedSerializer
from api.serializers.venues import RoomSerializer, VenueSerializer, room_feed_url
from screening.models import Room
from screening.venues.selectors import room_list, venue_list
from screening.venues.services import (
    room_create,
    room_rotate_feed_token,
    venue_create,
    venue_update,
)


class VenueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "venues"
    permission_classes = [RolePermission]
    serializer_class = VenueSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return venue_list()

    def perform_create(self, serializer: VenueSerializer) -> None:
        serializer.instance = venue_create(**serializer.validated_data)

    def perform_update(self, serializer: VenueSerializer) -> None:
        # A changed kind must fit the venue's rooms and visits: 400 naming `kind`.
        serializer.instance = venue_update(venue=serializer.instance, **serializer.validated_data)


class RoomViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "rooms"
    permission_classes = [RolePermission]
    serializer_class = RoomSerializer
    filterset_fields = ["venue", "is_active"]

    def get_queryset(self) -> QuerySet[Room]:
        return room_list()

    def perform_create(self, serializer: RoomSerializer) -> None:
        serializer.instance = room_create(**serializer.validated_data)

    def required_action(self, request: Request) -> str:
        # Rotating the feed secret updates the room.
        if self.action == "rotate_calendar_token":
            return "update"
        return METHOD_ACTIONS.get(request.method, "update")

    @extend_schema(request=None, responses={200: CalendarFeedSerializer})
    @action(detail=True, methods=["post"], url_path="calendar-token/rotate")
    def rotate_calendar_token(self, request: Request, pk: str | None = None) -> Response:
        room = room_rotate_feed_token(room=self.get_object())
        return Response({"calendar_feed_url": room_feed_url(room)})
