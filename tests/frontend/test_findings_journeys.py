"""Findings and assessment draft journeys in a real Chromium, with axe-core on every page."""

from __future__ import annotations

import io

import pytest
from docx import Document

from accounts.models import Role
from screening.assessment.findings import findings_submit
from screening.booking.services import session_record_attendance
from screening.models import AssessmentDraft, DraftStatus, Finding, FindingStatus
from tests import factories
from tests.factories import complete_answers, make_screened_case
from tests.frontend.conftest import book_past_visit, check_axe, go, heading, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("default_forms_and_layout"),
]


def choose(page, key: str, value: str) -> None:
    page.locator(f"input[name=q_{key}][value={value}]").check()


def sign_out(page) -> None:
    go(page.get_by_role("button", name="Sign out"))


def test_practitioner_saves_then_submits_findings_after_a_refused_submission(web, yot):
    visit = book_past_visit(yot)
    session = visit.sessions.get(agency__code="health")
    session_record_attendance(session=session, attended=True)
    nurse = yot["team"]["health"]
    sign_in(web, nurse.user.username)
    assert heading(web) == nurse.name

    go(web.get_by_role("link", name="Write findings for Keira Ashdown"))
    assert heading(web) == "Findings for Keira Ashdown"
    check_axe(web, "findings-form")

    choose(web, "gp_registered", "yes")
    web.get_by_label("Medication").fill("Inhaler when needed")
    go(web.get_by_role("button", name="Save draft"))
    assert "Your draft is saved" in web.content()
    check_axe(web, "findings-saved")
    assert Finding.objects.get(session=session).status == FindingStatus.DRAFT

    choose(web, "mental_health", "no_concern")
    go(web.get_by_role("button", name="Submit findings"))
    summary = web.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "answer this question" in summary.inner_text()
    check_axe(web, "findings-errors")
    # What was typed is kept.
    assert web.locator("input[name=q_mental_health][value=no_concern]").is_checked()
    assert web.get_by_label("Medication").input_value() == "Inhaler when needed"
    # The summary links to the first missing question's first option.
    go_to = summary.locator("a").first.get_attribute("href")
    assert web.locator(go_to).count() == 1

    answers = complete_answers("health")
    for key in (
        "self_harm",
        "suicidal_ideation",
        "consent",
        "concern_level",
        "linked_to_offending",
    ):
        choose(web, key, answers[key])
    go(web.get_by_role("button", name="Submit findings"))
    assert heading(web) == "Submit these findings?"
    check_axe(web, "findings-confirm")
    go(web.get_by_role("button", name="Submit findings"))
    assert web.locator(".govuk-panel--confirmation").is_visible()
    assert "Findings submitted" in web.content()
    check_axe(web, "findings-submitted")
    finding = Finding.objects.get(session=session, status=FindingStatus.SUBMITTED)
    assert finding.answers["medication"] == "Inhaler when needed"
    assert web.get_by_role("button", name="Amend these findings").is_visible()

    go(web.get_by_role("link", name="My sessions and availability"))
    assert "Write findings for Keira Ashdown" not in web.content()


def test_case_manager_edits_and_sends_the_draft_and_a_manager_signs_it_off(web, yot):
    case_manager = factories.make_user(
        role=Role.CASE_MANAGER, first_name="Priya", last_name="Lindqvist"
    )
    manager = factories.make_user(role=Role.YOT_MANAGER, first_name="Oren", last_name="Baptiste")
    case, sessions = make_screened_case(case_manager=case_manager)
    for code in ("speech_language", "health"):
        session = sessions[code]
        findings_submit(
            session=session, user=session.practitioner.user, answers=complete_answers(code)
        )
    factories.record_judgements(AssessmentDraft.objects.get(case=case))

    sign_in(web, case_manager.username)
    web.goto(f"/cases/{case.pk}/")
    check_axe(web, "case-with-draft")
    go(web.get_by_role("link", name="Open the assessment draft"))
    assert heading(web) == "Initial assessment draft"
    check_axe(web, "assessment-draft")
    assert "Health v1" in web.content()

    go(web.get_by_role("link", name="Change Substance use"))
    check_axe(web, "draft-section")
    web.get_by_label("Substance use").fill("Cannabis most weekends; wants to cut down.")
    go(web.get_by_role("button", name="Save the section"))
    assert "Substance use is saved." in web.content()
    assert "Cannabis most weekends; wants to cut down." in web.content()

    go(web.get_by_role("link", name="Send for sign-off"))
    assert heading(web) == "Send the draft for sign-off?"
    go(web.get_by_role("button", name="Send for sign-off"))
    assert "The draft is sent for sign-off." in web.content()
    check_axe(web, "draft-awaiting-sign-off")
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.AWAITING_SIGN_OFF
    sign_out(web)

    sign_in(web, manager.username)
    web.goto(f"/cases/{case.pk}/assessment-draft/")
    check_axe(web, "draft-for-manager")
    go(web.get_by_role("link", name="Sign off"))
    assert heading(web) == "Sign off the assessment?"
    go(web.get_by_role("button", name="Sign off"))
    assert "The draft is signed off." in web.content()
    check_axe(web, "draft-signed-off")
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.SIGNED_OFF

    with web.expect_download() as download:
        web.get_by_role("link", name="Download Word document").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"assessment-draft-{case.reference}.docx"
    with open(path, "rb") as document:
        filed = Document(io.BytesIO(document.read()))
    text = "\n".join(p.text for p in filed.paragraphs)
    assert "Cannabis most weekends; wants to cut down." in text
    # Fit for filing: the signed-off assessment, marked at the top and bottom of each page.
    assert filed.paragraphs[0].text == "Initial assessment"
    assert filed.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert filed.sections[0].footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"

    go(web.get_by_role("link", name="Print version"))
    check_axe(web, "draft-print")
    assert heading(web) == "Initial assessment"
    assert web.locator("header .marking").inner_text().upper() == "OFFICIAL-SENSITIVE"
    assert web.locator("footer .marking").inner_text().upper() == "OFFICIAL-SENSITIVE"
    go(web.get_by_role("link", name="Back to the initial assessment"))
    assert web.url.endswith(f"/cases/{case.pk}/assessment-draft/")

    go(web.get_by_role("link", name="Audit log"))
    check_axe(web, "audit-log")
    assert case.reference in web.content()


