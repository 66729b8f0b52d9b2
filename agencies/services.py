"""Writes on practitioners, interpreters and their availability (stored in django-scheduler).

Working patterns and leave are stored the same way for anyone with an availability
calendar: the functions below take a practitioner or an interpreter (`practitioner=`
names the owner of the calendar; both kinds have `calendar`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext
from schedule.models import Calendar, Event, Rule

from accounts.models import Role, User
from agencies.availability import (
    WorkingPatternData,
    local_datetime,
    pattern_from_event,
    weekdays_to_params,
)
from agencies.languages import check_languages
from agencies.local_time import check_date_window
from agencies.models import Agency, Interpreter, Practitioner, new_feed_token

# Whoever keeps working patterns and leave on their own calendar.
CalendarOwner = Practitioner | Interpreter

PATTERN_TITLE = "Working pattern"
LEAVE_TITLE = "Leave"
# Documented maximum (README "Limits on input").
LEAVE_REASON_LIMIT = 500


def check_practitioner_user(*, user: User | None, practitioner: Practitioner | None = None) -> None:
    """A practitioner's login must have the practitioner role and serve one record only."""
    if user is None:
        return
    if user.role != Role.PRACTITIONER:
        raise ValidationError(
            {"user": [gettext("This login does not have the practitioner role.")]}
        )
    clash = Practitioner.objects.filter(user=user)
    if practitioner is not None and practitioner.pk:
        clash = clash.exclude(pk=practitioner.pk)
    if clash.exists():
        raise ValidationError(
            {"user": [gettext("This login already belongs to another practitioner.")]}
        )


@transaction.atomic
def practitioner_create(
    *,
    agency: Agency,
    name: str,
    email: str,
    user: User | None = None,
    phone: str = "",
    daily_session_cap: int = 6,
    buffer_minutes: int = 10,
) -> Practitioner:
    """Create a practitioner with their own availability calendar."""
    check_practitioner_user(user=user)
    calendar = Calendar.objects.create(
        name=f"Practitioner: {name}",
        slug=f"practitioner-{slugify(name)[:60]}-{new_feed_token()[:8].lower()}",
    )
    practitioner = Practitioner(
        agency=agency,
        name=name,
        email=email,
        user=user,
        phone=phone,
        daily_session_cap=daily_session_cap,
        buffer_minutes=buffer_minutes,
        calendar=calendar,
    )
    practitioner.full_clean()
    practitioner.save()
    return practitioner


@transaction.atomic
def practitioner_update(*, practitioner: Practitioner, **fields: object) -> Practitioner:
    """Change a practitioner's record."""
    if "user" in fields:
        check_practitioner_user(user=fields["user"], practitioner=practitioner)  # type: ignore[arg-type]
    for name, value in fields.items():
        setattr(practitioner, name, value)
    practitioner.full_clean()
    practitioner.save()
    return practitioner


@transaction.atomic
def practitioner_rotate_feed_token(*, practitioner: Practitioner) -> Practitioner:
    """Give the practitioner a new calendar feed secret; the old one stops working."""
    practitioner.feed_token = new_feed_token()
    practitioner.save(update_fields=["feed_token"])
    return practitioner


def _check_interpreter_fields(fields: dict) -> None:
    """Languages are known ISO 639-1 codes; raises ValidationError naming the field."""
    if "languages" in fields:
        try:
            fields["languages"] = check_languages(fields["languages"])
        except ValueError as error:
            raise ValidationError({"languages": [str(error)]}) from error


@transaction.atomic
def interpreter_create(
    *,
    name: str,
    languages: list[str],
    email: str,
    is_active: bool = True,
    invite_language: str = "",
) -> Interpreter:
    """Create an interpreter with their own availability calendar. `invite_language` is
    the language their calendar invites are written in (blank: English)."""
    fields = {"languages": languages}
    _check_interpreter_fields(fields)
    calendar = Calendar.objects.create(
        name=f"Interpreter: {name}",
        slug=f"interpreter-{slugify(name)[:60]}-{new_feed_token()[:8].lower()}",
    )
    interpreter = Interpreter(
        name=name,
        languages=fields["languages"],
        email=email,
        is_active=is_active,
        invite_language=invite_language,
        calendar=calendar,
    )
    interpreter.full_clean()
    interpreter.save()
    return interpreter


@transaction.atomic
def interpreter_update(*, interpreter: Interpreter, **fields: object) -> Interpreter:
    """Change an interpreter's name, languages, email, invite language or whether they are
    in the pool."""
    unknown = set(fields) - {"name", "languages", "email", "is_active", "invite_language"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [gettext("This field cannot be changed.")]})
    _check_interpreter_fields(fields)
    for name, value in fields.items():
        setattr(interpreter, name, value)
    interpreter.full_clean()
    interpreter.save()
    return interpreter


