"""The audit log page says in words who did what: role names, agency names and what was
done to which findings or draft, never the stored codes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from agencies.models import Agency
from screening.assessment import drafts
from screening.assessment.findings import findings_save, findings_submit
from tests.factories import complete_answers, make_screened_case, make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(html: str) -> str:
    return html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]


# Thursday 12 November 2026, 10:00: a week after the screened case's visit (Thursday 5 November).
NOW = dt.datetime(2026, 11, 12, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def test_the_audit_log_says_what_was_done_in_words(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    case_manager_user = make_user(role=Role.CASE_MANAGER, username="priya.lindqvist")
    case, sessions = make_screened_case(
        case_manager=case_manager_user, visit_day=dt.date(2026, 11, 5)
    )
    social = sessions["social_care"]
    findings_save(
        session=social, user=social.practitioner.user, answers={"status": "child_in_need"}
    )
    findings_submit(
        session=social, user=social.practitioner.user, answers=complete_answers("social_care")
    )
    case_manager = client_for(case.case_manager)
    assert case_manager.get(f"/cases/{case.pk}/assessment-draft/print/").status_code == 200
    assert case_manager.get(f"/cases/{case.pk}/assessment-draft/").status_code == 200
    assert case_manager.get(f"/cases/{case.pk}/assessment-draft/document/").status_code == 200
    manager = make_user(role=Role.YOT_MANAGER, username="oren.baptiste")
    draft = drafts.draft_of(case=case)
    drafts.draft_submit(draft=draft, user=case.case_manager)
    drafts.draft_reopen(draft=draft, user=manager, reason="Add the school's view")

    social_care = escape(Agency.objects.get(code="social_care").name)
    rows = _rows(client_for(manager).get("/audit-log/").content.decode())
    for words in (
        f"Saved a working copy of the {social_care} findings, version 1",
        f"Submitted the {social_care} findings, version 1",
        "Printed the assessment draft",
        "Read the assessment draft",
        "Downloaded the assessment draft as a Word document",
        "Sent the assessment draft for sign-off",
        "Reopened the assessment draft: Add the school&#x27;s view",
        "Case manager",
        "YOT manager",
        "Agency practitioner",
    ):
        assert words in rows, words
    for code in ("assessmentdraft", "case_manager", "yot_manager", "social_care", ": print"):
        assert code not in rows, code


def test_the_audit_log_says_in_words_who_read_judgements_and_recorded_plan_actions(db):
    from screening.assessment.drafts import draft_sign_off
    from screening.models import PlanAction
    from tests.api.test_plans_api import ready_for_sign_off
    from tests.factories import submit_findings

    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    manager = make_user(role=Role.YOT_MANAGER)
    draft_sign_off(draft=ready_for_sign_off(case), user=manager)
    health = sessions["health"].practitioner.user
    action = PlanAction.objects.get(case=case, owner_agency__code="health")
    client_for(case.case_manager).get(f"/cases/{case.pk}/")
    client_for(health).post(f"/plan-actions/{action.pk}/", {"status": "done", "note": "Seen."})
    rows = _rows(client_for(manager).get("/audit-log/").content.decode())
    assert "Read the judgements of a signed-off assessment" in rows
    assert "Read a plan action" in rows
    assert "Recorded a plan action done" in rows
