"""What a sign-off does for reviews (called by drafts.draft_sign_off inside its transaction):
a review's sign-off must say what changed, or why nothing did, and records what differs from
the previous version; every sign-off schedules the next review.

The rule for "what changed" (the Merton finding: reviews "did not always result in a changed
written assessment or plan"): a review's sign-off always needs `changes_summary`; the signed-off
version records which sections, judgements and whether the plan differ from the version the
review started from; when nothing differs, the summary must say why in at least
UNCHANGED_SUMMARY_MINIMUM characters (a "no change" is refused).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from agencies.findings_forms import PLAN_CATEGORIES
from screening.errors import too_long
from screening.models import (
    JUDGEMENTS,
    AssessmentDraft,
    AssessmentKind,
    AssessmentVersion,
    Review,
    ReviewReason,
    ReviewStatus,
)
from screening.people.deadlines import review_due_after_sign_off

CHANGES_SUMMARY_LIMIT = 5000
UNCHANGED_SUMMARY_MINIMUM = 20


def latest_version(case_id: int) -> AssessmentVersion | None:
    return AssessmentVersion.objects.filter(case_id=case_id).order_by("-version").first()


def _plan_items(plan: dict) -> list[tuple]:
    return sorted(
        (category, item.get("action"), item.get("owner_agency"), item.get("due_date"))
        for category in PLAN_CATEGORIES
        for item in (plan or {}).get(category, [])
    )


def changes_against(*, draft: AssessmentDraft, previous: AssessmentVersion | None) -> dict:
    """Which sections (keys), judgements (keys) and whether the plan differ between the draft
    and the previous signed-off version; empty for a first version."""
    if previous is None:
        return {}
    before = {s["key"]: s["text"] for s in previous.sections}
    sections = [
        s.key for s in draft.sections.all() if before.get(s.key, "").strip() != s.text.strip()
    ]
    judgements = [
        key
        for key in JUDGEMENTS
        if getattr(draft, key) != getattr(previous, key)
        or getattr(draft, f"{key}_reason").strip() != getattr(previous, f"{key}_reason").strip()
    ]
    plan = _plan_items(draft.plan) != _plan_items(previous.plan)
    return {"sections": sections, "judgements": judgements, "plan": plan}


def nothing_changed(changes: dict) -> bool:
    return bool(changes) and not (changes["sections"] or changes["judgements"] or changes["plan"])


NOT_READ = object()


def check_review_sign_off(
    *, draft: AssessmentDraft, changes_summary: Any, previous: Any = NOT_READ
) -> tuple[str, dict[str, Any]]:
    """The summary to keep and the changes to record (against `previous`, the case's latest
    version, read here unless the caller has); raises ValidationError naming
    `changes_summary` when a review has none, or too little to say why nothing changed."""
    if previous is NOT_READ:
        previous = latest_version(draft.case_id)
    changes = changes_against(draft=draft, previous=previous)
    given = draft.changes_summary if changes_summary is None else changes_summary
    if not isinstance(given, str):
        raise ValidationError({"changes_summary": [gettext("Give the summary as text.")]})
    summary = given.strip()
    if draft.kind != AssessmentKind.REVIEW:
        return summary, changes
    if len(summary) > CHANGES_SUMMARY_LIMIT:
        raise ValidationError({"changes_summary": [too_long(CHANGES_SUMMARY_LIMIT)]})
    if not summary:
        raise ValidationError(
            {
                "changes_summary": [
                    gettext(
                        "Say what the review changed in the assessment or plan, or why nothing "
                        "changed, before signing it off."
                    )
                ]
            }
        )
    if nothing_changed(changes) and len(summary) < UNCHANGED_SUMMARY_MINIMUM:
        raise ValidationError(
            {
                "changes_summary": [
                    gettext(
                        "Nothing in the assessment, the judgements or the plan changed in this "
                        "review: say why nothing needed to change (at least %(least)s "
                        "characters)."
                    )
                    % {"least": UNCHANGED_SUMMARY_MINIMUM}
                ]
            }
        )
    return summary, changes


def reviews_after_sign_off(*, version: AssessmentVersion, user: User) -> Review:
    """A review in progress is signed off with the version; the next review is then due
    REVIEW_INTERVAL_MONTHS after this sign-off: a scheduled review still due moves to that
    date, one opened by new information or on request keeps its earlier date. Returns the
    case's open review."""
    signed_on = timezone.localdate(version.signed_off_at)
    Review.objects.filter(case=version.case, status=ReviewStatus.IN_PROGRESS).update(
        status=ReviewStatus.SIGNED_OFF,
        signed_off_on=signed_on,
        signed_off_by=user,
        version=version,
    )
    next_due = review_due_after_sign_off(signed_off_on=signed_on)
    open_review = Review.objects.filter(case=version.case, status=ReviewStatus.DUE).first()
    if open_review is None:
        return Review.objects.create(
            case=version.case,
            reason=ReviewReason.SCHEDULED,
            due_by=next_due,
            created_by=user,
        )
    if open_review.reason == ReviewReason.SCHEDULED:
        open_review.due_by = next_due
    else:
        open_review.due_by = min(open_review.due_by, next_due)
    open_review.save(update_fields=["due_by"])
    return open_review
