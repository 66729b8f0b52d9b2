"""The Word document and the print page are fit for the case file: titled "Initial
assessment" once signed off (a draft says it is a draft), OFFICIAL-SENSITIVE at the top
and bottom, the document's properties set, dates written out, the plan as a table."""

import datetime as dt
import io

import pytest
from django.conf import settings
from docx import Document

from accounts.models import Role
from screening.assessment.drafts import draft_sign_off, draft_submit
from screening.assessment.export import draft_document
from screening.models import AssessmentDraft
from tests.factories import make_screened_case, make_user, record_judgements, submit_findings
from tests.messaging import freeze

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 14, 5, tzinfo=dt.UTC)
# Monday 4 January 2027, worked out from the calendar (1 January 2027 is a Friday).
ACTION = {"action": "Referral to CAMHS", "owner_agency": "health", "due_date": "2027-01-04",
          "category": "safeguarding"}  # fmt: skip


@pytest.fixture
def world(monkeypatch):
    freeze(monkeypatch, NOW)
    case, sessions = make_screened_case()
    submit_findings(sessions["health"], actions=[ACTION])
    draft = AssessmentDraft.objects.get(case=case)
    return case, draft, make_user(role=Role.YOT_MANAGER)


def sign_off(case, draft, manager) -> AssessmentDraft:
    draft = record_judgements(draft)
    draft_submit(draft=draft, user=case.case_manager)
    return draft_sign_off(draft=draft, user=manager)


def document(draft, user):
    return Document(io.BytesIO(draft_document(draft=draft, user=user)))


def test_a_draft_is_titled_as_a_draft_and_a_signed_off_one_as_the_assessment(world):
    case, draft, manager = world
    doc = document(draft, manager)
    assert doc.paragraphs[0].text == "Initial assessment draft"
    assert doc.core_properties.title == f"Initial assessment draft, case {case.reference}"

    doc = document(sign_off(case, draft, manager), manager)
    assert doc.paragraphs[0].text == "Initial assessment"
    assert doc.core_properties.title == f"Initial assessment, case {case.reference}"


def test_the_document_is_marked_official_sensitive_in_its_header_and_footer(world):
    _, draft, manager = world
    for section in document(draft, manager).sections:
        assert "OFFICIAL-SENSITIVE" in "\n".join(p.text for p in section.header.paragraphs)
        assert "OFFICIAL-SENSITIVE" in "\n".join(p.text for p in section.footer.paragraphs)


def test_the_document_properties_name_the_service_and_the_time_it_was_made(world):
    _, draft, manager = world
    props = document(draft, manager).core_properties
    assert props.author == settings.YOT_NAME
    assert props.created.replace(tzinfo=dt.UTC) == NOW


def test_the_plan_is_a_table_with_its_dates_written_out(world):
    _, draft, manager = world
    doc = document(draft, manager)
    rows = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]
    assert ["Action", "Owner", "Due"] in rows
    assert ["Referral to CAMHS", "Health", "4 January 2027"] in rows
    text = "\n".join(p.text for p in doc.paragraphs) + str(rows)
    assert "2027-01-04" not in text


def test_the_print_page_matches_the_document_and_links_back_to_the_draft(client, world):
    case, draft, manager = world
    client.force_login(manager)
    url = f"/cases/{case.pk}/assessment-draft/print/"
    page = client.get(url).content.decode()
    assert "<h1>Initial assessment draft</h1>" in page
    assert "<title>Initial assessment draft, case" in page
    assert page.count("OFFICIAL-SENSITIVE") >= 2
    assert page.index("OFFICIAL-SENSITIVE") < page.index("<main>")
    assert page.rindex("OFFICIAL-SENSITIVE") > page.index("</main>")
    assert "<td>4 January 2027</td>" in page and "2027-01-04" not in page
    assert f'href="/cases/{case.pk}/assessment-draft/"' in page

    sign_off(case, draft, manager)
    page = client.get(url).content.decode()
    assert "<h1>Initial assessment</h1>" in page
    assert "<title>Initial assessment, case" in page


def test_the_document_gives_the_case_managers_judgements_with_their_reasons(world):
    case, draft, manager = world
    text = "\n".join(p.text for p in document(draft, manager).paragraphs)
    assert "Risk of serious harm to others: not recorded yet." in text
    text = "\n".join(p.text for p in document(sign_off(case, draft, manager), manager).paragraphs)
    assert "Risk of serious harm to others: Medium. Threats made to a classmate." in text
    assert "Safety and wellbeing: High. Missing from home twice this month." in text
    assert "Likelihood of reoffending: Medium. Second offence this year." in text


def test_the_document_is_in_the_case_manager_s_language_and_their_text_as_written(world):
    """A case manager who chose Cymraeg gets the document's headings and fixed wording in
    Welsh, whoever downloads it; what people wrote (the plan's action) stays as written."""
    case, draft, manager = world
    case.case_manager.language = "cy"
    case.case_manager.save(update_fields=["language"])
    draft.refresh_from_db()
    doc = document(draft, manager)
    text = "\n".join(p.text for p in doc.paragraphs)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Drafft yr asesiad cychwynnol"
    assert doc.core_properties.title == f"Drafft yr asesiad cychwynnol, achos {case.reference}"
    assert "Barnau'r rheolwr achos" in headings and "Cynllun ymyrraeth" in headings
    assert "Anghenion cyfathrebu" in headings  # the default layout's "Communication needs"
    assert "Communication needs" not in headings and "Intervention plan" not in headings
    assert "Risg o niwed difrifol i eraill: heb eu cofnodi eto." in text
    rows = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]
    assert ["Cam gweithredu", "Perchennog", "Yn ddyledus"] in rows
    assert ["Referral to CAMHS", "Health", "4 Ionawr 2027"] in rows  # as written; date in Welsh
    case.case_manager.language = "en-gb"
    case.case_manager.save(update_fields=["language"])
    draft.refresh_from_db()
    assert document(draft, manager).paragraphs[0].text == "Initial assessment draft"
