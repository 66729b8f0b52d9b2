"""Records due for disposal: YOT managers only; the dry run and its CSV; approval needs the
box ticked, records the manager and carries the list out."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from accounts.models import Role
from screening.models import Case, DisposalBatch, OrderType, YoungPerson
from tests.factories import make_practitioner, make_user

pytestmark = pytest.mark.django_db


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def due_case():
    """A referral order started (its last action) 9 January 2023; three years on is 9 January
    2026, the young person is 18 on 2 April 2026, the later: due since then."""
    person = YoungPerson.objects.create(
        given_name="Wren", family_name="Duepage", date_of_birth=dt.date(2008, 4, 2)
    )
    case = Case.objects.create(
        reference="YJ-2023-0007",
        young_person=person,
        order_type=OrderType.REFERRAL_ORDER,
        order_start_date=dt.date(2023, 1, 9),
        visit_due_by=dt.date(2023, 1, 16),
        assessment_due_by=dt.date(2023, 2, 6),
    )
    Case.objects.filter(pk=case.pk).update(created_at=dt.datetime(2023, 1, 9, 12, tzinfo=dt.UTC))
    return case


def user_of(role):
    user = make_user(role=role)
    if role == Role.PRACTITIONER:
        make_practitioner(user=user, agency="health")
    return user


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.YOT_MANAGER, 200),
        (Role.YOT_ADMIN, 403),
        (Role.CASE_MANAGER, 403),
        (Role.PRACTITIONER, 403),
        (Role.SYSTEM_ADMIN, 403),
    ],
)
def test_only_yot_managers_see_records_due_and_may_approve(role, status, due_case):
    browser = browser_for(user_of(role))
    assert browser.get("/retention/").status_code == status
    assert browser.get("/retention/due.csv").status_code == status
    assert browser.post("/retention/propose/").status_code in ((302,) if status == 200 else (403,))
    batch = DisposalBatch.objects.filter(status="proposed").first()
    if batch is not None:
        response = browser.post(f"/retention/batches/{batch.pk}/confirm/", {"checked": "yes"})
        assert response.status_code == (302 if status == 200 else 403)
    expected = "disposed" if status == 200 else "live"
    assert Case.objects.get(pk=due_case.pk).retention_stage == expected


def test_the_page_lists_the_dry_run_and_the_csv_is_the_same_without_names(due_case):
    browser = browser_for(make_user(role=Role.YOT_MANAGER))
    html = browser.get("/retention/").content.decode()
    assert "Due today (dry run)" in html
    assert "YJ-2023-0007" in html
    assert "Disposed of 3 years after the last action or at 18, whichever is later" in html
    assert "Wren" not in html
    response = browser.get("/retention/due.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["reference", "order type", "rule", "last action", "due on", "action"]
    assert rows[1][0] == "YJ-2023-0007"
    assert rows[1][3:] == ["2023-01-09", "2026-04-02", "Dispose"]
    assert "Wren" not in response.content.decode()
    assert Case.objects.get(pk=due_case.pk).retention_stage == "live"


def test_approving_without_ticking_the_box_is_an_error_and_changes_nothing(due_case):
    browser = browser_for(make_user(role=Role.YOT_MANAGER))
    browser.post("/retention/propose/")
    batch = DisposalBatch.objects.get(status="proposed")
    html = browser.get("/retention/").content.decode()
    assert "Waiting for your approval" in html and "Approve and carry out" in html
    response = browser.post(f"/retention/batches/{batch.pk}/confirm/", {})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert "Tick the box" in response.content.decode()
    assert Case.objects.get(pk=due_case.pk).retention_stage == "live"


def test_approving_records_the_manager_and_shows_what_was_done(due_case):
    manager = make_user(role=Role.YOT_MANAGER, first_name="Morgan", last_name="Manager")
    browser = browser_for(manager)
    browser.post("/retention/propose/")
    batch = DisposalBatch.objects.get(status="proposed")
    response = browser.post(
        f"/retention/batches/{batch.pk}/confirm/", {"checked": "yes"}, follow=True
    )
    html = response.content.decode()
    assert "Done: 0 reduced to basic details, 1 disposed of." in html
    assert "Morgan Manager" in html
    batch.refresh_from_db()
    assert (batch.status, batch.confirmed_by) == ("carried_out", manager)
    # A second approval of the same list is refused, naming why.
    again = browser.post(f"/retention/batches/{batch.pk}/confirm/", {"checked": "yes"})
    assert again.status_code == 409
    assert "no longer waiting" in again.content.decode()
