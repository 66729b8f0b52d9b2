"""Today's YOT set-up, copied from the live database into the throwaway one: agencies and
their forms, practitioners, their calendars (working patterns, leave, one-off changes),
venues, opening hours, rooms and closure days. No young person, case or finding is copied:
the time already booked from the simulation's start on is copied as busy time on each
practitioner's and room's calendar, without saying whose it is."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from schedule.models import Calendar, Event, Occurrence, Rule

from agencies.models import Agency, FindingsForm, Practitioner
from screening.models import ClosureDay, OpeningHours, Room, Session, Venue, Visit, VisitStatus

BOOKED_BEFORE = "Booked before the simulation"
# Load order: each model after those it points to.
MODELS = (Calendar, Rule, Event, Occurrence, Agency, FindingsForm, Practitioner, Venue,
          OpeningHours, Room, ClosureDay)  # fmt: skip


def _rows(model) -> list[dict[str, Any]]:
    rows = serializers.serialize("python", model.objects.order_by("pk"))
    for row in rows:
        fields = row["fields"]
        if model is Practitioner:
            # Who logs in as whom stays in the live database; names stay for the figures.
            fields.update(user=None, email="practitioner@planner.invalid", phone="")
        if model is Event:
            fields["creator"] = None
        if model is FindingsForm:
            fields.pop("published_by", None)
    return rows


def _held_from(start: dt.datetime) -> list[dict[str, Any]]:
    """Sessions and room holds already booked from `start` on, as plain busy spans."""
    sessions = Session.objects.filter(
        cancelled=False, end__gt=start, visit__status=VisitStatus.BOOKED
    ).values_list("practitioner__calendar_id", "start", "end", "buffer_minutes")
    visits = Visit.objects.filter(status=VisitStatus.BOOKED, end__gt=start).values_list(
        "room__calendar_id", "start", "end"
    )
    held = [
        {"calendar": c, "start": s, "end": e + dt.timedelta(minutes=b)} for c, s, e, b in sessions
    ]
    held += [{"calendar": c, "start": s, "end": e} for c, s, e in visits]
    return held


def setup_export(*, from_moment: dt.datetime) -> str:
    """The set-up as JSON text (read from the database this process uses)."""
    data = {
        "models": {m._meta.label: _rows(m) for m in MODELS},
        "held": _held_from(from_moment),
    }
    return json.dumps(data, cls=DjangoJSONEncoder)


@transaction.atomic
def setup_load(text: str) -> None:
    """Replace the throwaway database's set-up rows (a fresh migrate made the default
    agencies and forms) with the exported ones, then add the held time as one-off events."""
    data = json.loads(text)
    for model in (FindingsForm, Practitioner, Agency):
        model.objects.all().delete()
    for model in MODELS:
        rows = data["models"].get(model._meta.label, [])
        blob = json.dumps(rows, cls=DjangoJSONEncoder)
        for obj in serializers.deserialize("json", blob):
            obj.save()
    Event.objects.bulk_create(
        Event(
            calendar_id=h["calendar"],
            title=BOOKED_BEFORE,
            start=dt.datetime.fromisoformat(h["start"].replace("Z", "+00:00")),
            end=dt.datetime.fromisoformat(h["end"].replace("Z", "+00:00")),
        )
        for h in data["held"]
    )
