"""Findings forms as data: definitions are checked, answers are checked against them."""

import json
from pathlib import Path

import pytest

from agencies.findings_forms import (
    DefinitionError,
    check_answers,
    check_definition,
    condition_holds,
    render_answer,
)
from agencies.models import FindingsForm

CODES = ["speech_language", "health", "education", "social_care"]
LAYOUT = json.loads(
    (
        Path(__file__).resolve().parents[2] / "screening/assessment/layouts/layout-v1.json"
    ).read_text()
)
SECTIONS = [s["key"] for s in LAYOUT["sections"]]
AGENCIES = CODES


def form(code: str) -> list[dict]:
    return FindingsForm.objects.get(agency__code=code, version=1).questions


def errors_of(call) -> dict:
    with pytest.raises(DefinitionError) as caught:
        call()
    return caught.value.errors


@pytest.mark.django_db
@pytest.mark.parametrize("code", CODES)
def test_the_four_default_forms_exist_after_migrate_and_are_valid(code):
    questions = form(code)
    assert check_definition(questions, section_keys=SECTIONS) == questions
    keys = {q["key"] for q in questions}
    # Every form carries the common fields of DOMAIN.md.
    assert {"consent", "concern_level", "linked_to_offending", "strengths", "actions"} <= keys
    assert {"restricted", "restricted_summary"} <= keys


def test_definition_rejects_duplicate_keys_unknown_types_and_sections():
    questions = [
        {"key": "a", "label": "A", "type": "text"},
        {"key": "a", "label": "A again", "type": "essay"},
        {"key": "b", "label": "B", "type": "text", "draft": {"sections": ["nowhere"]}},
        {"key": "c", "label": "C", "type": "choice", "choices": []},
        {"key": "d", "label": "D", "type": "number", "min": 5, "max": 1},
        {"key": "e", "label": "E", "type": "text", "required_when": {"question": "zz", "op": "eq"}},
        {
            "key": "f",
            "label": "F",
            "type": "number",
            "concern": [{"when": {"op": "near", "value": 1}, "indicator": "x", "level": "y"}],
        },
    ]
    errors = errors_of(lambda: check_definition(questions, section_keys=SECTIONS))
    assert "'a' is used twice." in errors["questions.1.key"]
    assert errors["questions.1.type"]
    assert "nowhere" in errors["questions.2.draft"][0]
    assert errors["questions.3.choices"]
    assert "min is above max." in errors["questions.4"]
    assert errors["questions.5.required_when"]
    assert errors["questions.6.concern.0.when"] and errors["questions.6.concern.0"]


def test_definition_rejects_an_empty_form():
    assert errors_of(lambda: check_definition([]))["questions"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "place", "words"),
    [
        ({"gp_registered": "maybe"}, "answers.gp_registered", "Choose one of"),
        ({"gp_registered": True}, "answers.gp_registered", "Choose one of"),
        ({"substances": "cannabis"}, "answers.substances", "list of choices"),
        ({"substances": ["cannabis", "tea"]}, "answers.substances", "Unknown choice 'tea'"),
        ({"shoe_size": 9}, "answers.shoe_size", "no such question"),
        ({"strengths": 12}, "answers.strengths", "Enter text"),
    ],
)
def test_answers_of_the_wrong_kind_are_refused_naming_the_question(answers, place, words):
    errors = errors_of(
        lambda: check_answers(form("health"), answers, complete=False, agency_codes=AGENCIES)
    )
    assert words in " ".join(errors[place])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "words"),
    [(61, "at most 60"), (-1, "at least 0"), ("25", "Enter a number"), (True, "Enter a number")],
)
def test_numbers_out_of_range_or_not_numbers_are_refused(value, words):
    errors = errors_of(
        lambda: check_answers(
            form("education"), {"hours_per_week": value}, complete=False, agency_codes=AGENCIES
        )
    )
    assert words in errors["answers.hours_per_week"][0]


@pytest.mark.django_db
def test_submission_needs_every_required_answer_and_conditional_ones():
    questions = form("speech_language")
    errors = errors_of(
        lambda: check_answers(
            questions, {"outcome": "slcn_identified"}, complete=True, agency_codes=AGENCIES
        )
    )
    assert "answer this question" in errors["answers.screening_tool"][0]
    # Strategies are required once needs are identified, not otherwise.
    assert "answers.strategies" in errors
    errors = errors_of(
        lambda: check_answers(
            questions, {"outcome": "no_concern"}, complete=True, agency_codes=AGENCIES
        )
    )
    assert "answers.strategies" not in errors
    # A draft may be partial.
    assert check_answers(
        questions, {"outcome": "no_concern"}, complete=False, agency_codes=AGENCIES
    )


@pytest.mark.django_db
def test_restricted_findings_need_a_summary():
    errors = errors_of(
        lambda: check_answers(
            form("health"), {"restricted": "yes"}, complete=True, agency_codes=AGENCIES
        )
    )
    assert "answers.restricted_summary" in errors


@pytest.mark.django_db
def test_actions_are_checked_item_by_item():
    actions = [
        {"action": "Refer to CAMHS", "owner_agency": "health", "due_date": "2027-03-09",
         "category": "safeguarding"},
        {"action": "", "owner_agency": "police", "due_date": "next week", "category": "other"},
    ]  # fmt: skip
    errors = errors_of(
        lambda: check_answers(
            form("health"), {"actions": actions}, complete=False, agency_codes=AGENCIES
        )
    )
    assert set(errors) == {
        "answers.actions.1.action",
        "answers.actions.1.owner_agency",
        "answers.actions.1.due_date",
        "answers.actions.1.category",
    }
    cleaned = check_answers(
        form("health"), {"actions": actions[:1]}, complete=False, agency_codes=AGENCIES
    )
    assert cleaned["actions"][0]["category"] == "safeguarding"


@pytest.mark.parametrize(
    ("answer", "condition", "holds"),
    [
        ("current", {"op": "eq", "value": "current"}, True),
        ("past", {"op": "eq", "value": "current"}, False),
        (None, {"op": "eq", "value": "current"}, False),
        (["criminal"], {"op": "contains_any", "value": ["sexual", "criminal"]}, True),
        (["none"], {"op": "contains_any", "value": ["sexual", "criminal"]}, False),
        (["dld"], {"op": "not_contains", "value": ["autism"]}, True),
        (None, {"op": "not_contains", "value": ["autism"]}, True),
        (3, {"op": "gte", "value": 3}, True),
        (2, {"op": "between", "value": [1, 2]}, True),
        (0, {"op": "between", "value": [1, 2]}, False),
        (None, {"op": "answered"}, False),
        ("no", {"op": "ne", "value": "yes"}, True),
    ],
)
def test_conditions(answer, condition, holds):
    assert condition_holds(answer, condition) is holds


def test_answers_render_as_words():
    question = {
        "key": "x",
        "label": "X",
        "type": "multi_choice",
        "choices": [{"value": "a", "label": "Apple"}, {"value": "b", "label": "Banana"}],
    }
    assert render_answer(question, ["a", "b"]) == "Apple, Banana"
    assert render_answer({"type": "yes_no_unknown"}, "unknown") == "Don't know"
    assert render_answer({"type": "date"}, "2027-03-09") == "9 March 2027"
