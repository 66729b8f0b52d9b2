"""The people at a visit besides the practitioners, as the visit page shows them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from screening.models import Case
from screening.phone import mask_mobile


@dataclass
class ParentCarer:
    """The parent or carer as a participant of a visit, as the visit page shows them."""

    name: str
    must_attend: bool
    # None when the viewer may not see messages; else a sentence about where texts go.
    texts: str | None


def parent_carer_of(case: Case, *, texts_shown: bool) -> ParentCarer:
    """The parent or carer of the case's young person: whether they must attend (Case
    rule) and whether texts go to them (a masked number), as the text planner decides."""
    person = case.young_person
    must = case.parent_carer_must_attend
    texts = None
    if texts_shown:
        if not person.parent_carer_mobile:
            texts = _("No texts: no mobile number recorded")
        elif not person.parent_carer_sms_consent:
            texts = _("No texts: no consent to texts")
        elif not must:
            texts = _("No texts: they need not attend")
        else:
            texts = _("Texts go to %(mobile)s") % {
                "mobile": mask_mobile(person.parent_carer_mobile)
            }
    return ParentCarer(name=person.parent_carer_name, must_attend=must, texts=texts)
