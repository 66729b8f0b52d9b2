"""Reviews and significant new information over the API: who may use each path, new
information opening one review with its due date in working days, same-day alerts for kinds
that touch risk, a review starting from the last signed-off version (nothing lost), and a
review's sign-off needing a "what changed" answer, its changed plan becoming new actions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from screening.assessment.drafts import draft_edit, draft_reopen, draft_sign_off, draft_submit
from screening.assessment.reviews import new_information_record, review_start
from screening.models import (
    Alert,
    AlertEmail,
    AssessmentDraft,
    AssessmentVersion,
    AuditEntry,
    NewInformation,
    PlanAction,
    Review,
    Visit,
)
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
    build_world,
)
from tests.conftest import client_for
from tests.messaging import freeze

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world(db):
    """The plans' world: a case signed off with a plan, and a user for each actor."""
    return build_world()


ARREST = {
    "kind": "arrest",
    "summary": "Arrested on Saturday after a fight outside the station.",
    "received_on": "2026-11-27",
}


def post_information(user, case, body=ARREST):
    return client_for(user).post(f"/api/v1/cases/{case.pk}/new-information/", body, format="json")


def start(user, case):
    return client_for(user).post(f"/api/v1/cases/{case.pk}/reviews/", {}, format="json")


def submit_review(case, *, plan=None):
    draft = AssessmentDraft.objects.get(case=case)
    if plan is not None:
        draft = draft_edit(draft=draft, user=case.case_manager, plan=plan, plan_reviewed=True)
    return draft_submit(draft=draft, user=case.case_manager)


# --- who may use each path ----------------------------------------------------------------

MATRIX = [
    ("a case's new information", "get", "/api/v1/cases/{case}/new-information/", None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 200, PRAC2: 200, OUT: 404, SYS: 403}),
    ("record new information", "post", "/api/v1/cases/{case}/new-information/", ARREST,
     {ADMIN: 403, CM: 201, CM2: 404, MANAGER: 201, PRAC: 201, PRAC2: 201, OUT: 404, SYS: 403}),
    ("a case's reviews", "get", "/api/v1/cases/{case}/reviews/", None,
     {ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 403, PRAC2: 403, OUT: 403, SYS: 403}),
    ("start a review", "post", "/api/v1/cases/{case}/reviews/", {},
     {ADMIN: 403, CM: 201, CM2: 404, MANAGER: 201, PRAC: 403, PRAC2: 403, OUT: 403, SYS: 403}),
]  # fmt: skip


def test_matrix_lists_every_actor_for_every_row():
    assert all(set(row[-1]) == set(ACTORS) for row in MATRIX)


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "actor", "expected"),
    [(*row[:4], actor, status) for row in MATRIX for actor, status in row[4].items()],
    ids=[f"{row[0]}-{actor}" for row in MATRIX for actor in row[4]],
)
def test_review_role_table(world, name, method, path, body, actor, expected):
    url = path.format(case=world["case"].pk)
    response = getattr(client_for(world["users"][actor]), method)(url, body, format="json")
    assert response.status_code == expected, (name, actor, response.content[:300])


@pytest.mark.parametrize(("name", "method", "path", "body"), [row[:4] for row in MATRIX])
def test_review_endpoints_need_credentials(world, api_client, name, method, path, body):
    url = path.format(case=world["case"].pk)
    assert getattr(api_client, method)(url, body, format="json").status_code == 401


def test_a_practitioner_reads_back_only_what_they_recorded(world):
    case, users = world["case"], world["users"]
    assert post_information(users[CM], case).status_code == 201
    mine = {**ARREST, "kind": "change_of_circumstances", "summary": "Moved to his aunt's."}
    assert post_information(users[PRAC], case, mine).status_code == 201
    seen = client_for(users[PRAC]).get(f"/api/v1/cases/{case.pk}/new-information/").json()
    assert [i["summary"] for i in seen["results"]] == ["Moved to his aunt's."]
    assert (
        client_for(users[PRAC2]).get(f"/api/v1/cases/{case.pk}/new-information/").json()["results"]
        == []
    )
    everything = client_for(users[CM]).get(f"/api/v1/cases/{case.pk}/new-information/").json()
    assert everything["count"] == 2


# --- new information opens one review -----------------------------------------------------


