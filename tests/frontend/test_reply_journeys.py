"""The reply page in a real Chromium, with no sign-in: confirm; choose another time; ask for
a call; in Welsh too (axe-core on every page visited).

"Now" is Tuesday 23 February 2027, 09:00 London; the visit is on Tuesday 2 March at 10:00.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from screening.integrations.sms.fake import FakeGateway
from screening.messaging.dispatch import messages_dispatch_due
from screening.models import AdminTask, Visit
from tests.frontend.conftest import check_axe, go, heading
from tests.messaging import book, freeze, make_team, texting_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def texted(monkeypatch, default_agencies, default_text_wordings):
    """A booked visit and the link its confirmation carried."""
    freeze(monkeypatch)
    cache.clear()
    FakeGateway.reset()

    def make(**person):
        visit = book(make_team(), person=texting_person(**person))
        messages_dispatch_due(gateway=FakeGateway())
        body = [t.body for t in FakeGateway.outbox if t.to == visit.case.young_person.mobile][-1]
        return visit, re.search(r"/r/[A-Za-z0-9_-]{22}", body).group(0)

    yield make
    FakeGateway.reset()


def test_confirm_by_the_link(web, texted):
    visit, path = texted(given_name="Jayden", family_name="Marlowe")
    web.goto(path)
    assert heading(web) == "Your appointment"
    assert "Tuesday 2 March, 10:00am" in web.locator("#reply-visit").inner_text()
    html = web.content()
    assert "Jayden" not in html and "Marlowe" not in html and visit.case.reference not in html
    check_axe(web, "reply-page")
    go(web.get_by_role("button", name="I can come"))
    assert heading(web) == "Thank you: see you then"
    check_axe(web, "reply-confirmed")
    assert Visit.objects.get(pk=visit.pk).confirmed_at is not None


def test_choose_another_time_by_the_link(web, texted):
    visit, path = texted()
    web.goto(path)
    go(web.get_by_role("button", name="Choose another time"))
    assert heading(web) == "Choose another time"
    check_axe(web, "reply-times")
    go(web.get_by_role("button", name="Change to this time"))  # nothing chosen
    assert "Choose one of the times" in web.locator(".govuk-error-summary").inner_text()
    check_axe(web, "reply-times-error")
    web.locator(".govuk-radios__input").first.check()
    go(web.get_by_role("button", name="Change to this time"))
    assert heading(web) == "Your appointment has changed"
    check_axe(web, "reply-moved")
    moved = Visit.objects.get(pk=visit.pk)
    assert moved.version == 2 and moved.start != visit.start
    assert AdminTask.objects.filter(kind=AdminTask.Kind.MOVED_BY_LINK, visit=visit).exists()
    web.goto(path)
    assert heading(web) == "This appointment has changed"
    check_axe(web, "reply-changed")


def test_ask_for_a_call_by_the_link_in_welsh(web, texted):
    visit, path = texted(language="cy")
    web.goto(path)
    assert web.locator("html").get_attribute("lang") == "cy"
    assert heading(web) == "Eich apwyntiad"
    check_axe(web, "reply-page-welsh")
    go(web.get_by_role("button", name="Gofyn i ni eich ffonio"))
    assert heading(web) == "Byddwn ni'n eich ffonio"
    check_axe(web, "reply-called-welsh")
    assert AdminTask.objects.filter(kind=AdminTask.Kind.CALL_REQUESTED, visit=visit).count() == 1


def test_a_wrong_link_is_a_plain_not_found_page(web, texted):
    texted()
    response = web.goto("/r/" + "q" * 22)
    assert response.status == 404
    assert heading(web).startswith("Page not found")
    check_axe(web, "reply-not-found")
