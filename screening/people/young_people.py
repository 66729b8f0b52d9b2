"""Writes on young people and their usual unavailable times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from agencies.local_time import check_date_window
from screening.errors import PossibleDuplicate, too_long
from screening.models import ParentCarerUnavailableTime, UnavailableTime, YoungPerson
from screening.phone import normalise_uk_mobile

PHONE_FIELDS = ("mobile", "parent_carer_mobile")
# Documented maximums (README "Limits on input"): the text is shown to every practitioner
# on every session page; the times are a week's pattern, never thousands of rows.
COMMUNICATION_NEEDS_LIMIT = 5000
UNAVAILABLE_LIMIT = 50


def check_communication_needs(text: object) -> None:
    if isinstance(text, str) and len(text) > COMMUNICATION_NEEDS_LIMIT:
        raise ValidationError({"communication_needs": [too_long(COMMUNICATION_NEEDS_LIMIT)]})


def check_unavailable(
    *, rows: Iterable[Mapping[str, object]], field: str = "unavailable"
) -> list[dict[str, object]]:
    """Validate weekly unavailable times (at most UNAVAILABLE_LIMIT) given as `field`
    (`unavailable` or `parent_carer_unavailable`); raises ValidationError naming the row
    and field."""
    rows = list(rows)
    if len(rows) > UNAVAILABLE_LIMIT:
        raise ValidationError(
            {
                field: [
                    gettext("Give at most %(limit)s unavailable times.")
                    % {"limit": UNAVAILABLE_LIMIT}
                ]
            }
        )
    cleaned: list[dict[str, object]] = []
    for index, row in enumerate(rows):
        weekdays = row.get("weekdays")
        start, end = row.get("start_time"), row.get("end_time")
        prefix = f"{field}.{index}"
        if (
            not isinstance(weekdays, (list, tuple))
            or not weekdays
            or any(
                not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in weekdays
            )
        ):
            raise ValidationError(
                {
                    f"{prefix}.weekdays": [
                        gettext("Give weekday numbers from 0 (Monday) to 6 (Sunday).")
                    ]
                }
            )
        if not isinstance(start, dt.time) or not isinstance(end, dt.time) or start >= end:
            raise ValidationError(
                {f"{prefix}.end_time": [gettext("End time must be after the start time.")]}
            )
        cleaned.append({"weekdays": sorted(set(weekdays)), "start_time": start, "end_time": end})
    return cleaned


CARER_FIELD = "parent_carer_unavailable"


def _replace_times(
    person: YoungPerson,
    rows: list[dict[str, object]] | None,
    carer_rows: list[dict[str, object]] | None,
    *,
    new: bool = False,
) -> None:
    """Each given list of weekly times replaces the stored one (None keeps it); a person
    `new`ly written has none stored to remove."""
    for model, given in ((UnavailableTime, rows), (ParentCarerUnavailableTime, carer_rows)):
        if given is not None:
            if not new:
                model.objects.filter(young_person=person).delete()
            model.objects.bulk_create(model(young_person=person, **r) for r in given)


def _normalise_phones(fields: dict[str, object]) -> None:
    for name in PHONE_FIELDS:
        if fields.get(name):
            try:
                fields[name] = normalise_uk_mobile(str(fields[name]))
            except ValidationError as exc:
                raise ValidationError({name: exc.messages}) from exc


def _name_key(name: object) -> str:
    return str(name or "").strip().casefold()


def possible_duplicates(
    *, given_name: str, family_name: str, date_of_birth: dt.date, other_than: int | None = None
) -> list[YoungPerson]:
    """Young people already registered with this name and date of birth (names compared
    ignoring case and surrounding spaces), leaving out `other_than` (the one being changed).
    The names are compared here, not in SQL, so that case folding is Python's for every
    alphabet (SQLite's LOWER folds ASCII letters only)."""
    key = (_name_key(given_name), _name_key(family_name))
    same_day = (
        YoungPerson.objects.filter(date_of_birth=date_of_birth)
        .exclude(pk=other_than)
        .only("id", "given_name", "family_name", "date_of_birth")
        .order_by("id")
    )
    return [p for p in same_day if (_name_key(p.given_name), _name_key(p.family_name)) == key]


def check_not_duplicate(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    other_than: int | None = None,
    confirmed: bool,
) -> None:
    """Raises PossibleDuplicate naming the young people registered with the same name and
    date of birth, unless the admin confirmed this is someone else."""
    if confirmed:
        return
    existing = possible_duplicates(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        other_than=other_than,
    )
    if existing:
        raise PossibleDuplicate(existing=existing)


@transaction.atomic
def young_person_create(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    unavailable: Iterable[Mapping[str, object]] = (),
    parent_carer_unavailable: Iterable[Mapping[str, object]] = (),
    confirm_not_duplicate: bool = False,
    **details: object,
) -> YoungPerson:
    """Register a young person; phone numbers are checked and stored in E.164. Raises
    PossibleDuplicate when someone with the same name and date of birth is registered,
    unless `confirm_not_duplicate`."""
    check_date_window(date_of_birth=date_of_birth)
    check_communication_needs(details.get("communication_needs"))
    _normalise_phones(details)
    rows = check_unavailable(rows=unavailable)
    carer_rows = check_unavailable(rows=parent_carer_unavailable, field=CARER_FIELD)
    check_not_duplicate(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        confirmed=confirm_not_duplicate,
    )
    person = YoungPerson(
        given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, **details
    )
    person.full_clean()
    person.save()
    _replace_times(person, rows, carer_rows, new=True)
    return person


@transaction.atomic
def young_person_update(
    *,
    young_person: YoungPerson,
    unavailable: Iterable[Mapping[str, object]] | None = None,
    parent_carer_unavailable: Iterable[Mapping[str, object]] | None = None,
    confirm_not_duplicate: bool = False,
    **fields: object,
) -> YoungPerson:
    """Change a young person's details; a given unavailable list (the young person's or the
    parent or carer's) replaces the old one. A
    change of name or date of birth that makes them look like someone else registered
    raises PossibleDuplicate, unless `confirm_not_duplicate`."""
    check_date_window(date_of_birth=fields.get("date_of_birth"))  # type: ignore[arg-type]
    check_communication_needs(fields.get("communication_needs"))
    _normalise_phones(fields)
    rows = None if unavailable is None else check_unavailable(rows=unavailable)
    carer_rows = (
        None
        if parent_carer_unavailable is None
        else check_unavailable(rows=parent_carer_unavailable, field=CARER_FIELD)
    )
    identity = {
        "given_name": fields.get("given_name", young_person.given_name),
        "family_name": fields.get("family_name", young_person.family_name),
        "date_of_birth": fields.get("date_of_birth", young_person.date_of_birth),
    }
    was = (
        _name_key(young_person.given_name),
        _name_key(young_person.family_name),
        young_person.date_of_birth,
    )
    now = (
        _name_key(identity["given_name"]),
        _name_key(identity["family_name"]),
        identity["date_of_birth"],
    )
    if now != was:
        check_not_duplicate(
            **identity,  # type: ignore[arg-type]
            other_than=young_person.pk,
            confirmed=confirm_not_duplicate,
        )
    for name, value in fields.items():
        setattr(young_person, name, value)
    if not young_person.mobile:
        young_person.sms_consent = False
    if not young_person.parent_carer_mobile:
        young_person.parent_carer_sms_consent = False
    young_person.full_clean()
    young_person.save()
    _replace_times(young_person, rows, carer_rows)
    return young_person