def test_new_information_joins_the_open_review_due_within_five_working_days(world):
    case, users = world["case"], world["users"]
    scheduled = Review.objects.get(case=case)
    assert (scheduled.reason, scheduled.status) == ("scheduled", "due")
    made = post_information(users[PRAC], case)
    assert made.status_code == 201, made.content
    body = made.json()
    # Friday 27 November 2026 + 5 working days: Monday 30 November to Friday 4 December.
    assert body["review"] == scheduled.pk
    assert body["recorded_by"] == users[PRAC].pk and body["kind"] == "arrest"
    reviews = client_for(users[CM]).get(f"/api/v1/cases/{case.pk}/reviews/").json()["results"]
    assert len(reviews) == 1
    assert reviews[0]["due_by"] == "2026-12-04"
    assert reviews[0]["status"] == "due" and reviews[0]["new_information"] == [body["id"]]


def test_new_information_due_date_skips_good_friday_and_easter_monday(world, monkeypatch):
    """Received Thursday 25 March 2027: Good Friday 26 and Easter Monday 29 March are bank
    holidays, so the five working days are 30, 31 March, 1, 2 and 5 April."""
    case, users = world["case"], world["users"]
    freeze(monkeypatch, dt.datetime(2027, 3, 30, 9, 0, tzinfo=LONDON))
    Review.objects.filter(case=case).delete()  # the scheduled one, due earlier, 2 March
    body = {**ARREST, "received_on": "2027-03-25"}
    made = post_information(users[CM], case, body)
    assert made.status_code == 201, made.content
    review = Review.objects.get(pk=made.json()["review"])
    assert (review.reason, review.due_by) == ("new_information", dt.date(2027, 4, 5))


def test_a_sign_off_on_31_january_makes_the_next_review_due_on_30_april(db, monkeypatch):
    from tests.api.test_plans_api import ready_for_sign_off
    from tests.factories import make_screened_case, make_user, submit_findings

    freeze(monkeypatch, dt.datetime(2027, 1, 31, 12, 0, tzinfo=LONDON))
    case, sessions = make_screened_case(visit_day=dt.date(2027, 1, 20))
    submit_findings(sessions["health"])
    draft_sign_off(draft=ready_for_sign_off(case), user=make_user(role="yot_manager"))
    review = Review.objects.get(case=case)
    assert (review.reason, review.status, review.due_by) == (
        "scheduled",
        "due",
        dt.date(2027, 4, 30),
    )


def test_new_information_is_refused_with_the_field_named(world):
    case, cm = world["case"], world["users"][CM]
    bad = post_information(
        cm, case, {"kind": "rumour", "summary": " ", "received_on": "27/11/2026"}
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"kind", "summary", "received_on"}
    future = post_information(cm, case, {**ARREST, "received_on": "2099-01-01"})
    assert future.status_code == 400 and set(future.json()["errors"]) == {"received_on"}
    assert not NewInformation.objects.exists()


def test_risk_kinds_alert_the_case_manager_and_managers_today_and_others_do_not(world):
    case, users = world["case"], world["users"]
    Alert.objects.all().delete()
    AlertEmail.objects.all().delete()
    post_information(users[PRAC], case, {**ARREST, "kind": "change_of_circumstances"})
    assert not Alert.objects.exists()
    post_information(users[PRAC], case)
    alerted = set(Alert.objects.values_list("recipient", flat=True))
    assert alerted == {users[CM].pk, users[MANAGER].pk}
    assert AlertEmail.objects.count() == 2
    text = Alert.objects.first().text
    assert "arrest" in text and case.reference in text and "Saturday" not in text

    from screening.assessment.alert_emails import _message

    subject, body = _message(AlertEmail.objects.first())
    assert subject == f"New information: case {case.reference}"
    assert "fight" not in body and "arrest" not in body.lower()


def test_reads_of_new_information_and_reviews_are_audit_logged(world):
    case, cm = world["case"], world["users"][CM]
    item = NewInformation.objects.get(pk=post_information(cm, case).json()["id"])
    AuditEntry.objects.all().delete()
    client_for(cm).get(f"/api/v1/cases/{case.pk}/new-information/")
    client_for(cm).get(f"/api/v1/cases/{case.pk}/reviews/")
    read = set(
        AuditEntry.objects.filter(user=cm, action="read").values_list("object_type", "object_id")
    )
    assert ("newinformation", item.pk) in read
    assert ("review", item.review_id) in read


# --- a review ------------------------------------------------------------------------------


