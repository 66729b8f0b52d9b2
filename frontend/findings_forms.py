"""A Django form built from an agency's findings form definition (agencies.findings_forms):
one GOV.UK component per question type, and a fixed number of blank action rows so the
page needs no JavaScript. The rules stay in check_answers, called by the services; this
form only turns what was typed into answers and puts the service's errors back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.findings_forms import (
    ACTION_LIMIT,
    PLAN_CATEGORIES,
    TEXT_LIMIT,
    choices_of,
    own_words,
)
from agencies.models import Agency
from frontend.forms import DateField, at_most

EXTRA_ACTION_ROWS = 3
ACTION_FIELDS = ("action", "owner_agency", "due_date", "category")


class NumberInput(forms.TextInput):
    """GOV.UK asks for a text input with a numeric keyboard, not type=number."""

    def __init__(self) -> None:
        super().__init__(attrs={"inputmode": "numeric"})


class NumberField(forms.CharField):
    """A whole or decimal number; the range is checked by the form definition's rules."""

    widget = NumberInput

    def to_python(self, value: Any) -> int | float | None:
        text = (value or "").strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError as exc:
            raise ValidationError(
                _("%(label)s: enter a number, like 12") % {"label": self.label}
            ) from exc


def in_language(text: str, lang: str) -> SafeString:
    """Text as HTML, inside <span lang> when it is not in the page's language."""
    if lang:
        return format_html('<span lang="{}">{}</span>', lang, text)
    return conditional_escape(text)


def own(item: Mapping[str, Any], name: str) -> SafeString:
    """An administrator's text in the page's language, or as written saying its language."""
    return in_language(*own_words(item, name))


def _condition_text(when: Mapping[str, Any], by_key: Mapping[str, Mapping[str, Any]]) -> SafeString:
    """A required_when rule in words, for the hint."""
    other = by_key.get(when.get("question"), {})
    labels = {c["value"]: own(c, "label") for c in choices_of(other)} if other else {}
    value = when.get("value")
    values = value if isinstance(value, list) else [value]
    named = conditional_escape(_(" or ")).join(
        format_html('"{}"', labels.get(v, v)) for v in values
    )
    asked = own(other, "label") if other.get("label") else conditional_escape(when.get("question"))
    words = conditional_escape(_('Required when the answer to "%(asked)s" is %(named)s.'))
    return mark_safe(words % {"asked": asked, "named": named})  # noqa: S308 (parts escaped)


def question_hint(
    question: Mapping[str, Any], by_key: Mapping[str, Mapping[str, Any]]
) -> SafeString:
    """The hint under a question: the administrator's hint (in Welsh when given, else
    marked as English on a Welsh page) and the service's words about the answer."""
    parts = [own(question, "hint") if question.get("hint") else ""]
    if question["type"] == "number":
        low, high = question.get("min"), question.get("max")
        if low is not None and high is not None:
            parts.append(_("A number from %(low)s to %(high)s.") % {"low": low, "high": high})
        elif low is not None:
            parts.append(_("A number of at least %(low)s.") % {"low": low})
        elif high is not None:
            parts.append(_("A number of at most %(high)s.") % {"high": high})
    if question["type"] == "date":
        parts.append(_("For example, 27 3 2027."))
    if question.get("required_when"):
        parts.append(_condition_text(question["required_when"], by_key))
    elif not question.get("required") and question["type"] != "actions":
        parts.append(_("Optional."))
    return mark_safe(" ".join(conditional_escape(p) for p in parts if p))  # noqa: S308


def _field_for(question: Mapping[str, Any], hint: str) -> forms.Field:
    """The question's field; `label_lang` says the label's language when it is not the
    page's (fields/field.html puts it on the label or legend)."""
    field = _make_field(question, hint)
    field.label_lang = own_words(question, "label")[1]
    return field


