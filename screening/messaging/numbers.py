"""Numbers' states: opted out (STOP), opted in again (START), unable to receive texts."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from screening.messaging.text import local_date_words
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


def recipient_words(message: Message) -> str:
    who = "parent or carer" if message.recipient == RecipientKind.PARENT_CARER else "young person"
    text = f"the {who}'s number ({mask_mobile(message.to)})"
    if message.visit_id:
        text += f", about the visit on {local_date_words(message.visit.start, 'en')}"
    return text


def held_words(bad: list[str]) -> str:
    """Why a text is held: the forbidden words it would carry."""
    return f"as it would go out it mentions {', '.join(bad)}, which texts never do."


def held_task_create(message: Message) -> None:
    """The admin task for a held text (one per text at most): correct the venue's name
    for texts or the wording, and phone them."""
    venue = message.visit.venue if message.visit_id else None
    fix = f" or give the venue {venue.name!r} a neutral name for texts" if venue else ""
    admin_task_create(
        kind=AdminTask.Kind.TEXT_HELD,
        visit=message.visit,
        message=message,
        text=f"A text to {recipient_words(message)}, is held, never sent: "
        f"{message.last_error} Correct the wording{fix}, then phone them.",
    )
