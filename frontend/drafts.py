"""The assessment draft pages: the case manager edits and sends for sign-off, YOT managers
read, sign off and reopen. Same access and audit as the API (api/views/assessment.py):
draft_case_list_for scopes the case, every read writes an audit entry (and nothing else),
and before the case's first findings every draft page says there are none yet (404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from agencies.findings_forms import PLAN_CATEGORIES
from agencies.models import Agency
from frontend.access import page
from frontend.findings_forms import PlanForm, action_errors, action_initial, agency_choices
from frontend.forms import apply_service_errors, at_most
from frontend.reviews import changes_words, review_needed, review_sign_off_form
from screening.access import can
from screening.assessment import drafts as draft_services
from screening.assessment.draft_words import section_title_here
from screening.assessment.export import draft_document as build_document
from screening.assessment.selectors import draft_case_list_for, draft_flags_for
from screening.audit import audit_record
from screening.errors import NotAllowed
from screening.models import JUDGEMENTS, AssessmentDraft, AuditEntry, Case, DraftStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LEVELS = {
    "low": gettext_lazy("Low"),
    "medium": gettext_lazy("Medium"),
    "high": gettext_lazy("High"),
    "very_high": gettext_lazy("Very high"),
}
INDICATORS = {
    "vulnerability": gettext_lazy("Vulnerability"),
    "risk_of_serious_harm": gettext_lazy("Risk of serious harm"),
    "concern": gettext_lazy("Overall concern"),
}


class SectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea,
        strip=False,
        max_length=draft_services.SECTION_TEXT_LIMIT,
        error_messages=at_most(draft_services.SECTION_TEXT_LIMIT, gettext_lazy("The text")),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the draft reopened?"),
        widget=forms.Textarea,
        max_length=draft_services.REASON_LIMIT,
        error_messages={
            "required": gettext_lazy("Say why the draft is reopened"),
            **at_most(draft_services.REASON_LIMIT, gettext_lazy("The reason")),
        },
    )


def judgement_rows(judgements: dict) -> list[dict]:
    """Each judgement as the pages show it: its name, level in words and reason."""
    rows = []
    for key, (name, levels) in JUDGEMENTS.items():
        given = judgements.get(key)
        rows.append(
            {
                "key": key,
                "name": name,
                "level": levels.get(given["level"]) if given else None,
                "reason": given["reason"] if given else "",
            }
        )
    return rows


def _case_and_draft(request: HttpRequest, pk: int, *, read: bool) -> tuple[Case, AssessmentDraft]:
    """The case (404 outside the user's scope) and its draft; raises DraftNotStarted before
    its first findings are submitted (shown by `draft_page`)."""
    case = get_object_or_404(draft_case_list_for(user=request.user), pk=pk)
    if read:
        return case, draft_services.draft_read(case=case, user=request.user)
    return case, draft_services.draft_of(case=case)


def not_started_page(request: HttpRequest, error: draft_services.DraftNotStarted) -> HttpResponse:
    """What a draft page answers before the case's first findings: 404, saying so."""
    return render(
        request,
        "frontend/draft_not_started.html",
        {"case": error.case, "message": _(draft_services.NO_FINDINGS_YET)},
        status=404,
    )


def draft_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a draft page: before the case has a draft, it says why instead."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except draft_services.DraftNotStarted as error:
            return not_started_page(request, error)

    return wrapper


def _errors_form(error: Exception) -> forms.Form:
    """A form carrying a service's refusal, for the error summary."""
    form = forms.Form(data={})
    form.is_valid()
    if isinstance(error, ValidationError):
        apply_service_errors(form, error)
    else:
        form.add_error(None, str(error))
    return form


def _names() -> dict[str, str]:
    return dict(Agency.objects.values_list("code", "name"))


def _source_names(sources: list[dict], names: dict[str, str]) -> list[str]:
    return [f"{names.get(s['agency'], s['agency'])} v{s['finding_version']}" for s in sources]


def _render_draft(
    request: HttpRequest, case: Case, draft: AssessmentDraft, errors: forms.Form | None = None
) -> HttpResponse:
    user = request.user
    missing = draft.missing  # as of now (draft_of), never stored by a read
    draft = (
        AssessmentDraft.objects.select_related("signed_off_by", "submitted_by")
        .prefetch_related("sections", "events__by")
        .get(pk=draft.pk)
    )
    draft.missing = missing
    names = _names()
    shown = draft_flags_for(user=user, draft=draft)
    flags = sorted(
        ({**f, "agency_name": names.get(f["agency"], f["agency"])} for f in shown.flags),
        key=lambda f: not f.get("urgent"),
    )
    sections = [
        {
            "section": s,
            "paragraphs": [p for p in s.text.split("\n\n") if p],
            "sources": _source_names(s.sources, names),
        }
        for s in draft.sections.all()
    ]
    plan = [
        (
            title,
            [
                {
                    **a,
                    "owner_name": names.get(a["owner_agency"]),
                    "due": dt.date.fromisoformat(a["due_date"]),
                }
                for a in draft.plan.get(key, [])
            ],
        )
        for key, title in PLAN_CATEGORIES.items()
    ]
    editable = draft.status == DraftStatus.DRAFT and can(user, "assessment_drafts", "update")
    return render(
        request,
        "frontend/draft.html",
        {
            "case": case,
            "draft": draft,
            "flags": flags,
            "ratings": [
                (INDICATORS.get(k, k), LEVELS.get(v, v)) for k, v in shown.suggested_ratings.items()
            ],
            "flags_withheld": shown.withheld,
            "conflicts": [
                {**c, "source_names": _source_names(c.get("sources", []), names)}
                for c in draft.conflicts
            ],
            "restricted": [
                {**r, "agency_name": names.get(r["agency"], r["agency"])} for r in draft.restricted
            ],
            "sections": sections,
            "judgements": judgement_rows(draft.judgements()),
            "plan": plan,
            "events": list(draft.events.all())[::-1],
            "review_needed": review_needed(user, case),
            "editable": editable,
            "may_submit": editable and can(user, "draft_submit", "create"),
            "may_sign_off": draft.status == DraftStatus.AWAITING_SIGN_OFF
            and can(user, "draft_sign_off", "create"),
            "may_reopen": draft.status != DraftStatus.DRAFT and can(user, "draft_reopen", "create"),
            "errors": errors,
        },
    )


@page("assessment_drafts", "read")
@draft_page
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case, draft = _case_and_draft(request, pk, read=True)
    return _render_draft(request, case, draft)


@page("assessment_drafts", "update")
@draft_page
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    case, draft = _case_and_draft(request, pk, read=request.method == "GET")
    section = draft.sections.filter(key=key).first()
    if section is None:
        raise Http404("No such section.")
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                draft_services.draft_edit(
                    draft=draft,
                    user=request.user,
                    sections=[{"key": key, "text": form.cleaned_data["text"]}],
                )
                messages.success(
                    request, _("%(title)s is saved.") % {"title": section_title_here(section.title)}
                )
                return redirect(f"/cases/{case.pk}/assessment-draft/#section-{key}")
            except ValidationError as error:
                apply_service_errors(form, error, {"sections.0.text": "text"})
            except NotAllowed as error:
                form.add_error(None, str(error))
    else:
        form = SectionForm(initial={"text": section.text})
    form.fields["text"].label = section_title_here(section.title)
    form.fields["text"].help_text = section.guidance
    return render(
        request,
        "frontend/draft_section.html",
        {"case": case, "draft": draft, "section": section, "form": form},
    )


@require_POST
@page("assessment_drafts", "update")
@draft_page
def section_review(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """ "Keep my text" marks the section reviewed; "Use the new text" takes the merge's."""
    case, draft = _case_and_draft(request, pk, read=False)
    decision = request.POST.get("decision")
    change = {"key": key}
    if decision == "keep":
        change["reviewed"] = True
    elif decision == "use":
        change["accept_suggested"] = True
    else:
        error = ValidationError({"decision": [_("Choose to keep your text or use the new text.")]})
        return _render_draft(request, case, draft, _errors_form(error))
    try:
        draft_services.draft_edit(draft=draft, user=request.user, sections=[change])
    except (ValidationError, NotAllowed) as error:
        return _render_draft(request, case, draft, _errors_form(error))
    messages.success(request, _("The section is reviewed."))
    return redirect(f"/cases/{case.pk}/assessment-draft/#section-{key}")


@page("assessment_drafts", "update")
@draft_page
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case, draft = _case_and_draft(request, pk, read=request.method == "GET")
    names = agency_choices()
    saved = [a for key in PLAN_CATEGORIES for a in draft.plan.get(key, [])]
    if request.method == "POST":
        form = PlanForm(request.POST, agencies=names, saved=len(saved))
        if form.is_valid():
            try:
                draft_services.draft_edit(
                    draft=draft, user=request.user, plan=form.actions(), plan_reviewed=True
                )
                messages.success(request, _("The intervention plan is saved."))
                return redirect(f"/cases/{case.pk}/assessment-draft/#plan")
            except ValidationError as error:
                action_errors(form, error, "plan", form.sent_rows)
            except NotAllowed as error:
                form.add_error(None, str(error))
    else:
        form = PlanForm(agencies=names, saved=len(saved), initial=action_initial(saved))
    return render(request, "frontend/draft_plan.html", {"case": case, "form": form})


def _oversight(request: HttpRequest, pk: int, act, success: str) -> HttpResponse:
    case, draft = _case_and_draft(request, pk, read=False)
    try:
        act(draft=draft, user=request.user)
    except (ValidationError, NotAllowed) as error:
        return _render_draft(request, case, draft, _errors_form(error))
    messages.success(request, success)
    return redirect("frontend:draft", pk=case.pk)


def _confirm(
    request: HttpRequest, pk: int, *, step: str, review_form: forms.Form | None = None
) -> HttpResponse:
    """Before sending for sign-off or signing off: what is missing (agencies without
    findings, sections with nothing recorded, an empty plan), and what the step does; a
    review's sign-off also shows what changed and asks for the changes summary."""
    case, draft = _case_and_draft(request, pk, read=False)
    waiting = draft.status == DraftStatus.AWAITING_SIGN_OFF
    if (step == "submit" and draft.status != DraftStatus.DRAFT) or (
        step == "sign_off" and not waiting
    ):
        messages.info(
            request, _("The draft is %(lower)s.") % {"lower": draft.get_status_display().lower()}
        )
        return redirect("frontend:draft", pk=case.pk)
    sections = list(draft.sections.all())
    is_review = draft.kind == "review"
    if is_review and step == "sign_off" and review_form is None:
        review_form = review_sign_off_form(request, draft)
    return render(
        request,
        "frontend/draft_confirm.html",
        {
            "case": case,
            "draft": draft,
            "step": step,
            "review_form": review_form if is_review else None,
            "changes": changes_words(draft) if is_review else [],
            "missing": draft.missing,
            "empty_sections": [section_title_here(s.title) for s in sections if not s.text.strip()],
            "to_review": [section_title_here(s.title) for s in sections if s.needs_review]
            + ([_("the intervention plan")] if draft.plan_needs_review else []),
            "plan_empty": not any(draft.plan.get(key) for key in PLAN_CATEGORIES),
            "judgements_missing": [
                row["name"] for row in judgement_rows(draft.judgements()) if not row["level"]
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@page("draft_submit", "create")
@draft_page
def draft_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, saying what is missing; POST sends the draft."""
    if request.method == "GET":
        return _confirm(request, pk, step="submit")
    return _oversight(
        request, pk, draft_services.draft_submit, _("The draft is sent for sign-off.")
    )


@require_http_methods(["GET", "POST"])
@page("draft_sign_off", "create")
@draft_page
def draft_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, saying what is missing; POST signs the draft off."""
    if request.method == "GET":
        return _confirm(request, pk, step="sign_off")
    case, draft = _case_and_draft(request, pk, read=False)
    if draft.kind != "review":
        return _oversight(request, pk, draft_services.draft_sign_off, _("The draft is signed off."))
    form = review_sign_off_form(request, draft)
    if form.is_valid():
        try:
            draft_services.draft_sign_off(
                draft=draft, user=request.user, changes_summary=form.cleaned_data["changes_summary"]
            )
            messages.success(request, _("The review is signed off."))
            return redirect("frontend:draft", pk=case.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
        except NotAllowed as error:
            form.add_error(None, str(error))
    return _confirm(request, pk, step="sign_off", review_form=form)


@page("draft_reopen", "create")
@draft_page
def draft_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case, draft = _case_and_draft(request, pk, read=False)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft_services.draft_reopen(
                draft=draft, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The draft is reopened."))
            return redirect("frontend:draft", pk=case.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
        except NotAllowed as error:
            form.add_error(None, str(error))
    return render(request, "frontend/draft_reopen.html", {"case": case, "form": form})


@page("assessment_drafts", "read")
@draft_page
def draft_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The same Word document as the API, audit-logged as an export."""
    case, draft = _case_and_draft(request, pk, read=False)
    audit_record(
        user=request.user,
        action=AuditEntry.Action.EXPORT,
        obj=draft,
        case=case,
        detail="Word document",
    )
    response = HttpResponse(build_document(draft=draft, user=request.user), content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-draft-{case.reference}.docx"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
