"""Test data built through the real services, so every rule applies to it."""

from __future__ import annotations

import datetime as dt
import itertools

from accounts.models import Role, User
from accounts.services import user_create
from agencies.models import Agency, Practitioner
from agencies.services import practitioner_create
from screening.models import Case, OrderType, Room, Venue, YoungPerson
from screening.services.cases import case_create
from screening.services.venues import room_create, venue_create
from screening.services.young_people import young_person_create

PASSWORD = "a-long-test-password-42"
_counter = itertools.count(1)

# Numbers that phonenumbers accepts as UK mobiles; fictional people only.
MOBILES = ["07400 123456", "07400 123457", "07911 123456", "07911 123457", "07700 100200"]


def make_user(*, role: str = Role.YOT_ADMIN, username: str | None = None, **extra) -> User:
    n = next(_counter)
    return user_create(
        username=username or f"{role}-{n}",
        password=PASSWORD,
        role=role,
        email=f"{role}-{n}@yot.example.org",
        **extra,
    )


def make_practitioner(
    *, agency: str | Agency = "health", user: User | None = None, with_login: bool = True, **extra
) -> Practitioner:
    n = next(_counter)
    if isinstance(agency, str):
        agency = Agency.objects.get(code=agency)
    if user is None and with_login:
        user = make_user(role=Role.PRACTITIONER)
    return practitioner_create(
        agency=agency,
        name=extra.pop("name", f"Practitioner {n}"),
        email=extra.pop("email", f"p{n}@agency.example.org"),
        user=user,
        **extra,
    )


def make_venue(**extra) -> Venue:
    n = next(_counter)
    return venue_create(
        name=extra.pop("name", f"Venue {n}"),
        address=extra.pop("address", f"{n} High Street, Sutton"),
        **extra,
    )


def make_room(*, venue: Venue | None = None, name: str | None = None) -> Room:
    return room_create(venue=venue or make_venue(), name=name or f"Room {next(_counter)}")


def make_young_person(**extra) -> YoungPerson:
    n = next(_counter)
    return young_person_create(
        given_name=extra.pop("given_name", f"Alex{n}"),
        family_name=extra.pop("family_name", "Testperson"),
        date_of_birth=extra.pop("date_of_birth", dt.date(2011, 5, 17)),
        **extra,
    )


def make_case(
    *,
    young_person: YoungPerson | None = None,
    case_manager: User | None = None,
    order_type: str = OrderType.REFERRAL_ORDER,
    order_start_date: dt.date = dt.date(2027, 3, 1),
) -> Case:
    return case_create(
        young_person=young_person or make_young_person(),
        order_type=order_type,
        order_start_date=order_start_date,
        case_manager=case_manager,
    )
