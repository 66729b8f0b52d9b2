"""The merge engine over plain data: mapping rules, flags, conflicts, restricted findings,
the plan skeleton. Forms and layout are the shipped data files."""

import json
from pathlib import Path

import pytest

from screening.assessment.merge import Contribution, merge, section_changes

ROOT = Path(__file__).resolve().parents[3]
LAYOUT = json.loads((ROOT / "screening/assessment/layouts/layout-v1.json").read_text())
FORMS = {
    code: json.loads((ROOT / f"agencies/form_data/{code}-v1.json").read_text())["questions"]
    for code in ("speech_language", "health", "education", "social_care")
}
ORDER = {"speech_language": 1, "health": 2, "education": 3, "social_care": 4}
NAMES = {
    "speech_language": "Speech and language",
    "health": "Health",
    "education": "Education",
    "social_care": "Social care",
}


def contribution(agency: str, answers: dict, version: int = 1) -> Contribution:
    return Contribution(
        agency=agency,
        agency_name=NAMES[agency],
        agency_order=ORDER[agency],
        finding_id=ORDER[agency] * 100 + version,
        version=version,
        questions=FORMS[agency],
        answers=answers,
    )


def section(result, key):
    return next(s for s in result.sections if s.key == key)


def test_communication_needs_come_first():
    result = merge(layout=LAYOUT, contributions=[])
    assert result.sections[0].key == "communication_needs"
    assert [s.key for s in result.sections] == [s["key"] for s in LAYOUT["sections"]]


# DOMAIN.md's table "Draft sections and what feeds them", row by row.
MAPPING_RULES = [
    ("speech_language", {"outcome": "slcn_identified"}, "communication_needs",
     "Outcome: Speech, language and communication needs identified"),
    ("speech_language", {"strategies": "Use visual timetables."}, "communication_needs",
     "Strategies: Use visual timetables."),
    ("social_care", {"status": "looked_after_s20"}, "living_arrangements",
     "Social care status: Looked after (section 20)"),
    ("social_care", {"placement": "Foster carers in Croydon"}, "living_arrangements",
     "Placement: Foster carers in Croydon"),
    ("social_care", {"accommodation_suitable": "no"}, "living_arrangements",
     "Accommodation suitable: No"),
    ("social_care", {"missing_episodes": 2}, "living_arrangements",
     "Missing episodes in the last 90 days: 2"),
    ("social_care", {"household": ["domestic_abuse"]}, "family_relationships",
     "Household: Domestic abuse"),
    ("social_care", {"status": "child_protection"}, "family_relationships",
     "Social care status: Child protection plan"),
    ("education", {"provision": "pru_ap"}, "education_training_employment",
     "Current provision: Pupil referral unit or alternative provision"),
    ("speech_language", {"literacy": "yes"}, "education_training_employment",
     "Difficulties with reading or writing: Yes"),
    ("social_care", {"exploitation": ["criminal"]}, "lifestyle",
     "Exploitation concerns: Criminal exploitation"),
    ("social_care", {"missing_episodes": 4}, "lifestyle",
     "Missing episodes in the last 90 days: 4"),
    ("health", {"substances": ["cannabis", "alcohol"]}, "substance_use",
     "Substances used: Alcohol, Cannabis"),
    ("health", {"gp_registered": "no"}, "physical_health", "Registered with a GP: No"),
    ("health", {"mental_health": "refer_camhs"}, "emotional_mental_health",
     "Mental health screen: Refer to CAMHS"),
    ("health", {"self_harm": "past"}, "emotional_mental_health", "Self-harm: Past"),
    ("health", {"neuro_diagnosed": ["adhd"]}, "thinking_and_behaviour",
     "Neurodevelopmental conditions diagnosed: ADHD"),
    ("speech_language", {"social_communication": "yes"}, "perception_of_self_and_others",
     "Difficulties with social communication: Yes"),
    ("health", {"self_harm": "current"}, "vulnerability", "Self-harm: Current"),
    ("social_care", {"child_protection_now": "yes"}, "vulnerability",
     "Child protection threshold met now"),
    ("social_care", {"status": "looked_after_s31"}, "family_relationships",
     "Looked after (section 31)"),
    ("social_care", {"exploitation": ["sexual"]}, "vulnerability", "Sexual exploitation"),
    ("social_care", {"missing_episodes": 1}, "vulnerability", "Missing episodes"),
    ("social_care", {"risk_to_others": "identified"}, "serious_harm",
     "Risks to known victims or siblings: Identified"),
    ("education", {"strengths": "Good at maths."}, "positive_factors", "Good at maths."),
    ("health", {"strengths": "Keen cyclist."}, "positive_factors", "Keen cyclist."),
]  # fmt: skip


