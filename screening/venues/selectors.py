"""Reads of venues and rooms (everyone signed in may list them)."""

from __future__ import annotations

from django.db.models import QuerySet

from screening.models import (
    Room,
    Venue,
)


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.prefetch_related("opening_hours")


def room_list() -> QuerySet[Room]:
    return Room.objects.select_related("venue")
