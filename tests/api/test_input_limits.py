"""Every free text and list the API takes has a documented maximum (README "Limits on
input"): beyond it, a 400 naming the field, quickly, and nothing stored. The red-team pass
stored 1 MB of communication needs, 10,000 unavailable times and a 10,000-entry draft
PATCH that took 4.6 s."""

import pytest

from accounts.models import Role
from screening.models import DraftSection, OpeningHours, Venue, YoungPerson
from tests.api.test_findings_api import draft_url, screened, submit  # noqa: F401
from tests.calendar_support import CODES
from tests.conftest import client_for
from tests.factories import complete_answers, make_user, make_young_person

pytestmark = pytest.mark.django_db

YP = {"given_name": "Robin", "family_name": "Example", "date_of_birth": "2011-04-01"}
SCHOOL = {"weekdays": [0, 1, 2, 3, 4], "start_time": "08:45", "end_time": "15:15"}


@pytest.fixture
def admin():
    return client_for(make_user(role=Role.YOT_ADMIN))


def refused(response, field: str, words: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    errors = response.json()["errors"]
    assert field in errors and words in " ".join(errors[field]), errors


def test_communication_needs_beyond_5000_characters_are_a_400(admin):
    response = admin.post(
        "/api/v1/young-people/", {**YP, "communication_needs": "x" * 5001}, format="json"
    )
    refused(response, "communication_needs", "5,000 characters")
    assert not YoungPerson.objects.exists()
    ok = admin.post(
        "/api/v1/young-people/", {**YP, "communication_needs": "x" * 5000}, format="json"
    )
    assert ok.status_code == 201


def test_a_megabyte_of_communication_needs_is_refused_on_patch_too(admin):
    person = make_young_person(communication_needs="Short sentences help.")
    response = admin.patch(
        f"/api/v1/young-people/{person.pk}/",
        {"communication_needs": "x" * 1_000_000},
        format="json",
    )
    refused(response, "communication_needs", "5,000 characters")
    person.refresh_from_db()
    assert person.communication_needs == "Short sentences help."


def test_more_than_50_unavailable_times_are_a_400(admin):
    response = admin.post(
        "/api/v1/young-people/", {**YP, "unavailable": [SCHOOL] * 10_000}, format="json"
    )
    refused(response, "unavailable", "at most 50")
    assert not YoungPerson.objects.exists()
    ok = admin.post("/api/v1/young-people/", {**YP, "unavailable": [SCHOOL] * 50}, format="json")
    assert ok.status_code == 201


def test_a_draft_patch_with_more_sections_than_the_layout_is_a_400_at_once(screened):  # noqa: F811
    submit(screened, "health")
    changes = [{"key": "neighbourhood", "text": "Quiet street."}] * 10_000
    response = screened["cm"].patch(
        draft_url(screened["case"]), {"sections": changes}, format="json"
    )
    refused(response, "sections", "at most 16")
    assert not DraftSection.objects.filter(edited=True).exists()


def test_a_draft_patch_naming_a_section_twice_is_a_400(screened):  # noqa: F811
    submit(screened, "health")
    changes = [{"key": "neighbourhood", "text": "One."}, {"key": "neighbourhood", "text": "Two."}]
    response = screened["cm"].patch(
        draft_url(screened["case"]), {"sections": changes}, format="json"
    )
    refused(response, "sections.1.key", "more than once")


def test_findings_with_more_answers_than_questions_are_one_400(screened):  # noqa: F811
    session = screened["sessions"]["health"]
    answers = {f"extra_{n}": "x" for n in range(10_000)}
    response = screened["practitioner"]["health"].put(
        f"/api/v1/sessions/{session.pk}/findings/", {"answers": answers}, format="json"
    )
    refused(response, "answers", "at most")
    assert len(response.json()["errors"]) == 1


def test_a_multiple_choice_answer_longer_than_its_choices_is_a_400(screened):  # noqa: F811
    session = screened["sessions"]["health"]
    answers = complete_answers("health", substances=["alcohol"] * 10_000)
    response = screened["practitioner"]["health"].put(
        f"/api/v1/sessions/{session.pk}/findings/", {"answers": answers}, format="json"
    )
    refused(response, "answers.substances", "at most 8")


def test_a_venue_address_and_its_opening_hours_have_maximums(admin):
    long = admin.post("/api/v1/venues/", {"name": "Hub", "address": "x" * 1001}, format="json")
    refused(long, "address", "1,000 characters")
    hours = [{"weekday": 0, "opens": "09:00", "closes": "09:01"}] * 22
    many = admin.post(
        "/api/v1/venues/",
        {"name": "Hub", "address": "1 Road", "opening_hours": hours},
        format="json",
    )
    refused(many, "opening_hours", "at most 21")
    assert not Venue.objects.exists() and not OpeningHours.objects.exists()


def test_a_visit_with_more_sessions_than_allowed_is_a_400(world, admin):
    session = {"agency": CODES[0], "practitioner": world.people[CODES[0]].pk}
    body = {
        "case": world.case.pk,
        "room": world.room.pk,
        "sessions": [{**session, "start": "2027-03-02T10:00:00Z"}] * 10_000,
    }
    refused(admin.post("/api/v1/visits/", body, format="json"), "sessions", "at most 20")


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"agencies": "health," * 100}, "agencies", "200 characters"),
        ({"durations": "health:60," * 100}, "durations", "500 characters"),
    ],
)
def test_visit_option_query_texts_have_maximums(world, admin, query, field, words):
    response = admin.get(f"/api/v1/cases/{world.case.pk}/visit-options/", query)
    refused(response, field, words)


def test_a_name_search_beyond_100_characters_is_a_400(admin):
    response = admin.get("/api/v1/young-people/", {"search": "Robin " * 2000})
    refused(response, "search", "100 characters")
