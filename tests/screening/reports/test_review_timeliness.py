"""The timeliness report counts reviews as it counts the other stages: one per review, on
time when signed off on or before its due date, late when after it or when still open past
it, not yet due otherwise; by month of the due date and by why it was due. A plain loop over
the reviews is the reference."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from screening.models import Review
from screening.reports.timeliness import REVIEW_REASON_LABELS, timeliness_for
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# Wednesday 2 December 2026, at noon.
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=LONDON)
TODAY = dt.date(2026, 12, 2)


def make_review(due: dt.date, signed: dt.date | None, reason: str = "scheduled") -> Review:
    status = "signed_off" if signed else "due"
    return Review.objects.create(
        case=make_case(), reason=reason, due_by=due, status=status, signed_off_on=signed
    )


def report(manager):
    return timeliness_for(
        user=manager, first_month=dt.date(2026, 10, 1), last_month=dt.date(2026, 12, 1), now=NOW
    )


def test_reviews_on_time_late_and_not_yet_due(db):
    manager = make_user(role=Role.YOT_MANAGER)
    make_review(dt.date(2026, 10, 15), dt.date(2026, 10, 15))  # on the day: on time
    make_review(dt.date(2026, 10, 20), dt.date(2026, 10, 21), "new_information")  # a day late
    make_review(dt.date(2026, 11, 30), None, "new_information")  # open, past due: late
    make_review(dt.date(2026, 12, 2), None)  # due today: not yet due
    make_review(dt.date(2026, 9, 30), dt.date(2026, 9, 1))  # before the period
    rates = report(manager)
    assert (rates.reviews.total.on_time, rates.reviews.total.late) == (1, 2)
    assert rates.reviews.not_yet_due == 1
    by_month = {m: (r.on_time, r.late) for m, r in rates.reviews.by_month}
    assert by_month == {
        dt.date(2026, 10, 1): (1, 1),
        dt.date(2026, 11, 1): (0, 1),
        dt.date(2026, 12, 1): (0, 0),
    }
    by_reason = {label: (r.on_time, r.late) for label, r in rates.reviews_by_reason}
    assert by_reason == {"Scheduled": (1, 0), "After new information": (0, 2)}


offsets = st.lists(
    st.tuples(
        st.integers(min_value=-90, max_value=40),
        st.one_of(st.none(), st.integers(min_value=-10, max_value=10)),
        st.sampled_from(sorted(REVIEW_REASON_LABELS)),
    ),
    max_size=6,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(reviews=offsets)
def test_review_rates_agree_with_a_plain_loop(db, reviews):
    Review.objects.all().delete()
    manager = make_user(role=Role.YOT_MANAGER)
    expected = {"on_time": 0, "late": 0, "open": 0}
    for due_offset, signed_offset, reason in reviews:
        due = TODAY + dt.timedelta(days=due_offset)
        signed = None if signed_offset is None else due + dt.timedelta(days=signed_offset)
        if signed is not None and signed > TODAY:
            signed = TODAY
        make_review(due, signed, reason)
        if not dt.date(2026, 10, 1) <= due < dt.date(2027, 1, 1):
            continue
        if signed is None and due >= TODAY:
            expected["open"] += 1
        elif signed is not None and signed <= due:
            expected["on_time"] += 1
        else:
            expected["late"] += 1
    rates = report(manager).reviews
    assert (rates.total.on_time, rates.total.late, rates.not_yet_due) == (
        expected["on_time"],
        expected["late"],
        expected["open"],
    )
