"""GET /api/v1/young-people/{id}/subject-access/: YOT managers only (403 for every other
role, 404 for a young person who is not there); a zip named by record number, audited."""

import io
import zipfile

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from screening.models import AuditEntry
from tests.conftest import client_for
from tests.factories import make_case_with_findings, make_user

pytestmark = pytest.mark.django_db


def url(pk: int) -> str:
    return f"/api/v1/young-people/{pk}/subject-access/"


@pytest.fixture
def screened():
    case, sessions = make_case_with_findings()
    return case, sessions


def test_a_yot_manager_gets_a_zip_named_by_record_number_and_it_is_audited(screened):
    case, _ = screened
    person = case.young_person
    manager = make_user(role=Role.YOT_MANAGER)
    response = client_for(manager).get(url(person.pk))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="subject-access-{person.pk}-')
    assert person.family_name not in disposition
    assert response["Cache-Control"] == "private, no-store"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "subject-access.docx" in names and "findings.json" in names
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.user, entry.object_id) == (manager, person.pk)


@pytest.mark.parametrize(
    "role", [Role.YOT_ADMIN, Role.CASE_MANAGER, Role.PRACTITIONER, Role.SYSTEM_ADMIN]
)
def test_every_other_role_is_refused_403_and_nothing_is_audited(screened, role):
    case, sessions = screened
    # The case's own case manager and the practitioner who screened them are refused too.
    user = {
        Role.CASE_MANAGER: case.case_manager,
        Role.PRACTITIONER: sessions["health"].practitioner.user,
    }.get(role) or make_user(role=role)
    response = client_for(user).get(url(case.young_person.pk))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_signed_out_is_refused(screened):
    case, _ = screened
    response = APIClient().get(url(case.young_person.pk))
    assert response.status_code in (401, 403)


def test_a_young_person_who_is_not_there_answers_404(screened):
    response = client_for(make_user(role=Role.YOT_MANAGER)).get(url(999999))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
