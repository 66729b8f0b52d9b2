"""Writes on venues and rooms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext
from schedule.models import Calendar

from screening.errors import too_long
from screening.models import OpeningHours, Room, Venue, VenueKind, new_feed_token

DEFAULT_OPENING = [
    {"weekday": day, "opens": dt.time(8, 0), "closes": dt.time(18, 0)} for day in range(5)
]
# Documented maximums (README "Limits on input"): three opening spans a day.
ADDRESS_LIMIT = 1000
OPENING_HOURS_LIMIT = 21


def check_opening_hours(*, rows: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """Each row is a weekday 0-6 with opens before closes; rows of a day must not overlap;
    at most OPENING_HOURS_LIMIT rows."""
    rows = list(rows)
    if len(rows) > OPENING_HOURS_LIMIT:
        raise ValidationError(
            {
                "opening_hours": [
                    gettext("Give at most %(limit)s opening times.")
                    % {"limit": OPENING_HOURS_LIMIT}
                ]
            }
        )
    cleaned = []
    for index, row in enumerate(rows):
        weekday, opens, closes = row.get("weekday"), row.get("opens"), row.get("closes")
        if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
            raise ValidationError(
                {
                    f"opening_hours.{index}.weekday": [
                        gettext("Give a weekday number from 0 (Monday) to 6 (Sunday).")
                    ]
                }
            )
        if not isinstance(opens, dt.time) or not isinstance(closes, dt.time) or opens >= closes:
            raise ValidationError(
                {
                    f"opening_hours.{index}.closes": [
                        gettext("Closing time must be after opening time.")
                    ]
                }
            )
        cleaned.append({"weekday": weekday, "opens": opens, "closes": closes})
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in cleaned:
        by_day.setdefault(row["weekday"], []).append((row["opens"], row["closes"]))
    for day, spans in by_day.items():
        spans.sort()
        for (_, first_close), (second_open, _) in pairwise(spans):
            if second_open < first_close:
                raise ValidationError(
                    {
                        "opening_hours": [
                            gettext("Opening hours overlap on weekday %(day)s.") % {"day": day}
                        ]
                    }
                )
    return cleaned


@transaction.atomic
def venue_create(
    *,
    name: str,
    address: str,
    text_name: str = "",
    opening_hours: Iterable[Mapping[str, object]] | None = None,
    kind: str = VenueKind.YOT_OFFICE,
    travel_minutes: int = 0,
) -> Venue:
    """Create a venue; without opening hours it opens Monday to Friday 08:00-18:00. Without
    a name for texts it gets its name and first address line; either way the name for texts
    must follow the wording rules (ValidationError naming `text_name`); `travel_minutes`
    (from the practitioners' base) is 0 to TRAVEL_LIMIT_MINUTES (ValidationError naming it)."""
    if len(address) > ADDRESS_LIMIT:
        raise ValidationError({"address": [too_long(ADDRESS_LIMIT)]})
    rows = check_opening_hours(rows=DEFAULT_OPENING if opening_hours is None else opening_hours)
    venue = Venue(
        name=name,
        address=address,
        text_name=text_name.strip(),
        kind=kind,
        travel_minutes=travel_minutes,
    )
    venue.text_name = venue.name_for_texts
    venue.full_clean()
    venue.save()
    OpeningHours.objects.bulk_create(OpeningHours(venue=venue, **r) for r in rows)
    return venue


VENUE_FIELDS = frozenset({"name", "address", "text_name", "kind", "travel_minutes"})


@transaction.atomic
def venue_update(
    *, venue: Venue, opening_hours: Iterable[Mapping[str, object]] | None = None, **fields: object
) -> Venue:
    """Change a venue's name, address, name for texts, kind or travel minutes, and replace
    its opening hours when given. The same rules as venue_create, and a changed kind must
    fit the venue (Venue.kind_change_problem: ValidationError naming `kind`); nothing is
    changed when any is broken. The venue's row is locked while its rooms and visits are
    read, so two changes of one venue queue."""
    unknown = set(fields) - VENUE_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [gettext("This field cannot be changed.")]})
    if len(str(fields.get("address", ""))) > ADDRESS_LIMIT:
        raise ValidationError({"address": [too_long(ADDRESS_LIMIT)]})
    rows = None if opening_hours is None else check_opening_hours(rows=opening_hours)
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    for name, value in fields.items():
        setattr(venue, name, value.strip() if name == "text_name" else value)
    venue.text_name = venue.name_for_texts
    venue.full_clean()
    venue.save()
    if rows is not None:
        venue.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(OpeningHours(venue=venue, **r) for r in rows)
    return venue


@transaction.atomic
def room_create(*, venue: Venue, name: str) -> Room:
    """Create a room with its own availability calendar."""
    calendar = Calendar.objects.create(
        name=f"Room: {venue.name}, {name}",
        slug=f"room-{slugify(venue.name)[:40]}-{slugify(name)[:40]}-{new_feed_token()[:8].lower()}",
    )
    room = Room(venue=venue, name=name, calendar=calendar)
    room.full_clean()
    room.save()
    return room


@transaction.atomic
def room_rotate_feed_token(*, room: Room) -> Room:
    """Give the room a new feed secret; the old one stops working."""
    room.feed_token = new_feed_token()
    room.save(update_fields=["feed_token"])
    return room