def test_a_review_starts_from_the_last_signed_off_version_leaving_it_untouched(world):
    case, cm = world["case"], world["users"][CM]
    post_information(cm, case)
    before = AssessmentVersion.objects.get(case=case)
    kept = (before.sections, before.plan, before.judgements())
    started = start(cm, case)
    assert started.status_code == 201, started.content
    review = started.json()
    assert review["status"] == "in_progress" and review["from_version"] == 1
    draft = client_for(cm).get(f"/api/v1/cases/{case.pk}/assessment-draft/").json()
    assert (draft["kind"], draft["status"]) == ("review", "draft")
    assert draft["open_review"]["status"] == "in_progress"
    assert len(draft["open_review"]["new_information"]) == 1
    assert {s["key"]: s["text"] for s in draft["sections"]} == {
        s["key"]: s["text"] for s in before.sections
    }
    assert draft["judgements"] == before.judgements() and draft["plan"] == before.plan
    before.refresh_from_db()
    assert (before.sections, before.plan, before.judgements()) == kept
    again = start(cm, case)
    assert again.status_code == 409 and "already in progress" in again.json()["detail"]


def test_a_review_keeps_what_the_case_manager_wrote_in_a_reopened_draft(world):
    case, users = world["case"], world["users"]
    draft = draft_reopen(
        draft=AssessmentDraft.objects.get(case=case), user=users[MANAGER], reason="New school."
    )
    draft_edit(draft=draft, user=users[CM], sections=[{"key": "neighbourhood", "text": "Mine."}])
    assert start(users[CM], case).status_code == 201
    draft = AssessmentDraft.objects.get(case=case)
    assert draft.kind == "review"
    assert draft.sections.get(key="neighbourhood").text == "Mine."


def test_a_review_cannot_start_before_the_first_sign_off(db):
    from tests.factories import make_screened_case, submit_findings

    case, sessions = make_screened_case()
    submit_findings(sessions["health"])
    refused = start(case.case_manager, case)
    assert refused.status_code == 409 and "not signed off" in refused.json()["detail"]
    assert not Review.objects.filter(case=case).exists()


def test_review_sign_off_is_refused_without_a_what_changed_answer(world):
    case, users = world["case"], world["users"]
    start(users[CM], case)
    submit_review(case)
    url = f"/api/v1/cases/{case.pk}/assessment-draft/sign-off/"
    refused = client_for(users[MANAGER]).post(url, {}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"changes_summary"}
    # Nothing changed: "No change." does not say why.
    terse = client_for(users[MANAGER]).post(url, {"changes_summary": "No change."}, format="json")
    assert terse.status_code == 400
    assert "nothing needed to change" in terse.json()["errors"]["changes_summary"][0]
    assert AssessmentVersion.objects.filter(case=case).count() == 1
    assert Review.objects.get(case=case).status == "in_progress"
    why = "The arrest was not charged and nothing else changed at home or school."
    done = client_for(users[MANAGER]).post(url, {"changes_summary": why}, format="json")
    assert done.status_code == 200, done.content
    version = AssessmentVersion.objects.get(case=case, version=2)
    assert (version.kind, version.changes_summary) == ("review", why)
    assert version.changes == {"sections": [], "judgements": [], "plan": False}


def test_review_sign_off_is_refused_without_judgements(world):
    case, users = world["case"], world["users"]
    start(users[CM], case)
    AssessmentDraft.objects.filter(case=case).update(safety_and_wellbeing_reason="")
    submit_review(case)
    url = f"/api/v1/cases/{case.pk}/assessment-draft/sign-off/"
    refused = client_for(users[MANAGER]).post(url, {}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"changes_summary", "judgements.safety_and_wellbeing"}


def test_a_signed_off_review_with_a_changed_plan_adds_only_the_new_actions(world, monkeypatch):
    case, users = world["case"], world["users"]
    freeze(monkeypatch, dt.datetime(2026, 12, 3, 10, 0, tzinfo=LONDON))
    post_information(users[CM], case)
    start(users[CM], case)
    new_item = {
        "action": "Weekly check-in with the police liaison officer",
        "owner_agency": "social_care",
        "due_date": "2027-01-08",
        "category": "minimising_risk_of_harm",
    }
    patched = client_for(users[CM]).patch(
        f"/api/v1/cases/{case.pk}/assessment-draft/",
        {"changes_summary": "Added a weekly check-in after the arrest."},
        format="json",
    )
    assert patched.json()["changes_summary"] == "Added a weekly check-in after the arrest."
    submit_review(case, plan=[*PLAN, new_item])
    draft_sign_off(draft=AssessmentDraft.objects.get(case=case), user=users[MANAGER])
    version = AssessmentVersion.objects.get(case=case, version=2)
    assert version.changes == {"sections": [], "judgements": [], "plan": True}
    assert version.changes_summary == "Added a weekly check-in after the arrest."
    actions = PlanAction.objects.filter(case=case)
    assert actions.count() == len(PLAN) + 1
    assert actions.get(from_version=version).action == new_item["action"]
    reviews = client_for(users[MANAGER]).get(f"/api/v1/cases/{case.pk}/reviews/").json()
    by_status = {r["status"]: r for r in reviews["results"]}
    assert by_status["signed_off"]["signed_off_on"] == "2026-12-03"
    assert by_status["signed_off"]["version"] == 2
    # The next review: three months after this sign-off, Wednesday 3 March 2027.
    assert by_status["due"]["due_by"] == "2027-03-03"
    assert by_status["due"]["reason"] == "scheduled"
    versions = client_for(users[CM]).get(f"/api/v1/cases/{case.pk}/assessments/").json()
    assert [v["kind"] for v in versions] == ["initial", "review"]


