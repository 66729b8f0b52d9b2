"""The first draft of a case is created once, whatever runs at the same time: two agencies
submitting their first findings together, or two merges of a case that has no draft yet.
Each thread has its own connection and commits for real."""

import pytest
from django.db import connection

from screening.assessment.drafts import draft_merge
from screening.assessment.findings import findings_save, findings_submit
from screening.models import AssessmentDraft, DraftEvent
from tests.concurrency import THREAD_TEST, run_at_once
from tests.factories import complete_answers, make_screened_case
from tests.messaging import freeze
from tests.screening.assessment.test_alert_emails import EVENING

pytestmark = THREAD_TEST

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def two_first_submissions(monkeypatch) -> tuple[object, list[str]]:
    """Health and education submit their first findings for one case at the same moment."""
    freeze(monkeypatch, EVENING)
    case, sessions = make_screened_case()
    pair = [sessions["health"], sessions["education"]]
    for session in pair:  # the working copies, saved earlier
        code = session.agency.code
        findings_save(
            session=session, answers=complete_answers(code), user=session.practitioner.user
        )
    turn = iter(pair)

    def work() -> None:
        session = next(turn)
        findings_submit(session=session, user=session.practitioner.user)

    return case, run_at_once(2, work)


def check_one_draft_with_both(case, failures: list[str]) -> None:
    assert failures == []
    draft = AssessmentDraft.objects.get(case=case)
    assert sorted(c["agency"] for c in draft.built_from) == ["education", "health"]
    assert {m["agency"] for m in draft.missing} == {"speech_language", "social_care"}
    texts = dict(draft.sections.values_list("key", "text"))
    assert texts["education_training_employment"] and texts["physical_health"]


def test_two_first_submissions_make_one_draft_with_both_findings(monkeypatch):
    check_one_draft_with_both(*two_first_submissions(monkeypatch))


@pytest.mark.postgres
@on_postgresql
def test_two_first_submissions_on_postgresql_make_one_draft_with_both_findings(monkeypatch):
    check_one_draft_with_both(*two_first_submissions(monkeypatch))


def concurrent_merges(monkeypatch, workers: int) -> tuple[object, list[str]]:
    freeze(monkeypatch, EVENING)
    case, sessions = make_screened_case()
    health = sessions["health"]
    findings_submit(
        session=health, user=health.practitioner.user, answers=complete_answers("health")
    )
    AssessmentDraft.objects.filter(case=case).delete()  # so that every merge is the first
    return case, run_at_once(workers, lambda: draft_merge(case=case))


def test_concurrent_merges_of_a_case_without_a_draft_create_it_once(monkeypatch):
    case, failures = concurrent_merges(monkeypatch, workers=4)
    assert failures == []
    draft = AssessmentDraft.objects.get(case=case)
    assert [c["agency"] for c in draft.built_from] == ["health"]
    assert DraftEvent.objects.filter(draft=draft, kind="merged").count() == 1


@pytest.mark.postgres
@on_postgresql
def test_concurrent_merges_on_postgresql_of_a_case_without_a_draft_create_it_once(monkeypatch):
    case, failures = concurrent_merges(monkeypatch, workers=6)
    assert failures == []
    draft = AssessmentDraft.objects.get(case=case)
    assert DraftEvent.objects.filter(draft=draft, kind="merged").count() == 1
