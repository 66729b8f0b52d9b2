"""The oversight page (YOT managers: one table per list, counts in headings, an empty state
each) and the case page's "Management oversight" section (notes read by managers and the
case's case manager, added by managers; error summary for an empty or too long note)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from screening.models import AuditEntry, OversightNote
from screening.oversight.services import oversight_note_add
from tests.api import test_plans_api
from tests.api.test_plans_api import ADMIN, CM, CM2, MANAGER, PRAC, SYS
from tests.frontend.test_findings_pages import browser_for
from tests.messaging import freeze

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
world = test_plans_api.world  # a signed-off case and one user of each kind


@pytest.mark.parametrize(
    ("actor", "expected"),
    [(MANAGER, 200), (CM, 403), (CM2, 403), (ADMIN, 403), (PRAC, 403), (SYS, 403)],
)
def test_only_yot_managers_open_the_oversight_page(world, actor, expected):
    assert browser_for(world["users"][actor]).get("/oversight/").status_code == expected


def test_the_navigation_offers_oversight_to_managers_only(world):
    assert (
        'href="/oversight/"'
        in browser_for(world["users"][MANAGER]).get("/dashboard/").content.decode()
    )
    assert (
        'href="/oversight/"'
        not in browser_for(world["users"][CM]).get("/dashboard/").content.decode()
    )


def test_each_list_has_its_count_in_the_heading_and_an_empty_state(world, monkeypatch):
    manager = world["users"][MANAGER]
    # Tuesday 1 June 2027 is the health action's due date: nothing is overdue that day.
    freeze(monkeypatch, dt.datetime(2027, 6, 1, 12, tzinfo=LONDON))
    page = browser_for(manager).get("/oversight/").content.decode()
    assert "Drafts awaiting sign-off (0)" in page and "No drafts are waiting for sign-off." in page
    assert "Overdue plan actions (0)" in page and "No plan actions are overdue." in page
    assert "without a manager&#x27;s review (0)" in page
    # Wednesday 2 June: the health action is one day overdue, linked to its case.
    freeze(monkeypatch, dt.datetime(2027, 6, 2, 9, tzinfo=LONDON))
    page = browser_for(manager).get("/oversight/").content.decode()
    case = world["case"]
    assert "Overdue plan actions (1)" in page
    assert f'href="/cases/{case.pk}/"' in page and "Refer to CAMHS" in page
    assert "No plan actions are overdue." not in page


def test_the_case_page_shows_notes_and_a_manager_adds_one(world, monkeypatch):
    case, manager = world["case"], world["users"][MANAGER]
    freeze(monkeypatch, dt.datetime(2027, 6, 2, 9, 15, tzinfo=LONDON))
    client = browser_for(manager)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Management oversight" in page and "No management oversight notes yet." in page
    assert f'action="/cases/{case.pk}/oversight-notes/new/"' in page
    done = client.post(
        f"/cases/{case.pk}/oversight-notes/new/",
        {"text": "Agreed the safety plan; see again in a fortnight."},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == f"/cases/{case.pk}/#management-oversight"
    page = done.content.decode()
    assert "The oversight note is added." in page
    assert "Agreed the safety plan; see again in a fortnight." in page
    note = OversightNote.objects.get()
    assert (note.author, note.case) == (manager, case)
    assert AuditEntry.objects.filter(
        object_type="oversightnote", action=AuditEntry.Action.WRITE, object_id=note.pk
    ).exists()


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "Enter the oversight note"), ("x" * 4001, "must be 4,000 characters or fewer")],
)
def test_an_empty_or_too_long_note_shows_the_error_summary(world, text, words):
    case = world["case"]
    response = browser_for(world["users"][MANAGER]).post(
        f"/cases/{case.pk}/oversight-notes/new/", {"text": text}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and words in page
    assert "<title>Error: " in page
    assert not OversightNote.objects.exists()


def test_the_case_manager_reads_the_notes_without_the_form_and_each_read_is_audited(world):
    case, users = world["case"], world["users"]
    note = oversight_note_add(case=case, user=users[MANAGER], text="Manager's direction.")
    AuditEntry.objects.all().delete()
    page = browser_for(users[CM]).get(f"/cases/{case.pk}/").content.decode()
    assert "Manager&#x27;s direction." in page
    assert "oversight-notes/new/" not in page
    read = AuditEntry.objects.get(object_type="oversightnote")
    assert (read.object_id, read.user, read.action) == (note.pk, users[CM], AuditEntry.Action.READ)
    # Posting a note is for managers only.
    refused = browser_for(users[CM]).post(f"/cases/{case.pk}/oversight-notes/new/", {"text": "x"})
    assert refused.status_code == 403
    assert OversightNote.objects.count() == 1


def test_others_see_no_oversight_section(world):
    case, users = world["case"], world["users"]
    oversight_note_add(case=case, user=users[MANAGER], text="Manager's direction.")
    AuditEntry.objects.all().delete()
    for actor in (ADMIN, PRAC):
        response = browser_for(users[actor]).get(f"/cases/{case.pk}/")
        assert response.status_code == 200
        assert "Management oversight" not in response.content.decode()
    assert not AuditEntry.objects.filter(object_type="oversightnote").exists()


@pytest.mark.parametrize("role", [Role.CASE_MANAGER])
def test_another_case_manager_gets_404_adding_or_reading(world, role):
    other = world["users"][CM2]
    assert other.role == role
    case = world["case"]
    assert browser_for(other).get(f"/cases/{case.pk}/").status_code == 404
