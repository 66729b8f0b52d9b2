import datetime as dt

import pytest

from screening.models import ClosureDay, OrderType
from screening.people.deadlines import case_deadlines, findings_due_by
from tests.factories import make_case

D = dt.date


@pytest.mark.parametrize(
    ("order_type", "assessment_due"),
    [
        (OrderType.REFERRAL_ORDER, D(2027, 3, 31)),
        (OrderType.YOUTH_REHABILITATION_ORDER, D(2027, 3, 22)),
        (OrderType.DETENTION_AND_TRAINING_ORDER, D(2027, 3, 22)),
        (OrderType.YOUTH_CONDITIONAL_CAUTION, D(2027, 3, 22)),
        (OrderType.OTHER, D(2027, 3, 22)),
    ],
)
@pytest.mark.django_db
def test_assessment_due_is_20_working_days_for_referral_orders_and_15_otherwise(
    order_type, assessment_due
):
    # From Monday 1 March 2027: 15 working days -> Monday 22 March. Twenty would be
    # Monday 29 March, but Good Friday (26th) and Easter Monday (29th) are bank
    # holidays, so the 20th working day is Wednesday 31 March.
    deadlines = case_deadlines(order_type=order_type, order_start_date=D(2027, 3, 1))
    assert deadlines.assessment_due_by == assessment_due


@pytest.mark.django_db
def test_visit_due_is_5_working_days_after_the_order_start():
    deadlines = case_deadlines(order_type=OrderType.OTHER, order_start_date=D(2027, 3, 1))
    assert deadlines.visit_due_by == D(2027, 3, 8)


@pytest.mark.django_db
def test_closure_days_move_deadlines():
    ClosureDay.objects.create(date=D(2027, 3, 3), reason="Staff training")
    deadlines = case_deadlines(order_type=OrderType.OTHER, order_start_date=D(2027, 3, 1))
    assert deadlines.visit_due_by == D(2027, 3, 9)


@pytest.mark.django_db
def test_findings_are_due_2_working_days_after_the_visit():
    assert findings_due_by(visit_date=D(2027, 3, 25)) == D(2027, 3, 31)


@pytest.mark.django_db
def test_case_create_stores_computed_deadlines_and_a_reference(settings):
    case = make_case(
        order_type=OrderType.YOUTH_REHABILITATION_ORDER, order_start_date=D(2027, 3, 1)
    )
    assert case.visit_due_by == D(2027, 3, 8)
    assert case.assessment_due_by == D(2027, 3, 22)
    assert case.findings_due_by is None
    assert case.reference.startswith("YJ-") and case.reference.endswith("-0001")
    second = make_case()
    assert second.reference.endswith("-0002")


@pytest.mark.django_db
def test_deadline_lengths_are_configurable(settings):
    settings.SCREENING_DEADLINES = {**settings.SCREENING_DEADLINES, "visit_working_days": 3}
    deadlines = case_deadlines(order_type=OrderType.OTHER, order_start_date=D(2027, 3, 1))
    assert deadlines.visit_due_by == D(2027, 3, 4)
