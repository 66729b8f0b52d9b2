"""Fictional findings for the demo cases, varied so the draft shows what it can: needs,
flags, an urgent finding, a conflict, a restricted finding and recommended actions."""

from __future__ import annotations

import datetime as dt


def _action(text: str, owner: str, due: dt.date, category: str) -> dict:
    return {
        "action": text,
        "owner_agency": owner,
        "due_date": due.isoformat(),
        "category": category,
    }


def demo_answers(code: str, *, variant: int, visit_day: dt.date) -> dict:
    """Complete answers for an agency's default form; `variant` picks the story."""
    due = visit_day + dt.timedelta(days=14)
    common = {
        "consent": "young_person" if variant % 3 else "parent_carer",
        "concern_level": ["low", "medium", "medium", "high"][variant % 4],
        "linked_to_offending": ["unclear", "yes", "no"][variant % 3],
    }
    if code == "speech_language":
        needs = variant % 4 != 3
        return {
            **common,
            "screening_tool": "Communication screening questionnaire",
            "understanding": "yes" if needs else "no",
            "speaking": "no",
            "social_communication": "yes" if variant % 2 else "no",
            "literacy": "yes" if needs else "unknown",
            "family_history": "unknown",
            "total_score": 18 if needs else 4,
            "threshold_met": "yes" if needs else "no",
            "outcome": "slcn_identified" if needs else "no_concern",
            "conditions": ["dld"] if needs else [],
            "strategies": "Use short sentences, one question at a time, and ask them to "
            "explain back what was agreed. Write down dates and times."
            if needs
            else "",
            "referral": "full_slt_assessment" if needs else "none",
            "strengths": "Talks readily about music and football.",
            "actions": [
                _action("Full speech and language assessment", "speech_language", due,
                        "reducing_reoffending")
            ]
            if needs
            else [],
        }  # fmt: skip
    if code == "health":
        urgent = variant == 1
        return {
            **common,
            "gp_registered": "yes" if variant % 3 else "unknown",
            "immunisations": "incomplete" if variant % 2 else "up_to_date",
            "mental_health": "urgent" if urgent else ["no_concern", "refer_camhs"][variant % 2],
            "self_harm": "current" if urgent else ["none", "past"][variant % 2],
            "suicidal_ideation": "no",
            "substances": ["cannabis"] if variant % 2 else ["none"],
            "substance_frequency": "weekly" if variant % 2 else "none",
            "neuro_diagnosed": ["autism"] if variant == 2 else [],
            "strengths": "Cycles to college most days.",
            "actions": [_action("Referral to CAMHS", "health", due, "safeguarding")]
            if variant % 2
            else [],
        }
    if code == "education":
        excluded = variant == 3
        return {
            **common,
            "provision": "mainstream" if variant % 5 != 2 else "pru_ap",
            "hours_per_week": 25 if variant % 2 == 0 or excluded else 15,
            "attendance_percent": [88, 64, 45, 92][variant % 4],
            "fixed_term_exclusions": variant % 3,
            "permanent_exclusion": "no",
            "reduced_timetable": "no" if variant % 2 == 0 else "yes",
            "send": ["none", "sen_support", "ehcp", "assessment_in_progress"][variant % 4],
            "strengths": "Good at practical subjects; enjoys design technology.",
            "actions": [
                _action("Return to a full timetable", "education", due, "reducing_reoffending")
            ]
            if variant % 2
            else [],
        }
    restricted = variant == 4
    return {
        **common,
        "status": ["child_in_need", "none", "looked_after_s20", "early_help", "child_in_need"][
            variant % 5
        ],
        "child_protection_now": "no",
        "social_worker_allocated": "yes" if variant % 2 == 0 else "no",
        "accommodation_suitable": "yes",
        "missing_episodes": [0, 2, 0, 1, 0][variant % 5],
        "exploitation": ["criminal"] if variant == 1 else ["none"],
        "nrm_referral": "made" if variant == 1 else "not_needed",
        "household": ["parental_mental_health"] if variant % 2 else [],
        "risk_to_others": "possible" if variant == 1 else "none_known",
        "permanent_exclusion_recorded": "yes" if variant == 3 else "no",
        "strengths": "Close to an older sister who visits weekly.",
        "restricted": "yes" if restricted else "no",
        "restricted_summary": "Family circumstances known to children's services; speak to the "
        "allocated social worker before contacting the family."
        if restricted
        else "",
        "actions": [_action("Safety plan with the social worker", "social_care", due,
                            "safeguarding")]
        if variant == 1
        else [],
    }  # fmt: skip
