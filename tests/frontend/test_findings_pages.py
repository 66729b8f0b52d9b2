"""The findings, assessment draft, alerts and audit log pages through Django's test client:
the API's access answers, service errors on the right fields, audited reads, and query
counts that do not grow with the rows shown."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from docx import Document

from accounts.models import Role
from agencies.models import Agency
from screening.assessment.drafts import draft_edit, draft_submit
from screening.assessment.findings import findings_save, findings_submit
from screening.booking.services import session_record_attendance
from screening.models import AssessmentDraft, AuditEntry, DraftStatus, Finding, FindingStatus
from tests.factories import (
    complete_answers,
    make_screened_case,
    make_section_need_review,
    make_user,
    record_judgements,
)

pytestmark = pytest.mark.django_db


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def screened():
    case, sessions = make_screened_case()
    return {"case": case, "sessions": sessions, "manager": make_user(role=Role.YOT_MANAGER)}


def submit(session, **overrides):
    code = session.agency.code
    return findings_submit(
        session=session,
        user=session.practitioner.user,
        answers=complete_answers(code, **overrides),
    )


def findings_url(session) -> str:
    return f"/sessions/{session.pk}/findings/"


def draft_url(case, tail: str = "") -> str:
    return f"/cases/{case.pk}/assessment-draft/{tail}"


def form_data(answers: dict, action: str = "save") -> dict:
    """What the page's form posts for these answers (no action rows)."""
    data = {"action": action}
    for key, value in answers.items():
        if isinstance(value, list):
            data[f"q_{key}"] = value
        else:
            data[f"q_{key}"] = str(value)
    return data


# --- findings page ----------------------------------------------------------------------


def who(screened, name):
    sessions = screened["sessions"]
    return {
        "own_practitioner": sessions["health"].practitioner.user,
        "other_agency_practitioner": sessions["education"].practitioner.user,
        "unrelated_health_practitioner": make_user(role=Role.PRACTITIONER),
        "case_manager": screened["case"].case_manager,
        "other_case_manager": make_user(role=Role.CASE_MANAGER),
        "yot_manager": screened["manager"],
        "yot_admin": make_user(role=Role.YOT_ADMIN),
        "system_admin": make_user(role=Role.SYSTEM_ADMIN),
    }[name]


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("own_practitioner", 200),
        ("other_agency_practitioner", 404),
        ("unrelated_health_practitioner", 404),
        ("case_manager", 200),
        ("other_case_manager", 404),
        ("yot_manager", 200),
        ("yot_admin", 403),
        ("system_admin", 403),
    ],
)
def test_findings_page_gives_the_apis_access_answers(screened, name, status):
    session = screened["sessions"]["health"]
    assert browser_for(who(screened, name)).get(findings_url(session)).status_code == status


@pytest.mark.parametrize(
    ("name", "status"),
    [("case_manager", 403), ("yot_manager", 403), ("other_agency_practitioner", 404)],
)
def test_only_the_sessions_practitioner_may_post_findings(screened, name, status):
    session = screened["sessions"]["health"]
    data = form_data({"gp_registered": "yes"})
    assert browser_for(who(screened, name)).post(findings_url(session), data).status_code == status
    assert not Finding.objects.filter(session=session).exists()


def test_findings_form_renders_each_question_type_as_its_govuk_component(screened):
    session = screened["sessions"]["education"]
    page = browser_for(session.practitioner.user).get(findings_url(session)).content.decode()
    # choice -> radios, yes_no_unknown -> inline radios, number -> numeric text input
    assert 'name="q_provision" type="radio"' in page
    assert "govuk-radios--inline" in page
    assert 'name="q_hours_per_week" type="text" value="" inputmode="numeric"' in page
    assert "A number from 0 to 60." in page
    # text -> textarea; actions -> three blank rows with owner select and category radios
    assert '<textarea class="govuk-textarea" id="id_q_strengths"' in page
    assert 'name="a2_owner_agency"' in page and 'name="a3_owner_agency"' not in page
    assert 'name="a0_category" type="radio"' in page
    assert 'name="a0_due_date_0"' in page
    # "required when" is explained in the hint
    assert "Required when the answer to" in page
    # the young person's basics and communication needs at the top
    assert session.visit.case.young_person.given_name in page
    assert "Communication needs" in page
    assert 'value="save"' in page and 'value="submit"' in page


