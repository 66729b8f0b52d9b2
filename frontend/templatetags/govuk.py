"""GOV.UK Design System rendering for Django forms: one tag picks the component for a
field's widget, and inline errors and what was typed are kept."""

from __future__ import annotations

import datetime as dt

from django import forms, template
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.local_time import MONTH_SHORT, day_words_here, moment_words_here, time_words_here
from frontend.account_words import actor_words, detail_words
from frontend.findings_forms import in_language, own
from frontend.forms import WEEKDAYS, DateWidget
from screening.assessment.draft_words import missing_text_here, section_title_here
from screening.worktray.words import task_words

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


def day_words(value: dt.date) -> str:
    """'Tuesday 4 March 2031' in the page's language."""
    return day_words_here(value)


@register.filter
def local_datetime(value: dt.datetime | None) -> str:
    """A moment in the YOT's zone, the way GOV.UK writes it: 9:30am on Monday 3 May 2027."""
    if value is None:
        return ""
    return moment_words_here(value)


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
    return time_words_here(moment)


@register.filter
def weekday_names(days: list[int]) -> str:
    names = dict(WEEKDAYS)
    return ", ".join(str(names[d]) for d in sorted(days))


@register.filter
def event_actor(event) -> str:
    """Who made a privilege change (frontend/account_words.py)."""
    return actor_words(event)


@register.filter
def own_words(item, name: str):
    """An administrator's text (a findings question's label or hint) in the page's language:
    its Welsh wording on a Welsh page when given, else as written in <span lang="en">."""
    return own(item, name)


@register.filter
def form_title(form):
    """A findings form's title in the page's language: its Welsh title on a Welsh page when
    given, else the English in <span lang="en"> (agencies.models.FindingsForm.title_here)."""
    return in_language(*form.title_here) if form is not None else ""


@register.filter
def section_title(title: str) -> str:
    """A draft section's stored title in the page's language (draft_words)."""
    return section_title_here(title or "")


@register.filter
def missing_text(item) -> str:
    """Why an agency is missing from a draft, in the page's language (draft_words)."""
    return missing_text_here(item)


@register.filter
def task_text(task) -> str:
    """An admin task's text in the page's language (screening/worktray/words.py)."""
    return task_words(task)


@register.filter
def event_detail(detail: str) -> str:
    """A privilege change's stored detail in the page's language (frontend/account_words.py)."""
    return detail_words(detail)