def test_a_manager_starts_a_requested_review_when_none_is_open(world):
    case, users = world["case"], world["users"]
    Review.objects.filter(case=case).delete()
    made = start(users[MANAGER], case)
    assert made.status_code == 201
    assert made.json()["reason"] == "requested"
    refused = client_for(users[MANAGER]).post(
        f"/api/v1/cases/{case.pk}/reviews/", {"why": "x"}, format="json"
    )
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"why"}


def test_services_refuse_people_not_working_on_the_case(world):
    from screening.errors import NotAllowed

    case, users = world["case"], world["users"]
    with pytest.raises(NotAllowed):
        new_information_record(
            case=case, user=users[OUT], kind="arrest", summary="x", received_on=dt.date(2026, 11, 1)
        )
    with pytest.raises(NotAllowed):
        review_start(case=case, user=users[CM2])


def test_reopening_a_signed_off_review_asks_again_what_changed(world):
    case, users = world["case"], world["users"]
    start(users[CM], case)
    submit_review(case)
    why = "The arrest was not charged and nothing else changed at home or school."
    draft_sign_off(
        draft=AssessmentDraft.objects.get(case=case), user=users[MANAGER], changes_summary=why
    )
    draft = draft_reopen(
        draft=AssessmentDraft.objects.get(case=case), user=users[MANAGER], reason="Typo."
    )
    assert draft.changes_summary == ""
    assert AssessmentVersion.objects.get(case=case, version=2).changes_summary == why
    submit_review(case)
    url = f"/api/v1/cases/{case.pk}/assessment-draft/sign-off/"
    refused = client_for(users[MANAGER]).post(url, {}, format="json")
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"changes_summary"}
    reviews = client_for(users[CM]).get(f"/api/v1/cases/{case.pk}/reviews/").json()["results"]
    assert [r["status"] for r in reviews] == ["due", "signed_off"]


# --- a late review's reason -------------------------------------------------------------------


def post_late_reason(user, review, text="The case manager was on leave for two weeks."):
    return client_for(user).post(
        f"/api/v1/cases/{review.case_id}/reviews/{review.pk}/late-reason/",
        {"late_reason": text},
        format="json",
    )


def test_a_late_review_records_why_and_the_timeliness_report_lists_it(world, monkeypatch):
    from screening.reports.timeliness import REVIEW_OVERDUE, timeliness_for

    users, case = world["users"], world["case"]
    review = Review.objects.get(case=case)
    # Tuesday 16 March 2027; the review due Tuesday 23 March 2027 is not late yet.
    freeze(monkeypatch, dt.datetime(2027, 3, 16, 10, 0, tzinfo=LONDON))
    Review.objects.filter(pk=review.pk).update(due_by=dt.date(2027, 3, 23))
    not_late = post_late_reason(users[CM], review)
    assert not_late.status_code == 400
    assert "not late" in not_late.json()["errors"]["late_reason"][0]
    assert "23 March 2027" in not_late.json()["errors"]["late_reason"][0]
    # Due Tuesday 9 March 2027, a week ago, still open: late.
    Review.objects.filter(pk=review.pk).update(due_by=dt.date(2027, 3, 9))
    statuses = {actor: post_late_reason(users[actor], review).status_code for actor in ACTORS}
    assert statuses == {
        ADMIN: 403, CM: 200, CM2: 404, MANAGER: 200, PRAC: 403, PRAC2: 403, OUT: 403, SYS: 403
    }  # fmt: skip
    blank = post_late_reason(users[CM], review, text="  ")
    assert blank.status_code == 400 and "late_reason" in blank.json()["errors"]
    recorded = post_late_reason(users[CM], review, text="Waiting for the police report.")
    assert recorded.json()["late_reason"] == "Waiting for the police report."
    assert AuditEntry.objects.filter(
        user=users[CM], action=AuditEntry.Action.WRITE, object_id=review.pk,
        detail="review late reason",
    ).exists()  # fmt: skip
    march = dt.date(2027, 3, 1)
    report = timeliness_for(user=users[MANAGER], first_month=march, last_month=march)
    listed = [(r.case_reference, r.text) for r in report.reasons if r.kind == REVIEW_OVERDUE]
    assert listed == [(case.reference, "Waiting for the police report.")]


