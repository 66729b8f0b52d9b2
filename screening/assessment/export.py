"""The assessment draft as a Word document (python-docx), for the case file. Its headings
and fixed wording are in the case manager's language (their login's `language`, through
staff_language, English when none is chosen); what people wrote (sections, reasons,
actions, the draft's stored notes) stays as written."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from accounts.models import User
from agencies.findings_forms import PLAN_CATEGORIES
from agencies.local_time import date_words_here
from agencies.models import Agency
from screening.assessment.draft_words import missing_text_here, section_title_here
from screening.assessment.selectors import draft_flags_for
from screening.integrations.email import staff_language
from screening.models import JUDGEMENTS, AssessmentDraft, DraftStatus

LEVEL_WORDS = {
    "low": gettext_lazy("Low"),
    "medium": gettext_lazy("Medium"),
    "high": gettext_lazy("High"),
    "very_high": gettext_lazy("Very high"),
}
INDICATOR_WORDS = {
    "vulnerability": gettext_lazy("Vulnerability"),
    "risk_of_serious_harm": gettext_lazy("Risk of serious harm"),
    "concern": gettext_lazy("Agency concern"),
}


MARKING = "OFFICIAL-SENSITIVE"


def _date(moment) -> str:
    if not moment:
        return ""
    wall = timezone.localtime(moment)
    return f"{date_words_here(wall.date())}, {wall:%H:%M}"


def due_words(value: str) -> str:
    """A plan action's due date (stored as an ISO date) written out: '4 January 2027' (in
    the active language)."""
    try:
        return date_words_here(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def document_heading(draft: AssessmentDraft) -> str:
    """'Initial assessment' once signed off; until then it is a draft and says so."""
    if draft.status == DraftStatus.SIGNED_OFF:
        return gettext("Initial assessment")
    return gettext("Initial assessment draft")


def document_title(draft: AssessmentDraft) -> str:
    """The heading with the case reference, for the document's title and the print page's."""
    return gettext("%(heading)s, case %(reference)s") % {
        "heading": document_heading(draft),
        "reference": draft.case.reference,
    }


def _mark(doc) -> None:
    """The protective marking at the top and bottom of every page."""
    for section in doc.sections:
        for part in (section.header, section.footer):
            paragraph = part.paragraphs[0]
            paragraph.text = MARKING
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.runs[0].bold = True


def _properties(doc, draft: AssessmentDraft) -> None:
    """Title, author (the service) and the time it was made, for the document management
    system the case file lives in."""
    props = doc.core_properties
    now = timezone.now()
    props.title = document_title(draft)
    props.subject = gettext("Case %(reference)s") % {"reference": draft.case.reference}
    props.author = props.last_modified_by = settings.YOT_NAME
    props.category = MARKING
    props.comments = ""
    props.created = props.modified = now
    props.revision = 1


def _plan_table(doc, items: list[dict], names: dict[str, str]) -> None:
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    heads = (gettext("Action"), gettext("Owner"), gettext("Due"))
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for item in items:
        cells = table.add_row().cells
        cells[0].text = item["action"]
        cells[1].text = names.get(item["owner_agency"], item["owner_agency"])
        cells[2].text = due_words(item["due_date"])


def document_language(draft: AssessmentDraft) -> str:
    """The language the document's own words are in: its case manager's choice (the
    document is theirs, whoever downloads it, by page or API), else English."""
    return staff_language(draft.case.case_manager if draft.case.case_manager_id else None)


def draft_document(*, draft: AssessmentDraft, user: User) -> bytes:
    """The draft as a Word document, its headings and fixed wording in the case manager's
    language (document_language), whatever the page's or the API's (docs/decisions/0021)."""
    with translation.override(document_language(draft)):
        return _draft_document(draft=draft, user=user)


def _draft_document(*, draft: AssessmentDraft, user: User) -> bytes:
    """Every section with its sources, the flags the user may see (draft_flags_for),
    conflicts, missing agencies and the plan as tables; titled as a draft until signed off,
    OFFICIAL-SENSITIVE in the header and footer, with its title, author (the service) and
    creation time set."""
    shown = draft_flags_for(user=user, draft=draft)
    case = draft.case
    person = case.young_person
    names = dict(Agency.objects.values_list("code", "name"))
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    _properties(doc, draft)
    _mark(doc)
    doc.add_heading(document_heading(draft), level=0)
    doc.add_paragraph(
        gettext(
            "%(given_name)s %(family_name)s, born %(date_of_birth)s. Case %(reference)s "
            "(%(order_type)s, order start %(order_start_date)s); assessment due by "
            "%(assessment_due_by)s."
        )
        % {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": date_words_here(person.date_of_birth),
            "reference": case.reference,
            "order_type": case.get_order_type_display(),
            "order_start_date": date_words_here(case.order_start_date),
            "assessment_due_by": date_words_here(case.assessment_due_by),
        }
    )
    status = str(draft.get_status_display())
    if draft.signed_off_at:
        status = gettext("%(status)s by %(name)s on %(when)s") % {
            "status": status,
            "name": draft.signed_off_by.get_full_name() or draft.signed_off_by.username,
            "when": _date(draft.signed_off_at),
        }
    doc.add_paragraph(
        gettext("Status: %(status)s") % {"status": status} + f". {settings.YOT_NAME}."
    )

    doc.add_heading(gettext("The case manager's judgements"), level=1)
    for key, given in draft.judgements().items():
        name, levels = (
            str(JUDGEMENTS[key][0]),
            {k: str(v) for k, v in JUDGEMENTS[key][1].items()},
        )
        if given is None:
            doc.add_paragraph(f"{name}: {gettext('not recorded yet.')}", style="List Bullet")
        else:
            doc.add_paragraph(
                f"{name}: {levels[given['level']]}. {given['reason']}", style="List Bullet"
            )

    if shown.flags:
        doc.add_heading(
            gettext("Flags suggested by the findings (the case manager decides)"), level=1
        )
        for indicator, level in shown.suggested_ratings.items():
            doc.add_paragraph(
                gettext("%(indicator)s: suggested %(level)s")
                % {
                    "indicator": INDICATOR_WORDS.get(indicator, indicator),
                    "level": LEVEL_WORDS.get(level, level),
                },
                style="List Bullet",
            )
        for flag in shown.flags:
            urgent = gettext("Urgent.") + " " if flag.get("urgent") else ""
            said = gettext("%(text)s (%(agency_name)s, findings version %(finding_version)s)")
            doc.add_paragraph(
                urgent
                + said
                % {
                    "text": flag["text"],
                    "agency_name": names.get(flag["agency"], flag["agency"]),
                    "finding_version": flag["finding_version"],
                },
                style="List Bullet",
            )
    if shown.withheld:
        doc.add_paragraph(
            gettext(
                "Restricted findings are shown as their summary only; a YOT manager sees the "
                "flags they raise."
            )
        )
    if draft.conflicts:
        doc.add_heading(gettext("Conflicts between agencies"), level=1)
        for conflict in draft.conflicts:
            doc.add_paragraph(conflict["text"], style="List Bullet")
    if draft.missing:
        doc.add_heading(gettext("Agencies missing"), level=1)
        for item in draft.missing:
            doc.add_paragraph(
                f"{item['agency_name']}: {missing_text_here(item)}", style="List Bullet"
            )
    if draft.restricted:
        doc.add_heading(gettext("Restricted findings (summary only)"), level=1)
        for item in draft.restricted:
            doc.add_paragraph(
                f"{names.get(item['agency'], item['agency'])}: {item['summary']}",
                style="List Bullet",
            )

    for section in draft.sections.all():
        doc.add_heading(section_title_here(section.title), level=1)
        for paragraph in (section.text or gettext("Nothing recorded yet.")).split("\n\n"):
            doc.add_paragraph(paragraph)
        if section.sources:
            sources = ", ".join(
                f"{names.get(s['agency'], s['agency'])} v{s['finding_version']}"
                for s in section.sources
            )
            paragraph = doc.add_paragraph(gettext("Sources: %(sources)s") % {"sources": sources})
            paragraph.runs[0].italic = True
        if section.needs_review:
            doc.add_paragraph(gettext("Needs review: the findings changed after this was edited."))

    doc.add_heading(gettext("Intervention plan"), level=1)
    for category, title in PLAN_CATEGORIES.items():
        doc.add_heading(str(title), level=2)
        items = draft.plan.get(category) or []
        if items:
            _plan_table(doc, items, names)
        else:
            doc.add_paragraph(gettext("No actions yet."))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
