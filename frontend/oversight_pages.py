"""The YOT manager's oversight page (what needs them, one table per list) and management
oversight notes on the case page (read by managers and the case's case manager, added by
managers; every read and write audited)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontend.access import page
from frontend.forms import apply_service_errors, at_most
from screening.access import can
from screening.errors import NotAllowed
from screening.models import OVERSIGHT_NOTE_LIMIT, Case
from screening.oversight.selectors import (
    high_risk_review_days,
    oversight_for,
    oversight_note_case_list_for,
    oversight_notes_of,
    oversight_notes_read,
)
from screening.oversight.services import oversight_note_add

# Rows shown per list on the page; the heading gives the whole count.
PAGE_ROWS = 50
# Notes shown on the case page, newest first.
CASE_PAGE_NOTES = 50


class OversightNoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Add a management oversight note"),
        help_text=gettext_lazy(
            "What you reviewed, what you decided and what the case manager should do. "
            "Notes are dated and kept: they cannot be changed or removed."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=OVERSIGHT_NOTE_LIMIT,
        error_messages={
            "required": gettext_lazy("Enter the oversight note"),
            **at_most(OVERSIGHT_NOTE_LIMIT, gettext_lazy("The oversight note")),
        },
    )


@page("oversight", "read")
def oversight(request: HttpRequest) -> HttpResponse:
    """Drafts awaiting sign-off, overdue plan actions and high-risk cases without a
    manager's review, one table each, most pressing first."""
    today = timezone.localdate()
    sections = oversight_for(user=request.user, today=today, limit=PAGE_ROWS)
    return render(
        request,
        "frontend/oversight.html",
        {
            "today": today,
            "sections": sections,
            "limit": PAGE_ROWS,
            "review_days": high_risk_review_days(),
        },
    )


def case_oversight(user, case: Case) -> dict[str, object] | None:
    """The case page's "Management oversight" section: the notes (audited reads) and, for a
    manager, the form; None for someone who does not read them."""
    if not can(user, "oversight_notes", "read"):
        return None
    if not oversight_note_case_list_for(user=user).filter(pk=case.pk).exists():
        return None
    notes = oversight_notes_read(
        user=user, case=case, notes=oversight_notes_of(case=case)[:CASE_PAGE_NOTES]
    )
    may_add = can(user, "oversight_notes", "create")
    return {"notes": notes, "form": OversightNoteForm() if may_add else None}


@page("oversight_notes", "create")
def oversight_note_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note (a YOT manager; the form is on the case page). An empty or too long note
    shows this page again with the error summary."""
    case = get_object_or_404(oversight_note_case_list_for(user=request.user), pk=pk)
    form = OversightNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            oversight_note_add(case=case, user=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("The oversight note is added."))
            return redirect(reverse("frontend:case", args=[case.pk]) + "#management-oversight")
        except ValidationError as error:
            apply_service_errors(form, error)
        except NotAllowed as error:
            form.add_error(None, str(error))
    return render(
        request,
        "frontend/oversight_note_form.html",
        {"case": case, "form": form, "error_title": form.errors},
    )
