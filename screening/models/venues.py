"""Venues, rooms, their opening hours, and the YOT's closure days."""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator
from django.db import models


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class ClosureDay(models.Model):
    """A day the YOT is closed besides weekends and bank holidays (not a working day)."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y} {self.reason}".strip()


class Venue(models.Model):
    name = models.CharField(max_length=150, unique=True)
    address = models.TextField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One weekday's opening hours of a venue, in the YOT's local time."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["venue", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="opening_weekday_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opening_opens_before_closes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue}: {self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    calendar = models.OneToOneField(
        "schedule.Calendar", on_delete=models.PROTECT, related_name="room"
    )
    feed_token = models.CharField(max_length=64, default=new_feed_token, unique=True)

    class Meta:
        ordering = ["venue__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="room_name_per_venue")
        ]

    def __str__(self) -> str:
        return f"{self.venue.name}, {self.name}"