def test_saving_a_partial_draft_keeps_the_answers_and_lists_it_as_in_progress(screened):
    session = screened["sessions"]["health"]
    session_record_attendance(session=session, attended=True)
    client = browser_for(session.practitioner.user)
    response = client.post(findings_url(session), form_data({"gp_registered": "yes"}))
    assert response.status_code == 302
    copy = Finding.objects.get(session=session)
    assert copy.status == FindingStatus.DRAFT and copy.answers == {"gp_registered": "yes"}
    page = client.get(response["Location"]).content.decode()
    assert "Your draft is saved" in page
    assert 'value="yes" checked' in page
    home = client.get("/my/").content.decode()
    assert "Continue findings" in home and "Draft saved" in home


def test_submitting_with_a_missing_answer_shows_the_error_summary_linked_to_the_field(screened):
    session = screened["sessions"]["health"]
    answers = complete_answers("health")
    del answers["self_harm"]
    # Posted from the page shown after saving a draft: the old "saved" banner must not show.
    response = browser_for(session.practitioner.user).post(
        findings_url(session) + "?saved=1", form_data(answers, "submit")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Your draft is saved" not in page
    assert 'href="#id_q_self_harm_0"' in page
    assert ": answer this question." in page
    # what was typed is kept, and the partial answers were saved as the working copy
    assert 'value="cannabis" checked' in page
    assert not Finding.objects.filter(session=session).exclude(status="draft").exists()
    assert Finding.objects.get(session=session, status="draft").answers["gp_registered"] == "yes"


def test_a_wrong_number_is_refused_on_its_field_and_kept_as_typed(screened):
    session = screened["sessions"]["education"]
    response = browser_for(session.practitioner.user).post(
        findings_url(session), form_data({"hours_per_week": "sixty"})
    )
    page = response.content.decode()
    assert 'href="#id_q_hours_per_week"' in page and 'value="sixty"' in page
    assert not Finding.objects.filter(session=session).exists()


def test_an_incomplete_action_row_is_refused_naming_the_row_and_field(screened):
    session = screened["sessions"]["health"]
    data = form_data({"gp_registered": "yes"})
    data.update({"a1_action": "Refer to the school nurse", "a1_category": "safeguarding"})
    page = browser_for(session.practitioner.user).post(findings_url(session), data).content.decode()
    assert 'href="#id_a1_owner_agency"' in page
    assert 'href="#id_a1_due_date_0"' in page
    assert "Action 2:" in page
    assert "Refer to the school nurse" in page


def test_action_rows_are_saved_and_submitted_as_actions(screened):
    session = screened["sessions"]["health"]
    data = form_data(complete_answers("health"), "submit")
    data.update(
        {
            "a0_action": "Register with a GP",
            "a0_owner_agency": "health",
            "a0_due_date_0": "1",
            "a0_due_date_1": "12",
            "a0_due_date_2": "2026",
            "a0_category": "safeguarding",
        }
    )
    client = browser_for(session.practitioner.user)
    assert "Submit these findings?" in client.post(findings_url(session), data).content.decode()
    response = client.post(findings_url(session), {"action": "confirm"})
    assert response.status_code == 302 and "submitted=1" in response["Location"]
    finding = Finding.objects.get(session=session)
    assert finding.status == FindingStatus.SUBMITTED
    assert finding.answers["actions"] == [
        {
            "action": "Register with a GP",
            "owner_agency": "health",
            "due_date": "2026-12-01",
            "category": "safeguarding",
        }
    ]


def test_submitted_findings_show_read_only_with_a_confirmation_and_can_be_amended(screened):
    session = screened["sessions"]["health"]
    submit(session)
    client = browser_for(session.practitioner.user)
    page = client.get(findings_url(session) + "?submitted=1").content.decode()
    assert "Findings submitted" in page and "govuk-panel--confirmation" in page
    assert "Amend these findings" in page and 'name="q_gp_registered"' not in page
    response = client.post(findings_url(session), {"action": "amend"})
    assert response.status_code == 302
    copy = Finding.objects.get(session=session, status=FindingStatus.DRAFT)
    assert copy.version == 2 and copy.answers == Finding.objects.get(version=1).answers
    page = client.get(findings_url(session)).content.decode()
    assert 'name="q_gp_registered"' in page and "Working copy of findings version 2" in page


def test_an_older_version_shows_read_only_with_its_form_version_and_is_audited(screened):
    session = screened["sessions"]["health"]
    submit(session)
    findings_save(
        session=session,
        user=session.practitioner.user,
        answers=complete_answers("health", self_harm="past"),
    )
    findings_submit(session=session, user=session.practitioner.user)
    manager = screened["manager"]
    page = browser_for(manager).get(findings_url(session) + "?version=1").content.decode()
    assert "You are looking at version 1, written in form version 1" in page
    assert "Version 2" in page and "Amended" in page
    entry = AuditEntry.objects.filter(user=manager, action="read").latest("id")
    assert entry.object_id == Finding.objects.get(session=session, version=1).pk
    assert browser_for(manager).get(findings_url(session) + "?version=9").status_code == 404


def test_case_manager_sees_only_the_summary_of_restricted_findings(screened):
    session = screened["sessions"]["health"]
    submit(session, restricted="yes", restricted_summary="Seen by the nurse; details held.")
    page = browser_for(screened["case"].case_manager).get(findings_url(session)).content
    page = page.decode()
    assert "only their summary is shown" in page
    assert "Seen by the nurse; details held." in page
    assert "Cannabis" not in page
    manager_page = browser_for(screened["manager"]).get(findings_url(session)).content.decode()
    assert "Cannabis" in manager_page


def test_did_not_attend_session_says_no_findings_are_needed(screened):
    session = screened["sessions"]["education"]
    session_record_attendance(session=session, attended=False, reason="Unwell")
    page = browser_for(session.practitioner.user).get(findings_url(session)).content.decode()
    assert "no findings are needed" in page
    assert 'name="q_provision"' not in page


def test_reading_findings_through_the_page_is_audit_logged(screened):
    session = screened["sessions"]["health"]
    submit(session)
    cm = screened["case"].case_manager
    browser_for(cm).get(findings_url(session))
    assert AuditEntry.objects.filter(user=cm, action="read", object_type="finding").count() == 1


# --- practitioner home and case page ----------------------------------------------------


def test_practitioner_home_lists_only_sessions_whose_findings_are_not_submitted(screened):
    health, education = screened["sessions"]["health"], screened["sessions"]["education"]
    session_record_attendance(session=health, attended=True)
    submit(health)
    home = browser_for(health.practitioner.user).get("/my/").content.decode()
    assert findings_url(health) not in home
    session_record_attendance(session=education, attended=True)
    home = browser_for(education.practitioner.user).get("/my/").content.decode()
    assert findings_url(education) in home and "Overdue" in home


def test_case_page_links_to_the_draft_and_to_findings_each_role_may_read(screened):
    case, sessions = screened["case"], screened["sessions"]
    submit(sessions["health"])
    cm_page = browser_for(case.case_manager).get(f"/cases/{case.pk}/").content.decode()
    assert draft_url(case) in cm_page
    assert all(findings_url(s) in cm_page for s in sessions.values())
    nurse_page = (
        browser_for(sessions["health"].practitioner.user).get(f"/cases/{case.pk}/").content
    ).decode()
    assert findings_url(sessions["health"]) in nurse_page
    assert findings_url(sessions["education"]) not in nurse_page
    assert draft_url(case) not in nurse_page
    admin_page = browser_for(make_user(role=Role.YOT_ADMIN)).get(f"/cases/{case.pk}/")
    assert findings_url(sessions["health"]) not in admin_page.content.decode()


def test_dashboard_counts_only_missing_findings(screened):
    health, education = screened["sessions"]["health"], screened["sessions"]["education"]
    for session in (health, education):
        session_record_attendance(session=session, attended=True)
    submit(health)
    page = browser_for(screened["manager"]).get("/dashboard/")
    rows = {row.agency_code: row for row in page.context["awaiting_by_agency"]}
    assert "health" not in rows and rows["education"].overdue == 1


# --- assessment draft -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("case_manager", 200),
        ("yot_manager", 200),
        ("other_case_manager", 404),
        ("own_practitioner", 403),
        ("yot_admin", 403),
        ("system_admin", 403),
    ],
)
def test_draft_page_gives_the_apis_access_answers(screened, name, status):
    submit(screened["sessions"]["health"])
    user = who(screened, name)
    client = browser_for(user)
    assert client.get(draft_url(screened["case"])).status_code == status
    assert client.get(draft_url(screened["case"], "document/")).status_code == status


