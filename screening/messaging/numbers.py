"""Numbers' states: opted out (STOP), opted in again (START), unable to receive texts."""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from screening.models import (
    AdminTask,
    Message,
    MessagePurpose,
    MessageStatus,
    NumberStatus,
    RecipientKind,
)
from screening.phone import mask_mobile
from screening.worktray.services import admin_task_create
from screening.worktray.words import moment, said

logger = logging.getLogger(__name__)

P = MessagePurpose
S = MessageStatus


# A number that opted out or cannot receive texts.
BLOCKED = Q(opted_out_at__isnull=False) | Q(invalid_at__isnull=False)


def blocked_numbers(numbers: list[str]) -> set[str]:
    """Numbers that opted out or cannot receive texts."""
    return set(
        NumberStatus.objects.filter(BLOCKED, number__in=numbers).values_list("number", flat=True)
    )


def _withdraw_planned_to(number: str, reason: str) -> None:
    Message.objects.filter(to=number, status=S.PLANNED).update(
        status=S.WITHDRAWN, last_error=reason, status_changed_at=timezone.now()
    )


@transaction.atomic
def number_opt_out(*, number: str, via: str) -> NumberStatus:
    """STOP: no further texts to this number; planned ones are withdrawn."""
    status, _ = NumberStatus.objects.get_or_create(number=number)
    status.opted_out_at, status.note = timezone.now(), f"opted out via {via}"[:200]
    status.save()
    _withdraw_planned_to(number, f"number opted out ({via})")
    return status


@transaction.atomic
def number_opt_in(*, number: str, via: str) -> NumberStatus:
    """START: texts may go to this number again (replies.py then plans again what is still
    due for its visits ahead: planning.messages_replan_for_number)."""
    status, _ = NumberStatus.objects.get_or_create(number=number)
    status.opted_out_at, status.opted_in_at = None, timezone.now()
    status.note = f"opted in via {via}"[:200]
    status.save()
    return status


@transaction.atomic
def number_mark_invalid(*, number: str, reason: str) -> NumberStatus:
    status, _ = NumberStatus.objects.get_or_create(number=number)
    status.invalid_at, status.note = timezone.now(), reason[:200]
    status.save()
    _withdraw_planned_to(number, f"number cannot receive texts ({reason})")
    return status


def recipient_words(message: Message) -> dict:
    """Whose number a text went to, and its visit's day, as a task's wording part."""
    number = mask_mobile(message.to)
    parent = message.recipient == RecipientKind.PARENT_CARER
    if not message.visit_id:
        if parent:
            return said(gettext_noop("the parent or carer's number (%(number)s)"), number=number)
        return said(gettext_noop("the young person's number (%(number)s)"), number=number)
    day = moment(message.visit.start, "day")
    if parent:
        return said(
            gettext_noop("the parent or carer's number (%(number)s), about the visit on %(day)s"),
            number=number,
            day=day,
        )
    return said(
        gettext_noop("the young person's number (%(number)s), about the visit on %(day)s"),
        number=number,
        day=day,
    )


def held_words(bad: list[str]) -> str:
    """Why a text is held: the forbidden words it would carry."""
    return HELD % {"words": ", ".join(bad)}


def held_task_create(message: Message) -> None:
    """The admin task for a held text (one per text at most): correct the venue's name
    for texts or the wording, and phone them."""
    venue = message.visit.venue if message.visit_id else None
    why = _held_why(message.last_error)
    if venue is not None:
        wording = said(
            gettext_noop(
                "A text to %(recipient)s, is held, never sent: %(why)s Correct the wording or "
                "give the venue %(venue)s a neutral name for texts, then phone them."
            ),
            recipient=recipient_words(message),
            why=why,
            venue=repr(venue.name),
        )
    else:
        wording = said(
            gettext_noop(
                "A text to %(recipient)s, is held, never sent: %(why)s Correct the wording, "
                "then phone them."
            ),
            recipient=recipient_words(message),
            why=why,
        )
    admin_task_create(
        kind=AdminTask.Kind.TEXT_HELD, visit=message.visit, message=message, wording=wording
    )


HELD = gettext_noop("as it would go out it mentions %(words)s, which texts never do.")


def _held_why(last_error: str) -> dict | str:
    """held_words' sentence as a wording part (the words it quotes kept), else as stored."""
    m = re.fullmatch(r"as it would go out it mentions (.*), which texts never do\.", last_error)
    return said(HELD, words=m[1]) if m else last_error
