"""Browser journey: a YOT manager opens "Records due for disposal", reads the dry run,
prepares the list, is stopped until the box is ticked, then approves it. Every page passes
axe."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role
from screening.models import Case, OrderType, YoungPerson
from tests import factories
from tests.frontend.conftest import check_axe, go, heading, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def old_case(reference: str, order_type: str, started: dt.date, born: dt.date) -> Case:
    person = YoungPerson.objects.create(
        given_name="Journey", family_name=reference[-4:], date_of_birth=born
    )
    case = Case.objects.create(
        reference=reference,
        young_person=person,
        order_type=order_type,
        order_start_date=started,
        visit_due_by=started,
        assessment_due_by=started,
    )
    created = dt.datetime.combine(started, dt.time(12), tzinfo=dt.UTC)
    Case.objects.filter(pk=case.pk).update(created_at=created)
    return case


def test_a_yot_manager_approves_the_records_due_for_disposal(
    web, default_agencies, default_retention_rules
):
    # Referral order started 11 January 2021, 18 on 3 March 2022: due 11 January 2024.
    disposed = old_case(
        "YJ-2021-0101", OrderType.REFERRAL_ORDER, dt.date(2021, 1, 11), dt.date(2004, 3, 3)
    )
    # Youth rehabilitation order started 6 June 2022: basic details only from 6 June 2025.
    reduced = old_case(
        "YJ-2022-0102",
        OrderType.YOUTH_REHABILITATION_ORDER,
        dt.date(2022, 6, 6),
        dt.date(2006, 8, 8),
    )
    manager = factories.make_user(role=Role.YOT_MANAGER)
    sign_in(web, manager.username)
    go(web.get_by_role("link", name="Disposal"))
    assert heading(web) == "Records due for disposal"
    assert "Due today (dry run)" in web.content()
    assert "YJ-2021-0101" in web.content() and "YJ-2022-0102" in web.content()
    check_axe(web, "retention-dry-run")
    go(web.get_by_role("button", name="Prepare this list for approval"))
    assert "Waiting for your approval" in web.content()
    check_axe(web, "retention-waiting")
    go(web.get_by_role("button", name="Approve and carry out"))
    assert "There is a problem" in web.content()
    check_axe(web, "retention-not-ticked")
    assert Case.objects.get(pk=disposed.pk).retention_stage == "live"
    web.get_by_label("I have checked this list").check()
    go(web.get_by_role("button", name="Approve and carry out"))
    assert "Done: 1 reduced to basic details, 1 disposed of." in web.content()
    check_axe(web, "retention-done")
    assert Case.objects.get(pk=disposed.pk).retention_stage == "disposed"
    assert Case.objects.get(pk=reduced.pk).retention_stage == "reduced"