def test_practitioner_opening_another_agencys_findings_gets_404(web, yot):
    visit = book_past_visit(yot)
    education = visit.sessions.get(agency__code="education")
    nurse = yot["team"]["health"]
    sign_in(web, nurse.user.username)
    response = web.goto(f"/sessions/{education.pk}/findings/")
    assert response.status == 404
    assert heading(web) == "Page not found"
    check_axe(web, "findings-not-found")
    own = visit.sessions.get(agency__code="health")
    assert web.goto(f"/sessions/{own.pk}/findings/").status == 200


def test_enter_saves_findings_and_each_irreversible_step_first_says_what_is_missing(web, yot):
    """Enter in a box saves the draft (it never submits); submitting the findings, sending
    the draft for sign-off and signing it off each ask first, listing what is missing."""
    visit = book_past_visit(yot)
    session = visit.sessions.get(agency__code="education")
    session_record_attendance(session=session, attended=True)
    teacher = yot["team"]["education"]
    sign_in(web, teacher.user.username)
    web.goto(f"/sessions/{session.pk}/findings/")
    hours = web.locator("#id_q_hours_per_week")
    hours.fill("25")
    with web.expect_navigation():
        hours.press("Enter")
    assert "Your draft is saved" in web.content()
    assert web.locator(".govuk-error-summary").count() == 0
    assert Finding.objects.get(session=session).status == FindingStatus.DRAFT
    assert web.locator("#id_q_hours_per_week").input_value() == "25"

    answers = complete_answers("education")
    for key in ("provision", "permanent_exclusion", "send", "consent", "concern_level"):
        choose(web, key, answers[key])
    choose(web, "linked_to_offending", answers["linked_to_offending"])
    go(web.get_by_role("button", name="Submit findings"))
    assert heading(web) == "Submit these findings?"
    check_axe(web, "findings-confirm-missing")
    empty = web.locator("ul[aria-labelledby=nothing-recorded]").inner_text()
    assert "Strengths" in empty and "Attendance" in empty
    assert Finding.objects.get(session=session).status == FindingStatus.DRAFT  # not yet
    go(web.get_by_role("button", name="Submit findings"))
    assert web.locator(".govuk-panel--confirmation").is_visible()
    assert Finding.objects.get(session=session).status == FindingStatus.SUBMITTED
    sign_out(web)

    case = visit.case
    case_manager = factories.make_user(role=Role.CASE_MANAGER, first_name="Priya")
    case.case_manager = case_manager
    case.save(update_fields=["case_manager"])
    factories.record_judgements(AssessmentDraft.objects.get(case=case))
    sign_in(web, case_manager.username)
    web.goto(f"/cases/{case.pk}/assessment-draft/")
    go(web.get_by_role("link", name="Send for sign-off"))
    assert heading(web) == "Send the draft for sign-off?"
    check_axe(web, "draft-confirm-submit")
    missing = web.locator(".govuk-summary-list").inner_text()
    for agency in ("Health", "Speech, language and communication"):
        assert agency in missing
    assert "Sections with nothing recorded" in missing and "None: every section" not in missing
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.DRAFT  # not yet
    go(web.get_by_role("button", name="Send for sign-off"))
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.AWAITING_SIGN_OFF
    sign_out(web)

    manager = factories.make_user(role=Role.YOT_MANAGER, first_name="Oren")
    sign_in(web, manager.username)
    web.goto(f"/cases/{case.pk}/assessment-draft/")
    go(web.get_by_role("link", name="Sign off"))
    assert heading(web) == "Sign off the assessment?"
    check_axe(web, "draft-confirm-sign-off")
    assert "Health" in web.locator(".govuk-summary-list").inner_text()
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.AWAITING_SIGN_OFF
    go(web.get_by_role("button", name="Sign off"))
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.SIGNED_OFF