@pytest.mark.parametrize(
    "tail", ["", "sections/substance_use/", "plan/", "document/", "print/", "reopen/"]
)
def test_draft_pages_of_a_case_without_findings_say_so_and_write_nothing(screened, tail):
    case = screened["case"]
    user = screened["manager"] if tail == "reopen/" else case.case_manager
    response = browser_for(user).get(draft_url(case, tail))
    assert response.status_code == 404
    page = response.content.decode()
    assert "No findings have been submitted for this case yet" in page
    assert case.reference in page and f'href="/cases/{case.pk}/"' in page
    assert not AssessmentDraft.objects.exists() and not AuditEntry.objects.exists()


def test_posting_to_a_draft_that_does_not_exist_yet_creates_none(screened):
    case = screened["case"]
    client = browser_for(case.case_manager)
    response = client.post(draft_url(case, "sections/substance_use/"), {"text": "Weekends."})
    assert response.status_code == 404
    assert client.post(draft_url(case, "submit/")).status_code == 404
    assert not AssessmentDraft.objects.exists()


def test_draft_page_read_is_audit_logged_and_shows_sections_with_sources(screened):
    case = screened["case"]
    submit(screened["sessions"]["speech_language"])
    submit(screened["sessions"]["health"], self_harm="current")
    page = browser_for(case.case_manager).get(draft_url(case)).content.decode()
    assert AuditEntry.objects.filter(
        user=case.case_manager, action="read", object_type="assessmentdraft", case=case
    ).exists()
    assert page.index("Communication needs") < page.index("Substance use")
    assert "Health v1" in page
    assert "the case manager decides" in page
    assert "Urgent" in page
    assert "Education: Overdue: findings were due on" in page


