"""Complete, valid answers for any findings form, read from its definition (the simulated
practitioners answer the first choice of each question: no concern, no flags)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from agencies.findings_forms import choices_of


def _answer(question: Mapping[str, Any], today: dt.date) -> Any:
    kind = question["type"]
    if kind in ("choice", "yes_no_unknown"):
        return choices_of(question)[0]["value"]
    if kind == "multi_choice":
        return [choices_of(question)[0]["value"]] if question.get("required") else []
    if kind == "number":
        low, high = question.get("min"), question.get("max")
        value = 0 if low is None else low
        return value if high is None else min(value, high)
    if kind == "date":
        return today.isoformat()
    if kind == "text":
        return "Simulated finding."
    return []  # actions: none recommended


def answers_for(questions: Sequence[Mapping[str, Any]], *, today: dt.date) -> dict[str, Any]:
    return {q["key"]: _answer(q, today) for q in questions}
