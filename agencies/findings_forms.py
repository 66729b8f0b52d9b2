"""Findings forms as data: checking a form definition, checking answers against it, and
the small condition language that concern rules, conflict rules and conditional
questions share.

A definition is a list of questions: `{key, label, type, required, choices, min, max,
hint, required_when, draft: {sections, template, include_when}, concern: [rule]}`.
Nothing here knows a particular agency: a new agency or form version is new data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from agencies.local_time import OUTSIDE_DATE_WINDOW, date_words, in_date_window

QUESTION_TYPES = ("choice", "multi_choice", "yes_no_unknown", "number", "date", "text", "actions")
YES_NO_UNKNOWN = ({"value": "yes", "label": gettext_lazy("Yes")},
                  {"value": "no", "label": gettext_lazy("No")},
                  {"value": "unknown", "label": gettext_lazy("Don't know")})  # fmt: skip
PLAN_CATEGORIES = {
    "safeguarding": gettext_lazy("Safeguarding"),
    "reducing_reoffending": gettext_lazy("Reducing reoffending"),
    "minimising_risk_of_harm": gettext_lazy("Minimising risk of harm"),
    # Seen by the case manager and YOT managers only, once it is a plan action.
    "victim_safety": gettext_lazy("Victim safety"),
}
INDICATORS = ("vulnerability", "risk_of_serious_harm", "concern")
LEVELS = ("low", "medium", "high", "very_high")
OPERATORS = ("eq", "ne", "in", "not_in", "contains_any", "not_contains", "gte", "lte",
             "between", "answered")  # fmt: skip
KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
TEXT_LIMIT = 5000
ACTION_LIMIT = 500
MAX_ACTIONS = 30
# What a form's definition may hold (README "Limits on input").
LABEL_LIMIT = 500
MAX_CHOICES = 100


class DefinitionError(ValueError):
    """A form definition that cannot be used; `errors` maps a place to its problems."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in errors.items()))
        self.errors = errors


def choices_of(question: Mapping[str, Any]) -> list[dict[str, str]]:
    if question["type"] == "yes_no_unknown":
        return [dict(c) for c in YES_NO_UNKNOWN]
    return list(question.get("choices") or [])


# A question's label and hint, and a choice's label, may have a Welsh wording beside them
# (`label_cy`, `hint_cy`), shown on pages read in Welsh (the API answers the English).
WELSH_WORDING = ("label_cy", "hint_cy")


def own_words(item: Mapping[str, Any], name: str) -> tuple[str, str]:
    """An administrator's text (a question's `label` or `hint`, a choice's `label`) for the
    active language: its Welsh (`<name>_cy`) on a Welsh page when given, else as written;
    with the language it is in when that is not the page's ("en" for English on a Welsh
    page, so the element can say so: WCAG 3.1.2), else ""."""
    text = item.get(name) or ""
    if isinstance(text, Promise):  # the service's own words (YES_NO_UNKNOWN): translated
        return str(text), ""
    if translation.get_language() != "cy":
        return text, ""
    welsh = item.get(f"{name}_cy")
    if isinstance(welsh, str) and welsh.strip():
        return welsh, ""
    return text, ("en" if text else "")


