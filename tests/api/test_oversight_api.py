"""Management oversight over the API: who may read and add oversight notes (append-only,
audited both ways) and `/oversight/`, the lists of what needs a YOT manager, each with a
case just inside and just outside it (dates worked out by hand from the calendar)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from screening.assessment.drafts import draft_edit, draft_sign_off, draft_submit
from screening.assessment.reviews import new_information_record
from screening.models import AssessmentDraft, AuditEntry, OversightNote, PlanAction
from screening.oversight.selectors import LISTS, oversight_for
from screening.oversight.services import oversight_note_add
from tests.api import test_plans_api
from tests.api.test_plans_api import (
    ACTORS,
    ADMIN,
    CM,
    CM2,
    MANAGER,
    OUT,
    PLAN,
    PRAC,
    PRAC2,
    SYS,
)
from tests.conftest import client_for, role_matrix
from tests.factories import make_screened_case, make_user, record_judgements, submit_findings
from tests.messaging import freeze

pytestmark = pytest.mark.django_db
world = test_plans_api.world  # a signed-off case and one user of each kind (ACTORS)
LONDON = ZoneInfo("Europe/London")
OVERSIGHT = "/api/v1/oversight/"


def notes_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/oversight-notes/"


# --- who may use each path -----------------------------------------------------------------

NOTE = {"text": "Discussed the safety plan with the case manager; review in two weeks."}

# (name, method, path, body, {actor: status})
MATRIX = [
    ("read a case's oversight notes", "get", "/api/v1/cases/{case}/oversight-notes/", None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 403, PRAC2: 403, OUT: 403, SYS: 403}),
    ("add an oversight note", "post", "/api/v1/cases/{case}/oversight-notes/", NOTE,
     {ADMIN: 403, CM: 403, CM2: 403, MANAGER: 201, PRAC: 403, PRAC2: 403, OUT: 403, SYS: 403}),
    ("the oversight lists", "get", OVERSIGHT, None,
     {ADMIN: 403, CM: 403, CM2: 403, MANAGER: 200, PRAC: 403, PRAC2: 403, OUT: 403, SYS: 403}),
]  # fmt: skip


def test_matrix_lists_every_actor_for_every_row():
    assert all(set(row[-1]) == set(ACTORS) for row in MATRIX)


@role_matrix(MATRIX)
def test_oversight_role_table(world, name, method, path, body, actor, expected):
    url = path.format(case=world["case"].pk)
    response = getattr(client_for(world["users"][actor]), method)(url, body, format="json")
    assert response.status_code == expected, (name, actor, response.content[:300])
    if method == "post" and expected != 201:
        assert not OversightNote.objects.exists()


@pytest.mark.parametrize(("name", "method", "path", "body"), [row[:4] for row in MATRIX])
def test_oversight_endpoints_need_credentials(world, api_client, name, method, path, body):
    url = path.format(case=world["case"].pk)
    assert getattr(api_client, method)(url, body, format="json").status_code == 401


def test_a_case_that_does_not_exist_is_404_for_a_manager(world):
    manager = client_for(world["users"][MANAGER])
    assert manager.get("/api/v1/cases/999999/oversight-notes/").status_code == 404
    assert manager.post("/api/v1/cases/999999/oversight-notes/", NOTE).status_code == 404


# --- oversight notes -----------------------------------------------------------------------


def test_a_manager_adds_a_note_dated_with_its_author_and_the_write_is_audited(world, monkeypatch):
    case, manager = world["case"], world["users"][MANAGER]
    freeze(monkeypatch, dt.datetime(2027, 6, 2, 9, 15, tzinfo=LONDON))
    response = client_for(manager).post(notes_url(case), NOTE, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == NOTE["text"] and body["author"] == manager.pk
    assert body["created_at"] == "2027-06-02T09:15:00+01:00"
    written = AuditEntry.objects.get(object_type="oversightnote", action=AuditEntry.Action.WRITE)
    assert (written.user, written.object_id, written.case) == (manager, body["id"], case)


def test_reading_notes_audits_each_note_read_by_whoever_reads_them(world):
    case, users = world["case"], world["users"]
    first = oversight_note_add(case=case, user=users[MANAGER], text="First note.")
    second = oversight_note_add(case=case, user=users[MANAGER], text="Second note.")
    AuditEntry.objects.all().delete()
    response = client_for(users[CM]).get(notes_url(case))
    assert response.status_code == 200
    assert [n["id"] for n in response.json()["results"]] == [second.pk, first.pk]
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="oversightnote")
    assert sorted(reads.values_list("object_id", flat=True)) == sorted([first.pk, second.pk])
    assert set(reads.values_list("user", flat=True)) == {users[CM].pk}
    # A refused read reads nothing, and records nothing.
    client_for(users[CM2]).get(notes_url(case))
    assert reads.count() == 2


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "Enter the oversight note"), ("   \n ", "Enter the oversight note"),
     ("x" * 4001, "4,000 characters"), (12, "Must be text")],
)  # fmt: skip
def test_a_note_needs_text_within_the_limit(world, text, words):
    response = client_for(world["users"][MANAGER]).post(
        notes_url(world["case"]), {"text": text}, format="json"
    )
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()["errors"]["text"])
    assert not OversightNote.objects.exists()
    assert not AuditEntry.objects.filter(object_type="oversightnote").exists()


def test_a_note_at_the_limit_is_kept_and_notes_cannot_be_changed_or_removed(world):
    manager = client_for(world["users"][MANAGER])
    made = manager.post(notes_url(world["case"]), {"text": "x" * 4000}, format="json")
    assert made.status_code == 201
    one = f"{notes_url(world['case'])}{made.json()['id']}/"
    assert manager.patch(one, {"text": "changed"}, format="json").status_code in (404, 405)
    assert manager.delete(one).status_code in (404, 405)
    # No method changes a note (the role table has no update of them: 403 before 405).
    assert manager.put(notes_url(world["case"]), NOTE, format="json").status_code in (403, 405)
    assert manager.delete(notes_url(world["case"])).status_code in (403, 405)
    assert OversightNote.objects.get().text == "x" * 4000


# --- the lists -----------------------------------------------------------------------------


def test_the_lists_are_the_table_of_lists_with_counts(world):
    body = client_for(world["users"][MANAGER]).get(OVERSIGHT).json()
    keys = [item.key for item in LISTS]
    assert keys == [
        "awaiting_sign_off",
        "actions_overdue",
        "high_risk_without_manager_review",
        "reviews_overdue",
        "reviews_due",
        "new_information_without_review",
    ]
    assert set(body) == {*keys, "counts"}
    assert set(body["counts"]) == set(keys)


def test_drafts_awaiting_sign_off_are_listed_until_signed_off(db):
    manager = make_user(role=Role.YOT_MANAGER)
    waiting, sessions = make_screened_case()
    submit_findings(sessions["health"])
    draft = record_judgements(AssessmentDraft.objects.get(case=waiting))
    draft_submit(draft=draft, user=waiting.case_manager)
    _still_editing, sessions = make_screened_case()
    submit_findings(sessions["health"])
    rows = client_for(manager).get(OVERSIGHT).json()["awaiting_sign_off"]
    assert [r["case"] for r in rows] == [waiting.pk]
    assert rows[0]["reference"] == waiting.reference
    assert rows[0]["due_by"] == waiting.assessment_due_by.isoformat()
    assert rows[0]["initials"] == waiting.young_person.initials
    assert rows[0]["submitted_by"] == waiting.case_manager.pk
    draft_sign_off(draft=AssessmentDraft.objects.get(case=waiting), user=manager)
    assert client_for(manager).get(OVERSIGHT).json()["awaiting_sign_off"] == []


def test_an_action_due_yesterday_is_overdue_and_one_due_today_is_not_in_london(world, monkeypatch):
    manager = world["users"][MANAGER]
    health = world["actions"]["health"]  # due Tuesday 1 June 2027
    PlanAction.objects.filter(pk=world["actions"]["education"].pk).update(
        due_date=dt.date(2027, 6, 2)
    )
    # 23:00 London on 1 June (22:00 UTC): the health action is due today, not overdue.
    freeze(monkeypatch, dt.datetime(2027, 6, 1, 23, 0, tzinfo=LONDON))
    assert client_for(manager).get(OVERSIGHT).json()["actions_overdue"] == []
    # 23:30 UTC on 1 June is 00:30 on Wednesday 2 June in London (British Summer Time): the
    # health action, due yesterday, is overdue by one day; the education one is due today.
    freeze(monkeypatch, dt.datetime(2027, 6, 1, 23, 30, tzinfo=dt.UTC))
    AuditEntry.objects.all().delete()
    body = client_for(manager).get(OVERSIGHT).json()
    assert [(r["action"], r["due_by"], r["days_overdue"]) for r in body["actions_overdue"]] == [
        (health.pk, "2027-06-01", 1)
    ]
    assert body["actions_overdue"][0]["owner_agency"] == "health"
    assert body["counts"]["actions_overdue"] == 1
    # The action's text is shown: a read of the plan action, audit-logged.
    read = AuditEntry.objects.get(object_type="planaction")
    assert (read.object_id, read.user) == (health.pk, manager)
    # Done, it leaves the list.
    health.status = "done"
    health.save()
    assert client_for(manager).get(OVERSIGHT).json()["actions_overdue"] == []


def signed_off_case(monkeypatch, manager, *, risk: str, at: dt.datetime):
    """A screened case signed off by `manager` at `at`, judged `risk` of serious harm."""
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    freeze(monkeypatch, at)
    draft = draft_edit(
        draft=AssessmentDraft.objects.get(case=case),
        user=case.case_manager,
        plan=PLAN,
        plan_reviewed=True,
    )
    draft = record_judgements(
        draft, risk_of_serious_harm={"level": risk, "reason": "Carried a knife to school."}
    )
    draft_sign_off(draft=draft_submit(draft=draft, user=case.case_manager), user=manager)
    return case


def high_risk_on(manager, monkeypatch, moment: dt.datetime) -> dict[int, dict]:
    freeze(monkeypatch, moment)
    rows = client_for(manager).get(OVERSIGHT).json()["high_risk_without_manager_review"]
    return {row["case"]: row for row in rows}


def test_a_manager_note_27_days_ago_is_in_time_and_29_days_ago_is_not(db, monkeypatch):
    manager = make_user(role=Role.YOT_MANAGER)
    case = signed_off_case(
        monkeypatch, manager, risk="high", at=dt.datetime(2027, 5, 3, 10, 0, tzinfo=LONDON)
    )
    # The note: 00:30 on Tuesday 1 June 2027 in London, which is 23:30 UTC on Monday 31 May.
    freeze(monkeypatch, dt.datetime(2027, 6, 1, 0, 30, tzinfo=LONDON))
    oversight_note_add(case=case, user=manager, text="Risk management meeting held.")
    # Monday 28 June: 27 days after 1 June. Tuesday 29 June: 28 days, still in time.
    assert high_risk_on(manager, monkeypatch, dt.datetime(2027, 6, 28, 12, tzinfo=LONDON)) == {}
    assert high_risk_on(manager, monkeypatch, dt.datetime(2027, 6, 29, 23, tzinfo=LONDON)) == {}
    # Wednesday 30 June, from 00:00 London: 29 days. Due by 29 June, one day overdue (by UTC
    # dates the review would be on 31 May and due 28 June).
    rows = high_risk_on(manager, monkeypatch, dt.datetime(2027, 6, 30, 0, 5, tzinfo=LONDON))
    assert rows[case.pk]["due_by"] == "2027-06-29"
    assert rows[case.pk]["days_overdue"] == 1
    assert rows[case.pk]["last_manager_review"] == "2027-06-01"
    assert rows[case.pk]["last_manager_review_by"] == "oversight_note"
    assert rows[case.pk]["risk_of_serious_harm"] == "high"
    # A new note takes it off the list.
    oversight_note_add(case=case, user=manager, text="Reviewed again.")
    assert high_risk_on(manager, monkeypatch, dt.datetime(2027, 6, 30, 0, 6, tzinfo=LONDON)) == {}


def test_a_sign_off_counts_as_a_review_by_its_local_date(db, monkeypatch):
    manager = make_user(role=Role.YOT_MANAGER)
    # Signed off at 00:30 on Wednesday 2 June 2027 in London (23:30 UTC on Tuesday 1 June).
    very_high = signed_off_case(
        monkeypatch, manager, risk="very_high", at=dt.datetime(2027, 6, 2, 0, 30, tzinfo=LONDON)
    )
    medium = signed_off_case(
        monkeypatch, manager, risk="medium", at=dt.datetime(2027, 4, 1, 10, 0, tzinfo=LONDON)
    )
    # Wednesday 30 June: 28 days after 2 June (in time, though 29 after the UTC date).
    assert high_risk_on(manager, monkeypatch, dt.datetime(2027, 6, 30, 12, tzinfo=LONDON)) == {}
    # Thursday 1 July: 29 days; due by 30 June. The medium risk case is never listed.
    AuditEntry.objects.all().delete()
    rows = high_risk_on(manager, monkeypatch, dt.datetime(2027, 7, 1, 9, tzinfo=LONDON))
    assert set(rows) == {very_high.pk}
    assert medium.pk not in rows
    row = rows[very_high.pk]
    assert (row["due_by"], row["days_overdue"], row["last_manager_review"]) == (
        "2027-06-30",
        1,
        "2027-06-02",
    )
    assert (row["risk_of_serious_harm"], row["last_manager_review_by"]) == ("very_high", "sign_off")
    # Showing the risk level is a read of the assessment's judgements, audit-logged.
    read = AuditEntry.objects.get(object_type="assessmentversion")
    assert (read.object_id, read.detail) == (row["assessment_version"], "judgements")


def test_the_review_days_are_a_setting(db, monkeypatch, settings):
    settings.OVERSIGHT_HIGH_RISK_REVIEW_DAYS = 7
    manager = make_user(role=Role.YOT_MANAGER)
    case = signed_off_case(
        monkeypatch, manager, risk="high", at=dt.datetime(2027, 6, 1, 10, 0, tzinfo=LONDON)
    )
    # Tuesday 8 June: 7 days, in time; Wednesday 9 June: 8 days, due by 8 June.
    assert high_risk_on(manager, monkeypatch, dt.datetime(2027, 6, 8, 18, tzinfo=LONDON)) == {}
    rows = high_risk_on(manager, monkeypatch, dt.datetime(2027, 6, 9, 8, tzinfo=LONDON))
    assert rows[case.pk]["due_by"] == "2027-06-08"


def test_the_lists_are_for_yot_managers_only_in_the_selector_too(world):
    users = world["users"]
    assert oversight_for(user=users[CM]) == []
    assert len(oversight_for(user=users[MANAGER])) == len(LISTS)


def test_the_lists_query_count_does_not_grow_with_the_rows(world, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from screening.assessment.plans import plan_action_create

    manager, case = world["users"][MANAGER], world["case"]

    def queries() -> tuple[int, dict]:
        client = client_for(manager)
        with CaptureQueriesContext(connection) as captured:
            body = client.get(OVERSIGHT).json()
        return len(captured), body["counts"]

    freeze(monkeypatch, dt.datetime(2027, 7, 5, 9, tzinfo=LONDON))
    few, counts = queries()
    assert counts["actions_overdue"] == 3
    for n in range(5):
        freeze(monkeypatch, dt.datetime(2027, 6, 1, 9, tzinfo=LONDON))
        plan_action_create(
            case=case,
            user=manager,
            action=f"Check-in {n}",
            category="reducing_reoffending",
            due_date="2027-06-20",
            owner=manager,
        )
    other, sessions = make_screened_case()
    submit_findings(sessions["health"])
    draft_submit(
        draft=record_judgements(AssessmentDraft.objects.get(case=other)), user=other.case_manager
    )
    freeze(monkeypatch, dt.datetime(2027, 7, 5, 9, tzinfo=LONDON))
    many, counts = queries()
    assert (counts["actions_overdue"], counts["awaiting_sign_off"]) == (8, 1)
    assert many == few


def test_new_information_puts_its_review_on_the_due_then_overdue_list(db, monkeypatch):
    # Received Thursday 27 May 2027; five working days skip Monday 31 May (the spring bank
    # holiday): Friday 28 May, Tuesday 1, Wednesday 2, Thursday 3, Friday 4 June.
    clock = freeze(monkeypatch, dt.datetime(2027, 6, 1, 10, 0, tzinfo=LONDON))
    manager = make_user(role=Role.YOT_MANAGER)
    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    draft = record_judgements(AssessmentDraft.objects.get(case=case))
    draft_submit(draft=draft, user=case.case_manager)
    draft_sign_off(draft=draft, user=manager)
    quiet = client_for(manager).get(OVERSIGHT).json()
    assert quiet["reviews_due"] == quiet["new_information_without_review"] == []
    item = new_information_record(
        case=case,
        user=case.case_manager,
        kind="arrest",
        summary="Arrested on Wednesday night with an older cousin.",
        received_on=dt.date(2027, 5, 27),
    )
    body = client_for(manager).get(OVERSIGHT).json()
    assert [(r["case"], r["due_by"]) for r in body["reviews_due"]] == [(case.pk, "2027-06-04")]
    assert body["reviews_due"][0]["days_overdue"] == 0
    assert body["reviews_overdue"] == []
    assert [r["new_information"] for r in body["new_information_without_review"]] == [item.pk]
    assert "summary" not in body["new_information_without_review"][0]
    clock.advance(days=6)  # Monday 7 June 2027
    body = client_for(manager).get(OVERSIGHT).json()
    assert body["reviews_due"] == []
    assert [(r["reference"], r["days_overdue"]) for r in body["reviews_overdue"]] == [
        (case.reference, 3)
    ]
    assert body["counts"]["reviews_overdue"] == 1