@pytest.mark.parametrize(("agency", "answers", "key", "text"), MAPPING_RULES)
def test_mapping_rule_puts_the_answer_in_its_section_tagged_with_its_source(
    agency, answers, key, text
):
    result = merge(layout=LAYOUT, contributions=[contribution(agency, answers, version=3)])
    target = section(result, key)
    assert text in target.text
    assert {"agency": agency, "finding_version": 3} in target.sources
    assert all(p["agency"] == agency and p["finding_version"] == 3 for p in target.pieces)


def test_every_question_reaches_every_section_its_definition_names():
    samples = {
        "choice": lambda q: q["choices"][-1]["value"],
        "multi_choice": lambda q: [q["choices"][-1]["value"]],
        "yes_no_unknown": lambda q: "yes",
        "number": lambda q: q.get("max", 5),
        "text": lambda q: "Some words",
        "date": lambda q: "2027-01-01",
    }
    for agency, questions in FORMS.items():
        for q in questions:
            draft = q.get("draft")
            if not draft or q["type"] == "actions" or "include_when" in draft:
                continue
            result = merge(
                layout=LAYOUT,
                contributions=[contribution(agency, {q["key"]: samples[q["type"]](q)})],
            )
            for key in draft["sections"]:
                assert any(p["question"] == q["key"] for p in section(result, key).pieces), (
                    agency,
                    q["key"],
                    key,
                )


def test_case_manager_only_sections_get_nothing_from_findings():
    everything = [
        contribution("health", {"self_harm": "current", "strengths": "Kind"}),
        contribution("social_care", {"status": "child_in_need"}),
    ]
    result = merge(layout=LAYOUT, contributions=everything)
    for key in ("neighbourhood", "attitudes_to_offending", "motivation_to_change"):
        assert section(result, key).text == ""


def test_a_layout_can_remap_an_answer_and_unknown_sections_are_never_dropped():
    layout = {
        **LAYOUT,
        "mapping": {"health.gp_registered": ["lifestyle"], "health.medication": ["gone"]},
    }
    result = merge(
        layout=layout,
        contributions=[contribution("health", {"gp_registered": "yes", "medication": "None"})],
    )
    assert "Registered with a GP" in section(result, "lifestyle").text
    assert "Registered with a GP" not in section(result, "physical_health").text
    assert "Medication: None" in section(result, "other_findings").text


def test_pieces_are_grouped_by_agency_in_visit_order():
    result = merge(
        layout=LAYOUT,
        contributions=[
            contribution("education", {"strengths": "Reliable."}),
            contribution("speech_language", {"strengths": "Chatty."}),
        ],
    )
    assert section(result, "positive_factors").text == (
        "Speech and language: Chatty.\n\nEducation: Reliable."
    )


@pytest.mark.parametrize(
    ("agency", "answers", "indicator", "level", "urgent"),
    [
        ("health", {"self_harm": "current"}, "vulnerability", "high", True),
        ("health", {"mental_health": "urgent"}, "vulnerability", "high", True),
        ("health", {"suicidal_ideation": "yes"}, "vulnerability", "high", True),
        ("social_care", {"child_protection_now": "yes"}, "vulnerability", "very_high", True),
        ("social_care", {"exploitation": ["trafficking"]}, "vulnerability", "high", True),
        ("social_care", {"missing_episodes": 3}, "vulnerability", "high", False),
        ("social_care", {"risk_to_others": "identified"}, "risk_of_serious_harm", "high", False),
        ("education", {"provision": "neet"}, "vulnerability", "medium", False),
        ("education", {"concern_level": "high"}, "concern", "high", False),
    ],
)
def test_concern_rules_raise_suggestions_never_decisions(agency, answers, indicator, level, urgent):
    result = merge(layout=LAYOUT, contributions=[contribution(agency, answers)])
    [flag] = result.flags
    assert (flag["indicator"], flag["level"], flag["urgent"]) == (indicator, level, urgent)
    assert result.suggested_ratings == {indicator: level}


def test_suggested_rating_is_the_highest_level_suggested():
    result = merge(
        layout=LAYOUT,
        contributions=[
            contribution("health", {"self_harm": "past"}),
            contribution("social_care", {"child_protection_now": "yes"}),
        ],
    )
    assert result.suggested_ratings["vulnerability"] == "very_high"


