"""Calendar invites to practitioners when a visit is booked, moved or cancelled.

`on_visit_changed` receives `screening.events.visit_changed` inside the booking
transaction: it builds the messages there (reading the rows as the booking wrote them)
and sends them only once the booking has committed. A failed email is logged and never
undoes or breaks the booking.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agencies.models import Practitioner
from screening.calendars import session_entry, who, zone
from screening.integrations.email import Invite, send_invite
from screening.integrations.ical import build_calendar
from screening.models import Session, Visit, VisitHistory

logger = logging.getLogger(__name__)

INVITE_KINDS = {
    VisitHistory.Kind.BOOKED,
    VisitHistory.Kind.RESCHEDULED,
    VisitHistory.Kind.CANCELLED,
}


def _when(moment: dt.datetime) -> str:
    local = moment.astimezone(zone())
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


def _invite(session: Session, *, to: str, method: str, heading: str, now: dt.datetime) -> Invite:
    cancelled = method == "CANCEL"
    entry = session_entry(session, cancelled=cancelled, attendee=to)
    visit = session.visit
    venue = visit.room.venue
    text = (
        f"{heading}\n\n"
        f"{session.agency.name} screening session with {who(visit)}\n"
        f"When: {_when(session.start)} to {session.end.astimezone(zone()):%H:%M}\n"
        f"Where: {venue.name}, {visit.room.name}\n{venue.address}\n\n"
        + (
            "Your calendar will remove this session.\n"
            if cancelled
            else "The attached invitation adds it to your calendar.\n"
        )
    )
    return Invite(
        to=to,
        subject=f"{heading}: {session.agency.name}, {_when(session.start)} ({who(visit)})",
        text=text,
        calendar=build_calendar(
            method=method,
            entries=[entry],
            organizer=settings.DEFAULT_FROM_EMAIL,
            zone=zone(),
            now=now,
        ),
        method=method,
    )


def invites_for_change(*, visit: Visit, kind: str, previous: dict | None) -> list[Invite]:
    """The invites a change calls for: REQUEST to each practitioner of a booked or moved
    visit, CANCEL to each of a cancelled one and to anyone a move took off a session.
    A visit that has already ended (recorded afterwards) sends nothing."""
    now = timezone.now()
    if kind not in INVITE_KINDS or visit.end <= now:
        return []
    sessions = list(
        Session.objects.filter(visit=visit)
        .select_related("agency", "practitioner", "visit__case__young_person", "visit__room__venue")
        .order_by("start", "id")
    )
    invites = []
    if kind == VisitHistory.Kind.CANCELLED:
        for s in sessions:
            invites.append(
                _invite(s, to=s.practitioner.email, method="CANCEL", heading="Cancelled", now=now)
            )
        return invites
    heading = "Screening session" if kind == VisitHistory.Kind.BOOKED else "Moved"
    for s in sessions:
        invites.append(
            _invite(s, to=s.practitioner.email, method="REQUEST", heading=heading, now=now)
        )
    before = {row["id"]: row["practitioner"] for row in (previous or {}).get("sessions", [])}
    replaced = {
        s.pk: before[s.pk]
        for s in sessions
        if before.get(s.pk, s.practitioner_id) != s.practitioner_id
    }
    emails = dict(Practitioner.objects.filter(pk__in=replaced.values()).values_list("pk", "email"))
    for s in sessions:
        if s.pk in replaced and replaced[s.pk] in emails:
            invites.append(
                _invite(s, to=emails[replaced[s.pk]], method="CANCEL", heading="Cancelled", now=now)
            )
    return invites


def notify_practitioners(invites: list[Invite]) -> int:
    """Send each invite; a failure is logged and the rest still go. Returns how many went."""
    sent = 0
    for invite in invites:
        try:
            send_invite(invite)
        except Exception:
            logger.exception("calendar invite to %s could not be sent", invite.to)
        else:
            sent += 1
    return sent


def on_visit_changed(sender, *, visit: Visit, kind: str, previous: dict | None, **kwargs) -> None:
    """Receiver of visit_changed: invites go out only if the booking commits, and a
    problem building them is logged rather than undoing the booking."""
    try:
        invites = invites_for_change(visit=visit, kind=kind, previous=previous)
    except Exception:
        logger.exception("calendar invites for visit %s could not be built", visit.pk)
        return
    if invites:
        transaction.on_commit(lambda: notify_practitioners(invites))
