"""Planning texts for a visit's change, inside the booking transaction, so a rolled-back
booking plans nothing (docs/decisions/0004-sms-outbox.md)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from screening import fixed_sql as sql
from screening.messaging import send_times, tasks
from screening.messaging.numbers import held_task_create, held_words
from screening.messaging.reply_links import reply_links_for
from screening.messaging.templates import pick_wording, placeholder_values, wordings_for
from screening.messaging.text import fit_parts, placeholders_in
from screening.models import (
    AdminTask,
    Message,
    MessagePurpose,
    MessageStatus,
    RecipientKind,
    Visit,
    VisitHistory,
    VisitStatus,
    YoungPerson,
)
from screening.outbox import kick
from screening.phone import mask_mobile
from screening.wording import forbidden_words_in
from screening.worktray.services import admin_task_create
from screening.worktray.words import said

logger = logging.getLogger(__name__)

P = MessagePurpose
Kind = VisitHistory.Kind
S = MessageStatus
REMINDERS = {P.DAY_BEFORE, P.MORNING}
# Rows the recipient may have received: they know about the visit.
REACHED = [S.SENDING, S.SENT, S.DELIVERED, S.UNDELIVERED, S.OUTCOME_UNKNOWN]


def _consenting(visit: Visit) -> list[tuple[str, str]]:
    """(recipient kind, number) of each number that consented to texts about the visit:
    the young person's, and the parent or carer's when they must attend (Case rule)."""
    case = visit.case
    person: YoungPerson = case.young_person
    found: list[tuple[str, str]] = []
    if person.mobile and person.sms_consent:
        found.append((RecipientKind.YOUNG_PERSON, person.mobile))
    if (
        case.parent_carer_must_attend
        and person.parent_carer_mobile
        and person.parent_carer_sms_consent
        and person.parent_carer_mobile != person.mobile
    ):
        found.append((RecipientKind.PARENT_CARER, person.parent_carer_mobile))
    return found


# Each (number, state) once: "texted" when the provider accepted a text to it and did not
# report it undelivered (planned, withdrawn, held or failed texts never reached anyone, and
# one whose outcome is unknown may not have), "blocked" when it opted out or cannot receive
# texts (BLOCKED).
_NUMBER_STATES_SQL = """
SELECT "to", 'texted' FROM screening_message WHERE "to" IN (%s) AND status IN (%s)
UNION
SELECT number, 'blocked' FROM screening_numberstatus WHERE number IN (%s)
 AND (opted_out_at IS NOT NULL OR invalid_at IS NOT NULL)"""
# A text the provider accepted and did not report undelivered or failed.
ACCEPTED = [S.SENT, S.DELIVERED]


def _number_states(numbers: list[str]) -> tuple[set[str], set[str]]:
    """(blocked, texted before) among `numbers`, in one query. Only a number the provider
    accepted a text for was texted before: its next text needs no introduction."""
    states: dict[str, set[str]] = {"blocked": set(), "texted": set()}
    for number, state in sql.fetch(
        _NUMBER_STATES_SQL,
        [sql.Many(numbers), sql.Many([s.value for s in ACCEPTED]), sql.Many(numbers)],
    ):
        states[state].add(number)
    return states["blocked"], states["texted"]


def _plan_one(
    *,
    visit: Visit,
    person: YoungPerson,
    purpose: str,
    recipient: str,
    number: str,
    send_at: dt.datetime,
    templates,
    introduce: bool,
    links: dict,
) -> Message | None:
    """The unsaved text of one purpose to one number (introduced by the service's
    introduction when `introduce`), or None, with an admin task, when no wording exists."""
    language = person.language
    easy_read = recipient == RecipientKind.YOUNG_PERSON and bool(person.communication_needs.strip())
    template = pick_wording(templates, purpose, language, easy_read)
    if template is None:
        admin_task_create(
            kind=AdminTask.Kind.FAILED,
            visit=visit,
            wording=said(
                gettext_noop(
                    "No wording for the %(purpose)s text: add it under message templates, then "
                    "phone %(number)s."
                ),
                purpose=purpose,
                number=mask_mobile(number),
            ),
        )
        return None
    context = placeholder_values(
        person=person, start=visit.start, visit=visit, language=template.language
    )
    intro = pick_wording(templates, P.INTRODUCTION, language, easy_read) if introduce else None
    wording = f"{intro.body} {template.body}" if intro is not None else template.body
    link = links.get(number) if "link" in placeholders_in(wording) else None
    body = fit_parts(wording.format(**context))
    # The young person's own first name is theirs to be called by, whatever it is
    # ("Justice"); everything else in the text as it goes out follows the wording rules.
    bad = forbidden_words_in(wording.format(**{**context, "first_name": ""}))
    held = {"status": S.HELD, "last_error": held_words(bad)} if bad else {}
    return Message(
        visit=visit,
        visit_version=visit.version,
        young_person=person,
        purpose=purpose,
        recipient=recipient,
        to=number,
        body=body,
        language=template.language,
        easy_read=template.easy_read,
        template_id=template.id,
        reply_link=link,
        send_at=send_at,
        next_attempt_at=send_at,
        **held,
    )


def _tasks_for_held(rows: list[Message]) -> None:
    """One admin task per visit and number whose texts are held (linked to the first)."""
    held: dict[tuple[int | None, str], Message] = {}
    for row in rows:
        if row.status == S.HELD:
            held.setdefault((row.visit_id, row.to), row)
    for row in held.values():
        held_task_create(row)


def _withdraw_old(visit: Visit, reason: str) -> None:
    Message.objects.filter(visit=visit, status=S.PLANNED).exclude(
        visit_version=visit.version
    ).update(status=S.WITHDRAWN, last_error=reason, status_changed_at=timezone.now())


def _schedule(*, kind: str, visit: Visit, reached: bool, now: dt.datetime):
    """(purpose, send at) of the texts a change calls for, to one number."""
    if kind == Kind.CANCELLED:
        return [(P.CANCELLED, send_times.next_allowed(now))] if reached else []
    first = P.RESCHEDULED if kind == Kind.RESCHEDULED and reached else P.CONFIRMATION
    schedule = [(first, send_times.next_allowed(now))]
    for purpose, at in [
        (P.DAY_BEFORE, send_times.day_before_at(visit.start)),
        (P.MORNING, send_times.morning_at(visit.start)),
    ]:
        if at is None:
            continue
        at = send_times.next_allowed(at)
        if now < at < visit.start:
            schedule.append((purpose, at))
    return schedule


def _links(visit: Visit, templates, recipients: list[tuple[str, str]]) -> dict:
    """The reply links of the visit's version by number, when any wording carries one."""
    if not any("{link}" in wording.body for wording in templates.values()):
        return {}
    return reply_links_for(visit=visit, recipients=recipients)