def test_case_manager_edits_a_section(screened):
    case = screened["case"]
    submit(screened["sessions"]["health"])
    client = browser_for(case.case_manager)
    assert client.get(draft_url(case, "sections/substance_use/")).status_code == 200
    response = client.post(draft_url(case, "sections/substance_use/"), {"text": "Weekends only."})
    assert response.status_code == 302
    draft = AssessmentDraft.objects.get(case=case)
    assert draft.sections.get(key="substance_use").text == "Weekends only."
    assert client.get(draft_url(case, "sections/no_such_section/")).status_code == 404
    manager = browser_for(screened["manager"])
    assert manager.get(draft_url(case, "sections/substance_use/")).status_code == 403


def _needs_review(screened):
    """A section edited by the case manager, then changed by an amendment."""
    case, health = screened["case"], screened["sessions"]["health"]
    submit(health)
    make_section_need_review(case, health)
    section = AssessmentDraft.objects.get(case=case).sections.get(key="substance_use")
    assert section.needs_review
    return case, section


def test_needs_review_shows_changes_and_keep_my_text_marks_it_reviewed(screened):
    case, section = _needs_review(screened)
    client = browser_for(case.case_manager)
    page = client.get(draft_url(case)).content.decode()
    assert "Needs review" in page and "Keep my text" in page and "Use the new text" in page
    assert "<ins>" in page or "<del>" in page
    client.post(draft_url(case, "sections/substance_use/review/"), {"decision": "keep"})
    section.refresh_from_db()
    assert not section.needs_review and section.text == "My own words."


