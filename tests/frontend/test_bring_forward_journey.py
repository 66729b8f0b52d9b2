"""In a real Chromium, with axe-core: the carer fields on the young person's form, and a YOT
admin bringing a waiting case forward into time a cancellation freed."""

from __future__ import annotations

import pytest

from accounts.models import Role
from screening.booking.services import visit_cancel
from screening.models import Visit
from tests import factories
from tests.frontend.conftest import check_axe, go, heading, sign_in
from tests.messaging import travel
from tests.screening.booking.bring_forward_world import CODES, NOW, at, book_at, new_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_admin_books_a_waiting_case_into_freed_time(web, default_agencies):
    with travel(NOW):
        for code in CODES:
            factories.make_working_practitioner(agency=code, weekdays=(1, 3), hours=(10, 17))
        factories.make_room()
        cancelled = book_at(new_case(), at(2, 10))
        waiting = new_case()
        visit_cancel(visit=cancelled, reason="Family away")
        admin = factories.make_user(role=Role.YOT_ADMIN)
        sign_in(web, admin.username)
        web.goto("/dashboard/")
        go(web.get_by_role("link", name="Bring forward: earlier times freed by cancellations"))
        assert heading(web) == "Bring forward"
        check_axe(web, "bring-forward")
        go(web.get_by_role("button", name=f"Book this for {waiting.reference}"))
        assert Visit.objects.get(case=waiting, status="booked").start == at(2, 10)
        check_axe(web, "bring-forward-booked")
        web.goto(f"/young-people/{waiting.young_person.pk}/edit/")
        check_axe(web, "young-person-form-with-carer")
        web.get_by_label("Yes, for every case").check()
        go(web.get_by_role("button", name="Save"))
        assert "Enter the parent or carer" in web.locator(".govuk-error-summary").inner_text()
        check_axe(web, "young-person-carer-error")