def _plan_schedule(
    visit: Visit, templates, recipient: str, number: str, schedule, *, introduce: bool, links
) -> list[Message]:
    """The unsaved texts of a schedule to one number, the first of them introduced when
    `introduce`; a purpose without wording is left out (with its admin task)."""
    rows = []
    for purpose, at in schedule:
        row = _plan_one(
            visit=visit,
            person=visit.case.young_person,
            purpose=purpose,
            recipient=recipient,
            number=number,
            send_at=at,
            templates=templates,
            introduce=introduce and not rows,
            links=links,
        )
        if row is not None:
            rows.append(row)
    return rows


def messages_plan_for_visit(*, visit: Visit, kind: str, previous: dict | None) -> list[Message]:
    """Plan the texts a visit change calls for (booked: confirmation and reminders;
    rescheduled: a notice and new reminders; cancelled: a notice, only to numbers that were
    told of the visit), withdrawing planned texts of earlier versions. Runs inside the
    booking transaction; a new booking costs a fixed handful of queries."""
    now = timezone.now()
    if kind in (Kind.ATTENDANCE, Kind.COMPLETED):
        Message.objects.filter(visit=visit, status=S.PLANNED, purpose__in=REMINDERS).update(
            status=S.WITHDRAWN, last_error="visit under way", status_changed_at=now
        )
        return []
    if kind not in (Kind.BOOKED, Kind.RESCHEDULED, Kind.CANCELLED):
        return []
    person = visit.case.young_person
    reached: set[str] = set()
    if previous is not None:  # a new visit has no texts yet: nothing reached, nothing to withdraw
        reached = set(
            Message.objects.filter(visit=visit, status__in=REACHED).values_list("to", flat=True)
        )
        _withdraw_old(visit, f"visit {kind}")
    if visit.start <= now:
        return []
    consenting = _consenting(visit)
    if not consenting:
        return []
    # A number's first text ever starts with the service's introduction.
    blocked, texted_before = _number_states([number for _, number in consenting])
    recipients = [
        (recipient, number, _schedule(kind=kind, visit=visit, reached=number in reached, now=now))
        for recipient, number in consenting
        if number not in blocked
    ]
    recipients = [row for row in recipients if row[2]]
    if not recipients:
        return []
    templates = wordings_for(
        {P.INTRODUCTION, *(purpose for _, _, schedule in recipients for purpose, _ in schedule)},
        person.language,
    )
    links = _links(visit, templates, [(recipient, number) for recipient, number, _ in recipients])
    planned = []
    for row in recipients:
        planned += _plan_schedule(
            visit, templates, *row, introduce=row[1] not in texted_before, links=links
        )
    planned = Message.objects.bulk_create(planned)
    _tasks_for_held(planned)
    if planned:
        transaction.on_commit(kick_dispatch)
    return planned


