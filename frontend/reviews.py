"""Reviews and significant new information on the pages: the case page lists them (audited
reads) with the forms to record new information and start a review; the draft page says
why the assessment needs review; a review's sign-off asks what changed. Same services,
selectors and access as the API (api/views/reviews.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.local_time import date_words_here
from frontend.access import page
from frontend.forms import DateField, apply_service_errors, at_most
from screening.access import can
from screening.assessment import reviews as review_services
from screening.assessment.draft_words import section_title_here
from screening.assessment.review_selectors import (
    new_information_case_list_for,
    new_information_for,
    new_information_read,
    open_review_of,
    review_case_list_for,
    review_to_book,
    reviews_for,
    reviews_read,
)
from screening.assessment.review_sign_off import (
    CHANGES_SUMMARY_LIMIT,
    changes_against,
    latest_version,
)
from screening.errors import NotAllowed
from screening.models import (
    JUDGEMENTS,
    AssessmentDraft,
    Case,
    NewInformationKind,
)


class NewInformationForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What kind of information is it?"),
        choices=NewInformationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what kind of information it is")},
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        help_text=gettext_lazy(
            "What happened, who told you and anything the case manager must act on."
        ),
        widget=forms.Textarea,
        max_length=review_services.SUMMARY_LIMIT,
        error_messages={
            "required": gettext_lazy("Summarise the new information"),
            **at_most(review_services.SUMMARY_LIMIT, gettext_lazy("The summary")),
        },
    )
    received_on = DateField(
        label=gettext_lazy("When did you receive it?"),
        label_name=gettext_lazy("date you received it"),
        help_text=gettext_lazy("For example, 27 3 2027"),
    )


class ChangesSummaryForm(forms.Form):
    changes_summary = forms.CharField(
        label=gettext_lazy("What did the review change?"),
        help_text=gettext_lazy(
            "What changed in the assessment, the judgements or the plan, or why nothing "
            "needed to change."
        ),
        widget=forms.Textarea,
        max_length=CHANGES_SUMMARY_LIMIT,
        error_messages={
            "required": gettext_lazy(
                "Say what the review changed, or why nothing needed to change"
            ),
            **at_most(CHANGES_SUMMARY_LIMIT, gettext_lazy("The summary")),
        },
    )


class ReviewLateReasonForm(forms.Form):
    late_reason = forms.CharField(
        label=gettext_lazy("Why is the review late?"),
        help_text=gettext_lazy(
            "For example, waiting for a police report or the case manager's leave. The "
            "timeliness report lists it with the review."
        ),
        widget=forms.Textarea,
        max_length=review_services.LATE_REASON_LIMIT,
        error_messages={
            "required": gettext_lazy("Say why the review is late"),
            **at_most(review_services.LATE_REASON_LIMIT, gettext_lazy("The reason")),
        },
    )


def case_reviews(user, case: Case) -> dict:
    """What the case page shows of reviews and new information to this user (each read
    audit-logged), and what they may do."""
    shown: dict = {"may_record": False, "may_start": False, "new_information": None}
    if can(user, "new_information", "read") and (
        new_information_case_list_for(user=user).filter(pk=case.pk).exists()
    ):
        shown["new_information"] = new_information_read(
            user=user, items=new_information_for(user=user, case=case)
        )
        shown["may_record"] = review_services.may_record_new_information(case=case, user=user)
    shown["reviews"] = None
    if can(user, "reviews", "read") and review_case_list_for(user=user).filter(pk=case.pk).exists():
        reviews = reviews_read(user=user, reviews=reviews_for(case=case))
        shown["reviews"] = reviews
        shown["may_explain"] = can(user, "reviews", "create")
        shown["may_start"] = (
            shown["may_explain"]
            and not any(r.status == "in_progress" for r in reviews)
            and latest_version(case.pk) is not None
        )
        today = timezone.localdate()
        shown["today"] = today
        for review in reviews:
            review.late = review_services.review_is_late(review, today=today)
    shown["review_to_book"] = (
        review_to_book(user=user, case=case) if can(user, "visit_options", "read") else None
    )
    return shown


def review_needed(user, case: Case) -> dict | None:
    """Why the assessment needs review (the open review and its new information, reads
    audit-logged), for the draft page; None when no review is open."""
    review = open_review_of(case)
    if review is None:
        return None
    items = new_information_read(user=user, items=review.new_information.all())
    return {"review": review, "new_information": items}


@page("new_information", "create")
def new_information_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(new_information_case_list_for(user=request.user), pk=pk)
    form = NewInformationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = review_services.new_information_record(
                case=case, user=request.user, **form.cleaned_data
            )
            messages.success(
                request,
                _("The new information is recorded. A review is due by %(day)s.")
                % {"day": date_words_here(item.review.due_by)},
            )
            return redirect(f"/cases/{case.pk}/#new-information")
        except ValidationError as error:
            apply_service_errors(form, error)
        except NotAllowed as error:
            form.add_error(None, str(error))
    return render(request, "frontend/new_information_form.html", {"case": case, "form": form})


@require_POST
@page("reviews", "create")
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the review now; the draft page opens on the review draft."""
    case = get_object_or_404(review_case_list_for(user=request.user), pk=pk)
    try:
        review_services.review_start(case=case, user=request.user)
    except NotAllowed as error:
        messages.error(request, str(error))
        return redirect(f"/cases/{case.pk}/#reviews")
    messages.success(request, _("The review has started from the last signed-off assessment."))
    return redirect("frontend:draft", pk=case.pk)


@page("reviews", "create")
def review_late_reason(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    """Why a late review is late (the case manager or a YOT manager), for the timeliness
    report: the same service as the API's late-reason action, audited there."""
    case = get_object_or_404(review_case_list_for(user=request.user), pk=pk)
    review = get_object_or_404(reviews_for(case=case), pk=review_pk)
    if request.method == "GET":
        reviews_read(user=request.user, reviews=[review])
    form = ReviewLateReasonForm(request.POST or None, initial={"late_reason": review.late_reason})
    if request.method == "POST" and form.is_valid():
        try:
            review_services.review_late_reason_record(
                review=review, late_reason=form.cleaned_data["late_reason"], user=request.user
            )
            messages.success(request, _("The reason the review is late is recorded."))
            return redirect(f"/cases/{case.pk}/#reviews")
        except ValidationError as error:
            apply_service_errors(form, error)
        except NotAllowed as error:
            form.add_error(None, str(error))
    return render(
        request,
        "frontend/review_late_reason_form.html",
        {"case": case, "review": review, "form": form},
    )


def changes_words(draft: AssessmentDraft) -> list[str]:
    """What differs from the last signed-off version, in words, for the sign-off page."""
    changes = changes_against(draft=draft, previous=latest_version(draft.case_id))
    if not changes:
        return []
    titles = dict(draft.sections.values_list("key", "title"))
    words = [
        _("Section changed: %(title)s") % {"title": section_title_here(titles.get(key, key))}
        for key in changes["sections"]
    ]
    words += [
        _("Judgement changed: %(name)s") % {"name": JUDGEMENTS[key][0]}
        for key in changes["judgements"]
    ]
    if changes["plan"]:
        words.append(_("The intervention plan changed"))
    return words or [_("Nothing changed since the last signed-off assessment")]


def review_sign_off_form(request: HttpRequest, draft: AssessmentDraft) -> ChangesSummaryForm:
    if request.method == "POST":
        return ChangesSummaryForm(request.POST)
    return ChangesSummaryForm(initial={"changes_summary": draft.changes_summary})
