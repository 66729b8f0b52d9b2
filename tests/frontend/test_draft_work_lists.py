"""The assessment work lists on the home page (the dashboard): a case manager's drafts to
edit, sections needing review and assessment deadlines; a YOT manager's drafts waiting for
sign-off. Each list is scoped to the user and built with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_sign_off, draft_submit
from screening.assessment.findings import findings_submit
from screening.models import AssessmentDraft
from tests.factories import (
    complete_answers,
    make_case,
    make_screened_case,
    make_section_need_review,
    make_user,
    record_judgements,
)
from tests.frontend.test_pages import browser_for
from tests.messaging import freeze

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Thursday 5 November 2026, 17:00: the screening visits were that morning. Their orders
# started on Monday 2 November, referral orders: the assessment is due 20 working days
# later, Monday 30 November 2026 (no bank holiday in November), 17 working days from today.
EVENING = dt.datetime(2026, 11, 5, 17, 0, tzinfo=LONDON)


def submit(session, **overrides) -> None:
    answers = complete_answers(session.agency.code, **overrides)
    findings_submit(session=session, user=session.practitioner.user, answers=answers)


@pytest.fixture
def work(monkeypatch):
    freeze(monkeypatch, EVENING)
    priya = make_user(role=Role.CASE_MANAGER, first_name="Priya", last_name="Lindqvist")
    other = make_user(role=Role.CASE_MANAGER)
    manager = make_user(role=Role.YOT_MANAGER)
    editing, sessions = make_screened_case(case_manager=priya)
    submit(sessions["health"])
    make_section_need_review(editing, sessions["health"])
    sent, sent_sessions = make_screened_case(case_manager=priya)
    submit(sent_sessions["education"])
    record_judgements(AssessmentDraft.objects.get(case=sent))
    draft_submit(draft=AssessmentDraft.objects.get(case=sent), user=priya)
    signed, signed_sessions = make_screened_case(case_manager=priya)
    submit(signed_sessions["health"])
    record_judgements(AssessmentDraft.objects.get(case=signed))
    draft_submit(draft=AssessmentDraft.objects.get(case=signed), user=priya)
    draft_sign_off(draft=AssessmentDraft.objects.get(case=signed), user=manager)
    waiting = make_case(case_manager=priya, order_start_date=dt.date(2026, 11, 2))
    elsewhere, other_sessions = make_screened_case(case_manager=other)
    submit(other_sessions["health"])
    return {
        "priya": priya,
        "other": other,
        "manager": manager,
        "editing": editing,
        "sent": sent,
        "signed": signed,
        "waiting": waiting,
        "elsewhere": elsewhere,
    }


def section(html: str, heading_id: str) -> str:
    """The dashboard's HTML from one work list's heading to the next heading."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("<h2", start + 1)]


def test_case_manager_home_lists_their_open_drafts_with_what_make_section_need_review(work):
    html = browser_for(work["priya"]).get("/dashboard/").content.decode()
    drafts = section(html, "drafts")
    assert f'href="/cases/{work["editing"].pk}/assessment-draft/"' in drafts
    assert "1 section</strong>" in drafts
    for absent in ("sent", "signed", "elsewhere"):  # waiting for sign-off, locked, not theirs
        assert work[absent].reference not in drafts


def test_case_manager_home_links_each_section_needing_review_to_it(work):
    html = browser_for(work["priya"]).get("/dashboard/").content.decode()
    review = section(html, "review")
    link = f"/cases/{work['editing'].pk}/assessment-draft/#section-substance_use"
    assert link in review and f"{work['editing'].reference}: Substance use" in review
    assert work["elsewhere"].reference not in review


def test_case_manager_home_lists_assessment_deadlines_not_yet_signed_off(work):
    html = browser_for(work["priya"]).get("/dashboard/").content.decode()
    deadlines = section(html, "deadlines")
    for case, label in [
        ("editing", "Draft"),
        ("sent", "Awaiting sign-off"),
        ("waiting", "No findings yet"),
    ]:
        assert work[case].reference in deadlines
        row = deadlines[deadlines.index(work[case].reference) :]
        assert row.index(label) < row.index("</tr>"), (case, label)
    assert "(17 days left)" in deadlines
    assert work["signed"].reference not in deadlines
    assert work["elsewhere"].reference not in deadlines


def test_yot_manager_home_lists_drafts_waiting_for_sign_off_with_who_sent_them(work):
    html = browser_for(work["manager"]).get("/dashboard/").content.decode()
    waiting = section(html, "sign-off")
    assert f'href="/cases/{work["sent"].pk}/assessment-draft/"' in waiting
    assert "Priya Lindqvist" in waiting
    for absent in ("editing", "signed", "elsewhere"):
        assert work[absent].reference not in waiting
    assert 'id="drafts"' not in html  # a manager edits no drafts


def test_other_roles_see_no_draft_work_lists(work):
    admin = make_user(role=Role.YOT_ADMIN)
    html = browser_for(admin).get("/dashboard/").content.decode()
    assert 'id="sign-off"' not in html and 'id="drafts"' not in html
    other = browser_for(work["other"]).get("/dashboard/").content.decode()
    assert work["elsewhere"].reference in section(other, "drafts")
    assert "No sections need review." in other


def test_a_signed_off_draft_leaves_the_sign_off_list(work):
    client = browser_for(work["manager"])
    assert work["sent"].reference in section(client.get("/dashboard/").content.decode(), "sign-off")
    draft_sign_off(draft=AssessmentDraft.objects.get(case=work["sent"]), user=work["manager"])
    html = client.get("/dashboard/").content.decode()
    assert "No drafts are waiting for sign-off." in html


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.YOT_MANAGER])
def test_draft_work_lists_are_built_with_a_fixed_number_of_queries(
    work, role, django_assert_max_num_queries
):
    user = work["priya"] if role == Role.CASE_MANAGER else work["manager"]
    client = browser_for(user)
    client.get("/dashboard/")  # the session and anything cached once

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(3):
        case, sessions = make_screened_case(case_manager=work["priya"])
        submit(sessions["health"])
        make_section_need_review(case, sessions["health"])
        sent, sent_sessions = make_screened_case(case_manager=work["priya"])
        submit(sent_sessions["education"])
        draft_submit(draft=AssessmentDraft.objects.get(case=sent), user=work["priya"])
    with django_assert_max_num_queries(few):
        response = client.get("/dashboard/")
    rows = (
        response.context["drafts_to_edit"] + response.context["sections_to_review"]
        if role == Role.CASE_MANAGER
        else response.context["sign_off"]
    )
    assert len(rows) >= 4


def test_a_long_sign_off_list_links_to_the_cases_list_filtered_to_them(work, monkeypatch):
    from frontend import views

    priya = work["priya"]
    more, sessions = make_screened_case(case_manager=priya)
    submit(sessions["health"])
    draft_submit(draft=AssessmentDraft.objects.get(case=more), user=priya)
    monkeypatch.setattr(views, "DASHBOARD_ROWS", 1)
    client = browser_for(work["manager"])
    html = client.get("/dashboard/").content.decode()
    assert 'href="/cases/?status=awaiting_sign_off"' in section(html, "sign-off")
    listed = client.get("/cases/?status=awaiting_sign_off").context["rows"]
    assert {c.pk for c in listed} == {work["sent"].pk, more.pk}
