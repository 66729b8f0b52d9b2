"""Flags raised by restricted findings show only to those who may read the finding (its
agency's practitioners and YOT managers): a case manager sees the summary, and no flag
that gives away what the summary leaves out, in the API, the pages and the exports."""

import io

import pytest
from docx import Document

from accounts.models import Role
from screening.models import Alert
from tests.conftest import client_for
from tests.factories import make_screened_case, make_user, submit_findings

pytestmark = pytest.mark.django_db

SUMMARY = "Known to the local authority; speak to the allocated social worker first."
DETAILED = ("Exploitation concern", "Three or more missing episodes in 90 days")
# The concern level is part of what every reader of a restricted finding sees.
SHARED = "The agency rates its overall concern as high"


@pytest.fixture
def restricted_case():
    case, sessions = make_screened_case()
    manager = make_user(role=Role.YOT_MANAGER)
    submit_findings(
        sessions["social_care"],
        exploitation=["criminal"],
        missing_episodes=4,
        concern_level="high",
        restricted="yes",
        restricted_summary=SUMMARY,
    )
    return case, manager


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_the_api_shows_a_case_manager_no_flag_from_a_restricted_findings_answers(
    restricted_case,
):
    case, manager = restricted_case
    url = f"/api/v1/cases/{case.pk}/assessment-draft/"
    seen = client_for(case.case_manager).get(url).json()
    texts = [f["text"] for f in seen["flags"]]
    assert SHARED in texts
    assert not any(text in texts for text in DETAILED)
    assert "vulnerability" not in seen["suggested_ratings"]
    assert seen["flags_withheld"] is True
    assert seen["restricted"][0]["summary"] == SUMMARY

    whole = client_for(manager).get(url).json()
    assert {*DETAILED, SHARED} <= {f["text"] for f in whole["flags"]}
    assert whole["suggested_ratings"]["vulnerability"] == "high"
    assert whole["flags_withheld"] is False


@pytest.mark.parametrize("tail", ["", "print/"])
def test_the_draft_pages_show_a_case_manager_no_flag_from_a_restricted_findings_answers(
    client, restricted_case, tail
):
    case, manager = restricted_case
    url = f"/cases/{case.pk}/assessment-draft/{tail}"
    client.force_login(case.case_manager)
    page = client.get(url).content.decode()
    assert SUMMARY in page and SHARED in page
    assert not any(text in page for text in DETAILED)

    client.force_login(manager)
    page = client.get(url).content.decode()
    assert all(text in page for text in DETAILED)


@pytest.mark.parametrize("where", ["api", "page"])
def test_the_word_document_shows_a_case_manager_no_flag_from_a_restricted_findings_answers(
    client, restricted_case, where
):
    case, manager = restricted_case
    url = (
        f"/api/v1/cases/{case.pk}/assessment-draft/document/"
        if where == "api"
        else f"/cases/{case.pk}/assessment-draft/document/"
    )
    for user in (case.case_manager, manager):
        client.force_login(user)
        text = _docx_text(client.get(url).content)
        if user == manager:
            assert all(flag in text for flag in DETAILED)
        else:
            assert SUMMARY in text and SHARED in text
            assert not any(flag in text for flag in DETAILED)
            assert "Vulnerability: suggested" not in text


def test_an_urgent_restricted_finding_alerts_a_case_manager_without_saying_what_it_is(
    restricted_case,
):
    case, manager = restricted_case
    own = Alert.objects.get(recipient=case.case_manager)
    assert "Exploitation" not in own.text
    assert "Children's social care" in own.text and case.reference in own.text
    assert "Exploitation concern" in Alert.objects.get(recipient=manager).text
