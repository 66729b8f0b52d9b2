"""Scoped reads of a case's texts and replies."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from screening.models import (
    Case,
    InboundMessage,
    Message,
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
