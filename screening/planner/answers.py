"""Complete, valid answers for any findings form, read from its definition. The simulated
practitioners find nothing of concern: each question gets the first answer that meets none
of its concern rules (so no flag, no urgent alert, no alert email), or the first answer when
every one does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from agencies.findings_forms import choices_of, condition_holds

# How far past a number question's minimum to look for a value that raises no concern.
NUMBER_TRIES = 100


def _concerning(question: Mapping[str, Any], answer: Any) -> bool:
    return any(condition_holds(answer, rule["when"]) for rule in question.get("concern") or [])


def _first_calm(question: Mapping[str, Any], candidates: Sequence[Any]) -> Any:
    return next((c for c in candidates if not _concerning(question, c)), candidates[0])


def _answer(question: Mapping[str, Any], today: dt.date) -> Any:
    kind = question["type"]
    if kind in ("choice", "yes_no_unknown"):
        return _first_calm(question, [c["value"] for c in choices_of(question)])
    if kind == "multi_choice":
        if not question.get("required"):
            return []
        return _first_calm(question, [[c["value"]] for c in choices_of(question)])
    if kind == "number":
        low, high = question.get("min"), question.get("max")
        low = 0 if low is None else low
        high = low + NUMBER_TRIES if high is None else min(high, low + NUMBER_TRIES)
        return _first_calm(question, list(range(low, high + 1)) or [low])
    if kind == "date":
        return today.isoformat()
    if kind == "text":
        return "Simulated finding."
    return []  # actions: none recommended


def answers_for(questions: Sequence[Mapping[str, Any]], *, today: dt.date) -> dict[str, Any]:
    return {q["key"]: _answer(q, today) for q in questions}
