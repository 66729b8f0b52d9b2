"""Domain exceptions that the web layers map to HTTP (api/exceptions.py)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy


def words_when_shown(words: str, **params: object) -> str:
    """`words` (marked for translation) with `params` filled in, said in the language active
    whenever the result is read (a lazy string): a param may be a callable, called then, for
    dates and times worded in that language."""

    def say() -> str:
        values = {k: (v() if callable(v) else str(v)) for k, v in params.items()}
        return str(words) % values

    return lazy(say, str)()


class SlotTaken(Exception):
    """A practitioner or room was taken meanwhile (HTTP 409). `resource` names it in
    English, as the API answers it (its `resource` field and detail, api/exceptions.py);
    `words()` says the whole refusal in the active language, for the pages. `resource` and
    `message` may be lazy strings (words_when_shown), worded again when read."""

    def __init__(self, *, resource: str, message: str | None = None) -> None:
        self.resource_words = resource
        self.message_words = message
        with translation.override(settings.LANGUAGE_CODE):
            self.resource = str(resource)
            english = self.words()
        super().__init__(english)

    def words(self) -> str:
        """The refusal in the active language."""
        if self.message_words is not None:
            return str(self.message_words)
        return gettext("%(resource)s was booked by someone else meanwhile.") % {
            "resource": str(self.resource_words)
        }


class CaseAlreadyBooked(SlotTaken):
    """The case already has a booked visit with one of these agencies (HTTP 409);
    `resource` names the case."""

    def __init__(self, *, reference: str, agencies: str) -> None:
        super().__init__(
            resource=words_when_shown(gettext_lazy("case %(reference)s"), reference=reference),
            message=words_when_shown(
                gettext_lazy(
                    "Case %(reference)s already has a booked visit with %(agencies)s; "
                    "reschedule or cancel it instead."
                ),
                reference=reference,
                agencies=agencies,
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
