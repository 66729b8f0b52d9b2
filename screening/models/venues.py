"""Venues, rooms, their opening hours, and the YOT's closure days."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext

from screening.wording import PLACE_LIMIT, forbidden_words_in


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


# The longest journey from the practitioners' base to a venue (each way).
TRAVEL_LIMIT_MINUTES = 240
TRAVEL_MESSAGE = f"Give the travel time in minutes, from 0 to {TRAVEL_LIMIT_MINUTES}."


class VenueKind(models.TextChoices):
    YOT_OFFICE = "yot_office", "YOT office"
    COMMUNITY = "community", "Community venue"
    SCHOOL = "school", "School"
    HOME = "home", "Home"


# Venues whose visits need no room from our list.
ROOMLESS_KINDS = (VenueKind.SCHOOL, VenueKind.HOME)


class Venue(models.Model):
    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=VenueKind.choices, default=VenueKind.YOT_OFFICE)
    travel_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[
            MinValueValidator(0, message=TRAVEL_MESSAGE),
            MaxValueValidator(TRAVEL_LIMIT_MINUTES, message=TRAVEL_MESSAGE),
        ],
        help_text="Minutes from the practitioners' base to the venue: each practitioner is "
        "held this long before and after their session there.",
    )
    address = models.TextField()
    text_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="What texts call the venue (their {place}): a neutral name and where it "
        "is, never the YOT, a court or health. Empty on venues saved before it existed: "
        "their texts use the name and first address line, and are held if those reveal "
        "too much.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_room(self) -> bool:
        """A visit here is held in one of our rooms (the YOT's office, a community venue);
        a home or school visit needs none, so the place is free whenever the people are."""
        return self.kind not in ROOMLESS_KINDS

    def default_text_name(self) -> str:
        """The name and the first line of the address."""
        first_line = re.split(r"[,\n]", self.address.strip(), maxsplit=1)[0].strip()
        return f"{self.name}, {first_line}" if first_line else self.name

    @property
    def name_for_texts(self) -> str:
        return self.text_name or self.default_text_name()

    def kind_change_problem(self) -> str | None:
        """Why the venue may not take its (changed) kind, or None: a home or school has no
        rooms of ours, so a venue with rooms in use cannot become one; and a visit there
        without a room would need one at a YOT office or community venue, so a venue with
        such visits (booked or held) keeps its kind. Only a kind changed from the stored
        one is checked (docs/decisions/0024)."""
        if self.pk is None:
            return None
        stored = type(self).objects.filter(pk=self.pk).values_list("kind", flat=True).first()
        if stored is None or stored == self.kind:
            return None
        if not self.needs_room:
            if self.rooms.filter(is_active=True).exists():
                return gettext(
                    "%(venue)s has rooms in use, and a home or school visit needs no room: "
                    "take its rooms out of use first, or keep its kind."
                ) % {"venue": self.name}
            return None
        if stored in ROOMLESS_KINDS:
            roomless = self.visits.filter(room__isnull=True).exclude(status="cancelled")
            if roomless.exists():
                return gettext(
                    "%(venue)s has visits booked or done there without a room, and a visit at "
                    "a YOT office or community venue needs one: keep its kind, or add a new "
                    "venue for the new place."
                ) % {"venue": self.name}
        return None

    def clean(self) -> None:
        """The name for texts follows the wording rules (DESIGN.md rule 7); raises
        ValidationError naming `text_name`; a changed kind must fit the venue's rooms and
        visits (kind_change_problem), else ValidationError naming `kind`."""
        kind_problem = self.kind_change_problem()
        if kind_problem:
            raise ValidationError({"kind": [kind_problem]})
        name, problems = self.name_for_texts, []
        bad = forbidden_words_in(name)
        if bad:
            problems.append(
                f"Texts would call this venue {name!r}, which mentions "
                + ", ".join(bad)
                + ". Give it a neutral name for texts."
            )
        if len(name) > PLACE_LIMIT:
            problems.append(
                f"Texts would call this venue {name!r}, {len(name)} characters; give it a name "
                f"for texts of at most {PLACE_LIMIT}, so texts with their link fit two parts."
            )
        if self.kind == VenueKind.HOME:
            # Texts name the place a home visit is at, never its address.
            first_line = re.split(r"[,\n]", self.address.strip(), maxsplit=1)[0].strip()
            if not self.text_name:
                problems.append(
                    "A home visit's texts must not print an address: give a name for texts, "
                    "such as 'your home'."
                )
            elif first_line and first_line.lower() in self.text_name.lower():
                problems.append(
                    f"Texts would call this home {name!r}, which prints its address; give a "
                    "name for texts without it, such as 'your home'."
                )
        if problems:
            raise ValidationError({"text_name": problems})


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

    def clean(self) -> None:
        """A room in use is at a venue whose visits need rooms: a home or school has none
        of ours (ValidationError naming `venue`)."""
        if self.is_active and self.venue_id is not None and not self.venue.needs_room:
            raise ValidationError(
                {
                    "venue": [
                        gettext(
                            "%(venue)s is a home or school: its visits need no room, so "
                            "it has no rooms of ours."
                        )
                        % {"venue": self.venue.name}
                    ]
                }
            )
