"""Other times offered on a reply link's page, and moving the visit to the one chosen,
through the same reschedule service (and its re-check) an admin's move goes through."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from agencies.models import Interpreter
from screening.booking.options import visit_options
from screening.booking.services import SessionRequest, visit_reschedule
from screening.errors import NotAllowed, SlotTaken
from screening.messaging.reply_links import reply_audit
from screening.models import AdminTask, ReplyLink, Room, Venue, Visit
from screening.scheduling.expand import from_minutes
from screening.worktray.services import admin_task_create
from screening.worktray.words import moment, said

OTHER_TIMES = 3
# A page is read before it is used: times starting this soon after the minimum notice are
# not offered, so one chosen a few minutes later is still bookable.
PAGE_MARGIN_MINUTES = 15


@dataclass(frozen=True)
class OtherTime:
    key: str  # what the page's form sends back: start and room
    start: dt.datetime
    end: dt.datetime
    room: Room | None
    sessions: tuple[SessionRequest, ...]
    # The interpreter the time holds, when the young person needs one.
    interpreter: Interpreter | None = None
    # The home or school venue of a visit with no room (None for a room's time).
    venue: Venue | None = None


def _key(start: dt.datetime, room_id: int) -> str:
    return f"{start.astimezone(dt.UTC):%Y%m%dT%H%M}-{room_id}"


def other_times_for(*, visit: Visit) -> list[OtherTime]:
    """Up to OTHER_TIMES other times for the visit before its case's visit deadline, with
    the same agencies and session lengths, spread across days, earliest first."""
    sessions = list(visit.sessions.filter(cancelled=False).select_related("agency"))
    found = visit_options(
        case=visit.case,
        agencies=[s.agency for s in sessions],
        durations={s.agency.code: int((s.end - s.start).total_seconds() // 60) for s in sessions},
        ignore_visit=visit,
        count=OTHER_TIMES + 1,
        spread=True,
        extra_notice_minutes=PAGE_MARGIN_MINUTES,
        # A home or school visit is offered other times at the same place.
        venues=[visit.venue] if visit.room_id is None else None,
    )
    times = []
    for option in found.options:
        room, venue = found.place(option)
        requests = tuple(
            SessionRequest(
                agency=found.agencies[s.agency],
                practitioner=found.practitioners[s.practitioner],
                start=from_minutes(s.start),
                end=from_minutes(s.end),
            )
            for s in option.sessions
        )
        begin, end = requests[0].start, requests[-1].end
        if begin == visit.start and (room.pk if room else None) == visit.room_id:
            continue  # the time it already has
        interpreter = found.interpreters.get(option.interpreter) if option.interpreter else None
        times.append(
            OtherTime(
                _key(begin, option.room),
                begin,
                end,
                room,
                requests,
                interpreter,
                venue=None if room is not None else venue,
            )
        )
    return times[:OTHER_TIMES]


@transaction.atomic
def reply_choose_time(*, link: ReplyLink, chosen: OtherTime) -> Visit:
    """Move the link's visit to a time offered on its page, through visit_reschedule (which
    re-checks it); the admins are told by a task. Raises SlotTaken when it was taken
    meanwhile, NotAllowed when the visit changed since the link was made."""
    visit = Visit.objects.select_for_update().get(pk=link.visit_id)
    if visit.version != link.visit_version:
        raise NotAllowed(gettext("The visit has changed since this link was sent."))
    moved = visit_reschedule(
        visit=visit,
        room=chosen.room,
        venue=chosen.venue,
        sessions=list(chosen.sessions),
        reason="Another time chosen through the text's link.",
        interpreter=chosen.interpreter,
    )
    ReplyLink.objects.filter(pk=link.pk).update(moved_at=timezone.now())
    admin_task_create(
        kind=AdminTask.Kind.MOVED_BY_LINK,
        visit=moved,
        wording=said(
            gettext_noop(
                "The visit was moved through the text's link: it is now at %(when)s. The "
                "team's invites and the new texts have gone out; nothing to do unless it does "
                "not suit."
            ),
            when=moment(chosen.start, "time_on_day"),
        ),
    )
    reply_audit(link=link, words="Visit moved to another time")
    return moved


__all__ = ["NotAllowed", "OtherTime", "SlotTaken", "other_times_for", "reply_choose_time"]