def _make_field(question: Mapping[str, Any], hint: str) -> forms.Field:
    kind = question["type"]
    label = own_words(question, "label")[0]
    choices = [(c["value"], own(c, "label")) for c in choices_of(question)]
    common = {"label": label, "required": False, "help_text": hint}
    if kind in ("choice", "yes_no_unknown"):
        attrs = {"data-inline": "true"} if kind == "yes_no_unknown" else {}
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(attrs=attrs), **common)
    if kind == "multi_choice":
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "number":
        return NumberField(**common)
    if kind == "date":
        return DateField(label_name=label[:1].lower() + label[1:], **common)
    return forms.CharField(
        widget=forms.Textarea,
        strip=False,
        max_length=TEXT_LIMIT,
        error_messages=at_most(TEXT_LIMIT, gettext_lazy("The answer")),
        **common,
    )


def agency_choices() -> list[tuple[str, str]]:
    """(code, name) of every agency, for an action's owner."""
    return list(Agency.objects.order_by("order", "name").values_list("code", "name"))


def action_row_fields(row: int, agencies: list[tuple[str, str]]) -> dict[str, forms.Field]:
    """One repeating row: (action text, owner agency, due date, plan category)."""
    n = row + 1
    return {
        f"a{row}_action": forms.CharField(
            label=_("What needs to be done (action %(n)s)") % {"n": n},
            required=False,
            widget=forms.Textarea,
            max_length=ACTION_LIMIT,
            error_messages=at_most(ACTION_LIMIT, _("Action %(n)s") % {"n": n}),
        ),
        f"a{row}_owner_agency": forms.ChoiceField(
            label=_("Agency responsible for action %(n)s") % {"n": n},
            choices=[("", _("Choose an agency")), *agencies],
            required=False,
        ),
        f"a{row}_due_date": DateField(
            label=_("Action %(n)s due by") % {"n": n},
            label_name=_("due date of action %(n)s") % {"n": n},
            required=False,
            help_text=_("For example, 27 3 2027"),
        ),
        f"a{row}_category": forms.ChoiceField(
            label=_("Plan category of action %(n)s") % {"n": n},
            choices=list(PLAN_CATEGORIES.items()),
            required=False,
            widget=forms.RadioSelect,
        ),
    }


def typed_actions(data: Mapping[str, Any], rows: int) -> tuple[list[dict], list[int]]:
    """The rows something was typed in, as actions, and which rows they came from."""
    actions, sent = [], []
    for row in range(rows):
        item = {name: data.get(f"a{row}_{name}") for name in ACTION_FIELDS}
        if not any(item.values()):
            continue
        if isinstance(item["due_date"], dt.date):
            item["due_date"] = item["due_date"].isoformat()
        actions.append(item)
        sent.append(row)
    return actions, sent