def test_use_the_new_text_takes_the_suggested_text(screened):
    case, section = _needs_review(screened)
    suggested = section.suggested_text
    browser_for(case.case_manager).post(
        draft_url(case, "sections/substance_use/review/"), {"decision": "use"}
    )
    section.refresh_from_db()
    assert not section.needs_review and section.text == suggested


def test_send_for_sign_off_is_refused_listing_sections_to_review(screened):
    case, _ = _needs_review(screened)
    response = browser_for(case.case_manager).post(draft_url(case, "submit/"))
    page = response.content.decode()
    assert "There is a problem" in page and "Review the changed findings first" in page
    assert "Substance use" in page
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.DRAFT


def _health_draft_ready(screened):
    """The case's draft from the health findings alone, its plan reviewed: ready to send."""
    case = screened["case"]
    submit(screened["sessions"]["health"])
    draft = AssessmentDraft.objects.get(case=case)
    draft_edit(draft=draft, user=case.case_manager, plan_reviewed=True)
    return case, record_judgements(draft)


def test_sign_off_and_reopen_with_a_required_reason(screened):
    case, _ = _health_draft_ready(screened)
    browser_for(case.case_manager).post(draft_url(case, "submit/"))
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.AWAITING_SIGN_OFF
    manager = browser_for(screened["manager"])
    assert browser_for(case.case_manager).post(draft_url(case, "sign-off/")).status_code == 403
    manager.post(draft_url(case, "sign-off/"))
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.SIGNED_OFF
    response = manager.post(draft_url(case, "reopen/"), {"reason": ""})
    assert "Say why the draft is reopened" in response.content.decode()
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.SIGNED_OFF
    manager.post(draft_url(case, "reopen/"), {"reason": "New school information"})
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.DRAFT
    page = manager.get(draft_url(case)).content.decode()
    assert "Reopened" in page and "New school information" in page and "Signed off" in page


def test_plan_page_saves_rows_grouped_by_category_and_refuses_half_rows(screened):
    case = screened["case"]
    submit(screened["sessions"]["health"])
    client = browser_for(case.case_manager)
    assert client.get(draft_url(case, "plan/")).status_code == 200
    half = {"a0_action": "Weekly mentoring", "a0_category": "reducing_reoffending"}
    page = client.post(draft_url(case, "plan/"), half).content.decode()
    assert 'href="#id_a0_owner_agency"' in page and "Weekly mentoring" in page
    full = {
        **half,
        "a0_owner_agency": "education",
        "a0_due_date_0": "5",
        "a0_due_date_1": "1",
        "a0_due_date_2": "2027",
    }
    assert client.post(draft_url(case, "plan/"), full).status_code == 302
    plan = AssessmentDraft.objects.get(case=case).plan
    assert plan["reducing_reoffending"][0]["action"] == "Weekly mentoring"
    assert plan["safeguarding"] == []
    page = client.get(draft_url(case)).content.decode()
    assert "Weekly mentoring" in page and "Tuesday 5 January 2027" in page


