"""The link in a visit's texts (`/r/{token}`): made when the texts are planned, filled in
only as each text is sent, and answered for exactly the visit version it was made for.

The token is never stored. A link keeps a random nonce and the token's SHA-256; the token
is an HMAC of the nonce under the secret key, so it can be written into a text at sending
time (a planned reminder waits days in the outbox with its link masked) while a copy of the
database alone gives no working link. Tokens made under a key that has since moved to
SECRET_KEY_FALLBACKS are still reproduced.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from agencies.local_time import local, yot_zone
from screening.audit import audit_record
from screening.messaging.text import MASK, TOKEN_CHARS, masked_url
from screening.models import AdminTask, AuditEntry, Message, ReplyLink, Visit, VisitStatus
from screening.wording import forbidden_words_in
from screening.worktray.services import admin_task_create
from screening.worktray.words import moment, said

_SALT = b"screening.reply_link.token"


def _token(nonce: str, key: str) -> str:
    digest = hmac.new(key.encode() + _SALT, nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def token_for(link: ReplyLink) -> str | None:
    """The link's token, from its nonce under the secret key (or a fallback key it was
    made under); None when no key in use reproduces it."""
    for key in _keys():
        token = _token(link.nonce, key)
        if hmac.compare_digest(token_hash(token), link.token_hash):
            return token
    return None


def _expiry(visit: Visit) -> dt.datetime:
    """The end of the visit's local day (the next local midnight), in the YOT's zone."""
    day = local(visit.start).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=yot_zone())


def _new_nonce() -> tuple[str, str]:
    """(nonce, token hash) for a new link whose token reads as no forbidden word (a random
    token could spell one, and it goes into the text)."""
    while True:
        nonce = secrets.token_urlsafe(16)
        token = _token(nonce, settings.SECRET_KEY)
        if not forbidden_words_in(token.replace("-", " ").replace("_", " ")):
            return nonce, token_hash(token)


def reply_links_for(*, visit: Visit, recipients: list[tuple[str, str]]) -> dict[str, ReplyLink]:
    """The links of the visit's current version, by number, for each (recipient kind,
    number), made where missing: two queries however many numbers."""
    numbers = [number for _, number in recipients]
    links = {
        link.to: link
        for link in ReplyLink.objects.filter(
            visit=visit, visit_version=visit.version, to__in=numbers
        )
    }
    new = []
    for recipient, number in recipients:
        if number in links:
            continue
        nonce, hashed = _new_nonce()
        new.append(
            ReplyLink(
                visit=visit,
                visit_version=visit.version,
                recipient=recipient,
                to=number,
                nonce=nonce,
                token_hash=hashed,
                expires_at=_expiry(visit),
            )
        )
    for link in ReplyLink.objects.bulk_create(new):
        links[link.to] = link
    return links


def body_to_send(message: Message) -> str:
    """The text as it goes out: the stored body with its link's token filled in."""
    link = message.reply_link
    if link is None or MASK not in message.body:
        return message.body
    token = token_for(link)
    if token is None:  # the key it was made under is gone: the link could never work
        return message.body.replace(masked_url(), "").replace(MASK, "")
    return message.body.replace(MASK, token)


# --- answering a link -------------------------------------------------------------------------


class Answer:
    FOUND = "found"
    CHANGED = "changed"


@dataclass(frozen=True)
class Resolved:
    state: str  # Answer.FOUND or Answer.CHANGED
    link: ReplyLink
    visit: Visit


def reply_link_resolve(*, token: str, now: dt.datetime | None = None) -> Resolved | None:
    """The link a token names and whether its visit is still as it was texted: None for a
    token that is malformed, unknown or expired (the page answers 404 for all three alike);
    CHANGED when the visit was moved since, cancelled or is over."""
    if len(token) != TOKEN_CHARS or not all(c.isalnum() or c in "-_" for c in token):
        return None
    link = (
        ReplyLink.objects.filter(token_hash=token_hash(token))
        .select_related("visit__room__venue", "visit__venue", "visit__case__young_person")
        .first()
    )
    now = now or timezone.now()
    if link is None or now >= link.expires_at:
        return None
    visit = link.visit
    changed = (
        visit.version != link.visit_version
        or visit.status != VisitStatus.BOOKED
        or visit.start <= now
    )
    return Resolved(Answer.CHANGED if changed else Answer.FOUND, link, visit)


def _who(link: ReplyLink) -> str:
    return "the young person" if link.recipient == "young_person" else "the parent or carer"


def reply_audit(*, link: ReplyLink, words: str) -> None:
    """The audit entry of an action taken through a link (never the token)."""
    audit_record(
        user=None,
        action=AuditEntry.Action.WRITE,
        obj=link.visit,
        case=link.visit.case,
        detail=f"{words} by {_who(link)} through the text's link (v{link.visit_version})",
    )


@transaction.atomic
def reply_confirm(*, link: ReplyLink) -> bool:
    """Confirm the visit version the link was made for, as a YES reply does; True the
    first time, False when it was confirmed through this link already or the visit has
    changed since (nothing is written then)."""
    link = ReplyLink.objects.select_for_update().select_related("visit__case").get(pk=link.pk)
    if link.confirmed_at is not None:
        return False
    now = timezone.now()
    moved = Visit.objects.filter(
        pk=link.visit_id, version=link.visit_version, status=VisitStatus.BOOKED
    ).update(confirmed_at=now)
    if not moved:
        return False
    link.confirmed_at = now
    link.save(update_fields=["confirmed_at"])
    reply_audit(link=link, words="Visit confirmed")
    return True


@transaction.atomic
def reply_request_call(*, link: ReplyLink) -> bool:
    """Ask the admins to phone about the visit: one task per link; True the first time."""
    link = ReplyLink.objects.select_for_update().select_related("visit__case").get(pk=link.pk)
    if link.call_requested_at is not None:
        return False
    link.call_requested_at = timezone.now()
    link.save(update_fields=["call_requested_at"])
    if link.recipient == "young_person":
        asked = gettext_noop(
            "The young person asked, through the text's link, for a call about the visit on "
            "%(when)s. Phone them."
        )
    else:
        asked = gettext_noop(
            "The parent or carer asked, through the text's link, for a call about the visit "
            "on %(when)s. Phone them."
        )
    admin_task_create(
        kind=AdminTask.Kind.CALL_REQUESTED,
        visit=link.visit,
        wording=said(asked, when=moment(link.visit.start, "day_at_time")),
    )
    reply_audit(link=link, words="Call asked for")
    return True
