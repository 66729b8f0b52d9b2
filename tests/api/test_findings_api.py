"""Findings and the assessment draft through the API, end to end: submission, amendment,
merge, review, oversight, alerts, audit and export."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document

from accounts.models import Role
from screening.assessment.alert_emails import alert_emails_send_due
from screening.booking.services import session_record_attendance
from screening.models import Alert, AssessmentDraft, AuditEntry, Finding
from tests.conftest import client_for
from tests.factories import JUDGEMENTS_GIVEN, complete_answers, make_screened_case, make_user
from tests.messaging import freeze

NO_FINDINGS = "No findings have been submitted for this case yet."


@pytest.fixture
def screened(db):
    case, sessions = make_screened_case()
    manager = make_user(role=Role.YOT_MANAGER)
    return {
        "case": case,
        "sessions": sessions,
        "cm": client_for(case.case_manager),
        "manager": client_for(manager),
        "practitioner": {code: client_for(s.practitioner.user) for code, s in sessions.items()},
    }


def findings_url(session) -> str:
    return f"/api/v1/sessions/{session.pk}/findings/"


def draft_url(case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.pk}/assessment-draft/{tail}"


def submit(w, code, **overrides):
    client, session = w["practitioner"][code], w["sessions"][code]
    response = client.post(
        f"{findings_url(session)}submit/",
        {"answers": complete_answers(code, **overrides)},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return response.json()


def section(draft, key):
    return next(s for s in draft["sections"] if s["key"] == key)


def test_whole_flow_submit_merge_edit_amend_review_sign_off_and_export(screened):
    w = screened
    actions = [
        {"action": "Referral to CAMHS", "owner_agency": "health", "due_date": "2026-12-01",
         "category": "safeguarding"},
    ]  # fmt: skip
    submit(w, "speech_language")
    submit(w, "health", actions=actions)
    submit(w, "education")
    submit(w, "social_care", permanent_exclusion_recorded="yes")

    draft = w["cm"].get(draft_url(w["case"])).json()
    assert draft["status"] == "draft" and draft["missing"] == []
    assert draft["sections"][0]["key"] == "communication_needs"
    assert {"agency": "speech_language", "finding_version": 1} in section(
        draft, "communication_needs"
    )["sources"]
    assert {c["key"] for c in draft["conflicts"]} >= {"exclusion_vs_full_time_mainstream"}
    assert draft["plan"]["safeguarding"][0]["action"] == "Referral to CAMHS"
    assert len(draft["built_from"]) == 4

    edited = "Cannabis most weekends; says it helps him sleep."
    response = w["cm"].patch(
        draft_url(w["case"]),
        {"sections": [{"key": "substance_use", "text": edited}]},
        format="json",
    )
    assert response.status_code == 200
    # A late amendment changes the section the case manager wrote.
    submit(w, "health", substance_frequency="daily", actions=actions)
    draft = w["cm"].get(draft_url(w["case"])).json()
    substance = section(draft, "substance_use")
    assert substance["text"] == edited and substance["needs_review"] is True
    assert {"change": "added", "text": substance["suggested_text"].split("\n\n")[0]} in substance[
        "review_changes"
    ]
    assert "Daily" in substance["suggested_text"]
    assert {"agency": "health", "finding_version": 2} in substance["sources"]
    # Sections the case manager did not edit follow the findings without review.
    assert section(draft, "physical_health")["needs_review"] is False

    refused = w["cm"].post(draft_url(w["case"], "submit/"))
    assert refused.status_code == 400 and "Substance use" in refused.json()["errors"]["sections"][0]
    w["cm"].patch(
        draft_url(w["case"]),
        {"sections": [{"key": "substance_use", "reviewed": True}]},
        format="json",
    )
    w["cm"].patch(draft_url(w["case"]), {"judgements": JUDGEMENTS_GIVEN}, format="json")
    assert w["cm"].post(draft_url(w["case"], "submit/")).status_code == 200
    signed = w["manager"].post(draft_url(w["case"], "sign-off/")).json()
    assert signed["status"] == "signed_off" and signed["signed_off_at"]
    assert section(signed, "substance_use")["text"] == edited

    document = w["manager"].get(draft_url(w["case"], "document/"))
    assert document.status_code == 200
    assert document["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(document.content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    for s in signed["sections"]:
        assert s["title"] in text
    assert edited in text and "Intervention plan" in text and "Referral to CAMHS" in text


def test_invalid_answers_answer_400_naming_the_question_and_store_nothing(screened):
    w = screened
    client, session = w["practitioner"]["education"], w["sessions"]["education"]
    for answers, place in [
        ({"hours_per_week": "lots"}, "answers.hours_per_week"),
        ({"hours_per_week": 99}, "answers.hours_per_week"),
        ({"provision": "boarding"}, "answers.provision"),
        ({"favourite_colour": "blue"}, "answers.favourite_colour"),
    ]:
        response = client.put(findings_url(session), {"answers": answers}, format="json")
        assert response.status_code == 400, answers
        assert place in response.json()["errors"]
    assert not Finding.objects.exists()
    # A saved working copy is not touched by a later invalid save.
    client.put(findings_url(session), {"answers": {"provision": "fe"}}, format="json")
    client.put(findings_url(session), {"answers": {"provision": "boarding"}}, format="json")
    assert Finding.objects.get().answers == {"provision": "fe"}


def test_submitting_incomplete_findings_names_each_missing_question(screened):
    w = screened
    client, session = w["practitioner"]["health"], w["sessions"]["health"]
    client.put(findings_url(session), {"answers": {"gp_registered": "yes"}}, format="json")
    response = client.post(f"{findings_url(session)}submit/", {}, format="json")
    assert response.status_code == 400
    assert {"answers.mental_health", "answers.self_harm", "answers.consent"} <= set(
        response.json()["errors"]
    )
    assert Finding.objects.get().status == "draft"


def test_amending_makes_a_new_version_and_keeps_the_old_one(screened):
    w = screened
    first = submit(w, "health")
    assert (first["status"], first["version"]) == ("submitted", 1)
    client, session = w["practitioner"]["health"], w["sessions"]["health"]
    saved = client.put(
        findings_url(session),
        {"answers": complete_answers("health", self_harm="past")},
        format="json",
    ).json()
    assert (saved["status"], saved["version"]) == ("draft", 2)
    amended = client.post(f"{findings_url(session)}submit/", {}, format="json").json()
    assert (amended["status"], amended["version"]) == ("amended", 2)
    assert [v["version"] for v in amended["versions"]] == [1, 2]
    old = client.get(f"{findings_url(session)}?version=1").json()
    assert old["answers"]["self_harm"] == "none"
    assert Finding.objects.get(version=1).answers["self_harm"] == "none"


def test_a_session_the_young_person_missed_needs_no_findings(screened):
    w = screened
    session = w["sessions"]["education"]
    session_record_attendance(session=session, attended=False, reason="Unwell")
    response = w["practitioner"]["education"].put(
        findings_url(session), {"answers": {"provision": "fe"}}, format="json"
    )
    assert response.status_code == 409 and "did not attend" in response.json()["detail"]
    submit(w, "health")
    missing = w["cm"].get(draft_url(w["case"])).json()["missing"]
    education = next(m for m in missing if m["agency"] == "education")
    assert education["reason"] == "did_not_attend" and "Unwell" in education["text"]


def test_findings_cannot_be_written_before_the_session_starts(screened, monkeypatch):
    w = screened
    session = w["sessions"]["health"]
    monkeypatch.setattr(timezone, "now", lambda: session.start - dt.timedelta(minutes=1))
    response = w["practitioner"]["health"].put(
        findings_url(session), {"answers": {"gp_registered": "yes"}}, format="json"
    )
    assert response.status_code == 409


def test_missing_agencies_say_why(screened, monkeypatch):
    w = screened
    submit(w, "health")
    missing = {m["agency"]: m for m in w["cm"].get(draft_url(w["case"])).json()["missing"]}
    assert set(missing) == {"speech_language", "education", "social_care"}
    # The visit was on 5 November 2026: findings were due two working days later.
    assert missing["education"]["reason"] == "overdue"
    assert missing["education"]["due_by"] == "2026-11-09"
    day_after = dt.datetime(2026, 11, 6, 12, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: day_after)
    missing = {m["agency"]: m for m in w["cm"].get(draft_url(w["case"])).json()["missing"]}
    assert missing["education"]["reason"] == "not_submitted"


def test_late_findings_are_flagged(screened, monkeypatch):
    w = screened
    on_time = dt.datetime(2026, 11, 9, 16, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: on_time)
    assert submit(w, "health")["late"] is False
    monkeypatch.setattr(timezone, "now", lambda: on_time + dt.timedelta(days=1))
    late = submit(w, "education")
    assert late["late"] is True and late["due_by"] == "2026-11-09"


def test_an_urgent_finding_alerts_the_case_manager_and_managers_once(
    screened, django_capture_on_commit_callbacks
):
    w = screened
    with django_capture_on_commit_callbacks(execute=True):
        submit(w, "health", self_harm="current")
    recipients = set(Alert.objects.values_list("recipient__role", flat=True))
    assert recipients == {"case_manager", "yot_manager"}
    assert Alert.objects.count() == 2
    assert mail.outbox == []  # planned; the background worker sends them
    assert alert_emails_send_due().sent == 2
    assert len(mail.outbox) == 2
    assert w["case"].reference in mail.outbox[0].subject
    assert "self-harm" not in mail.outbox[0].body.lower()  # details stay behind sign-in
    # The same urgent answer in an amendment raises nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        submit(w, "health", self_harm="current", medication="None")
    assert alert_emails_send_due().claimed == 0
    assert Alert.objects.count() == 2 and len(mail.outbox) == 2
    alerts = w["manager"].get("/api/v1/alerts/").json()["results"]
    assert "Current self-harm" in alerts[0]["text"]
    read = w["manager"].post(f"/api/v1/alerts/{alerts[0]['id']}/read/").json()
    assert read["read_at"]


def test_a_signed_off_draft_is_locked_until_reopened_with_a_reason(screened):
    w = screened
    submit(w, "health")
    w["cm"].patch(draft_url(w["case"]), {"judgements": JUDGEMENTS_GIVEN}, format="json")
    w["cm"].post(draft_url(w["case"], "submit/"))
    assert w["cm"].patch(draft_url(w["case"]), {"sections": []}, format="json").status_code == 409
    w["manager"].post(draft_url(w["case"], "sign-off/"))
    edit = {"sections": [{"key": "neighbourhood", "text": "Quiet estate."}]}
    assert w["cm"].patch(draft_url(w["case"]), edit, format="json").status_code == 409
    # Findings arriving after sign-off do not change the signed-off draft.
    submit(w, "education")
    draft = w["cm"].get(draft_url(w["case"])).json()
    assert draft["new_findings_since_sign_off"] is True
    assert section(draft, "education_training_employment")["text"] == ""
    no_reason = w["manager"].post(draft_url(w["case"], "reopen/"), {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    reopened = (
        w["manager"]
        .post(draft_url(w["case"], "reopen/"), {"reason": "Education findings came"}, format="json")
        .json()
    )
    assert reopened["status"] == "draft"
    assert "Mainstream" in section(reopened, "education_training_employment")["text"]
    assert reopened["events"][-2]["reason"] == "Education findings came"
    assert w["cm"].patch(draft_url(w["case"]), edit, format="json").status_code == 200


def test_the_case_managers_text_is_never_overwritten(screened):
    w = screened
    submit(w, "social_care")
    mine = "Lives with mum and two younger brothers."
    w["cm"].patch(
        draft_url(w["case"]),
        {"sections": [{"key": "living_arrangements", "text": mine}]},
        format="json",
    )
    submit(w, "social_care", missing_episodes=2)
    submit(w, "social_care", missing_episodes=3)
    living = section(w["cm"].get(draft_url(w["case"])).json(), "living_arrangements")
    assert living["text"] == mine and living["needs_review"]
    assert "3" in living["suggested_text"]
    # Taking the suggestion replaces the text only when the case manager asks.
    taken = (
        w["cm"]
        .patch(
            draft_url(w["case"]),
            {"sections": [{"key": "living_arrangements", "accept_suggested": True}]},
            format="json",
        )
        .json()
    )
    living = section(taken, "living_arrangements")
    assert living["text"] == living["generated_text"] and not living["needs_review"]


def test_unknown_section_or_bad_plan_is_refused_and_nothing_changes(screened):
    w = screened
    submit(w, "health")
    response = w["cm"].patch(
        draft_url(w["case"]),
        {
            "sections": [{"key": "neighbourhood", "text": "Kept?"}, {"key": "nope", "text": "x"}],
            "plan": [{"action": "x", "owner_agency": "health", "due_date": "soon",
                      "category": "safeguarding"}],
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert {"sections.1.key", "plan.0.due_date"} <= set(response.json()["errors"])
    draft = w["cm"].get(draft_url(w["case"])).json()
    assert section(draft, "neighbourhood")["text"] == ""


def test_reads_of_findings_and_drafts_are_audit_logged(screened):
    w = screened
    submit(w, "health")
    AuditEntry.objects.all().delete()
    w["cm"].get(findings_url(w["sessions"]["health"]))
    w["cm"].get(draft_url(w["case"]))
    w["manager"].get(draft_url(w["case"], "document/"))
    log = w["manager"].get("/api/v1/audit-log/", {"case": w["case"].pk}).json()["results"]
    seen = {(e["role"], e["action"], e["object_type"]) for e in log}
    assert ("case_manager", "read", "finding") in seen
    assert ("case_manager", "read", "assessmentdraft") in seen
    assert ("yot_manager", "export", "assessmentdraft") in seen


def test_restricted_findings_show_a_case_manager_the_summary_only(screened):
    w = screened
    summary = "Known to the GP; speak to the school nurse first."
    submit(w, "health", restricted="yes", restricted_summary=summary, medication="Sertraline")
    seen = w["cm"].get(findings_url(w["sessions"]["health"])).json()
    assert seen["answers_withheld"] is True and "medication" not in seen["answers"]
    assert seen["answers"]["restricted_summary"] == summary
    manager = w["manager"].get(findings_url(w["sessions"]["health"])).json()
    assert manager["answers"]["medication"] == "Sertraline"
    draft = w["cm"].get(draft_url(w["case"])).json()
    assert draft["restricted"][0]["summary"] == summary
    assert "Sertraline" not in str(draft["sections"])


def test_a_new_form_version_needs_no_code_and_old_findings_keep_theirs(screened):
    w = screened
    submit(w, "education")
    system = client_for(make_user(role=Role.SYSTEM_ADMIN))
    bad = system.post(
        "/api/v1/agencies/education/forms/",
        {"title": "Education v2", "questions": [{"key": "x", "label": "X", "type": "essay"}]},
        format="json",
    )
    assert bad.status_code == 400 and "questions.0.type" in bad.json()["errors"]
    questions = [
        {"key": "provision", "label": "Where they learn", "type": "text", "required": True,
         "draft": {"sections": ["education_training_employment"]}},
    ]  # fmt: skip
    created = system.post(
        "/api/v1/agencies/education/forms/",
        {"title": "Education v2", "questions": questions},
        format="json",
    )
    assert created.status_code == 201 and created.json()["version"] == 2
    current = w["practitioner"]["education"].get("/api/v1/agencies/education/forms/current/")
    assert current.json()["version"] == 2
    old = w["cm"].get(findings_url(w["sessions"]["education"])).json()
    assert old["form"] == {"code": "education", "version": 1}
    assert old["answers"]["provision"] == "mainstream"


def test_a_practitioner_sees_the_communication_needs_summary_with_their_session(screened):
    w = screened
    submit(w, "speech_language")
    seen = w["practitioner"]["social_care"].get(findings_url(w["sessions"]["social_care"])).json()
    assert seen["status"] == "not_started"
    assert "Use short sentences" in seen["communication_needs"]["from_findings"]
    assert seen["young_person"]["case"] == w["case"].reference


def test_an_edited_plan_is_kept_and_marked_for_review_when_actions_change(screened):
    w = screened

    def act(text):
        return {"action": text, "owner_agency": "education", "due_date": "2026-12-01",
                "category": "reducing_reoffending"}  # fmt: skip

    submit(w, "education", actions=[act("Mentor")])
    mine = [act("Mentor"), act("Weekly check-in with the case manager")]
    w["cm"].patch(draft_url(w["case"]), {"plan": mine}, format="json")
    submit(w, "education", actions=[act("Mentor"), act("Careers interview")])
    draft = w["cm"].get(draft_url(w["case"])).json()
    assert draft["plan_needs_review"] is True
    assert [a["action"] for a in draft["plan"]["reducing_reoffending"]] == [
        "Mentor",
        "Weekly check-in with the case manager",
    ]
    refused = w["cm"].post(draft_url(w["case"], "submit/"))
    assert refused.status_code == 400 and "plan" in refused.json()["errors"]
    w["cm"].patch(draft_url(w["case"]), {"plan_reviewed": True}, format="json")
    assert w["cm"].post(draft_url(w["case"], "submit/")).status_code == 200


# --- a draft is built by submissions, never by a read ---------------------------------------


def tables_written(captured: CaptureQueriesContext) -> list[str]:
    """The tables the captured statements inserted into, updated or deleted from."""
    pattern = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
    return [m.group(1) for q in captured.captured_queries if (m := pattern.match(q["sql"]))]


def test_a_case_without_findings_has_no_draft_and_reading_it_writes_nothing(screened):
    w = screened
    for client, tail in [(w["cm"], ""), (w["manager"], ""), (w["manager"], "document/")]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(draft_url(w["case"], tail))
        assert response.status_code == 404, tail
        assert response.json() == {"detail": NO_FINDINGS, "errors": {}}
        assert tables_written(captured) == []
    assert not AssessmentDraft.objects.exists() and not AuditEntry.objects.exists()


def test_changing_a_draft_that_does_not_exist_yet_answers_404_and_creates_none(screened):
    w = screened
    edit = {"sections": [{"key": "neighbourhood", "text": "Quiet estate."}]}
    assert w["cm"].patch(draft_url(w["case"]), edit, format="json").json()["detail"] == (
        NO_FINDINGS
    )
    assert w["cm"].post(draft_url(w["case"], "submit/")).status_code == 404
    assert w["manager"].post(draft_url(w["case"], "sign-off/")).status_code == 404
    assert not AssessmentDraft.objects.exists()


def test_the_first_submission_builds_the_draft(screened):
    w = screened
    submit(w, "education")
    draft = AssessmentDraft.objects.get(case=w["case"])
    assert [c["agency"] for c in draft.built_from] == ["education"]
    assert w["cm"].get(draft_url(w["case"])).status_code == 200


def test_reading_a_draft_writes_only_its_audit_entry(screened):
    w = screened
    submit(w, "health")
    with CaptureQueriesContext(connection) as captured:
        response = w["cm"].get(draft_url(w["case"]))
    assert response.status_code == 200
    assert tables_written(captured) == ["screening_auditentry"]


def test_missing_agencies_are_worked_out_when_read_and_not_stored(screened, monkeypatch):
    w = screened
    # Friday 6 November 2026: the day after the visit; findings are due on Monday 9th.
    clock = freeze(monkeypatch, dt.datetime(2026, 11, 6, 12, tzinfo=dt.UTC))
    submit(w, "health")
    stored = AssessmentDraft.objects.get(case=w["case"]).missing
    assert {m["reason"] for m in stored} == {"not_submitted"}
    clock.advance(days=4)  # Tuesday 10 November: overdue
    missing = w["cm"].get(draft_url(w["case"])).json()["missing"]
    assert {m["reason"] for m in missing} == {"overdue"}
    assert AssessmentDraft.objects.get(case=w["case"]).missing == stored


def test_findings_submit_answers_post_only_and_the_schema_says_so(screened):
    """GET and PUT on submit/ are 405 (a PUT there once started an empty amendment), and the
    schema documents POST alone for the path."""
    submit(screened, "health")
    client, session = screened["practitioner"]["health"], screened["sessions"]["health"]
    url = f"{findings_url(session)}submit/"
    assert client.get(url).status_code == 405
    put = client.put(url, {"answers": {}}, format="json")
    assert put.status_code == 405
    assert list(session.findings.values_list("status", flat=True)) == ["submitted"]
    admin = client_for(make_user(role=Role.SYSTEM_ADMIN))
    schema = admin.get("/api/v1/schema/", {"format": "json"}).json()
    path = next(p for p in schema["paths"] if p.endswith("/findings/submit/"))
    methods = {m for m in schema["paths"][path] if m != "parameters"}
    assert methods == {"post"}
