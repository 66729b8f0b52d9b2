"""New information recorded at the same moment by several people opens exactly one review:
each thread has its own connection and commits for real; the partial unique index on open
reviews holds whatever gets past the case row's lock."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from screening.assessment.reviews import new_information_record
from screening.models import NewInformation, Review
from tests.concurrency import THREAD_TEST, run_at_once
from tests.factories import make_screened_case
from tests.messaging import freeze
from tests.screening.assessment.test_alert_emails import EVENING

pytestmark = THREAD_TEST

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
KINDS = ["arrest", "new_offence", "safeguarding_concern", "change_of_circumstances"]


def concurrent_posts(monkeypatch):
    freeze(monkeypatch, EVENING)
    case, sessions = make_screened_case()
    people = [case.case_manager, *(s.practitioner.user for s in sessions.values())][:4]
    turn = iter(zip(people, KINDS, strict=True))

    def work() -> None:
        person, kind = next(turn)
        new_information_record(
            case=case,
            user=person,
            kind=kind,
            summary=f"{kind} reported by the police.",
            received_on=dt.date(2026, 11, 5),
        )

    return case, run_at_once(4, work)


def check_one_review(case, failures):
    assert failures == []
    reviews = list(Review.objects.filter(case=case))
    assert len(reviews) == 1
    assert NewInformation.objects.filter(case=case).count() == 4
    assert set(NewInformation.objects.values_list("review", flat=True)) == {reviews[0].pk}
    # Thursday 5 November 2026 + 5 working days: 6, 9, 10, 11 and 12 November.
    assert reviews[0].due_by == dt.date(2026, 11, 12)


def test_concurrent_new_information_opens_one_review(monkeypatch):
    check_one_review(*concurrent_posts(monkeypatch))


@pytest.mark.postgres
@on_postgresql
def test_concurrent_new_information_on_postgresql_opens_one_review(monkeypatch):
    check_one_review(*concurrent_posts(monkeypatch))


def test_the_database_refuses_a_second_open_review(monkeypatch):
    freeze(monkeypatch, EVENING)
    case, _ = make_screened_case()
    Review.objects.create(case=case, reason="requested", due_by=dt.date(2026, 12, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(case=case, reason="scheduled", due_by=dt.date(2027, 3, 1))
    Review.objects.filter(case=case).update(status="signed_off")
    Review.objects.create(case=case, reason="scheduled", due_by=dt.date(2027, 3, 1))
    assert Review.objects.filter(case=case).count() == 2
