"""Disposal under the retention schedule: the dry run changes nothing, a YOT manager's
approval removes exactly what it says and keeps what the reports count, one case failing
leaves that case as it was, and it is audited without content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from accounts.models import Role
from screening.audit import audit_entry_words
from screening.governance import disposal
from screening.governance.disposal import (
    DisposalRefused,
    disposal_batch_confirm,
    disposal_batch_propose,
)
from screening.governance.retention import retention_due
from screening.governance.subject_access import subject_access_export
from screening.models import (
    AdminTask,
    Alert,
    AssessmentDraft,
    AssessmentVersion,
    AuditEntry,
    Case,
    DisposalBatch,
    DisposalItem,
    DraftEvent,
    DraftSection,
    Finding,
    InboundMessage,
    Message,
    OrderType,
    OversightNote,
    ParentCarerUnavailableTime,
    PlanAction,
    ReplyLink,
    Session,
    UnavailableTime,
    Visit,
    VisitHistory,
    YoungPerson,
)
from screening.reports.timeliness import timeliness_for
from tests.factories import make_user
from tests.messaging import travel
from tests.screening.governance.retention_support import NOW, full_case, row_counts

pytestmark = pytest.mark.django_db

# A referral order whose last action is 2 December 2026, the young person born 17 May 2011
# (18 on 17 May 2029): disposed of three years on, Sunday 2 December 2029.
REFERRAL_DUE = dt.date(2029, 12, 2)
# A youth rehabilitation order with the same last action: basic details only from
# 2 December 2029, disposed of on 2 December 2031.
STATUTORY_REDUCE = dt.date(2029, 12, 2)
STATUTORY_DISPOSE = dt.date(2031, 12, 2)


@pytest.fixture
def clock():
    with travel(NOW):
        yield


@pytest.fixture
def manager(clock):
    return make_user(role=Role.YOT_MANAGER, first_name="Morgan", last_name="Manager")


def test_nothing_is_due_the_day_before_and_the_case_is_due_on_the_day(manager):
    case = full_case(manager=manager)
    assert retention_due(today=REFERRAL_DUE - dt.timedelta(days=1)) == []
    (due,) = retention_due(today=REFERRAL_DUE)
    assert (due.case_id, due.action, due.due_on) == (case.pk, "dispose", REFERRAL_DUE)
    assert due.last_action_on == dt.date(2026, 12, 2)
    assert due.rule == ("Disposed of 3 years after the last action or at 18, whichever is later")


def test_the_dry_run_changes_nothing(manager, capsys):
    case = full_case(manager=manager)
    before = row_counts()
    answers = list(Finding.objects.values_list("answers", flat=True))
    retention_due(today=REFERRAL_DUE)
    call_command("retention", "--dry-run")
    assert row_counts() == before
    assert list(Finding.objects.values_list("answers", flat=True)) == answers
    assert Case.objects.get(pk=case.pk).retention_stage == "live"


def test_the_command_lists_what_would_go(manager, capsys):
    case = full_case(manager=manager)
    Case.objects.filter(pk=case.pk).update(order_start_date=dt.date(2020, 1, 6))
    YoungPerson.objects.filter(pk=case.young_person_id).update(date_of_birth=dt.date(2006, 1, 9))
    # Move every activity back four years: the case (18 on 9 January 2024) is due today.
    _age(case, years=4)
    call_command("retention")
    out = capsys.readouterr().out
    assert case.reference in out
    assert "Dispose" in out
    assert "Nothing was changed." in out
    assert case.young_person.family_name not in out


def _age(case: Case, *, years: int) -> None:
    """Move every dated activity of the case `years` back (a case left alone that long)."""
    back = dt.timedelta(days=365 * years + 1)
    for model, path, fields in disposal_fields():
        for row in model.objects.filter(**{path: case.pk if path == "pk" else case}):
            for name in fields:
                value = getattr(row, name)
                if value is not None:
                    setattr(row, name, value - back)
            model.objects.filter(pk=row.pk).update(**{n: getattr(row, n) for n in fields})


def disposal_fields():
    return [
        (Case, "pk", ("created_at",)),
        (Visit, "case", ("start", "end")),
        (VisitHistory, "visit__case", ("at",)),
        (Finding, "session__visit__case", ("updated_at", "submitted_at")),
        (DraftEvent, "draft__case", ("at",)),
        (AssessmentVersion, "case", ("signed_off_at",)),
        (PlanAction, "case", ("created_at", "updated_at")),
        (OversightNote, "case", ("created_at",)),
    ]


def _report(manager):
    return timeliness_for(
        user=manager,
        first_month=dt.date(2026, 6, 1),
        last_month=dt.date(2027, 5, 1),
        now=NOW,
    )


def test_confirmed_disposal_removes_exactly_what_it_says_and_keeps_the_counts(manager):
    case = full_case(manager=manager)
    person = case.young_person
    report_before = _report(manager)
    assert sum(s.total.counted for s in report_before.stages) >= 2  # not an empty report
    kept = {
        "findings": Finding.objects.filter(session__visit__case=case).count(),
        "visits": Visit.objects.filter(case=case).count(),
        "sessions": Session.objects.filter(visit__case=case).count(),
        "events": DraftEvent.objects.filter(draft__case=case).count(),
        "versions": AssessmentVersion.objects.filter(case=case).count(),
        "history": VisitHistory.objects.filter(visit__case=case).count(),
        "audit": AuditEntry.objects.filter(case=case).count(),
    }
    assert PlanAction.objects.filter(case=case).exists()
    assert OversightNote.objects.filter(case=case).exists()
    assert ReplyLink.objects.filter(visit__case=case).exists()
    assert DraftSection.objects.filter(draft__case=case).exists()

    batch = disposal_batch_propose(today=REFERRAL_DUE)
    report = disposal_batch_confirm(batch=batch, by=manager, today=REFERRAL_DUE)
    assert (report.disposed, report.reduced, report.failed) == (1, 0, 0)

    # Removed: findings' answers, the assessment's text and plan, texts, history's content,
    # alerts, tasks, audit details, the young person's details.
    answers = Finding.objects.filter(session__visit__case=case).values_list("answers", flat=True)
    assert list(answers) == [{}] * kept["findings"]
    assert not DraftSection.objects.filter(draft__case=case).exists()
    assert not PlanAction.objects.filter(case=case).exists()
    assert not OversightNote.objects.filter(case=case).exists()
    assert not ReplyLink.objects.filter(visit__case=case).exists()
    draft = AssessmentDraft.objects.get(case=case)
    assert (draft.plan, draft.flags, draft.risk_of_serious_harm_reason) == ({}, [], "")
    version = AssessmentVersion.objects.get(case=case)
    assert (version.sections, version.plan, version.safety_and_wellbeing_reason) == ([], {}, "")
    assert not Message.objects.filter(visit__case=case).exists()
    assert not InboundMessage.objects.filter(young_person=person).exists()
    assert not Alert.objects.filter(case=case).exists()
    assert not AdminTask.objects.filter(case=case).exists()
    assert not VisitHistory.objects.filter(visit__case=case).exclude(snapshot={}).exists()
    assert not (
        AuditEntry.objects.filter(case=case)
        .exclude(action=AuditEntry.Action.DISPOSE)
        .exclude(detail="")
        .exists()
    )
    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.mobile) == ("Record", "disposed of", "")
    assert person.date_of_birth == dt.date(2011, 1, 1)
    assert not UnavailableTime.objects.filter(young_person=person).exists()
    assert not ParentCarerUnavailableTime.objects.filter(young_person=person).exists()

    # Kept: the basic record and every row the reports count, the same report.
    case.refresh_from_db()
    assert (case.retention_stage, case.order_type) == ("disposed", OrderType.REFERRAL_ORDER)
    assert {
        "findings": Finding.objects.filter(session__visit__case=case).count(),
        "visits": Visit.objects.filter(case=case).count(),
        "sessions": Session.objects.filter(visit__case=case).count(),
        "events": DraftEvent.objects.filter(draft__case=case).count(),
        "versions": AssessmentVersion.objects.filter(case=case).count(),
        "history": VisitHistory.objects.filter(visit__case=case).count(),
        "audit": AuditEntry.objects.filter(case=case)
        .exclude(action=AuditEntry.Action.DISPOSE)
        .count(),
    } == kept
    report_after = _report(manager)
    assert report_after.stages == report_before.stages
    assert report_after.findings_by_agency == report_before.findings_by_agency
    # Nothing is due any more.
    assert retention_due(today=dt.date(2040, 1, 1)) == []


def test_disposal_is_audited_with_who_approved_and_how_many_never_the_content(manager):
    case = full_case(manager=manager)
    name = case.young_person.given_name
    batch = disposal_batch_propose(today=REFERRAL_DUE)
    disposal_batch_confirm(batch=batch, by=manager, today=REFERRAL_DUE)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.DISPOSE)
    assert {e.username for e in entries} == {manager.username}
    details = " ".join(entries.values_list("detail", flat=True))
    assert f"approved disposal batch {batch.pk}: 1 cases" in details
    assert "1 disposed of" in details
    assert entries.filter(case=case, object_type="case").exists()
    assert name not in details and "CAMHS" not in details
    approval = entries.get(object_type="disposalbatch", detail__startswith="approved")
    assert audit_entry_words(approval, agency_names={}) == (
        f"Retention schedule: approved disposal batch {batch.pk}: 1 cases"
    )
    batch.refresh_from_db()
    assert (batch.status, batch.confirmed_by_name, batch.disposed) == (
        "carried_out",
        "Morgan Manager",
        1,
    )


def test_a_statutory_order_is_reduced_after_three_years_and_disposed_of_after_five(manager):
    case = full_case(order_type=OrderType.YOUTH_REHABILITATION_ORDER, manager=manager)
    person = case.young_person
    (due,) = retention_due(today=STATUTORY_REDUCE)
    assert due.action == "reduce"
    batch = disposal_batch_propose(today=STATUTORY_REDUCE)
    disposal_batch_confirm(batch=batch, by=manager, today=STATUTORY_REDUCE)
    case.refresh_from_db()
    person.refresh_from_db()
    assert case.retention_stage == "reduced"
    assert case.retention_last_action_on == dt.date(2026, 12, 2)
    assert person.given_name != "Record"  # basic details: whose case it was stays
    assert not PlanAction.objects.filter(case=case).exists()
    # A subject access request still works on the reduced case.
    assert subject_access_export(young_person=person, user=manager)
    assert retention_due(today=STATUTORY_DISPOSE - dt.timedelta(days=1)) == []
    (due,) = retention_due(today=STATUTORY_DISPOSE)
    assert due.action == "dispose"
    batch = disposal_batch_propose(today=STATUTORY_DISPOSE)
    disposal_batch_confirm(batch=batch, by=manager, today=STATUTORY_DISPOSE)
    person.refresh_from_db()
    assert person.given_name == "Record"


def test_the_young_person_stays_while_another_of_their_cases_is_held(manager):
    case = full_case(manager=manager)
    person = case.young_person
    Case.objects.create(
        reference="YJ-2029-0001",
        young_person=person,
        order_type=OrderType.REFERRAL_ORDER,
        order_start_date=dt.date(2029, 6, 4),
        visit_due_by=dt.date(2029, 6, 11),
        assessment_due_by=dt.date(2029, 7, 2),
    )
    batch = disposal_batch_propose(today=REFERRAL_DUE)
    disposal_batch_confirm(batch=batch, by=manager, today=REFERRAL_DUE)
    person.refresh_from_db()
    assert Case.objects.get(pk=case.pk).retention_stage == "disposed"
    assert person.given_name != "Record"


def test_one_case_failing_leaves_it_untouched_and_the_others_done(manager, monkeypatch):
    first = full_case(manager=manager)
    second = full_case(manager=manager)
    answers = list(
        Finding.objects.filter(session__visit__case=first).values_list("answers", flat=True)
    )
    real = disposal.case_strip

    def strip_then_fail(*, case, last_action_on):
        real(case=case, last_action_on=last_action_on)  # half the work written ...
        if case.pk == first.pk:
            raise RuntimeError("disk full")  # ... then it fails

    monkeypatch.setattr(disposal, "case_strip", strip_then_fail)
    batch = disposal_batch_propose(today=REFERRAL_DUE)
    report = disposal_batch_confirm(batch=batch, by=manager, today=REFERRAL_DUE)
    assert (report.disposed, report.failed) == (1, 1)
    assert Case.objects.get(pk=first.pk).retention_stage == "live"
    assert (
        list(Finding.objects.filter(session__visit__case=first).values_list("answers", flat=True))
        == answers
    )
    assert PlanAction.objects.filter(case=first).exists()
    assert Case.objects.get(pk=second.pk).retention_stage == "disposed"
    failed = DisposalItem.objects.get(batch=batch, case=first)
    assert (failed.outcome, failed.error) == ("failed", "RuntimeError")
    # The failed case is proposed again the next day.
    again = disposal_batch_propose(today=REFERRAL_DUE + dt.timedelta(days=1))
    assert [i.case_id for i in again.items.all()] == [first.pk]


@pytest.mark.parametrize(
    "role", [Role.YOT_ADMIN, Role.CASE_MANAGER, Role.PRACTITIONER, Role.SYSTEM_ADMIN]
)
def test_only_a_yot_manager_approves(manager, role):
    case = full_case(manager=manager)
    batch = disposal_batch_propose(today=REFERRAL_DUE)
    with pytest.raises(DisposalRefused, match="Only a YOT manager"):
        disposal_batch_confirm(batch=batch, by=make_user(role=role), today=REFERRAL_DUE)
    batch.refresh_from_db()
    assert batch.status == "proposed"
    assert Case.objects.get(pk=case.pk).retention_stage == "live"


def test_a_batch_is_carried_out_once_and_a_replaced_one_not_at_all(manager):
    full_case(manager=manager)
    batch = disposal_batch_propose(today=REFERRAL_DUE)
    assert disposal_batch_propose(today=REFERRAL_DUE) == batch  # the same list: kept
    disposal_batch_confirm(batch=batch, by=manager, today=REFERRAL_DUE)
    with pytest.raises(DisposalRefused, match="no longer waiting"):
        disposal_batch_confirm(batch=batch, by=manager, today=REFERRAL_DUE)


def test_a_case_with_new_activity_since_the_list_is_skipped(manager):
    case = full_case(manager=manager)
    batch = disposal_batch_propose(today=REFERRAL_DUE)
    Case.objects.filter(pk=case.pk).update(order_start_date=dt.date(2029, 11, 1))
    report = disposal_batch_confirm(batch=batch, by=manager, today=REFERRAL_DUE)
    assert (report.skipped, report.disposed) == (1, 0)
    assert Case.objects.get(pk=case.pk).retention_stage == "live"


def test_the_command_confirms_only_with_a_yot_manager(manager):
    full_case(manager=manager)
    with travel(dt.datetime(2029, 12, 3, 9, tzinfo=dt.UTC)):
        call_command("retention", "--propose")
        batch = DisposalBatch.objects.get(status="proposed")
        clerk = make_user(role=Role.YOT_ADMIN)
        with pytest.raises(Exception, match="Only a YOT manager"):
            call_command("retention", "--confirm", str(batch.pk), "--by", clerk.username)
        with pytest.raises(Exception, match="needs --by"):
            call_command("retention", "--confirm", str(batch.pk))
        call_command("retention", "--confirm", str(batch.pk), "--by", manager.username)
    batch.refresh_from_db()
    assert (batch.status, batch.disposed) == ("carried_out", 1)
    assert YoungPerson.objects.filter(given_name="Record").count() == 1
