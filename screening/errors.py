"""Domain exceptions that the web layers map to HTTP (api/exceptions.py)."""

from __future__ import annotations

from django.utils.translation import gettext


class SlotTaken(Exception):
    """A practitioner or room was taken meanwhile (HTTP 409); `resource` names it."""

    def __init__(self, *, resource: str, message: str | None = None) -> None:
        self.resource = resource
        super().__init__(message or f"{resource} was booked by someone else meanwhile.")


class CaseAlreadyBooked(SlotTaken):
    """The case already has a booked visit with one of these agencies (HTTP 409);
    `resource` names the case."""

    def __init__(self, *, reference: str, agencies: str) -> None:
        super().__init__(
            resource=f"case {reference}",
            message=(
                f"Case {reference} already has a booked visit with {agencies}; "
                "reschedule or cancel it instead."
            ),
        )


class NotAllowed(Exception):
    """The object's state does not allow this change (HTTP 409)."""


class FindingsLocked(NotAllowed):
    """Findings or a draft cannot change in their current state (HTTP 409)."""


class PossibleDuplicate(Exception):
    """A young person with the same name and date of birth is already registered (HTTP 409
    naming them): saving needs the admin to confirm it is someone else. `existing` lists
    them (young people: id, names and date of birth)."""

    def __init__(self, *, existing: list) -> None:
        self.existing = existing
        named = "; ".join(
            f"{p.given_name} {p.family_name}, born {p.date_of_birth.isoformat()} "
            f"(young person {p.pk})"
            for p in existing
        )
        super().__init__(
            f"This may be the same person as {named}. If it is someone else, confirm it "
            "is not a duplicate (confirm_not_duplicate: true)."
        )


def too_long(limit: int) -> str:
    """The error for text over `limit` characters, in the active language (the page's, or
    English for the API)."""
    return gettext("Write at most %(limit)s characters.") % {"limit": f"{limit:,}"}