def test_word_document_download_is_the_draft_and_audited_as_export(screened):
    case = screened["case"]
    submit(screened["sessions"]["health"])
    response = browser_for(screened["manager"]).get(draft_url(case, "document/"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert case.reference in text
    assert AuditEntry.objects.filter(user=screened["manager"], action="export").exists()


def test_a_draft_being_signed_off_cannot_be_edited_from_the_page(screened):
    case, draft = _health_draft_ready(screened)
    draft_submit(draft=draft, user=case.case_manager)
    client = browser_for(case.case_manager)
    assert "Change<span" not in client.get(draft_url(case)).content.decode()
    response = client.post(draft_url(case, "sections/substance_use/"), {"text": "Late edit"})
    assert "waiting for sign-off" in response.content.decode()


# --- alerts and audit log -------------------------------------------------------------------


def test_unread_alerts_show_in_a_banner_and_can_be_marked_read(screened):
    case = screened["case"]
    submit(screened["sessions"]["health"], self_harm="current")
    client = browser_for(case.case_manager)
    page = client.get("/dashboard/").content.decode()
    assert "govuk-notification-banner" in page and "Urgent findings need your attention" in page
    alert = case.case_manager.alerts.get()
    listing = client.get("/alerts/").content.decode()
    assert alert.text in listing and "Mark as read" in listing
    client.post(f"/alerts/{alert.pk}/read/")
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert "Urgent findings need your attention" not in client.get("/dashboard/").content.decode()
    other = browser_for(make_user(role=Role.CASE_MANAGER))
    assert other.post(f"/alerts/{alert.pk}/read/").status_code == 404


def test_alert_banner_costs_one_query_whatever_the_number_of_alerts(
    screened, django_assert_max_num_queries
):
    from screening.models import Alert

    user = screened["case"].case_manager
    client = browser_for(user)
    client.get("/alerts/")

    def queries_for_page() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/young-people/").status_code == 200
        alerts = [q for q in captured if "screening_alert" in q["sql"]]
        return len(captured), len(alerts)

    without, alert_queries = queries_for_page()
    assert alert_queries == 1
    for i in range(6):
        Alert.objects.create(recipient=user, case=screened["case"], key=f"k{i}", text=f"Alert {i}")
    assert queries_for_page() == (without, 1)
    with django_assert_max_num_queries(without):
        page = client.get("/young-people/").content.decode()
    assert page.count("<li>Alert ") == 3 and "See all your unread alerts" in page


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("yot_manager", 200),
        ("case_manager", 403),
        ("own_practitioner", 403),
        ("yot_admin", 403),
        ("system_admin", 403),
    ],
)
def test_audit_log_page_is_for_yot_managers_only(screened, name, status):
    assert browser_for(who(screened, name)).get("/audit-log/").status_code == status


def test_audit_log_filters_by_case_and_user_with_a_fixed_number_of_queries(
    screened, django_assert_max_num_queries
):
    case, manager = screened["case"], screened["manager"]
    submit(screened["sessions"]["health"])
    client = browser_for(manager)
    page = client.get("/audit-log/", {"case": case.reference}).content.decode()
    practitioner = screened["sessions"]["health"].practitioner.user.username
    assert practitioner in page and case.reference in page
    page = client.get("/audit-log/", {"case": "YJ-NONE"}).content.decode()
    assert "No entries match" in page
    page = client.get("/audit-log/", {"user": manager.username}).content.decode()
    assert practitioner not in page

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get("/audit-log/")
        return len(captured)

    few = count()
    for session in list(screened["sessions"].values())[1:]:
        submit(session)
    assert AuditEntry.objects.count() >= 8
    with django_assert_max_num_queries(few):
        client.get("/audit-log/")


