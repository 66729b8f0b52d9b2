"""Issue 17's "done when", as one journey in a real Chromium with axe-core on every page:
an admin books a visit at a community venue for a young person who needs a Polish
interpreter and whose parent or carer must attend; the young person's link moves it to
another offered time; the time it freed appears in another case's bring-forward list, and
the admin books that offer.

"Now" is Monday 1 March 2027 09:00 (London). Everyone works Tuesdays and Thursdays
10:00-17:00; the interpreter too; the youth centre is 25 minutes away, so the first
visit there starts at 10:25 on Tuesday 2 March (they set out at 10:00). Both cases start
on 1 March, so their visits are due by Monday 8 March."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache

from accounts.models import Role
from screening.booking.bring_forward import freed_span
from screening.integrations.sms.fake import FakeGateway
from screening.messaging.dispatch import messages_dispatch_due
from screening.models import FreedSlot, Visit
from screening.scheduling.expand import to_minutes
from screening.venues.services import room_create, venue_create
from tests import factories
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.messaging import travel
from tests.screening.booking.bring_forward_world import CODES, at, new_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=at(1, 9).tzinfo)


def _demo_like_yot():
    """The demo's shape, small: an office, the Mill Road youth centre (25 minutes away),
    one practitioner per agency, a Polish interpreter, and two cases from 1 March."""
    for code in CODES:
        factories.make_working_practitioner(agency=code, weekdays=(1, 3), hours=(10, 17))
    office = venue_create(name="Civic Centre", address="1 Town Square, Ashworth")
    room_create(venue=office, name="Interview room 1")
    centre = venue_create(
        name="Mill Road youth centre",
        address="40 Mill Road, Ashworth, AW2 5JD",
        kind="community",
        text_name="the youth centre on Mill Road",
        travel_minutes=25,
    )
    room_create(venue=centre, name="Meeting room")
    interpreter = factories.make_interpreter(weekdays=(1, 3), hours=(10, 17), name="Ola Nowak")
    person = factories.make_young_person(
        given_name="Tomasz",
        family_name="Wiśniewski",
        date_of_birth=dt.date(2013, 6, 14),  # 13 on 1 March 2027: a carer must attend
        mobile="07400 123456",
        sms_consent=True,
        interpreter_needed=True,
        interpreter_language="pl",
        parent_carer_name="Agata Wiśniewska",
        parent_carer_mobile="07911 123456",
        parent_carer_sms_consent=True,
    )
    case = factories.make_case(young_person=person, order_start_date=dt.date(2027, 3, 1))
    return {"centre": centre, "interpreter": interpreter, "case": case, "waiting": new_case()}


def test_a_family_visit_moved_by_its_link_frees_time_another_case_is_booked_into(
    web, default_agencies, default_text_wordings
):
    cache.clear()
    FakeGateway.reset()
    with travel(NOW):
        yot = _demo_like_yot()
        case, centre, waiting = yot["case"], yot["centre"], yot["waiting"]
        admin = factories.make_user(role=Role.YOT_ADMIN)
        sign_in(web, admin.username)

        # The admin books at the youth centre only.
        web.goto(f"/cases/{case.pk}/book/")
        assert heading(web) == "Book a visit"
        check_axe(web, "families-book")
        web.get_by_label("Civic Centre (YOT office)").uncheck()
        web.get_by_label("Mill Road youth centre (community venue, 25 minutes' travel)").check()
        go(web.get_by_role("button", name="Show options"))
        check_axe(web, "families-options")
        first = web.locator(".govuk-summary-card").first
        assert "Mill Road youth centre" in first.inner_text()
        go(first.get_by_role("button", name="Book this visit"))
        visit = Visit.objects.get(case=case)
        assert (visit.start, visit.venue, visit.interpreter) == (
            at(2, 10, 25),
            centre,
            yot["interpreter"],
        )
        where = web.locator("main").inner_text()
        assert "Meeting room, Mill Road youth centre" in where
        assert "Ola Nowak, Polish, for the whole visit" in where
        assert "Agata Wiśniewska" in web.locator("#parent-carer").inner_text()
        assert "Must attend" in web.locator("#parent-carer").inner_text()
        check_axe(web, "families-visit")

        # The confirmation carries the young person's link; it moves the visit to the
        # last time offered.
        messages_dispatch_due(gateway=FakeGateway())
        body = [t.body for t in FakeGateway.outbox if t.to == case.young_person.mobile][-1]
        link = re.search(r"/r/[A-Za-z0-9_-]{22}", body).group(0)
        web.goto(link)
        assert heading(web) == "Your appointment"
        check_axe(web, "families-reply")
        go(web.get_by_role("button", name="Choose another time"))
        check_axe(web, "families-reply-times")
        web.locator(".govuk-radios__input").last.check()
        go(web.get_by_role("button", name="Change to this time"))
        assert heading(web) == "Your appointment has changed"
        check_axe(web, "families-reply-moved")
        moved = Visit.objects.get(pk=visit.pk)
        assert moved.version == 2 and moved.start != at(2, 10, 25)
        slot = FreedSlot.objects.get(visit=visit)
        assert (slot.venue, slot.start, slot.cause) == (centre, at(2, 10, 25), "rescheduled")

        # The freed time is offered to the waiting case, and the admin books it.
        web.goto("/bring-forward/")
        assert heading(web) == "Bring forward"
        check_axe(web, "families-bring-forward")
        go(web.get_by_role("button", name=f"Book this for {waiting.reference}"))
        booked = Visit.objects.get(case=waiting, status="booked")
        lo, hi = freed_span(slot)
        assert lo < to_minutes(booked.end) and to_minutes(booked.start) < hi
        assert heading(web).startswith("Visit on ")
        check_axe(web, "families-brought-forward")
    FakeGateway.reset()