# --- the review a YOT admin books a visit for (need to know: its id and due date) ----------

# GET /cases/{id}/: who may read the case, and what its `review_to_book` holds for them.
BOOKING = object()  # `{id, due_by}` of the open review
CASE_DETAIL = {
    ADMIN: (200, BOOKING),
    CM: (200, None),
    CM2: (404, None),
    MANAGER: (200, None),
    PRAC: (200, None),
    PRAC2: (200, None),
    OUT: (404, None),
    SYS: (403, None),
}


def test_case_detail_matrix_lists_every_actor():
    assert set(CASE_DETAIL) == set(ACTORS)


@pytest.mark.parametrize(("actor", "expected"), CASE_DETAIL.items(), ids=list(CASE_DETAIL))
def test_only_those_who_book_visits_learn_the_review_to_book(world, actor, expected):
    case, users = world["case"], world["users"]
    review = Review.objects.get(pk=post_information(users[PRAC], case).json()["review"])
    AuditEntry.objects.all().delete()
    response = client_for(users[actor]).get(f"/api/v1/cases/{case.pk}/")
    status, shown = expected
    assert response.status_code == status, response.content[:300]
    read = AuditEntry.objects.filter(user=users[actor], object_type="review", action="read")
    if status != 200:
        assert not read.exists()
        return
    if shown is BOOKING:
        # Friday 27 November 2026 + 5 working days: Friday 4 December 2026. Nothing more of
        # the review than its id and due date: no reason, status or new information.
        assert response.json()["review_to_book"] == {"id": review.pk, "due_by": "2026-12-04"}
        assert list(read.values_list("object_id", "detail")) == [
            (review.pk, "review due date, to book a visit")
        ]
    else:
        # They read reviews at /reviews/ (the case manager and managers) or not at all.
        assert response.json()["review_to_book"] is None
        assert not read.exists()


def test_the_case_list_names_no_review(world):
    admin = world["users"][ADMIN]
    AuditEntry.objects.all().delete()
    listed = client_for(admin).get("/api/v1/cases/").json()["results"]
    assert listed and all("review_to_book" not in row for row in listed)
    assert not AuditEntry.objects.filter(object_type="review").exists()


def test_review_to_book_is_null_when_no_review_is_open(world):
    case, admin = world["case"], world["users"][ADMIN]
    Review.objects.filter(case=case).update(status="signed_off", signed_off_on=dt.date(2026, 12, 1))
    response = client_for(admin).get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200 and response.json()["review_to_book"] is None


def test_an_admin_books_a_review_visit_over_the_api_alone(world):
    """What the page does, by the API without the case manager: the case answer names the
    open review, its options come before the review's due date, and one is booked for it."""
    case, users = world["case"], world["users"]
    admin = client_for(users[ADMIN])
    Visit.objects.filter(case=case).update(status="completed")  # the first visit took place
    post_information(users[PRAC], case)
    review = admin.get(f"/api/v1/cases/{case.pk}/").json()["review_to_book"]
    found = admin.get(
        f"/api/v1/cases/{case.pk}/visit-options/",
        {"review": review["id"], "agencies": "health", "count": 1},
    )
    assert found.status_code == 200, found.content[:300]
    option = found.json()["options"][0]
    # Options end by the review's deadline, Friday 4 December 2026 (the YOT's zone).
    assert dt.datetime.fromisoformat(option["end"]).astimezone(LONDON).date() <= dt.date(
        2026, 12, 4
    )
    booked = admin.post(
        "/api/v1/visits/",
        {
            "case": case.pk,
            "room": option["room"],
            "review": review["id"],
            "sessions": [
                {k: s[k] for k in ("agency", "practitioner", "start", "end")}
                for s in option["sessions"]
            ],
        },
        format="json",
    )
    assert booked.status_code == 201, booked.content[:400]
    assert booked.json()["review"] == review["id"]
