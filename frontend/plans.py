"""Judgements and the plan that is delivered, as pages: the case manager records the three
judgements on the draft; the case page shows how they changed over signed-off versions and
the plan's actions (overdue ones marked); an owner sees their actions (`/plan-actions/`)
and records each done or not done with a note. Same scoping, audit and services as the API
(api/views/assessment.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontend.access import page
from frontend.drafts import _case_and_draft, draft_page, judgement_rows
from frontend.forms import apply_service_errors, at_most
from screening.access import can
from screening.assessment import drafts as draft_services
from screening.assessment import plans as plan_services
from screening.assessment.selectors import (
    assessment_versions_read,
    draft_case_list_for,
    plan_actions_for,
    plan_actions_read,
    plan_case_list_for,
)
from screening.errors import NotAllowed
from screening.models import JUDGEMENTS, Case, PlanActionStatus
from screening.models.assessment import JUDGEMENT_REASON_LIMIT

MY_ACTIONS_LIMIT = 200


class JudgementsForm(forms.Form):
    """The three judgements, each a level on its scale and a reason."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, (name, levels) in JUDGEMENTS.items():
            self.fields[key] = forms.ChoiceField(
                label=name,
                choices=list(levels.items()),
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose the %(lower)s level") % {"lower": name.lower()}
                },
            )
            self.fields[f"{key}_reason"] = forms.CharField(
                label=_("Why: %(lower)s") % {"lower": name.lower()},
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=JUDGEMENT_REASON_LIMIT,
                error_messages={
                    "required": _("Give the reason for the %(lower)s judgement")
                    % {"lower": name.lower()},
                    **at_most(JUDGEMENT_REASON_LIMIT, gettext_lazy("The reason")),
                },
            )

    def judgements(self) -> dict:
        return {
            key: {"level": self.cleaned_data[key], "reason": self.cleaned_data[f"{key}_reason"]}
            for key in JUDGEMENTS
        }

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[key], self[f"{key}_reason"]) for key in JUDGEMENTS]


@page("assessment_drafts", "update")
@draft_page
def judgements_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case, draft = _case_and_draft(request, pk, read=request.method == "GET")
    if request.method == "POST":
        form = JudgementsForm(request.POST)
        if form.is_valid():
            try:
                draft_services.draft_edit(
                    draft=draft, user=request.user, judgements=form.judgements()
                )
                messages.success(request, _("The judgements are saved."))
                return redirect(f"/cases/{case.pk}/assessment-draft/#judgements")
            except ValidationError as error:
                apply_service_errors(
                    form,
                    error,
                    {
                        **{f"judgements.{k}.level": k for k in JUDGEMENTS},
                        **{f"judgements.{k}.reason": f"{k}_reason" for k in JUDGEMENTS},
                    },
                )
            except NotAllowed as error:
                form.add_error(None, str(error))
    else:
        initial = {}
        for key in JUDGEMENTS:
            initial[key] = getattr(draft, key) or None
            initial[f"{key}_reason"] = getattr(draft, f"{key}_reason")
        form = JudgementsForm(initial=initial)
    return render(request, "frontend/draft_judgements.html", {"case": case, "form": form})


def case_assessments(user, case: Case) -> list[dict] | None:
    """The case's signed-off versions with their judgements, for the case page (audited
    reads); None for someone who does not read judgements."""
    if not can(user, "assessment_drafts", "read"):
        return None
    if not draft_case_list_for(user=user).filter(pk=case.pk).exists():
        return None
    return [
        {"version": v, "judgements": judgement_rows(v.judgements())}
        for v in assessment_versions_read(case=case, user=user)
    ]


def case_plan_actions(user, case: Case) -> list | None:
    """The case's plan actions this user may see (audited reads), or None when they see
    no plan of it."""
    if not can(user, "plan_actions", "read"):
        return None
    if not plan_case_list_for(user=user).filter(pk=case.pk).exists():
        return None
    return plan_actions_read(user=user, actions=plan_actions_for(user=user).filter(case=case))


@page("plan_actions", "read")
def my_actions(request: HttpRequest) -> HttpResponse:
    """The plan actions the user may see across cases, soonest due first (an owner's work
    list; a case manager's and a manager's with the overdue marked)."""
    actions = plan_actions_read(
        user=request.user, actions=plan_actions_for(user=request.user)[:MY_ACTIONS_LIMIT]
    )
    return render(
        request,
        "frontend/plan_actions.html",
        {"actions": actions, "limit": MY_ACTIONS_LIMIT},
    )


class ActionProgressForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Is the action done?"),
        choices=PlanActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose whether the action is done")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("What was done, or why it was not."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=plan_services.NOTE_LIMIT,
        error_messages=at_most(plan_services.NOTE_LIMIT, gettext_lazy("The note")),
    )


@page("plan_actions", "update")
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an action done, not done (with a note) or open again: its owner, the case
    manager or a manager (404 for anyone else)."""
    action = get_object_or_404(plan_actions_for(user=request.user), pk=pk)
    if request.method == "POST":
        form = ActionProgressForm(request.POST)
        if form.is_valid():
            try:
                plan_services.plan_action_update(
                    action=action,
                    user=request.user,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("The action is updated."))
                return redirect("frontend:plan_actions")
            except ValidationError as error:
                apply_service_errors(form, error)
            except NotAllowed as error:
                form.add_error(None, str(error))
    else:
        plan_actions_read(user=request.user, actions=[action])
        form = ActionProgressForm(initial={"status": action.status, "note": action.note})
    return render(
        request,
        "frontend/plan_action.html",
        {"action": action, "form": form, "category": action.category_label},
    )