def test_alerts_list_query_count_does_not_grow_with_alerts(screened):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from screening.models import Alert

    user = screened["case"].case_manager
    client = browser_for(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/alerts/").status_code == 200
        return len(captured)

    Alert.objects.create(recipient=user, case=screened["case"], key="first", text="First alert")
    few = count()
    for i in range(20):
        Alert.objects.create(recipient=user, case=screened["case"], key=f"k{i}", text=f"Alert {i}")
    assert count() == few


def test_an_agency_without_a_form_gets_a_message_not_an_error(screened):
    from agencies.models import FindingsForm as Definition

    session = screened["sessions"]["education"]
    Definition.objects.filter(agency=session.agency).delete()
    client = browser_for(session.practitioner.user)
    page = client.get(findings_url(session)).content.decode()
    assert "Education has no findings form yet" in page
    response = client.post(findings_url(session), form_data({"provision": "mainstream"}))
    assert response.status_code == 200 and "has no findings form yet" in response.content.decode()


# --- asked before: submitting findings, sending for sign-off, signing off ----------------


def test_submitting_findings_first_lists_what_was_left_empty_and_submits_nothing(screened):
    session = screened["sessions"]["health"]
    client = browser_for(session.practitioner.user)
    answers = complete_answers("health")
    response = client.post(findings_url(session), form_data(answers, "submit"))
    page = response.content.decode()
    assert response.status_code == 200 and "Submit these findings?" in page
    empty = page.split('aria-labelledby="nothing-recorded">', 1)[1].split("</ul>", 1)[0]
    assert "Medication" in empty and "Self-harm" not in empty
    assert 'name="action" value="confirm"' in page
    # Saved as the working copy, not submitted.
    assert Finding.objects.get(session=session).status == FindingStatus.DRAFT


def test_confirming_with_nothing_saved_writes_nothing(screened):
    session = screened["sessions"]["health"]
    response = browser_for(session.practitioner.user).post(
        findings_url(session), {"action": "confirm"}
    )
    assert response.status_code == 302
    assert not Finding.objects.filter(session=session).exists()


def test_sending_for_sign_off_first_lists_agencies_without_findings_and_empty_sections(screened):
    case, draft = _health_draft_ready(screened)
    response = browser_for(case.case_manager).get(draft_url(case, "submit/"))
    page = response.content.decode()
    assert response.status_code == 200 and "Send the draft for sign-off?" in page
    for agency in ("speech_language", "education", "social_care"):
        assert Agency.objects.get(code=agency).name.replace("'", "&#x27;") in page
    empty = [s.title for s in draft.sections.all() if not s.text.strip()]
    assert empty and all(title in page for title in empty)
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.DRAFT


def test_signing_off_first_asks_saying_what_is_missing(screened):
    case, draft = _health_draft_ready(screened)
    draft_submit(draft=draft, user=case.case_manager)
    response = browser_for(screened["manager"]).get(draft_url(case, "sign-off/"))
    page = response.content.decode()
    assert "Sign off the assessment?" in page and "Agencies without findings" in page
    assert "Signing off locks the assessment" in page
    assert AssessmentDraft.objects.get(case=case).status == DraftStatus.AWAITING_SIGN_OFF
    # The draft page offers the step as a link to this question, not as a button that acts.
    draft_page = browser_for(screened["manager"]).get(draft_url(case)).content.decode()
    assert f'href="{draft_url(case, "sign-off/")}">Sign off</a>' in draft_page


def test_a_section_text_beyond_20000_characters_is_an_error_on_its_field(screened):
    case = screened["case"]
    submit(screened["sessions"]["health"])
    client = browser_for(case.case_manager)
    section = AssessmentDraft.objects.get(case=case).sections.get(key="substance_use")
    response = client.post(draft_url(case, "sections/substance_use/"), {"text": "x" * 20_001})
    assert "The text must be 20,000 characters or fewer" in response.content.decode()
    section.refresh_from_db()
    assert not section.edited and "x" * 100 not in section.text


def test_a_text_answer_beyond_5000_characters_is_an_error_on_its_field(screened):
    session = screened["sessions"]["health"]
    client = browser_for(session.practitioner.user)
    answers = complete_answers("health", medication="x" * 5001)
    response = client.post(findings_url(session), form_data(answers))
    assert "The answer must be 5,000 characters or fewer" in response.content.decode()
    assert not Finding.objects.filter(session=session).exists()