def _weekly_rule(weekdays: tuple[int, ...]) -> Rule:
    params = weekdays_to_params(weekdays)
    rule = Rule.objects.filter(frequency="WEEKLY", params=params).order_by("id").first()
    if rule is None:
        rule = Rule.objects.create(
            name=f"Weekly {params[10:]}"[:32],
            frequency="WEEKLY",
            params=params,
            description=f"Every week on {params[10:]}",
        )
    return rule


def check_working_pattern(
    *,
    weekdays: list[int] | tuple[int, ...],
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date,
    valid_until: dt.date | None,
) -> None:
    """Validate a weekly pattern; raises ValidationError naming each bad field."""
    check_date_window(valid_from=valid_from, valid_until=valid_until)
    errors: dict[str, list[str]] = {}
    if not weekdays:
        errors["weekdays"] = [gettext("Choose at least one weekday.")]
    elif any(not isinstance(d, int) or d < 0 or d > 6 for d in weekdays):
        errors["weekdays"] = [gettext("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")]
    elif len(set(weekdays)) != len(weekdays):
        errors["weekdays"] = [gettext("Each weekday may appear only once.")]
    if start_time >= end_time:
        errors["end_time"] = [gettext("End time must be after the start time.")]
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [gettext("The last valid day must not be before the first.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def working_pattern_create(
    *,
    practitioner: CalendarOwner,
    weekdays: list[int] | tuple[int, ...],
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> WorkingPatternData:
    """Store a weekly working pattern as a recurring django-scheduler Event."""
    check_working_pattern(
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    until = None
    if valid_until is not None:
        until = local_datetime(valid_until + dt.timedelta(days=1), dt.time(0, 0))
    event = Event.objects.create(
        calendar=practitioner.calendar,
        title=PATTERN_TITLE,
        start=local_datetime(valid_from, start_time),
        end=local_datetime(valid_from, end_time),
        rule=_weekly_rule(tuple(weekdays)),
        end_recurring_period=until,
    )
    return pattern_from_event(event)


def working_patterns_of(*, practitioner: CalendarOwner) -> list[WorkingPatternData]:
    events = (
        Event.objects.filter(calendar_id=practitioner.calendar_id, rule__isnull=False)
        .select_related("rule")
        .order_by("start", "id")
    )
    return [pattern_from_event(e) for e in events]


@transaction.atomic
def working_pattern_delete(*, practitioner: CalendarOwner, pattern_id: int) -> None:
    """Remove one pattern of this practitioner; raises Event.DoesNotExist otherwise."""
    Event.objects.get(
        pk=pattern_id, calendar_id=practitioner.calendar_id, rule__isnull=False
    ).delete()


def check_leave(*, start: dt.datetime, end: dt.datetime) -> None:
    """Leave is a span with UTC offsets, inside the date window, up to a year long."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError({"start": [gettext("Give a date and time with a UTC offset.")]})
    check_date_window(start=start, end=end)
    if end <= start:
        raise ValidationError({"end": [gettext("Leave must end after it starts.")]})
    if end - start > dt.timedelta(days=366):
        raise ValidationError(
            {"end": [gettext("Leave longer than a year must be entered in parts.")]}
        )


@transaction.atomic
def leave_create(
    *, practitioner: CalendarOwner, start: dt.datetime, end: dt.datetime, reason: str = ""
) -> Event:
    """Record leave as a one-off Event on the practitioner's calendar."""
    check_leave(start=start, end=end)
    if len(reason) > LEAVE_REASON_LIMIT:
        raise ValidationError(
            {
                "reason": [
                    gettext("Write at most %(limit)s characters.")
                    % {"limit": f"{LEAVE_REASON_LIMIT:,}"}
                ]
            }
        )
    return Event.objects.create(
        calendar=practitioner.calendar, title=LEAVE_TITLE, start=start, end=end, description=reason
    )


def leave_of(*, practitioner: CalendarOwner):
    return Event.objects.filter(calendar_id=practitioner.calendar_id, rule__isnull=True).order_by(
        "start", "id"
    )


@transaction.atomic
def leave_delete(*, practitioner: CalendarOwner, leave_id: int) -> None:
    """Remove one leave entry of this practitioner; raises Event.DoesNotExist otherwise."""
    Event.objects.get(pk=leave_id, calendar_id=practitioner.calendar_id, rule__isnull=True).delete()