FIRST = {P.CONFIRMATION, P.RESCHEDULED}


def _replan_visit(
    *, visit: Visit, number: str, now: dt.datetime, introduce: bool
) -> tuple[list[Message], list[Message]]:
    """(new rows, withdrawn rows planned again) for one visit's current version to
    `number`: the texts still due that it has not had (withdrawn ones count as not had)."""
    person = visit.case.young_person
    recipient = next((kind for kind, to in _consenting(visit) if to == number), None)
    if recipient is None:
        return [], []
    rows = {
        m.purpose: m
        for m in Message.objects.filter(visit=visit, visit_version=visit.version, to=number)
    }
    had = {purpose for purpose, m in rows.items() if m.status != S.WITHDRAWN}
    reached_before = Message.objects.filter(
        visit=visit, to=number, status__in=REACHED, visit_version__lt=visit.version
    ).exists()
    kind = Kind.RESCHEDULED if reached_before else Kind.BOOKED
    schedule = [
        (purpose, at)
        for purpose, at in _schedule(kind=kind, visit=visit, reached=reached_before, now=now)
        if purpose not in had and not (purpose in FIRST and had & FIRST)
    ]
    if not schedule:
        return [], []
    templates = wordings_for({P.INTRODUCTION, *(p for p, _ in schedule)}, person.language)
    new, again = [], []
    links = _links(visit, templates, [(recipient, number)])
    for row in _plan_schedule(
        visit, templates, recipient, number, schedule, introduce=introduce, links=links
    ):
        old = rows.get(row.purpose)
        if old is None:
            new.append(row)
            continue
        # The withdrawn row was never sent (only planned rows are withdrawn): it is planned
        # again in place, since (visit version, purpose, number) is sent at most once.
        for field in (
            "recipient", "body", "language", "easy_read", "template_id", "reply_link", "send_at",
        ):  # fmt: skip
            setattr(old, field, getattr(row, field))
        old.status, old.next_attempt_at, old.status_changed_at = row.status, row.send_at, now
        old.attempts = old.reconcile_attempts = 0
        old.claim_owner, old.claimed_at, old.last_error = "", None, row.last_error
        again.append(old)
    return new, again


def messages_replan_for_number(*, number: str) -> list[Message]:
    """After START: plan again, for each booked visit still ahead whose young person gave
    consent for `number`, the texts of its current version still due that the number has
    not had (those STOP withdrew, or none planned while it was opted out): the
    confirmation (or notice of a move) unless one was sent, and each reminder whose time
    is still ahead. Nothing already sent is planned again. Returns the rows planned."""
    now = timezone.now()
    blocked, texted_before = _number_states([number])
    if number in blocked:
        return []
    visits = (
        Visit.objects.filter(status=VisitStatus.BOOKED, start__gt=now)
        .filter(
            Q(case__young_person__mobile=number, case__young_person__sms_consent=True)
            | Q(
                case__young_person__parent_carer_mobile=number,
                case__young_person__parent_carer_sms_consent=True,
            )
        )
        .select_related("case__young_person", "room__venue", "venue")
        .order_by("start", "id")
    )
    introduce = number not in texted_before
    new: list[Message] = []
    again: list[Message] = []
    for visit in visits:
        added, revived = _replan_visit(visit=visit, number=number, now=now, introduce=introduce)
        new += added
        again += revived
        introduce = introduce and not (added or revived)
    fields = [
        "recipient", "body", "language", "easy_read", "template", "reply_link", "send_at", "status",
        "next_attempt_at", "status_changed_at", "attempts", "reconcile_attempts",
        "claim_owner", "claimed_at", "last_error",
    ]  # fmt: skip
    Message.objects.bulk_update(again, fields)
    new = Message.objects.bulk_create(new)
    _tasks_for_held([*again, *new])
    if new or again:
        transaction.on_commit(kick_dispatch)
    return [*again, *new]


def kick_dispatch() -> None:
    """Ask a Celery worker to send what is due now (a no-op without a broker)."""
    kick(tasks.dispatch_due_messages)
