"""The print-friendly draft page follows the same access rules as the API."""

import pytest

from accounts.models import Role
from screening.models import AuditEntry
from tests.factories import make_case_with_findings, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_findings():
    return make_case_with_findings()


def url(case) -> str:
    return f"/cases/{case.pk}/assessment-draft/print/"


def test_case_manager_prints_every_section_with_sources(client, case_with_findings):
    case, _ = case_with_findings
    client.force_login(case.case_manager)
    response = client.get(url(case))
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Communication needs", "Substance use", "Positive factors", "Intervention plan"):
        assert title in page
    assert "Sources: Health v1" in page and case.reference in page
    assert AuditEntry.objects.filter(action="read", detail="print", user=case.case_manager).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("practitioner", 403), ("yot_admin", 403), ("other_case_manager", 404), ("yot_manager", 200)],
)
def test_print_page_access(client, case_with_findings, who, status):
    case, sessions = case_with_findings
    user = {
        "practitioner": sessions["health"].practitioner.user,
        "yot_admin": make_user(role=Role.YOT_ADMIN),
        "other_case_manager": make_user(role=Role.CASE_MANAGER),
        "yot_manager": make_user(role=Role.YOT_MANAGER),
    }[who]
    client.force_login(user)
    assert client.get(url(case)).status_code == status


def test_print_page_needs_sign_in(client, case_with_findings):
    case, _ = case_with_findings
    assert client.get(url(case)).status_code == 302


def test_the_print_page_gives_the_case_managers_judgements(client, case_with_findings):
    from screening.models import AssessmentDraft
    from tests.factories import record_judgements

    case, _ = case_with_findings
    client.force_login(case.case_manager)
    assert "Likelihood of reoffending: not recorded yet." in client.get(url(case)).content.decode()
    record_judgements(AssessmentDraft.objects.get(case=case))
    page = client.get(url(case)).content.decode()
    assert "Safety and wellbeing: High. Missing from home twice this month." in page
