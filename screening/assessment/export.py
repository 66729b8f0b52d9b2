"""The assessment draft as a Word document (python-docx), for the case file."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from accounts.models import User
from agencies.findings_forms import PLAN_CATEGORIES
from agencies.local_time import date_words
from agencies.models import Agency
from screening.assessment.selectors import draft_flags_for
from screening.models import AssessmentDraft

LEVEL_WORDS = {"low": "Low", "medium": "Medium", "high": "High", "very_high": "Very high"}
INDICATOR_WORDS = {
    "vulnerability": "Vulnerability",
    "risk_of_serious_harm": "Risk of serious harm",
    "concern": "Agency concern",
}


def _date(moment) -> str:
    if not moment:
        return ""
    wall = timezone.localtime(moment)
    return f"{date_words(wall.date())}, {wall:%H:%M}"


def draft_document(*, draft: AssessmentDraft, user: User) -> bytes:
    """Every section with its sources, the flags the user may see (draft_flags_for),
    conflicts, missing agencies and the plan; the status line says whether and by whom it
    was signed off."""
    shown = draft_flags_for(user=user, draft=draft)
    case = draft.case
    person = case.young_person
    names = dict(Agency.objects.values_list("code", "name"))
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("Initial assessment draft", level=0)
    doc.add_paragraph(
        f"{person.given_name} {person.family_name}, born {date_words(person.date_of_birth)}. "
        f"Case {case.reference} ({case.get_order_type_display()}, order start "
        f"{date_words(case.order_start_date)}); assessment due by "
        f"{date_words(case.assessment_due_by)}."
    )
    status = draft.get_status_display()
    if draft.signed_off_at:
        status += f" by {draft.signed_off_by.get_full_name() or draft.signed_off_by.username}"
        status += f" on {_date(draft.signed_off_at)}"
    doc.add_paragraph(f"Status: {status}. {settings.YOT_NAME}. OFFICIAL-SENSITIVE.")

    if shown.flags:
        doc.add_heading("Flags suggested by the findings (the case manager decides)", level=1)
        for indicator, level in shown.suggested_ratings.items():
            doc.add_paragraph(
                f"{INDICATOR_WORDS.get(indicator, indicator)}: suggested "
                f"{LEVEL_WORDS.get(level, level)}",
                style="List Bullet",
            )
        for flag in shown.flags:
            urgent = "Urgent. " if flag.get("urgent") else ""
            doc.add_paragraph(
                f"{urgent}{flag['text']} ({names.get(flag['agency'], flag['agency'])}, "
                f"findings version {flag['finding_version']})",
                style="List Bullet",
            )
    if shown.withheld:
        doc.add_paragraph(
            "Restricted findings are shown as their summary only; a YOT manager sees the "
            "flags they raise."
        )
    if draft.conflicts:
        doc.add_heading("Conflicts between agencies", level=1)
        for conflict in draft.conflicts:
            doc.add_paragraph(conflict["text"], style="List Bullet")
    if draft.missing:
        doc.add_heading("Agencies missing", level=1)
        for item in draft.missing:
            doc.add_paragraph(f"{item['agency_name']}: {item['text']}", style="List Bullet")
    if draft.restricted:
        doc.add_heading("Restricted findings (summary only)", level=1)
        for item in draft.restricted:
            doc.add_paragraph(
                f"{names.get(item['agency'], item['agency'])}: {item['summary']}",
                style="List Bullet",
            )

    for section in draft.sections.all():
        doc.add_heading(section.title, level=1)
        for paragraph in (section.text or "Nothing recorded yet.").split("\n\n"):
            doc.add_paragraph(paragraph)
        if section.sources:
            sources = ", ".join(
                f"{names.get(s['agency'], s['agency'])} v{s['finding_version']}"
                for s in section.sources
            )
            doc.add_paragraph(f"Sources: {sources}").runs[0].italic = True
        if section.needs_review:
            doc.add_paragraph("Needs review: the findings changed after this was edited.")

    doc.add_heading("Intervention plan", level=1)
    for category, title in PLAN_CATEGORIES.items():
        doc.add_heading(title, level=2)
        items = draft.plan.get(category) or []
        if not items:
            doc.add_paragraph("No actions yet.")
        for item in items:
            doc.add_paragraph(
                f"{item['action']} (owner: {names.get(item['owner_agency'], item['owner_agency'])};"
                f" due {item['due_date']})",
                style="List Bullet",
            )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
