"""Django forms for the pages. Rendering is GOV.UK's (templatetags/govuk.py); the rules
stay in the services, whose ValidationErrors are put back on the form's fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import Role, User
from agencies.local_time import DATE_WINDOW, date_words_here, in_date_window, month_words_here
from agencies.models import Agency, Practitioner
from agencies.services import LEAVE_REASON_LIMIT
from screening.booking.services import REASON_LIMIT
from screening.models import Language, OrderType, Room, Venue, YoungPerson
from screening.models.venues import ROOMLESS_KINDS
from screening.people.search import parse_search
from screening.people.selectors import CaseStatus
from screening.people.young_people import COMMUNICATION_NEEDS_LIMIT
from screening.scheduling.search import GAP_LIMIT_MINUTES

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


class DateWidget(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes; what was typed is kept as typed."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: dt.date | None) -> list[str | None]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A real date from GOV.UK's three boxes, inside the date window (the API's too), with
    GOV.UK's error wording."""

    widget = DateWidget

    def __init__(self, *, label_name: object = gettext_lazy("date"), **kwargs: object) -> None:
        self.label_name = label_name
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        self.error_messages["required"] = _named(
            gettext_noop("Enter the %(label_name)s"), label_name
        )
        self.error_messages["incomplete"] = _named(
            gettext_noop("The %(label_name)s must include a day, month and year"), label_name
        )

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        if not all(data_list):
            raise ValidationError(self.error_messages["incomplete"])
        try:
            day, month, year = (int(str(p).strip()) for p in data_list)
            if year < 1000:
                raise ValueError
            value = dt.date(year, month, day)
        except ValueError as exc:
            raise ValidationError(
                _("The %(label_name)s must be a real date") % {"label_name": self.label_name}
            ) from exc
        if not in_date_window(value):
            first, last = (date_words_here(d) for d in DATE_WINDOW)
            raise ValidationError(
                _("The %(label_name)s must be between %(first)s and %(last)s")
                % {"label_name": self.label_name, "first": first, "last": last}
            )
        return value


def _named(msgid: str, label_name: object) -> str:
    """A date field's error naming the field, worded when shown (the field is made when the
    module loads, before any page's language is known)."""
    return lazy(lambda: _(msgid) % {"label_name": label_name}, str)()


def at_most(limit: int, what: str) -> dict[str, str]:
    """GOV.UK's wording for text beyond its documented maximum (README "Limits on input")."""
    return {
        "max_length": format_lazy(
            gettext_lazy("{what} must be {limit} characters or fewer"),
            what=what,
            limit=f"{limit:,}",
        )
    }


def check_date_order(form: forms.Form, first: str, last: str, message: str) -> None:
    """An error on the `last` date field when it is before the `first` one (both given)."""
    start, end = form.cleaned_data.get(first), form.cleaned_data.get(last)
    if start and end and end < start:
        form.add_error(last, message)


class TimeField(forms.TimeField):
    widget = forms.TextInput

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M", "%H:%M:%S"])
        super().__init__(**kwargs)
        self.error_messages["invalid"] = gettext_lazy("Enter a time like 09:30 or 14:00")


