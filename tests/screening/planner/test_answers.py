"""The simulated practitioners' answers: complete and valid for every default form, and of
no concern (no flag, so no urgent alert or alert email in a simulated year)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from agencies.findings_forms import check_answers
from screening.assessment.merge import Contribution, merge
from screening.planner.answers import answers_for

FORMS = Path(__file__).resolve().parents[3] / "agencies" / "form_data"
DEFAULTS = ("speech_language", "health", "education", "social_care")
TODAY = dt.date(2027, 6, 8)


def _questions(code: str) -> list[dict]:
    return json.loads((FORMS / f"{code}-v1.json").read_text(encoding="utf-8"))["questions"]


@pytest.mark.parametrize("code", DEFAULTS)
def test_answers_are_complete_and_valid(code):
    questions = _questions(code)
    answers = answers_for(questions, today=TODAY)
    assert check_answers(questions, answers, complete=True, agency_codes=list(DEFAULTS))


def test_answers_raise_no_flag_on_any_default_form():
    layout = {"sections": []}
    contributions = [
        Contribution(
            agency=code,
            agency_name=code,
            agency_order=n,
            finding_id=n + 1,
            version=1,
            questions=_questions(code),
            answers=answers_for(_questions(code), today=TODAY),
        )
        for n, code in enumerate(DEFAULTS)
    ]
    result = merge(layout=layout, contributions=contributions)
    assert result.flags == []


def test_a_concern_on_every_answer_falls_back_to_the_first():
    question = {
        "key": "q",
        "type": "choice",
        "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        "concern": [
            {"when": {"op": "answered"}, "indicator": "concern", "level": "low", "text": "t"}
        ],
    }
    assert answers_for([question], today=TODAY) == {"q": "a"}


def test_a_number_skips_the_values_of_concern():
    question = {
        "key": "n",
        "type": "number",
        "min": 0,
        "max": 10,
        "concern": [{"when": {"op": "between", "value": [0, 2]}, "indicator": "concern",
                     "level": "low", "text": "t"}],
    }  # fmt: skip
    assert answers_for([question], today=TODAY) == {"n": 3}
