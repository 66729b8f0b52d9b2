"""The young person's page offers YOT managers, and only them, the subject access export."""

import io
import zipfile

import pytest
from django.test import Client

from accounts.models import Role
from screening.models import AuditEntry
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

BUTTON = "Export everything held (subject access)"


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_a_yot_manager_sees_the_export_button_and_it_downloads_the_audited_zip():
    case = make_case(case_manager=make_user(role=Role.CASE_MANAGER))
    person = case.young_person
    page = f"/young-people/{person.pk}/"
    for role in (Role.YOT_ADMIN, Role.CASE_MANAGER):
        user = case.case_manager if role == Role.CASE_MANAGER else make_user(role=role)
        assert BUTTON not in browser_for(user).get(page).content.decode()
    manager = browser_for(make_user(role=Role.YOT_MANAGER))
    html = manager.get(page).content.decode()
    assert BUTTON in html
    assert f'href="/young-people/{person.pk}/subject-access/"' in html
    response = manager.get(f"/young-people/{person.pk}/subject-access/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="subject-access-{person.pk}-' in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "cases.json" in names and "subject-access.docx" in names
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, object_type="youngperson", object_id=person.pk
    ).exists()


def test_a_young_person_who_is_not_there_answers_404_to_a_manager():
    manager = browser_for(make_user(role=Role.YOT_MANAGER))
    assert manager.get("/young-people/999999/subject-access/").status_code == 404
