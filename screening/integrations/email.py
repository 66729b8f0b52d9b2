"""Sending calendar invites by email through Django's configured backend."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def staff_language(person: object = None) -> str:
    """The language emails and invites to a member of staff are written in: their login's
    `language` (set by the language switcher while signed in, or on their account page),
    for a login or a practitioner with one; an interpreter's `invite_language` (set by a
    YOT admin); else the service's language, English (a practitioner without a login, a
    login or interpreter that never chose). The background jobs that send them have no
    visitor's choice to go by (docs/decisions/0021)."""
    if hasattr(person, "invite_language"):  # an interpreter: no login
        chosen = person.invite_language
    else:
        login = person if hasattr(person, "language") else getattr(person, "user", None)
        chosen = getattr(login, "language", "") if login is not None else ""
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Invite:
    """One iTIP message to one person: the text, and the calendar with its METHOD."""

    to: str
    subject: str
    text: str
    calendar: bytes
    method: str


def send_invite(invite: Invite) -> None:
    """Send the invite: a plain text body, the calendar as a text/calendar alternative
    (its method matching the METHOD line, so mail clients show accept/decline or remove
    the event) and the same calendar as invite.ics. From is the calendar ORGANIZER."""
    message = EmailMultiAlternatives(
        subject=invite.subject,
        body=invite.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invite.to],
    )
    # Django adds charset=utf-8 to text parts itself.
    message.attach_alternative(
        invite.calendar.decode("utf-8"), f"text/calendar; method={invite.method}"
    )
    message.attach("invite.ics", invite.calendar, "application/ics")
    message.send(fail_silently=False)
