"""Delivery reports and replies from the provider: status updates, YES/NO/CHANGE/STOP/START/HELP."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from screening.messaging import send_times
from screening.messaging.numbers import (
    blocked_numbers,
    number_opt_in,
    number_opt_out,
    recipient_words,
)
from screening.messaging.planning import kick_dispatch, messages_replan_for_number
from screening.messaging.templates import pick_wording, wordings_for
from screening.models import (
    AdminTask,
    InboundMessage,
    Message,
    MessagePurpose,
    MessageStatus,
    NumberStatus,
    RecipientKind,
    Visit,
    VisitStatus,
    YoungPerson,
)
from screening.phone import mask_mobile
from screening.worktray.services import admin_task_create
from screening.worktray.words import said

logger = logging.getLogger(__name__)

P = MessagePurpose
S = MessageStatus


PROVIDER_STATUS = {
    "accepted": S.SENT,
    "scheduled": S.SENT,
    "queued": S.SENT,
    "sending": S.SENT,
    "sent": S.SENT,
    "delivered": S.DELIVERED,
    "read": S.DELIVERED,
    "undelivered": S.UNDELIVERED,
    "failed": S.FAILED,
}
RANK = {
    S.PLANNED: 0,
    S.SENDING: 1,
    S.OUTCOME_UNKNOWN: 1,
    S.WITHDRAWN: 1,
    S.HELD: 3,  # never sent: no report moves it
    S.SENT: 2,
    S.DELIVERED: 3,
    S.UNDELIVERED: 3,
    S.FAILED: 3,
}


@transaction.atomic
def message_status_record(
    *, provider_id: str, provider_status: str, message_id: int | None = None, error_code: str = ""
) -> Message | None:
    """Apply a delivery report, only ever forwards (a late `sent` never undoes
    `delivered`); undelivered or failed opens a task to phone. Unknown ids are ignored."""
    ours = PROVIDER_STATUS.get(provider_status.lower())
    qs = Message.objects.select_for_update(of=("self",)).select_related("visit")
    message = None
    if message_id is not None:
        message = qs.filter(pk=message_id).first()
        if message is not None and message.provider_id not in ("", provider_id):
            message = None  # the id and the provider's id disagree: not ours to change
    if message is None and provider_id:
        message = qs.filter(provider_id=provider_id).first()
    if message is None or ours is None:
        return message
    if RANK[ours] <= RANK[S(message.status)] and message.status != S.WITHDRAWN:
        return message
    message.status = ours
    message.provider_id = provider_id or message.provider_id
    message.provider_status = provider_status.lower()[:20]
    message.status_changed_at = timezone.now()
    message.claim_owner = ""
    if message.sent_at is None:
        message.sent_at = message.status_changed_at
    if error_code:
        message.last_error = f"provider error {error_code}"[:1000]
    message.save()
    if ours in (S.UNDELIVERED, S.FAILED):
        admin_task_create(
            kind=AdminTask.Kind.UNDELIVERED if ours == S.UNDELIVERED else AdminTask.Kind.FAILED,
            visit=message.visit,
            message=message,
            wording=said(
                gettext_noop(
                    "A text to %(recipient)s was not delivered (error %(code)s). Phone them."
                )
                if error_code
                else gettext_noop("A text to %(recipient)s was not delivered. Phone them."),
                recipient=recipient_words(message),
                **({"code": error_code} if error_code else {}),
            ),
        )
    return message


# Twilio's keyword sets (a long code or Messaging Service answers STOP, START and HELP
# itself; these keep our records in step with its block list).
OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}
CONFIRM_WORDS = {"YES", "Y", "YEP", "YEAH", "IE", "OK"}
CHANGE_WORDS = {"NO", "N", "CHANGE", "NA", "NEWID"}


def classify_reply(body: str) -> str:
    """Opt-out, opt-in and help follow Twilio: the whole text is the keyword. YES, NO and
    CHANGE are read from the first word, so "Yes see you then" confirms."""
    words = re.findall(r"[A-Za-z]+", body.upper())
    whole = "".join(words)
    if len(words) == 1 and whole in OPT_OUT_WORDS:
        return InboundMessage.Kind.OPT_OUT
    if len(words) == 1 and whole in HELP_WORDS:
        return InboundMessage.Kind.HELP
    first = words[0] if words else ""
    if first in CONFIRM_WORDS:
        return InboundMessage.Kind.CONFIRM
    if len(words) == 1 and whole in OPT_IN_WORDS:
        return InboundMessage.Kind.OPT_IN
    if first in CHANGE_WORDS:
        return InboundMessage.Kind.CHANGE
    return InboundMessage.Kind.OTHER


def _match(number: str) -> tuple[YoungPerson | None, Visit | None]:
    """The young person and visit a reply is about: the latest visit texted to this
    number, else the person whose number it is and their next booked visit."""
    last = (
        Message.objects.filter(to=number, visit__isnull=False)
        .select_related("visit__case__young_person")
        .order_by("-created_at", "-id")
        .first()
    )
    person = last.visit.case.young_person if last else None
    if person is None:
        person = (
            YoungPerson.objects.filter(Q(mobile=number) | Q(parent_carer_mobile=number))
            .order_by("-created_at", "-id")
            .first()
        )
    if person is None:
        return None, None
    visit = last.visit if last and last.visit.status == VisitStatus.BOOKED else None
    if visit is None:
        visit = (
            Visit.objects.filter(
                case__young_person=person, status=VisitStatus.BOOKED, start__gt=timezone.now()
            )
            .order_by("start")
            .first()
        )
    return person, visit


@transaction.atomic
def inbound_record(*, provider_id: str, from_number: str, body: str) -> InboundMessage:
    """Store a reply once (the provider may deliver it twice) and act on it: YES confirms
    the visit, NO or CHANGE asks the admin to rearrange, STOP and START set the number's
    consent, HELP is answered, anything else goes to the admins' inbox."""
    existing = InboundMessage.objects.filter(provider_id=provider_id).first()
    if existing is not None:
        return existing
    person, visit = _match(from_number)
    kind = classify_reply(body)
    inbound = InboundMessage.objects.create(
        provider_id=provider_id,
        from_number=from_number,
        body=body[:1600],
        kind=kind,
        young_person=person,
        visit=visit,
        visit_version=visit.version if visit else None,
    )
    who = f"{mask_mobile(from_number)}" + (f" ({person.initials})" if person else "")
    K = InboundMessage.Kind
    if kind == K.OPT_OUT:
        number_opt_out(number=from_number, via=f"reply {body.strip()[:20]!r}")
        admin_task_create(
            kind=AdminTask.Kind.OPTED_OUT,
            visit=visit,
            inbound=inbound,
            wording=said(
                gettext_noop(
                    "%(who)s replied %(reply)s and gets no more texts. Phone about "
                    "appointments from now on."
                ),
                who=who,
                reply=repr(body.strip()[:20]),
            ),
        )
    elif kind == K.OPT_IN:
        _opt_in(number=from_number, via=f"reply {body.strip()[:20]!r}")
    elif kind == K.CONFIRM:
        status = NumberStatus.objects.filter(number=from_number).first()
        if status is not None and status.opted_out_at is not None:
            _opt_in(number=from_number, via="reply YES")  # as Twilio does
        if visit is not None:
            Visit.objects.filter(pk=visit.pk, version=visit.version).update(
                confirmed_at=timezone.now()
            )
        else:
            admin_task_create(
                kind=AdminTask.Kind.REPLY,
                inbound=inbound,
                wording=said(
                    gettext_noop("%(who)s replied YES but has no booked visit: check."), who=who
                ),
            )
    elif kind == K.CHANGE:
        admin_task_create(
            kind=AdminTask.Kind.REARRANGE,
            visit=visit,
            inbound=inbound,
            wording=said(
                gettext_noop("%(who)s asked to rearrange: %(reply)s. Phone to agree a new time."),
                who=who,
                reply=repr(body.strip()[:200]),
            ),
        )
    elif kind == K.HELP:
        _answer_help(inbound=inbound, person=person)
    else:
        admin_task_create(
            kind=AdminTask.Kind.REPLY,
            visit=visit,
            inbound=inbound,
            wording=said(
                gettext_noop("%(who)s replied: %(reply)s"), who=who, reply=repr(body.strip()[:300])
            ),
        )
    return inbound


def _opt_in(*, number: str, via: str) -> None:
    """The number opts in again, and what is still due for its visits ahead is planned."""
    number_opt_in(number=number, via=via)
    messages_replan_for_number(number=number)


def _answer_help(*, inbound: InboundMessage, person: YoungPerson | None) -> None:
    if not settings.SMS_ANSWER_HELP or inbound.from_number in blocked_numbers(
        [inbound.from_number]
    ):
        return
    language = person.language if person else "en"
    template = pick_wording(wordings_for([P.HELP], language), P.HELP, language, False)
    if template is None:
        return
    at = send_times.next_allowed(timezone.now())
    Message.objects.create(
        young_person=person,
        purpose=P.HELP,
        to=inbound.from_number,
        body=template.body.format(service=settings.SMS_SERVICE_NAME),
        language=template.language,
        template_id=template.id,
        send_at=at,
        next_attempt_at=at,
        in_reply_to=inbound,
        recipient=RecipientKind.PARENT_CARER
        if person and person.parent_carer_mobile == inbound.from_number
        else RecipientKind.YOUNG_PERSON,
    )
    transaction.on_commit(kick_dispatch)
