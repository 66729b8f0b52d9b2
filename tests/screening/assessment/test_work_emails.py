"""Work-list emails: a draft sent for sign-off emails the YOT managers, a draft signed off or
reopened and findings arriving email the case manager; each is planned in the step's
transaction (and rolled back with it), kicked after the commit, sent once with a link and
no case content, and failed with an admin task when the mail server keeps refusing."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from accounts.models import Role
from accounts.services import user_update
from screening.assessment import tasks
from screening.assessment.drafts import draft_reopen, draft_sign_off, draft_submit
from screening.assessment.findings import findings_submit
from screening.assessment.work_emails import message_of, work_emails_send_due
from screening.models import AdminTask, AssessmentDraft, WorkEmail
from tests.factories import complete_answers, make_screened_case, make_user, record_judgements
from tests.messaging import freeze

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Thursday 5 November 2026, 17:00 (GMT): the screening visit was that morning.
EVENING = dt.datetime(2026, 11, 5, 17, 0, tzinfo=LONDON)
Kind = WorkEmail.Kind


@pytest.fixture
def screened(monkeypatch, settings):
    freeze(monkeypatch, EVENING)
    settings.PUBLIC_BASE_URL = "https://screening.yot.example.org"
    case_manager = make_user(role=Role.CASE_MANAGER, first_name="Priya")
    case, sessions = make_screened_case(case_manager=case_manager)
    managers = [make_user(role=Role.YOT_MANAGER) for _ in range(2)]
    return {"case": case, "sessions": sessions, "case_manager": case_manager, "managers": managers}


def submit(w, code: str = "health"):
    session = w["sessions"][code]
    return findings_submit(
        session=session, user=session.practitioner.user, answers=complete_answers(code)
    )


def planned() -> list[tuple[str, str]]:
    return sorted(WorkEmail.objects.values_list("kind", "recipient__username"))


def sent_to() -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def test_findings_arriving_email_the_case_manager_a_link_and_nothing_of_the_case(screened):
    case = screened["case"]
    submit(screened)
    assert planned() == [(Kind.FINDINGS_ARRIVED, screened["case_manager"].username)]
    report = work_emails_send_due()
    assert (report.claimed, report.sent) == (1, 1)
    (email,) = mail.outbox
    assert email.to == [screened["case_manager"].email]
    assert email.subject == "New findings for a case you manage"
    assert f"https://screening.yot.example.org/cases/{case.pk}/assessment-draft/" in email.body
    person = case.young_person
    for secret in (case.reference, person.given_name, person.family_name, "Health"):
        assert secret not in email.subject + email.body
    assert work_emails_send_due().claimed == 0 and len(mail.outbox) == 1  # sent once


def test_work_emails_go_in_english_even_from_a_welsh_request_and_their_welsh_is_ready(screened):
    """Staff have no language preference yet (screening.integrations.email.staff_language):
    an email sent while a Welsh page is active still goes in English; the wording is in
    the Welsh catalogue for when a preference exists (docs/decisions/0021)."""
    submit(screened)
    with translation.override("cy"):
        work_emails_send_due()
        welsh_subject, welsh_body = message_of(kind=Kind.FINDINGS_ARRIVED, case_id=1)
    (email,) = mail.outbox
    assert email.subject == "New findings for a case you manage"
    assert email.body.startswith("An agency has submitted findings for a case you manage.")
    assert welsh_subject == "Canfyddiadau newydd ar gyfer achos rydych chi'n ei reoli"
    assert welsh_body.startswith("Mae asiantaeth wedi cyflwyno canfyddiadau")


def test_sending_a_draft_for_sign_off_emails_every_active_yot_manager(screened):
    inactive = user_update(user=make_user(role=Role.YOT_MANAGER), is_active=False)
    no_address = user_update(user=make_user(role=Role.YOT_MANAGER), email="")
    submit(screened)
    WorkEmail.objects.all().delete()
    draft = AssessmentDraft.objects.get(case=screened["case"])
    draft_submit(draft=draft, user=screened["case_manager"])
    assert planned() == sorted((Kind.SENT_FOR_SIGN_OFF, m.username) for m in screened["managers"])
    assert inactive.username not in str(planned()) and no_address.username not in str(planned())
    work_emails_send_due()
    assert sent_to() == sorted(
        (m.email, "An assessment draft is waiting for sign-off") for m in screened["managers"]
    )
    assert all(screened["case"].reference not in m.body for m in mail.outbox)


def test_signing_off_and_reopening_a_draft_email_the_case_manager(screened):
    submit(screened)
    draft = record_judgements(AssessmentDraft.objects.get(case=screened["case"]))
    draft_submit(draft=draft, user=screened["case_manager"])
    WorkEmail.objects.all().delete()
    manager = screened["managers"][0]
    draft_sign_off(draft=draft, user=manager)
    draft_reopen(draft=draft, user=manager, reason="The education findings were amended")
    assert planned() == sorted(
        [
            (Kind.SIGNED_OFF, screened["case_manager"].username),
            (Kind.REOPENED, screened["case_manager"].username),
        ]
    )
    work_emails_send_due()
    address = screened["case_manager"].email
    assert sent_to() == [
        (address, "An assessment draft you manage is reopened"),
        (address, "An assessment draft you manage is signed off"),
    ]
    assert all("education findings were amended" not in m.body for m in mail.outbox)


def test_a_case_without_a_case_manager_plans_no_findings_email(screened):
    case = screened["case"]
    case.case_manager = None
    case.save(update_fields=["case_manager"])
    submit(screened)
    assert planned() == []


def test_work_emails_roll_back_with_the_step_that_planned_them(screened):
    class StepFailed(Exception):
        pass

    with pytest.raises(StepFailed), transaction.atomic():
        submit(screened)
        assert WorkEmail.objects.count() == 1
        raise StepFailed
    assert not WorkEmail.objects.exists()
    assert work_emails_send_due().claimed == 0 and mail.outbox == []


def test_a_committed_step_kicks_the_celery_task_only_after_the_commit(
    screened, settings, monkeypatch, django_capture_on_commit_callbacks
):
    kicked: list[str] = []
    monkeypatch.setattr(tasks.send_due_work_emails, "apply_async", lambda **kw: kicked.append("w"))
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(screened)
    assert kicked == []
    for callback in callbacks:
        callback()
    assert kicked == ["w"]


def test_a_work_email_the_mail_server_keeps_refusing_fails_with_an_admin_task(screened, settings):
    from tests.screening.assessment.test_alert_emails import BACKEND, RefusingBackend

    settings.EMAIL_BACKEND = BACKEND
    RefusingBackend.refusals, RefusingBackend.tried = None, []
    settings.WORK_EMAIL_MAX_ATTEMPTS = 1
    submit(screened)
    report = work_emails_send_due()
    assert (report.sent, report.failed) == (0, 1)
    assert WorkEmail.objects.get().status == "failed"
    task = AdminTask.objects.get(kind=AdminTask.Kind.WORK_EMAIL_FAILED)
    assert task.case == screened["case"] and "Findings arrived" in task.text


def test_run_dispatcher_and_the_celery_task_send_due_work_emails(screened, settings):
    from config.celery import app

    settings.SMS_BACKEND = "fake"
    submit(screened)
    out = StringIO()
    call_command("run_dispatcher", "--once", "--no-calendars", stdout=out)
    assert "work emails: {'claimed': 1, 'sent': 1}" in out.getvalue()
    submit(screened, "education")
    assert tasks.send_due_work_emails()["sent"] == 1
    app.loader.import_default_modules()
    app.finalize()
    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "screening.send_due_work_emails"
    ]
    assert entries and "screening.send_due_work_emails" in app.tasks
