"""The answer of one simulated run, read from the throwaway database's rows and counted by
the timeliness report's own rule (`screening.reports.timeliness.outcome`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Min, Subquery
from django.utils import timezone

from agencies.local_time import yot_zone
from agencies.models import Practitioner
from screening.booking.availability import calendar_times, room_opening
from screening.models import Case, DraftEvent, Room, Session, Visit, VisitStatus
from screening.people.deadlines import closure_days, findings_due_by
from screening.people.workdays import working_days_between
from screening.planner.simulation import Log, Params
from screening.reports.timeliness import LATE, NOT_YET_DUE, ON_TIME, Rate, case_seen, outcome
from screening.scheduling import expand as ex


def _rate(outcomes: list[str]) -> dict[str, Any]:
    r = Rate(on_time=outcomes.count(ON_TIME), late=outcomes.count(LATE))
    return {"on_time": r.on_time, "late": r.late, "not_yet_due": outcomes.count(NOT_YET_DUE),
            "percent": r.percent}  # fmt: skip


def seen_on(*, now: dt.datetime) -> dict[int, dt.date]:
    """Each case's screening visit date by the report's rule (`case_seen`): the local date
    by which every agency booked had seen the young person, missed sessions counting on the
    day their rebooking happened. The same rule for both models: for separate appointments
    it is the last agency's."""
    first = case_seen(now).values("seen")[:1]
    rows = Case.objects.annotate(seen=Subquery(first)).values_list("pk", "seen")
    return {pk: timezone.localdate(at) for pk, at in rows if at is not None}


def figures(params: Params, log: Log, *, now: dt.datetime) -> dict[str, Any]:
    """The run's figures as at `now` (the simulated clock when the last event was played)."""
    today = timezone.localdate(now)
    closures = closure_days()
    cases = list(Case.objects.order_by("pk"))
    visit, assessment = [], defaultdict(list)
    to_visit: Counter = Counter()
    signed = dict(
        DraftEvent.objects.filter(kind=DraftEvent.Kind.SIGNED_OFF)
        .values("draft__case_id")
        .annotate(at=Min("at"))
        .values_list("draft__case_id", "at")
    )
    seen = seen_on(now=now)
    for case in cases:
        done = seen.get(case.pk)
        visit.append(outcome(done_on=done, due=case.visit_due_by, today=today))
        if done is not None:
            to_visit[working_days_between(case.order_start_date, done, closures=closures)] += 1
        at = signed.get(case.pk)
        done_at = timezone.localdate(at) if at else None
        state = outcome(done_on=done_at, due=case.assessment_due_by, today=today)
        assessment[case.order_type].append(state)
        assessment["all"].append(state)
    findings = [
        outcome(done_on=done, due=due, today=today) for due, done in findings_rows(closures)
    ]
    return {
        "model": params.model,
        "weeks": params.weeks,
        "seed": params.seed,
        "first_day": params.first_monday.isoformat(),
        "orders": log.orders,
        "bookings": log.bookings,
        "seconds_per_booking": log.booking_seconds / log.bookings if log.bookings else None,
        "visit": _rate(visit),
        "findings": _rate(findings),
        "assessment": {k: _rate(v) for k, v in sorted(assessment.items())},
        "working_days_to_visit": {str(k): v for k, v in sorted(to_visit.items())},
        "utilisation": utilisation(params),
        "bottlenecks": dict(log.bottlenecks.most_common()),
        "bottleneck": log.bottlenecks.most_common(1)[0][0] if log.bottlenecks else None,
        "unbooked": len(log.unbooked),
        "late_reasons": late_reasons(),
    }


def findings_rows(closures: frozenset[dt.date]) -> list[tuple[dt.date, dt.date | None]]:
    """(due, done) for each attended session of a visit not cancelled, as the report counts
    them: due the earliest `due_by` of its findings, or the set number of working days after
    the session while it has none; done the local date of its first submission."""
    sessions = Session.objects.filter(attended=True, cancelled=False).exclude(
        visit__status=VisitStatus.CANCELLED
    )
    rows = []
    for session in sessions.annotate(
        due=Min("findings__due_by"), done=Min("findings__submitted_at")
    ):
        due = session.due or findings_due_by(
            visit_date=timezone.localdate(session.start), closures=closures
        )
        rows.append((due, timezone.localdate(session.done) if session.done else None))
    return rows


def late_reasons() -> dict[str, int]:
    """Counted in the timeliness report's words: each visit's late reason, and each missed
    session that was rebooked (its attendance reason)."""
    counts: Counter = Counter()
    for text in Visit.objects.exclude(late_reason="").values_list("late_reason", flat=True):
        counts[text.strip()] += 1
    for text in Session.objects.filter(attended=False).values_list("attendance_reason", flat=True):
        counts[f"Missed session, rebooked: {text.strip()}"] += 1
    return dict(counts.most_common())


def utilisation(params: Params) -> dict[str, list[dict[str, Any]]]:
    """Booked minutes over working (practitioners) or opening (rooms) minutes in the
    simulated weeks."""
    tz = yot_zone()
    lo = ex.to_minutes(dt.datetime.combine(params.first_monday, dt.time(0), tzinfo=tz))
    hi = lo + params.weeks * 7 * 24 * 60
    first, last = ex.from_minutes(lo), ex.from_minutes(hi)
    people = list(Practitioner.objects.filter(is_active=True).select_related("agency"))
    times = calendar_times(
        working_calendars=[p.calendar_id for p in people], start=lo, end=hi, tz=tz
    )
    closed = set(closure_days())

    def busy(rows) -> int:
        return sum(max(0, (min(e, last) - max(s, first)).total_seconds() // 60) for s, e in rows)

    out_people = []
    for p in people:
        working = [
            (s, e)
            for s, e in times.working.get(p.calendar_id, [])
            if ex.from_minutes(s).astimezone(tz).date() not in closed
        ]
        available = sum(e - s for s, e in working)
        used = busy(
            Session.objects.filter(practitioner=p, cancelled=False).values_list("start", "end")
        )
        out_people.append(_share(p.name, p.agency.name, used, available))
    out_rooms = []
    for room in Room.objects.filter(is_active=True).select_related("venue"):
        available = sum(e - s for s, e in room_opening(room, lo, hi, tz))
        used = busy(
            Visit.objects.filter(room=room)
            .exclude(status=VisitStatus.CANCELLED)
            .values_list("start", "end")
        )
        out_rooms.append(_share(room.name, room.venue.name, used, available))
    return {"practitioners": out_people, "rooms": out_rooms}


def _share(name: str, of: str, used: float, available: float) -> dict[str, Any]:
    return {
        "name": name,
        "of": of,
        "booked_minutes": int(used),
        "available_minutes": int(available),
        "percent": round(100 * used / available, 1) if available else None,
    }


def as_csv(results: list[dict[str, Any]]) -> str:
    """One row per run and figure: run, figure, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["run", "figure", "on_time", "late", "not_yet_due", "percent"])
    for result in results:
        name = result.get("name", result["model"])
        for key in ("visit", "findings"):
            r = result[key]
            writer.writerow([name, key, r["on_time"], r["late"], r["not_yet_due"], r["percent"]])
        for kind, r in result["assessment"].items():
            writer.writerow([name, f"assessment:{kind}", r["on_time"], r["late"],
                             r["not_yet_due"], r["percent"]])  # fmt: skip
    return out.getvalue()