FULL_TIME = {"provision": "mainstream", "hours_per_week": 25, "permanent_exclusion": "no"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"education": FULL_TIME, "social_care": {"permanent_exclusion_recorded": "yes"}},
            {"exclusion_vs_full_time_mainstream", "exclusion_not_recorded_by_education"},
        ),
        (
            {
                "education": {**FULL_TIME, "hours_per_week": 10, "permanent_exclusion": "yes"},
                "social_care": {"permanent_exclusion_recorded": "yes"},
            },
            set(),
        ),
        (
            {"education": FULL_TIME, "social_care": {"permanent_exclusion_recorded": "no"}},
            set(),
        ),
        (
            {
                "health": {"neuro_diagnosed": ["autism"]},
                "speech_language": {"outcome": "possible_slcn"},
            },
            {"autism_diagnosis_not_in_slcn"},
        ),
        (
            {
                "health": {"neuro_diagnosed": ["autism"]},
                "speech_language": {"outcome": "previously_diagnosed", "conditions": ["autism"]},
            },
            set(),
        ),
        ({"health": {"neuro_diagnosed": ["autism"]}}, set()),
        (
            {"health": {"substances": ["none"]}, "social_care": {"exploitation": ["criminal"]}},
            {"no_substances_but_criminal_exploitation"},
        ),
    ],
)
def test_conflict_rules(answers, expected):
    result = merge(
        layout=LAYOUT, contributions=[contribution(a, values) for a, values in answers.items()]
    )
    assert {c["key"] for c in result.conflicts} == expected
    for conflict in result.conflicts:
        assert conflict["text"] and conflict["sources"]


def test_restricted_findings_give_a_summary_only_but_still_raise_flags_and_actions():
    action = {"action": "Safety plan", "owner_agency": "health", "due_date": "2027-03-09",
              "category": "safeguarding"}  # fmt: skip
    answers = {
        "self_harm": "current",
        "medication": "Sertraline",
        "restricted": "yes",
        "restricted_summary": "Health needs known to the GP; ask the nurse before acting.",
        "actions": [action],
    }
    result = merge(layout=LAYOUT, contributions=[contribution("health", answers)])
    assert all(not s.pieces for s in result.sections)
    assert "Sertraline" not in json.dumps([s.text for s in result.sections])
    assert result.restricted == [
        {"agency": "health", "finding_version": 1, "summary": answers["restricted_summary"]}
    ]
    assert [f["text"] for f in result.flags] == ["Current self-harm"]
    assert result.plan["safeguarding"][0]["action"] == "Safety plan"


def test_restricted_findings_take_no_part_in_conflicts():
    result = merge(
        layout=LAYOUT,
        contributions=[
            contribution("education", FULL_TIME),
            contribution(
                "social_care",
                {
                    "permanent_exclusion_recorded": "yes",
                    "restricted": "yes",
                    "restricted_summary": "Ask the social worker.",
                },
            ),
        ],
    )
    assert result.conflicts == []


def test_plan_skeleton_groups_actions_by_category_with_owner_and_due_date():
    def act(text, owner, due, category):
        return {"action": text, "owner_agency": owner, "due_date": due, "category": category}

    result = merge(
        layout=LAYOUT,
        contributions=[
            contribution("health", {"actions": [act("CAMHS referral", "health", "2027-03-10",
                                                    "safeguarding")]}),
            contribution("education", {"actions": [
                act("Return to full timetable", "education", "2027-03-20", "reducing_reoffending"),
                act("Mentor", "education", "2027-03-05", "reducing_reoffending")]}),
        ],
    )  # fmt: skip
    assert set(result.plan) == {
        "safeguarding",
        "reducing_reoffending",
        "minimising_risk_of_harm",
        "victim_safety",
    }
    assert [a["action"] for a in result.plan["reducing_reoffending"]] == [
        "Mentor",
        "Return to full timetable",
    ]
    assert result.plan["safeguarding"][0] == {
        **act("CAMHS referral", "health", "2027-03-10", "safeguarding"),
        "agency": "health",
        "finding_version": 1,
    }
    assert result.plan["minimising_risk_of_harm"] == []


def test_section_changes_show_what_was_added_and_removed():
    before = "Health: Self-harm: Past.\n\nEducation: Hours: 25."
    after = "Health: Self-harm: Current.\n\nEducation: Hours: 25."
    assert section_changes(before, after) == [
        {"change": "removed", "text": "Health: Self-harm: Past."},
        {"change": "added", "text": "Health: Self-harm: Current."},
    ]