def apply_service_errors(
    form: forms.Form, error: ValidationError, names: Mapping[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form: each key on its field (renamed by
    `names`), anything else at the top of the error summary."""
    names = names or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        field = names.get(key, key)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchForm(forms.Form):
    """A search box: name words, a case reference and a date of birth in any GOV.UK form
    (screening/people/search.py)."""

    q = forms.CharField(
        label=gettext_lazy("Search by name, date of birth or case reference"),
        help_text=gettext_lazy(
            "A first or last name, a reference like YJ-2027-0042, or a date like 4/1/2011 "
            "or 4 January 2011"
        ),
        required=False,
        max_length=100,
        widget=SearchInput,
        error_messages=at_most(100, gettext_lazy("The search")),
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        try:
            parse_search(text)
        except ValidationError as error:
            raise ValidationError(error.message_dict["q"]) from error
        return text


class CaseFilterForm(SearchForm):
    """The cases list's filters: the search, status, agency and assessment due dates."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    agency = forms.ChoiceField(label=gettext_lazy("Agency seen"), required=False)
    due_from = DateField(
        label=gettext_lazy("Assessment due from"),
        label_name=gettext_lazy("first assessment due date"),
        required=False,
        help_text=gettext_lazy("For example, 1 3 2027"),
    )
    due_to = DateField(
        label=gettext_lazy("Assessment due by"),
        label_name=gettext_lazy("last assessment due date"),
        required=False,
        help_text=gettext_lazy("For example, 31 3 2027"),
    )

    def __init__(self, *args: object, statuses: list[CaseStatus], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = [(status.value, status.label) for status in statuses]
        self.fields["status"].choices = [("", _("Any status")), *choices]
        self.fields["agency"].choices = [
            ("", _("Any agency")),
            *Agency.objects.order_by("order").values_list("code", "name"),
        ]

    def clean(self) -> dict:
        data = super().clean()
        check_date_order(
            self,
            "due_from",
            "due_to",
            _("The last due date must be the same as or after the first"),
        )
        return data


class VisitFilterForm(forms.Form):
    """The visits list's filters: a day, a room, a practitioner."""

    day = DateField(
        label=gettext_lazy("Day"),
        label_name=gettext_lazy("day"),
        required=False,
        help_text=gettext_lazy("For example, 2 3 2027"),
    )
    room = forms.ModelChoiceField(
        label=gettext_lazy("Room"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any room"),
    )
    practitioner = forms.ModelChoiceField(
        label=gettext_lazy("Practitioner"),
        queryset=Practitioner.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any practitioner"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.select_related("venue").order_by(
            "venue__name", "name", "id"
        )
        self.fields["practitioner"].queryset = Practitioner.objects.select_related(
            "agency"
        ).order_by("name", "id")
        self.fields["practitioner"].label_from_instance = lambda p: f"{p.name} ({p.agency.name})"


# --- young people ----------------------------------------------------------------------------

UNAVAILABLE_ROWS = 2


# The parent or carer's attendance: by age (None), or the admin's yes or no.
MUST_ATTEND_CHOICES = [
    ("age", gettext_lazy("By age (under 16 on the order start date)")),
    ("yes", gettext_lazy("Yes, for every case")),
    ("no", gettext_lazy("No")),
]


def _must_attend_value(key: str) -> bool | None:
    return {"yes": True, "no": False}.get(key)


def _must_attend_key(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "age")  # type: ignore[arg-type]


# Each list of weekly times on the form: the service's field -> (field prefix, whose).
TIME_ROWS = {
    "unavailable": ("u", ""),
    "parent_carer_unavailable": ("c", "parent or carer's "),
}


class YoungPersonForm(forms.Form):
    given_name = forms.CharField(label=gettext_lazy("First name"), max_length=100)
    family_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100)
    date_of_birth = DateField(
        label=gettext_lazy("Date of birth"),
        label_name=gettext_lazy("date of birth"),
        help_text=gettext_lazy("For example, 27 3 2011"),
    )
    mobile = forms.CharField(
        label=gettext_lazy("Mobile number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("A UK mobile, for texts about the visit"),
    )
    sms_consent = forms.BooleanField(
        label=gettext_lazy("The young person agrees to texts"), required=False
    )
    parent_carer_name = forms.CharField(
        label=gettext_lazy("Parent or carer's name"), required=False, max_length=150
    )
    parent_carer_mobile = forms.CharField(
        label=gettext_lazy("Parent or carer's mobile number"), required=False, max_length=20
    )
    parent_carer_sms_consent = forms.BooleanField(
        label=gettext_lazy("The parent or carer agrees to texts"), required=False
    )
    parent_carer_must_attend = forms.TypedChoiceField(
        label=gettext_lazy("Must a parent or carer come to the visit?"),
        choices=MUST_ATTEND_CHOICES,
        coerce=_must_attend_value,
        empty_value=None,
        initial="age",
        # Left out (an older form or a script), it is decided by age.
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "By age: yes for an order that starts before the young person is 16"
        ),
    )
    communication_needs = forms.CharField(
        label=gettext_lazy("Communication needs"),
        required=False,
        max_length=COMMUNICATION_NEEDS_LIMIT,
        error_messages=at_most(COMMUNICATION_NEEDS_LIMIT, gettext_lazy("Communication needs")),
        widget=forms.Textarea,
        help_text=gettext_lazy(
            "How to communicate well with the young person; shown to every practitioner"
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language for texts"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        initial=Language.ENGLISH,
    )
    # Shown only once a possible duplicate was found (same name and date of birth).
    confirm_not_duplicate = forms.BooleanField(
        label=gettext_lazy("This is a different person: save anyway"), required=False
    )

    messages = {
        "given_name": gettext_lazy("Enter the young person's first name"),
        "family_name": gettext_lazy("Enter the young person's last name"),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_name"].error_messages["required"] = self.messages["given_name"]
        self.fields["family_name"].error_messages["required"] = self.messages["family_name"]
        for prefix, whose in TIME_ROWS.values():
            for i in range(UNAVAILABLE_ROWS):
                n = "first" if i == 0 else "second"
                self.fields[f"{prefix}{i}_weekdays"] = forms.TypedMultipleChoiceField(
                    label=_("Days of the %(whose)s%(n)s usual unavailable time")
                    % {"whose": whose, "n": n},
                    choices=WEEKDAYS,
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
                self.fields[f"{prefix}{i}_start"] = TimeField(
                    label=_("From"), required=False, help_text=_("For example, 08:45")
                )
                self.fields[f"{prefix}{i}_end"] = TimeField(
                    label=_("To"), required=False, help_text=_("For example, 15:15")
                )

    def _rows(self, prefix: str) -> list[list[forms.BoundField]]:
        return [
            [self[f"{prefix}{i}_weekdays"], self[f"{prefix}{i}_start"], self[f"{prefix}{i}_end"]]
            for i in range(UNAVAILABLE_ROWS)
        ]

    def unavailable_rows(self) -> list[list[forms.BoundField]]:
        return self._rows("u")

    def parent_carer_unavailable_rows(self) -> list[list[forms.BoundField]]:
        return self._rows("c")

    def clean(self) -> dict:
        data = super().clean()
        for prefix, _whose in TIME_ROWS.values():
            for i in range(UNAVAILABLE_ROWS):
                name = f"{prefix}{i}"
                days, start, end = (data.get(f"{name}_{k}") for k in ("weekdays", "start", "end"))
                if (days or start or end) and not (days and start and end):
                    if not days:
                        self.add_error(
                            f"{name}_weekdays", _("Choose the days of this unavailable time")
                        )
                    if not start:
                        self.add_error(f"{name}_start", _("Enter the time it starts"))
                    if not end:
                        self.add_error(f"{name}_end", _("Enter the time it ends"))
        return data

    def service_values(self) -> dict[str, object]:
        data = self.cleaned_data
        values = {name: data[name] for name in self.base_fields}
        for field, (prefix, _whose) in TIME_ROWS.items():
            values[field] = [
                {
                    "weekdays": data[f"{prefix}{i}_weekdays"],
                    "start_time": data[f"{prefix}{i}_start"],
                    "end_time": data[f"{prefix}{i}_end"],
                }
                for i in range(UNAVAILABLE_ROWS)
                if data.get(f"{prefix}{i}_weekdays")
            ]
        return values

    @classmethod
    def initial_for(cls, person: YoungPerson) -> dict[str, object]:
        initial = {
            name: getattr(person, name)
            for name in cls.base_fields
            if name != "confirm_not_duplicate"
        }
        initial["parent_carer_must_attend"] = _must_attend_key(person.parent_carer_must_attend)
        for field, (prefix, _whose) in TIME_ROWS.items():
            rows = list(getattr(person, field).all())[:UNAVAILABLE_ROWS]
            for i, row in enumerate(rows):
                initial[f"{prefix}{i}_weekdays"] = [str(d) for d in row.weekdays]
                initial[f"{prefix}{i}_start"] = row.start_time.strftime("%H:%M")
                initial[f"{prefix}{i}_end"] = row.end_time.strftime("%H:%M")
        return initial

    # The service names unavailable rows like "unavailable.0.end_time".
    service_names = {
        f"{field}.{i}.{part}": f"{prefix}{i}_{mine}"
        for field, (prefix, _whose) in TIME_ROWS.items()
        for i in range(UNAVAILABLE_ROWS)
        for part, mine in (("weekdays", "weekdays"), ("end_time", "end"))
    }


# --- cases -----------------------------------------------------------------------------------


class CaseForm(forms.Form):
    order_type = forms.ChoiceField(
        label=gettext_lazy("Order type"),
        choices=OrderType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the order type")},
    )
    order_start_date = DateField(
        label=gettext_lazy("Order start date"),
        label_name=gettext_lazy("order start date"),
        help_text=gettext_lazy("For example, 3 5 2027"),
    )
    case_manager = forms.ModelChoiceField(
        label=gettext_lazy("Case manager"),
        required=False,
        queryset=User.objects.none(),
        empty_label=gettext_lazy("No case manager yet"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        managers = User.objects.filter(role=Role.CASE_MANAGER, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
        field = self.fields["case_manager"]
        field.queryset = managers
        field.label_from_instance = lambda u: u.get_full_name() or u.username


# --- booking ---------------------------------------------------------------------------------


def _gap_field(label: str, words: str) -> forms.IntegerField:
    """A gap between sessions, within the limit the API applies too."""
    words = format_lazy(words, limit=GAP_LIMIT_MINUTES)
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=GAP_LIMIT_MINUTES,
        required=False,
        error_messages={"min_value": words, "max_value": words},
    )


# How the booking page's venue checkboxes describe each kind of venue.
VENUE_KIND_WORDS = {
    "yot_office": gettext_lazy("YOT office"),
    "community": gettext_lazy("community venue"),
    "school": gettext_lazy("school, no room needed"),
    "home": gettext_lazy("home, no room needed"),
}


def venue_choice_label(venue: Venue) -> str:
    """'Mill Road youth centre (community venue, 25 minutes' travel)'."""
    kind = VENUE_KIND_WORDS.get(venue.kind, venue.kind)
    if venue.travel_minutes:
        return _("%(name)s (%(kind)s, %(minutes)s minutes' travel)") % {
            "name": venue.name,
            "kind": kind,
            "minutes": venue.travel_minutes,
        }
    return _("%(name)s (%(kind)s)") % {"name": venue.name, "kind": kind}


class OptionsForm(forms.Form):
    """What the admin asks of the visit; the same choices as GET /cases/{id}/visit-options/."""

    agencies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agencies to see"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one agency")},
    )
    venues = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Where the visit may be"),
        queryset=Venue.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Choose one or more: each option says where it is. Practitioners travel to a "
            "venue away from the office and back; a home or school visit needs no room"
        ),
    )
    order = forms.ChoiceField(
        label=gettext_lazy("Order of sessions"),
        choices=[("fixed", gettext_lazy("In the usual order")), ("any", gettext_lazy("Any order"))],
        widget=forms.RadioSelect,
        initial="fixed",
    )
    min_gap = _gap_field(
        gettext_lazy("Shortest gap between sessions, in minutes"),
        gettext_lazy("The shortest gap between sessions must be from 0 to {limit} minutes"),
    )
    max_gap = _gap_field(
        gettext_lazy("Longest gap between sessions, in minutes"),
        gettext_lazy("The longest gap between sessions must be from 0 to {limit} minutes"),
    )
    not_before = DateField(
        label=gettext_lazy("Not before"),
        label_name=gettext_lazy("first day"),
        required=False,
        help_text=gettext_lazy(
            "Leave empty to start from the order's start date, or the earliest "
            "possible if that has passed"
        ),
    )
    respect_unavailable = forms.BooleanField(
        label=gettext_lazy(
            "Never during the young person's usual unavailable times (or the parent or "
            "carer's, when they must attend)"
        ),
        required=False,
        help_text=gettext_lazy("Otherwise times outside them are only listed first"),
    )
    spread = forms.ChoiceField(
        label=gettext_lazy("Which times to show"),
        choices=[
            ("yes", gettext_lazy("Spread across days: at most 3 a day, 2 hours apart")),
            (
                "no",
                gettext_lazy(
                    "Every time from the earliest: to choose within one day, give it as "
                    "'Not before'"
                ),
            ),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial="yes",
    )

    def __init__(self, *args: object, agencies: list[Agency], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.agency_list = agencies
        self.fields["agencies"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        # Venues with an active room, and those that need none (a home or school).
        venues = self.fields["venues"]
        venues.queryset = (
            Venue.objects.filter(Q(rooms__is_active=True) | Q(kind__in=ROOMLESS_KINDS))
            .distinct()
            .order_by("name")
        )
        venues.label_from_instance = venue_choice_label
        for agency in agencies:
            self.fields[f"duration_{agency.code}"] = forms.IntegerField(
                label=_("%(name)s session, in minutes") % {"name": agency.name},
                min_value=5,
                max_value=240,
                required=False,
                help_text=_("Usually %(default_duration_minutes)s")
                % {"default_duration_minutes": agency.default_duration_minutes},
            )

    def duration_fields(self) -> list[forms.BoundField]:
        return [self[f"duration_{a.code}"] for a in self.agency_list]

    def clean(self) -> dict:
        data = super().clean()
        lo, hi = data.get("min_gap"), data.get("max_gap")
        if lo is not None and hi is not None and lo > hi:
            self.add_error(
                "max_gap", _("The longest gap must not be shorter than the shortest gap")
            )
        return data

    def spread_out(self) -> bool:
        """Spread unless the admin asked for every time (a query without the choice spreads)."""
        return self.cleaned_data.get("spread") != "no"

    def durations(self) -> dict[str, int]:
        return {
            a.code: self.cleaned_data[f"duration_{a.code}"]
            for a in self.agency_list
            if self.cleaned_data.get(f"duration_{a.code}")
        }


class LateReasonForm(forms.Form):
    late_reason = forms.CharField(
        label=gettext_lazy("Why is this visit after the deadline?"),
        required=False,
        max_length=REASON_LIMIT,
        error_messages=at_most(REASON_LIMIT, gettext_lazy("The reason")),
        widget=forms.Textarea,
        help_text=gettext_lazy("Recorded for the timeliness report"),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the visit cancelled?"),
        widget=forms.Textarea,
        max_length=REASON_LIMIT,
        error_messages={
            "required": gettext_lazy("Say why the visit is cancelled"),
            **at_most(REASON_LIMIT, gettext_lazy("The reason")),
        },
    )


class AttendanceForm(forms.Form):
    attended = forms.ChoiceField(
        label=gettext_lazy("Did the young person attend this session?"),
        choices=[
            ("yes", gettext_lazy("Yes, attended")),
            ("no", gettext_lazy("No, did not attend")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Say whether the young person attended")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason, if they did not attend"),
        required=False,
        widget=forms.Textarea,
        max_length=REASON_LIMIT,
        error_messages=at_most(REASON_LIMIT, gettext_lazy("The reason")),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("attended") == "no" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the young person did not attend"))
        return data


class RebookReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the session rebooked?"),
        widget=forms.Textarea,
        max_length=REASON_LIMIT,
        error_messages={
            "required": gettext_lazy("Say why the session is rebooked"),
            **at_most(REASON_LIMIT, gettext_lazy("The reason")),
        },
    )


# --- availability ----------------------------------------------------------------------------


class WorkingPatternForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one day")},
    )
    start_time = TimeField(
        label=gettext_lazy("Start time"),
        help_text=gettext_lazy("For example, 09:00"),
        error_messages={"required": gettext_lazy("Enter the start time")},
    )
    end_time = TimeField(
        label=gettext_lazy("End time"),
        help_text=gettext_lazy("For example, 17:00"),
        error_messages={"required": gettext_lazy("Enter the end time")},
    )
    valid_from = DateField(label=gettext_lazy("From"), label_name=gettext_lazy("first day"))
    valid_until = DateField(
        label=gettext_lazy("Until"),
        label_name=gettext_lazy("last day"),
        required=False,
        help_text=gettext_lazy("Leave empty if it has no end"),
    )


class LeaveForm(forms.Form):
    first_day = DateField(
        label=gettext_lazy("First day of leave"), label_name=gettext_lazy("first day of leave")
    )
    last_day = DateField(
        label=gettext_lazy("Last day of leave"), label_name=gettext_lazy("last day of leave")
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=LEAVE_REASON_LIMIT,
        error_messages=at_most(LEAVE_REASON_LIMIT, gettext_lazy("The reason")),
        help_text=gettext_lazy("For example, annual leave or training"),
    )

    def clean(self) -> dict:
        data = super().clean()
        check_date_order(
            self,
            "first_day",
            "last_day",
            _("The last day must be the same as or after the first day"),
        )
        return data


class TokenForm(forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={
            "required": gettext_lazy("Enter the 6-digit code from your authenticator app")
        },
    )


class SetupCodeForm(forms.Form):
    setup_code = forms.CharField(
        label=gettext_lazy("Setup code"),
        help_text=gettext_lazy(
            "Your administrator gives you this code, for example ABCD-EFGH-JKLM."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": gettext_lazy("Enter the setup code your administrator gave you")
        },
    )


# --- calendar import -------------------------------------------------------------------------


class CalendarUrlForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("Address of your calendar"),
        max_length=2000,
        help_text=gettext_lazy(
            "The secret iCal address your calendar app gives you, starting https://"
        ),
        error_messages={
            "required": gettext_lazy("Enter the address of the calendar"),
            "max_length": gettext_lazy("The address must be 2000 characters or fewer"),
        },
    )


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Upload a calendar file"),
        help_text=gettext_lazy("An .ics file exported from your calendar app"),
        error_messages={
            "required": gettext_lazy("Choose an .ics file to upload"),
            "empty": gettext_lazy("The chosen file is empty"),
            "invalid": gettext_lazy("Choose an .ics file to upload"),
        },
    )


# --- timeliness report -----------------------------------------------------------------------

REPORT_MAX_MONTHS = 24


def month_choices(today: dt.date, back: int = 48) -> list[tuple[str, str]]:
    """Months from `back` months ago to this one, newest first, as ("2027-04", "April 2027")."""
    index = today.year * 12 + today.month - 1
    months = [dt.date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(back + 1)]
    return [(f"{m:%Y-%m}", month_words_here(m)) for m in months]


class PeriodForm(forms.Form):
    """The report's period: whole months, from one to another."""

    start = forms.ChoiceField(
        label=gettext_lazy("From"),
        error_messages={"invalid_choice": gettext_lazy("Choose a month")},
    )
    end = forms.ChoiceField(
        label=gettext_lazy("To"), error_messages={"invalid_choice": gettext_lazy("Choose a month")}
    )

    def __init__(self, *args: object, today: dt.date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].choices = month_choices(today)
            self.fields[name].error_messages["required"] = (
                gettext_lazy("Choose the month to report from")
                if name == "start"
                else gettext_lazy("Choose the month to report to")
            )

    @staticmethod
    def month(value: str) -> dt.date:
        return dt.datetime.strptime(value, "%Y-%m").date()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end"):
            start, end = self.month(data["start"]), self.month(data["end"])
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            if months < 1:
                self.add_error("end", _("The last month must be the same as or after the first"))
            elif months > REPORT_MAX_MONTHS:
                self.add_error(
                    "end",
                    _("Choose a period of %(REPORT_MAX_MONTHS)s months or fewer")
                    % {"REPORT_MAX_MONTHS": REPORT_MAX_MONTHS},
                )
            else:
                data["first_month"], data["last_month"] = start, end
        return data


class ScheduleForm(forms.Form):
    """Which days of the week or day view to show, and whose."""

    week_of = DateField(
        label=gettext_lazy("Week of"), label_name=gettext_lazy("date"), required=False
    )
    venue = forms.ModelChoiceField(
        label=gettext_lazy("Venue"),
        queryset=Venue.objects.none(),
        required=False,
        empty_label=gettext_lazy("All venues"),
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All agencies"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.order_by("name")
        self.fields["agency"].queryset = Agency.objects.order_by("name")
