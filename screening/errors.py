"""Domain exceptions that the web layers map to HTTP (api/exceptions.py)."""

from __future__ import annotations


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
