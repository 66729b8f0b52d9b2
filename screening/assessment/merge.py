"""The merge engine: agencies' submitted findings -> the initial assessment draft's
content. Pure Python over plain data (no ORM), driven by the form definitions and the
layout (section list, answer-to-section overrides, conflict rules), so the merge is one
loop and a new agency or a YOT's own headings are new data, not new code.

What it produces is a suggestion for the case manager: sections with the text each
answer contributes (tagged with agency and finding version), flags, conflicts and a plan
skeleton. Judgements stay with the case manager.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation

from agencies.findings_forms import LEVELS, PLAN_CATEGORIES, condition_holds, render_answer

OTHER_SECTION = {"key": "other_findings", "title": "Other findings", "guidance": ""}


@dataclass(frozen=True)
class Contribution:
    """One agency's latest submitted findings for the case."""

    agency: str
    agency_name: str
    agency_order: int
    finding_id: int
    version: int
    questions: Sequence[Mapping[str, Any]]
    answers: Mapping[str, Any]

    @property
    def restricted(self) -> bool:
        return self.answers.get("restricted") == "yes"

    @property
    def source(self) -> dict[str, Any]:
        return {"agency": self.agency, "finding_version": self.version}


@dataclass
class MergedSection:
    key: str
    title: str
    guidance: str
    pieces: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """One paragraph per agency, in the order the agencies see the young person."""
        paragraphs: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for piece in self.pieces:
            paragraphs.setdefault(piece["agency"], []).append(piece["text"].rstrip(". "))
            names[piece["agency"]] = piece["agency_name"]
        return "\n\n".join(f"{names[a]}: {'. '.join(texts)}." for a, texts in paragraphs.items())

    @property
    def sources(self) -> list[dict[str, Any]]:
        seen: dict[tuple[str, int], dict[str, Any]] = {}
        for piece in self.pieces:
            seen.setdefault(
                (piece["agency"], piece["finding_version"]),
                {"agency": piece["agency"], "finding_version": piece["finding_version"]},
            )
        return list(seen.values())


@dataclass
class MergeResult:
    sections: list[MergedSection]
    flags: list[dict[str, Any]]
    suggested_ratings: dict[str, str]
    conflicts: list[dict[str, Any]]
    plan: dict[str, list[dict[str, Any]]]
    restricted: list[dict[str, Any]]
    built_from: list[dict[str, Any]]


def _sections_for(question: Mapping[str, Any], agency: str, layout: Mapping[str, Any]) -> list:
    overrides = layout.get("mapping") or {}
    key = f"{agency}.{question['key']}"
    if key in overrides:
        return list(overrides[key])
    return list((question.get("draft") or {}).get("sections") or [])


def _piece(question: Mapping[str, Any], value: Any, contribution: Contribution) -> dict[str, Any]:
    template = (question.get("draft") or {}).get("template", "{label}: {answer}")
    with translation.override(settings.LANGUAGE_CODE):  # the draft's templates are English
        answer = render_answer(question, value)
    text = template.replace("{label}", question["label"]).replace("{answer}", answer)
    return {
        "agency": contribution.agency,
        "agency_name": contribution.agency_name,
        "finding_version": contribution.version,
        "question": question["key"],
        "text": text,
    }


def suggest_ratings(flags: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The highest level the flags suggest for each indicator (a suggestion only)."""
    suggested: dict[str, str] = {}
    for flag in flags:
        current = suggested.get(flag["indicator"])
        if current is None or LEVELS.index(flag["level"]) > LEVELS.index(current):
            suggested[flag["indicator"]] = flag["level"]
    return suggested


def merge(*, layout: Mapping[str, Any], contributions: Sequence[Contribution]) -> MergeResult:
    """Merge the latest submitted findings of each agency into draft content."""
    ordered = sorted(contributions, key=lambda c: (c.agency_order, c.agency))
    sections = {
        s["key"]: MergedSection(s["key"], s["title"], s.get("guidance", ""))
        for s in layout["sections"]
    }
    other = MergedSection(OTHER_SECTION["key"], OTHER_SECTION["title"], "")
    flags: list[dict[str, Any]] = []
    plan: dict[str, list[dict[str, Any]]] = {category: [] for category in PLAN_CATEGORIES}
    restricted: list[dict[str, Any]] = []
    answers_by_agency: dict[str, Mapping[str, Any]] = {}

    for c in ordered:
        if c.restricted:
            restricted.append({**c.source, "summary": c.answers.get("restricted_summary", "")})
        else:
            answers_by_agency[c.agency] = c.answers
        for question in c.questions:
            value = c.answers.get(question["key"])
            if value in (None, "", []):
                continue
            # Safety first: concern rules and actions count even for restricted findings;
            # their texts are the form's own generic wording, not the agency's answers.
            for index, rule in enumerate(question.get("concern") or []):
                if condition_holds(value, rule["when"]):
                    flags.append(
                        {
                            "key": f"{c.agency}.{question['key']}.{index}",
                            "indicator": rule["indicator"],
                            "level": rule["level"],
                            "text": rule["text"],
                            "urgent": bool(rule.get("urgent")),
                            **c.source,
                        }
                    )
            if question["type"] == "actions":
                for action in value:
                    plan[action["category"]].append({**action, **c.source})
                continue
            if c.restricted:
                continue
            draft = question.get("draft") or {}
            if "include_when" in draft and not condition_holds(value, draft["include_when"]):
                continue
            for key in _sections_for(question, c.agency, layout):
                (sections.get(key) or other).pieces.append(_piece(question, value, c))

    suggested = suggest_ratings(flags)

    conflicts = []
    for rule in layout.get("conflicts") or []:
        conditions = rule["all"]
        agencies = sorted({cond["agency"] for cond in conditions})
        if all(a in answers_by_agency for a in agencies) and all(
            condition_holds(answers_by_agency[cond["agency"]].get(cond["question"]), cond)
            for cond in conditions
        ):
            conflicts.append(
                {
                    "key": rule["key"],
                    "text": rule["text"],
                    "sources": [c.source for c in ordered if c.agency in agencies],
                }
            )

    for items in plan.values():
        items.sort(key=lambda a: (a["due_date"], a["agency"]))
    result_sections = list(sections.values()) + ([other] if other.pieces else [])
    return MergeResult(
        sections=result_sections,
        flags=flags,
        suggested_ratings=suggested,
        conflicts=conflicts,
        plan=plan,
        restricted=restricted,
        built_from=[{**c.source, "finding_id": c.finding_id} for c in ordered],
    )


def section_changes(before: str, after: str) -> list[dict[str, str]]:
    """What changed between two generated texts, paragraph by paragraph, for review."""
    old = [p for p in before.split("\n\n") if p]
    new = [p for p in after.split("\n\n") if p]
    changes = [{"change": "removed", "text": p} for p in old if p not in new]
    changes += [{"change": "added", "text": p} for p in new if p not in old]
    return changes
