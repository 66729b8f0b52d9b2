"""The print-friendly assessment draft: one plain page, no navigation, for paper files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from agencies.findings_forms import PLAN_CATEGORIES
from agencies.models import Agency
from frontend.drafts import judgement_rows, not_started_page
from screening.access import can
from screening.assessment.drafts import DraftNotStarted, draft_read
from screening.assessment.export import MARKING, document_heading, document_title, due_words
from screening.assessment.selectors import draft_case_list_for, draft_flags_for


@login_required
def assessment_draft_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Same access as the API: 403 for roles that never read drafts, 404 outside scope.
    Laid out as the Word document is (screening/assessment/export.py): its title, marking
    at the top and bottom, dates written out, the plan as tables."""
    if not can(request.user, "assessment_drafts", "read"):
        raise PermissionDenied
    case = get_object_or_404(draft_case_list_for(user=request.user), pk=pk)
    try:
        draft = draft_read(case=case, user=request.user, detail="print")
    except DraftNotStarted as error:
        return not_started_page(request, error)
    names = dict(Agency.objects.values_list("code", "name"))
    plan = [
        (
            title,
            [
                {**a, "owner_name": names.get(a["owner_agency"]), "due": due_words(a["due_date"])}
                for a in draft.plan.get(key, [])
            ],
        )
        for key, title in PLAN_CATEGORIES.items()
    ]
    sections = [
        {
            "section": s,
            "paragraphs": [p for p in s.text.split("\n\n") if p],
            "sources": [
                f"{names.get(src['agency'], src['agency'])} v{src['finding_version']}"
                for src in s.sources
            ],
        }
        for s in draft.sections.all()
    ]
    shown = draft_flags_for(user=request.user, draft=draft)
    flags = [{**f, "agency_name": names.get(f["agency"], f["agency"])} for f in shown.flags]
    return render(
        request,
        "frontend/draft_print.html",
        {
            "draft": draft,
            "case": case,
            "heading": document_heading(draft),
            "title": document_title(draft),
            "marking": MARKING,
            "sections": sections,
            "plan": plan,
            "judgements": judgement_rows(draft.judgements()),
            "names": names,
            "flags": flags,
            "restricted": [
                {**r, "agency_name": names.get(r["agency"], r["agency"])} for r in draft.restricted
            ],
            "flags_withheld": shown.withheld,
        },
    )
