"""A review visit is not a case's first visit: the timeliness report's first-visit figures
and the planner's agreement with them leave it out."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from agencies.models import Agency
from screening.booking.services import SessionRequest, visit_book
from screening.models import Review
from screening.planner.results import seen_on
from screening.reports.timeliness import timeliness_for
from tests.factories import make_case, make_room, make_user, make_working_practitioner

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_a_review_visit_before_the_first_visit_does_not_count_as_it(db, monkeypatch):
    clock = {"now": dt.datetime(2027, 2, 23, 9, 0, tzinfo=LONDON)}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"].astimezone(dt.UTC))
    # The order starts Monday 1 March 2027: its first visit is due Monday 8 March. New
    # information opened a review due Friday 5 March before any first visit took place.
    case = make_case(order_start_date=dt.date(2027, 3, 1))
    assert case.visit_due_by == dt.date(2027, 3, 8)
    review = Review.objects.create(case=case, reason="new_information", due_by=dt.date(2027, 3, 5))
    health, education = (Agency.objects.get(code=c) for c in ("health", "education"))
    start = dt.datetime(2027, 3, 2, 10, 0, tzinfo=LONDON)  # Tuesday 2 March
    visit_book(
        case=case,
        room=make_room(),
        review=review,
        sessions=[
            SessionRequest(
                agency=health, practitioner=make_working_practitioner(agency="health"), start=start
            ),
            SessionRequest(
                agency=education,
                practitioner=make_working_practitioner(agency="education"),
                start=start + dt.timedelta(minutes=health.default_duration_minutes + 5),
            ),
        ],
    )
    now = dt.datetime(2027, 3, 3, 12, 0, tzinfo=LONDON)  # Wednesday 3 March, noon
    clock["now"] = now
    rates = timeliness_for(
        user=make_user(role=Role.YOT_MANAGER),
        first_month=dt.date(2027, 3, 1),
        last_month=dt.date(2027, 3, 1),
        now=now,
    )
    visit = rates.stages[0]
    assert visit.key == "visit"
    # Not on time: the first visit has not happened and is not yet due.
    assert (visit.total.on_time, visit.total.late, visit.not_yet_due) == (0, 0, 1)
    assert case.pk not in seen_on(now=now)
