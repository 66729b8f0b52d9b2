"""Scoped reads of a case's texts and replies, and the state of young people's numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User
from agencies.local_time import day_at_time_words
from screening.models import (
    Case,
    InboundMessage,
    Message,
    NumberStatus,
    YoungPerson,
)
from screening.people.selectors import case_list_for


def message_list_for(*, user: User, case: Case) -> QuerySet[Message]:
    """Texts about one case's visits, for a user who may see the case (see case_list_for)."""
    if not case_list_for(user=user).filter(pk=case.pk).exists():
        return Message.objects.none()
    return Message.objects.filter(visit__case=case).order_by("send_at", "id")


def reply_list_for(*, user: User, case: Case) -> QuerySet[InboundMessage]:
    """Replies linked to one case's visits, for a user who may see the case."""
    if not case_list_for(user=user).filter(pk=case.pk).exists():
        return InboundMessage.objects.none()
    return InboundMessage.objects.filter(visit__case=case).order_by("-received_at", "-id")


@dataclass(frozen=True)
class NumberState:
    """What texts may do with one of a young person's numbers: `consenting` (texts go),
    `no_consent` (none recorded), `opted_out` (STOP: none until START) or `invalid` (the
    provider says it cannot receive texts); `since` and `how` say when and how the number
    last changed (empty when it never did)."""

    state: str
    since: dt.datetime | None = None
    how: str = ""

    @property
    def words(self) -> str:
        """The state as the young person's page gives it."""
        when = day_at_time_words(self.since) if self.since else ""
        by = self.how.split(" via ", 1)[-1]  # "opted out via reply 'STOP'" -> "reply 'STOP'"
        if self.state == "opted_out":
            return f"opted out of texts on {when} by {by}; none until they reply START"
        if self.state == "invalid":
            return f"cannot receive texts: {self.how}, found on {when}"
        if self.state == "no_consent":
            return "no texts"
        return "agrees to texts" + (f"; opted in again on {when} by {by}" if self.since else "")


def _state(consent: bool, status: NumberStatus | None) -> NumberState:
    if status is not None and status.invalid_at is not None:
        return NumberState("invalid", status.invalid_at, status.note)
    if status is not None and status.opted_out_at is not None:
        return NumberState("opted_out", status.opted_out_at, status.note)
    if not consent:
        return NumberState("no_consent")
    if status is not None and status.opted_in_at is not None:
        return NumberState("consenting", status.opted_in_at, status.note)
    return NumberState("consenting")


def number_states_of(
    people: Iterable[YoungPerson],
) -> dict[int, dict[str, NumberState | None]]:
    """Each young person's {"mobile": state, "parent_carer_mobile": state} (None where no
    number is recorded), in one query however many people."""
    people = list(people)
    numbers = {n for p in people for n in (p.mobile, p.parent_carer_mobile) if n}
    statuses = {s.number: s for s in NumberStatus.objects.filter(number__in=numbers)}
    return {
        p.pk: {
            "mobile": _state(p.sms_consent, statuses.get(p.mobile)) if p.mobile else None,
            "parent_carer_mobile": _state(
                p.parent_carer_sms_consent, statuses.get(p.parent_carer_mobile)
            )
            if p.parent_carer_mobile
            else None,
        }
        for p in people
    }