def action_initial(actions: list[Mapping[str, Any]]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for row, item in enumerate(actions):
        for name in ACTION_FIELDS:
            initial[f"a{row}_{name}"] = item.get(name)
        if item.get("due_date"):
            initial[f"a{row}_due_date"] = dt.date.fromisoformat(item["due_date"])
    return initial


def posted_rows(data: Mapping[str, Any]) -> int:
    return sum(1 for name in data if name.startswith("a") and name.endswith("_action"))


def action_errors(form: forms.Form, error: ValidationError, prefix: str, sent: list[int]) -> None:
    """Put `<prefix>.<i>.<field>` errors on row fields; anything else at the top."""
    for place, messages in error.message_dict.items():
        parts = place[len(prefix) + 1 :].split(".") if place.startswith(prefix + ".") else []
        field = None
        known = len(parts) == 2 and parts[0].isdigit() and parts[1] in ACTION_FIELDS
        if known and int(parts[0]) < len(sent):
            field = f"a{sent[int(parts[0])]}_{parts[1]}"
        for message in messages:
            if field:
                row = sent[int(parts[0])] + 1
                form.add_error(
                    field, _("Action %(row)s: %(message)s") % {"row": row, "message": message}
                )
            else:
                form.add_error(None, message)


class PlanForm(forms.Form):
    """The intervention plan as repeating action rows."""

    def __init__(
        self, *args: Any, agencies: list[tuple[str, str]], saved: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = saved + EXTRA_ACTION_ROWS
        if self.is_bound:
            self.rows = max(self.rows, posted_rows(self.data))
        for row in range(self.rows):
            self.fields.update(action_row_fields(row, agencies))
        self.sent_rows: list[int] = []

    def row_list(self) -> list[dict[str, Any]]:
        return [
            {"number": r + 1, "fields": [self[f"a{r}_{f}"] for f in ACTION_FIELDS]}
            for r in range(self.rows)
        ]

    def actions(self) -> list[dict[str, Any]]:
        actions, self.sent_rows = typed_actions(self.cleaned_data, self.rows)
        return actions


class FindingsForm(forms.Form):
    """Fields `q_<key>` per question and `a<row>_<field>` per action row."""

    def __init__(
        self,
        *args: Any,
        questions: list[Mapping[str, Any]],
        agencies: list[tuple[str, str]],
        saved_actions: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        by_key = {q["key"]: q for q in questions}
        self.action_key = next((q["key"] for q in questions if q["type"] == "actions"), None)
        self.action_rows = saved_actions + EXTRA_ACTION_ROWS if self.action_key else 0
        if self.is_bound and self.action_key:
            self.action_rows = max(self.action_rows, posted_rows(self.data))
        for question in questions:
            if question["type"] == "actions":
                continue
            self.fields[f"q_{question['key']}"] = _field_for(
                question, question_hint(question, by_key)
            )
        for row in range(self.action_rows):
            self.fields.update(action_row_fields(row, agencies))
        self.sent_rows: list[int] = []

    def items(self) -> list[dict[str, Any]]:
        """The questions in order, each with its bound field or its action rows."""
        result = []
        for question in self.questions:
            if question["type"] == "actions":
                rows = [
                    {"number": r + 1, "fields": [self[f"a{r}_{f}"] for f in ACTION_FIELDS]}
                    for r in range(self.action_rows)
                ]
                result.append({"question": question, "rows": rows})
            else:
                result.append({"question": question, "field": self[f"q_{question['key']}"]})
        return result

    @staticmethod
    def initial_for(answers: Mapping[str, Any], questions: list[Mapping[str, Any]]) -> dict:
        initial: dict[str, Any] = {}
        for question in questions:
            value = answers.get(question["key"])
            if value in (None, "", []):
                continue
            if question["type"] == "actions":
                initial.update(action_initial(value))
            elif question["type"] == "date":
                initial[f"q_{question['key']}"] = dt.date.fromisoformat(value)
            elif question["type"] == "number":
                initial[f"q_{question['key']}"] = (
                    f"{value:g}" if isinstance(value, float) else value
                )
            else:
                initial[f"q_{question['key']}"] = value
        return initial

    def answers(self) -> dict[str, Any]:
        """What was typed as answers; empty questions and blank action rows are left out."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for question in self.questions:
            key = question["key"]
            if question["type"] == "actions":
                continue
            value = data.get(f"q_{key}")
            if isinstance(value, dt.date):
                value = value.isoformat()
            if isinstance(value, str) and not value.strip():
                value = None
            if value not in (None, []):
                answers[key] = value
        if self.action_key:
            actions, self.sent_rows = typed_actions(data, self.action_rows)
            if actions:
                answers[self.action_key] = actions
        return answers

    def apply_errors(self, error: ValidationError) -> None:
        """Put the services' `answers.<key>` and `answers.<actions>.<i>.<field>` errors on
        the fields they name."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        actions = f"answers.{self.action_key}"
        rest = {}
        for place, messages in error.message_dict.items():
            if self.action_key and place.startswith(actions + "."):
                action_errors(self, ValidationError({place: messages}), actions, self.sent_rows)
            else:
                rest[place] = messages
        for place, messages in rest.items():
            name = f"q_{place.split('.', 1)[1]}" if place.startswith("answers.") else None
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
