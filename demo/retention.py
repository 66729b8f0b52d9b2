"""Old cases for the demo's "Records due for disposal": fictional young people whose orders
ended years ago, so the retention schedule makes some due for reduction or disposal and
leaves one not yet due. The list is put up for approval, as the daily job would."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from screening.governance.disposal import disposal_batch_propose
from screening.governance.retention_rules import add_years
from screening.models import Case, OrderType
from screening.people.cases import case_create
from screening.people.young_people import young_person_create

# (given name, family name, age today, order type, years since the order started)
OLD_CASES = [
    ("Hollis", "Archiveson", 21, OrderType.REFERRAL_ORDER, 4),  # disposed of (3 years, 18)
    ("Marnie", "Oldfield", 20, OrderType.YOUTH_CONDITIONAL_CAUTION, 5),  # disposed of
    ("Tobias", "Lastingham", 19, OrderType.YOUTH_REHABILITATION_ORDER, 4),  # reduced (3 of 5)
    ("Esme", "Keepwell", 22, OrderType.DETENTION_AND_TRAINING_ORDER, 6),  # disposed of (5)
    ("Rory", "Notyetdue", 17, OrderType.REFERRAL_ORDER, 4),  # kept: not yet 18
]


def old_cases(*, today: dt.date, zone: ZoneInfo, case_manager=None) -> int:
    """Register the old cases (managed by `case_manager`), dated as if made when their orders
    started; put what is due up for approval. Returns how many cases are waiting."""
    for n, (given, family, age, order_type, years) in enumerate(OLD_CASES):
        # The age above, 100 days past that birthday, whatever day the demo is seeded.
        born = add_years(today, -age) - dt.timedelta(days=100 + n)
        person = young_person_create(
            given_name=given, family_name=family, date_of_birth=born, confirm_not_duplicate=True
        )
        started = dt.date(today.year - years, 1 + n, 10)
        case = case_create(
            young_person=person,
            order_type=order_type,
            order_start_date=started,
            case_manager=case_manager,
        )
        Case.objects.filter(pk=case.pk).update(
            # A reference of the year it started (numbers past any the demo gives out).
            reference=f"YJ-{started.year}-{900 + n:04d}",
            created_at=dt.datetime.combine(started, dt.time(10), tzinfo=zone),
        )
    batch = disposal_batch_propose(today=today)
    return batch.items.count() if batch else 0
