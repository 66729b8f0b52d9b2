"""GOV.UK Design System rendering for Django forms: one tag picks the component for a
field's widget, and inline errors and what was typed are kept."""

from __future__ import annotations

import datetime as dt

from django import forms, template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from frontend.forms import WEEKDAYS, DateWidget

register = template.Library()

TEMPLATES = [
    (DateWidget, "date_input"),
    # CheckboxSelectMultiple is a RadioSelect subclass in Django: test it first.
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.CheckboxInput, "checkbox"),
    (forms.Select, "select"),
    (forms.Textarea, "textarea"),
]


def component_for(widget: forms.Widget) -> str:
    for cls, name in TEMPLATES:
        if isinstance(widget, cls):
            return name
    return "input"


@register.inclusion_tag("frontend/fields/field.html")
def govuk_field(field: forms.BoundField, label_class: str = "", width: str = "") -> dict:
    """Render one bound field as the matching GOV.UK component."""
    widget = field.field.widget
    component = component_for(widget)
    value = field.value()
    if component in {"checkboxes"}:
        selected = {str(v) for v in (value or [])}
    else:
        selected = {"" if value is None else str(value)}
    date_parts = []
    if component == "date_input":
        parts = widget.decompress(value) if not isinstance(value, list) else value
        date_parts = [
            {
                "name": f"{field.html_name}_{i}",
                "id": f"{field.auto_id}_{i}",
                "label": label,
                "value": parts[i] if parts and parts[i] is not None else "",
                "width": w,
            }
            for i, (label, w) in enumerate([(_("Day"), 2), (_("Month"), 2), (_("Year"), 4)])
        ]
    return {
        "field": field,
        "component": component,
        "input_type": getattr(widget, "input_type", "text"),
        "choices": [
            {
                "value": str(v),
                "label": label,
                "id": f"{field.auto_id}_{i}",
                "checked": str(v) in selected,
            }
            for i, (v, label) in enumerate(getattr(field.field, "choices", []) or [])
        ]
        if component in {"radios", "checkboxes", "select"}
        else [],
        "date_parts": date_parts,
        "label_class": label_class,
        "width": width,
        "autocomplete": widget.attrs.get("autocomplete", ""),
        "inputmode": widget.attrs.get("inputmode", ""),
        "inline": widget.attrs.get("data-inline") == "true",
    }


def first_input_id(field: forms.BoundField) -> str:
    """Where an error summary link goes: the field's first box or first option."""
    if component_for(field.field.widget) in {"date_input", "radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    return field.auto_id


@register.inclusion_tag("frontend/fields/error_summary.html")
def govuk_error_summary(*forms_: forms.Form) -> dict:
    """The error summary: every error of the given forms, each linking to its field."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            items.append({"href": "", "text": message})
        for name, errors in form.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                continue
            for message in errors:
                items.append({"href": f"#{first_input_id(form[name])}", "text": message})
    return {"items": items}


# Day and month names in the page's language (Welsh when the visitor chose Cymraeg).
DAY_NAMES = [
    gettext_lazy("Monday"), gettext_lazy("Tuesday"), gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"), gettext_lazy("Friday"), gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]  # fmt: skip
MONTH_NAMES = [
    gettext_lazy("January"), gettext_lazy("February"), gettext_lazy("March"),
    gettext_lazy("April"), gettext_lazy("May"), gettext_lazy("June"), gettext_lazy("July"),
    gettext_lazy("August"), gettext_lazy("September"), gettext_lazy("October"),
    gettext_lazy("November"), gettext_lazy("December"),
]  # fmt: skip
MONTH_SHORT = [
    gettext_lazy("Jan"), gettext_lazy("Feb"), gettext_lazy("Mar"), gettext_lazy("Apr"),
    pgettext_lazy("abbreviated month", "May"), gettext_lazy("Jun"), gettext_lazy("Jul"),
    gettext_lazy("Aug"),
    gettext_lazy("Sep"), gettext_lazy("Oct"), gettext_lazy("Nov"), gettext_lazy("Dec"),
]  # fmt: skip


def day_words(value: dt.date) -> str:
    """'Tuesday 4 March 2031' in the page's language."""
    return f"{DAY_NAMES[value.weekday()]} {value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


@register.filter
def local_datetime(value: dt.datetime | None) -> str:
    """A moment in the YOT's zone, the way GOV.UK writes it: 9:30am on Monday 3 May 2027."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(time)s on %(day)s") % {"time": time_text(local), "day": day_words(local.date())}


@register.filter
def local_time(value: dt.datetime | None) -> str:
    return "" if value is None else time_text(timezone.localtime(value))


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return day_words(value)


@register.filter
def person(user) -> str:
    """A user as people read them: their full name, else their username ("" for nobody)."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


@register.filter
def short_day(value: dt.date | None) -> str:
    if value is None:
        return ""
    short = MONTH_SHORT[value.month - 1]
    return f"{value.day} {short} {value.year}"


def time_text(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = _("am") if moment.hour < 12 else _("pm")
    if moment.hour == 12 and moment.minute == 0:
        return _("midday")
    return f"{hour}:{moment.minute:02d}{suffix}" if moment.minute else f"{hour}{suffix}"


@register.filter
def weekday_names(days: list[int]) -> str:
    names = dict(WEEKDAYS)
    return ", ".join(str(names[d]) for d in sorted(days))