def public_question(question: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a client needs to render a question (API.md's question shape)."""
    return {
        "key": question["key"],
        "label": question["label"],
        "type": question["type"],
        "required": bool(question.get("required")),
        "choices": choices_of(question),
        "min": question.get("min"),
        "max": question.get("max"),
        "hint": question.get("hint", ""),
        "required_when": question.get("required_when"),
    }


# --- conditions -------------------------------------------------------------------------


def condition_holds(answer: Any, condition: Mapping[str, Any]) -> bool:
    """Whether an answer meets a condition `{op, value}`. A missing answer is unknown, so
    it meets no condition, except `not_contains` (an empty list holds nothing)."""
    op, value = condition["op"], condition.get("value")
    if op == "answered":
        return answer not in (None, "", [])
    if answer in (None, "", []):
        return op == "not_contains"
    if op == "eq":
        return answer == value
    if op == "ne":
        return answer != value
    if op == "in":
        return answer in value
    if op == "not_in":
        return answer not in value
    if op == "contains_any":
        return bool(set(answer) & set(value))
    if op == "not_contains":
        return not set(answer) & set(value if isinstance(value, list) else [value])
    if op == "gte":
        return answer >= value
    if op == "lte":
        return answer <= value
    if op == "between":
        return value[0] <= answer <= value[1]
    raise ValueError(f"unknown operator {op!r}")


def check_condition(condition: Any, *, place: str, errors: dict[str, list[str]]) -> None:
    if not isinstance(condition, Mapping) or condition.get("op") not in OPERATORS:
        errors.setdefault(place, []).append(f"Use an operator from: {', '.join(OPERATORS)}.")
        return
    op, value = condition["op"], condition.get("value")
    if op in ("in", "not_in", "contains_any") and not isinstance(value, list):
        errors.setdefault(place, []).append(f"'{op}' needs a list of values.")
    if op in ("gte", "lte") and not isinstance(value, int | float):
        errors.setdefault(place, []).append(f"'{op}' needs a number.")
    pair = isinstance(value, list) and len(value) == 2
    if op == "between" and not (pair and all(isinstance(v, int | float) for v in value)):
        errors.setdefault(place, []).append("'between' needs [low, high].")


# --- definitions ------------------------------------------------------------------------


def check_definition(
    questions: Any, *, section_keys: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Check a form definition and return it; raises DefinitionError naming each problem."""
    errors: dict[str, list[str]] = {}
    if not isinstance(questions, list) or not questions:
        raise DefinitionError({"questions": [gettext("Give a non-empty list of questions.")]})
    sections = set(section_keys) if section_keys is not None else None
    keys: set[str] = set()
    for i, question in enumerate(questions):
        place = f"questions.{i}"
        if not isinstance(question, Mapping):
            errors[place] = [gettext("Each question is an object.")]
            continue
        key = question.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            errors.setdefault(f"{place}.key", []).append(
                "Use lower-case letters, digits and _ (starting with a letter)."
            )
        elif key in keys:
            errors.setdefault(f"{place}.key", []).append(f"'{key}' is used twice.")
        keys.add(key)
        if not isinstance(question.get("label"), str) or not question["label"].strip():
            errors.setdefault(f"{place}.label", []).append("Give the question's label.")
        for name in ("label", "hint", *WELSH_WORDING):
            text = question.get(name)
            if name in WELSH_WORDING and text is not None and not isinstance(text, str):
                errors.setdefault(f"{place}.{name}", []).append("Give the Welsh as text.")
            if isinstance(text, str) and len(text) > LABEL_LIMIT:
                errors.setdefault(f"{place}.{name}", []).append(
                    f"Write at most {LABEL_LIMIT} characters."
                )
        kind = question.get("type")
        if kind not in QUESTION_TYPES:
            errors.setdefault(f"{place}.type", []).append(
                f"Use one of: {', '.join(QUESTION_TYPES)}."
            )
            continue
        if kind in ("choice", "multi_choice"):
            choices = question.get("choices")
            if (
                not isinstance(choices, list)
                or not choices
                or not all(
                    isinstance(c, Mapping) and isinstance(c.get("value"), str) and c.get("label")
                    for c in choices
                )
            ):
                errors.setdefault(f"{place}.choices", []).append(
                    "Give a list of {value, label} choices."
                )
            elif len({c["value"] for c in choices}) != len(choices):
                errors.setdefault(f"{place}.choices", []).append("Choice values must differ.")
            elif len(choices) > MAX_CHOICES:
                errors.setdefault(f"{place}.choices", []).append(
                    f"Give at most {MAX_CHOICES} choices."
                )
        if kind == "number":
            low, high = question.get("min"), question.get("max")
            for bound in (low, high):
                if bound is not None and not isinstance(bound, int | float):
                    errors.setdefault(place, []).append("min and max are numbers.")
            if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
                errors.setdefault(place, []).append("min is above max.")
        for j, rule in enumerate(question.get("concern") or []):
            rule_place = f"{place}.concern.{j}"
            check_condition(rule.get("when"), place=f"{rule_place}.when", errors=errors)
            if rule.get("indicator") not in INDICATORS:
                errors.setdefault(rule_place, []).append(
                    f"indicator is one of: {', '.join(INDICATORS)}."
                )
            if rule.get("level") not in LEVELS:
                errors.setdefault(rule_place, []).append(f"level is one of: {', '.join(LEVELS)}.")
            if not rule.get("text"):
                errors.setdefault(rule_place, []).append("Give the text shown for this concern.")
        draft = question.get("draft")
        if draft is not None:
            if not isinstance(draft, Mapping) or not isinstance(draft.get("sections"), list):
                errors.setdefault(f"{place}.draft", []).append("Give draft.sections as a list.")
            else:
                known = sections if sections is not None else set(draft["sections"])
                unknown = [s for s in draft["sections"] if s not in known]
                if unknown:
                    errors.setdefault(f"{place}.draft", []).append(
                        f"Unknown draft sections: {', '.join(map(str, unknown))}."
                    )
                if "include_when" in draft:
                    check_condition(
                        draft["include_when"], place=f"{place}.draft.include_when", errors=errors
                    )
                template = draft.get("template", "{label}: {answer}")
                if not isinstance(template, str) or "{answer}" not in template:
                    errors.setdefault(f"{place}.draft", []).append(
                        "The template must contain {answer}."
                    )
    for i, question in enumerate(questions):
        when = question.get("required_when") if isinstance(question, Mapping) else None
        if when is not None:
            place = f"questions.{i}.required_when"
            if not isinstance(when, Mapping) or when.get("question") not in keys:
                errors.setdefault(place, []).append("Name another question of this form.")
            else:
                check_condition(when, place=place, errors=errors)
    if errors:
        raise DefinitionError(errors)
    return list(questions)


# --- answers ----------------------------------------------------------------------------


def _check_one(
    question: Mapping[str, Any], value: Any, *, agency_codes: frozenset[str]
) -> tuple[Any, list[str] | dict[str, list[str]]]:
    kind = question["type"]
    if kind in ("choice", "yes_no_unknown"):
        allowed = [c["value"] for c in choices_of(question)]
        if not isinstance(value, str) or value not in allowed:
            return None, [gettext("Choose one of: %(allowed)s.") % {"allowed": ", ".join(allowed)}]
        return value, []
    if kind == "multi_choice":
        allowed = [c["value"] for c in choices_of(question)]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, [gettext("Give a list of choices.")]
        if len(value) > len(allowed):
            return None, [gettext("Choose at most %(count)s.") % {"count": len(allowed)}]
        unknown = [v for v in value if v not in allowed]
        if unknown:
            return None, [
                gettext("Unknown choice %(choice)s; choose from: %(allowed)s.")
                % {"choice": repr(unknown[0]), "allowed": ", ".join(allowed)}
            ]
        return sorted(set(value), key=allowed.index), []
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, [gettext("Enter a number.")]
        low, high = question.get("min"), question.get("max")
        if low is not None and value < low:
            return None, [gettext("Enter a number of at least %(low)s.") % {"low": low}]
        if high is not None and value > high:
            return None, [gettext("Enter a number of at most %(high)s.") % {"high": high}]
        return value, []
    if kind == "date":
        try:
            day = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return None, [gettext("Enter a date as YYYY-MM-DD.")]
        if not in_date_window(day):
            return None, [str(OUTSIDE_DATE_WINDOW)]
        return day.isoformat(), []
    if kind == "text":
        if not isinstance(value, str):
            return None, [gettext("Enter text.")]
        if len(value) > TEXT_LIMIT:
            return None, [gettext("Keep this under %(limit)s characters.") % {"limit": TEXT_LIMIT}]
        return value.strip(), []
    return check_actions(value, agency_codes=agency_codes)


def check_actions(
    value: Any, *, agency_codes: frozenset[str]
) -> tuple[Any, list[str] | dict[str, list[str]]]:
    """Clean a list of recommended actions; returns (cleaned, problems by item)."""
    if not isinstance(value, list):
        return None, [gettext("Give a list of actions.")]
    if len(value) > MAX_ACTIONS:
        return None, [gettext("Give at most %(count)s actions.") % {"count": MAX_ACTIONS}]
    cleaned, errors = [], {}
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            errors[str(i)] = [gettext("Each action is {action, owner_agency, due_date, category}.")]
            continue
        unknown = set(item) - {"action", "owner_agency", "due_date", "category"}
        if unknown:
            errors[f"{i}.{sorted(unknown)[0]}"] = [gettext("Unknown field.")]
        text = item.get("action")
        if not isinstance(text, str) or not text.strip() or len(text) > ACTION_LIMIT:
            errors[f"{i}.action"] = [
                gettext("Describe the action in up to %(limit)s characters.")
                % {"limit": ACTION_LIMIT}
            ]
        owner = item.get("owner_agency")
        if owner not in agency_codes:
            errors[f"{i}.owner_agency"] = [
                gettext("Use an agency code: %(codes)s.")
                % {"codes": ", ".join(sorted(agency_codes))}
            ]
        try:
            due = dt.date.fromisoformat(item.get("due_date"))
        except (TypeError, ValueError):
            errors[f"{i}.due_date"] = [gettext("Enter the due date as YYYY-MM-DD.")]
            due = None
        if due is not None and not in_date_window(due):
            errors[f"{i}.due_date"] = [str(OUTSIDE_DATE_WINDOW)]
        category = item.get("category")
        if category not in PLAN_CATEGORIES:
            errors[f"{i}.category"] = [
                gettext("Use one of: %(choices)s.") % {"choices": ", ".join(PLAN_CATEGORIES)}
            ]
        if not any(k.startswith(f"{i}.") or k == str(i) for k in errors):
            cleaned.append(
                {
                    "action": text.strip(),
                    "owner_agency": owner,
                    "due_date": due.isoformat(),
                    "category": category,
                }
            )
    return cleaned, errors


def check_answers(
    questions: list[Mapping[str, Any]],
    answers: Any,
    *,
    complete: bool,
    agency_codes: Iterable[str],
) -> dict[str, Any]:
    """Clean answers against a definition; `complete` also enforces required questions
    (for submission). Raises DefinitionError with errors keyed `answers.<question>`."""
    if not isinstance(answers, Mapping):
        raise DefinitionError(
            {"answers": [gettext("Give the answers as an object keyed by question.")]}
        )
    if len(answers) > len(questions):
        raise DefinitionError(
            {
                "answers": [
                    f"Give at most {len(questions)} answers: the form has that many questions."
                ]
            }
        )
    codes = frozenset(agency_codes)
    by_key = {q["key"]: q for q in questions}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key in answers:
        if key not in by_key:
            errors[f"answers.{key}"] = [gettext("This form has no such question.")]
    for key, question in by_key.items():
        value = answers.get(key)
        if value in (None, "", []):
            continue
        value, problems = _check_one(question, value, agency_codes=codes)
        if isinstance(problems, dict):
            for sub, messages in problems.items():
                errors[f"answers.{key}.{sub}"] = messages
        elif problems:
            errors[f"answers.{key}"] = [
                gettext("%(question)s: %(problem)s") % {"question": question["label"], "problem": p}
                for p in problems
            ]
        if value not in (None, "", []) and not problems:
            cleaned[key] = value
    if complete:
        for key, question in by_key.items():
            if cleaned.get(key) not in (None, "", []) or f"answers.{key}" in errors:
                continue
            when = question.get("required_when")
            needed = question.get("required") or (
                when is not None and condition_holds(cleaned.get(when["question"]), when)
            )
            if needed:
                errors[f"answers.{key}"] = [
                    gettext("%(question)s: answer this question.") % {"question": question["label"]}
                ]
    if errors:
        raise DefinitionError(errors)
    return cleaned


def render_answer(question: Mapping[str, Any], value: Any) -> str:
    """An answer as words: choice labels, a list joined, a date in the long UK style."""
    kind = question["type"]
    labels = {c["value"]: str(c["label"]) for c in choices_of(question)}
    if kind in ("choice", "yes_no_unknown"):
        return labels.get(value, str(value))
    if kind == "multi_choice":
        order = list(labels)
        ranked = sorted(value, key=lambda v: order.index(v) if v in order else len(order))
        return ", ".join(labels.get(v, str(v)) for v in ranked)
    if kind == "date":
        return date_words(dt.date.fromisoformat(value))
    if kind == "number":
        return f"{value:g}" if isinstance(value, float) else str(value)
    if kind == "actions":
        return "; ".join(a["action"] for a in value)
    return str(value)
