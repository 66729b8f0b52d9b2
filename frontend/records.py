"""Young people and cases: lists, details with deadlines and a timeline, add and edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from agencies.local_time import date_words
from frontend.access import page
from frontend.forms import (
    CaseFilterForm,
    CaseForm,
    SearchForm,
    YoungPersonForm,
    apply_service_errors,
)
from frontend.oversight_pages import case_oversight
from frontend.plans import case_assessments, case_plan_actions
from frontend.reviews import case_reviews
from frontend.views import paginate, query_params
from screening.access import can
from screening.assessment.selectors import draft_case_list_for, findings_sessions_for
from screening.booking.selectors import booked_visit_of, case_timeline, visit_list_for
from screening.errors import PossibleDuplicate
from screening.governance.subject_access import export_filename, subject_access_export
from screening.messaging.selectors import number_states_of
from screening.models import AssessmentDraft, Case, Finding, FindingStatus, VisitStatus
from screening.people.cases import case_create, case_update
from screening.people.deadlines import closure_days
from screening.people.selectors import (
    case_list_for,
    case_statuses_for,
    case_statuses_set,
    cases_filtered,
    cases_matching,
    young_people_matching,
    young_person_list_for,
)
from screening.people.workdays import working_days_between
from screening.people.young_people import young_person_create, young_person_update

# --- young people ----------------------------------------------------------------------------


@page("young_people", "read")
def young_person_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    people = young_person_list_for(user=request.user)
    query = ""
    if form.is_bound:
        query = form.data.get("q", "")
        people = young_people_matching(people, query) if form.is_valid() else people.none()
    return render(
        request,
        "frontend/young_person_list.html",
        {
            "form": form,
            "page": paginate(request, people),
            "query": query.strip(),
            "params": query_params(request),
            "error_title": form.errors,
        },
    )


@page("young_people", "read")
def young_person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(young_person_list_for(user=request.user), pk=pk)
    cases = case_list_for(user=request.user).filter(young_person=person)
    return render(
        request,
        "frontend/young_person_detail.html",
        {
            "person": person,
            "numbers": number_states_of([person])[person.pk],
            "cases": cases,
            "basic_only": request.user.role == Role.PRACTITIONER,
            "may_edit": can(request.user, "young_people", "update"),
            "may_open_case": can(request.user, "cases", "create"),
            "may_export": can(request.user, "subject_access", "read"),
        },
    )


@page("subject_access", "read")
def young_person_subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """The same zip as the API's subject access export, audited as an export."""
    person = get_object_or_404(young_person_list_for(user=request.user), pk=pk)
    response = HttpResponse(
        subject_access_export(young_person=person, user=request.user),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(person)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _save_person(request: HttpRequest, person=None) -> HttpResponse:
    duplicates: list = []
    if request.method == "POST":
        form = YoungPersonForm(request.POST)
    else:
        form = YoungPersonForm(initial=YoungPersonForm.initial_for(person) if person else None)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            if person is None:
                person = young_person_create(**values)
                messages.success(request, _("%(person)s is registered.") % {"person": person})
            else:
                person = young_person_update(young_person=person, **values)
                messages.success(request, _("The young person's details are saved."))
        except ValidationError as error:
            apply_service_errors(form, error, YoungPersonForm.service_names)
        except PossibleDuplicate as error:
            duplicates = error.existing
            named = "; ".join(
                f"{p.given_name} {p.family_name}, born {date_words(p.date_of_birth)}"
                for p in duplicates
            )
            form.add_error(
                "confirm_not_duplicate",
                _(
                    "This may be the same person as %(named)s. Check, and if it is someone "
                    "else confirm that this is a different person"
                )
                % {"named": named},
            )
        else:
            return redirect("frontend:young_person", pk=person.pk)
    return render(
        request,
        "frontend/young_person_form.html",
        {
            "form": form,
            "person": person,
            "error_title": form.errors,
            "duplicates": duplicates,
            "ask_confirm": bool(duplicates) or bool(form["confirm_not_duplicate"].value()),
        },
    )


@page("young_people", "create")
def young_person_new(request: HttpRequest) -> HttpResponse:
    return _save_person(request)


@page("young_people", "update")
def young_person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(young_person_list_for(user=request.user), pk=pk)
    return _save_person(request, person)


# --- cases -----------------------------------------------------------------------------------


@page("cases", "read")
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases in the user's scope, searched (names, reference, date of birth) and filtered
    by status, agency seen and assessment due dates; each row with its status."""
    form = CaseFilterForm(request.GET or None, statuses=case_statuses_for(user=request.user))
    cases = case_list_for(user=request.user)
    filtered = False
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            cases = cases_filtered(
                cases_matching(cases, data["q"]),
                user=request.user,
                status=data["status"] or None,
                agency=data["agency"] or None,
                due_from=data["due_from"],
                due_to=data["due_to"],
            )
            filtered = any(data.get(name) for name in form.fields)
        else:
            cases = cases.none()
    page = paginate(request, cases)
    rows = list(page.object_list)
    case_statuses_set(rows, user=request.user)
    return render(
        request,
        "frontend/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": filtered,
            "params": query_params(request),
            "may_create": can(request.user, "cases", "create"),
            "error_title": form.errors,
        },
    )


@page("cases", "read")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(case_list_for(user=request.user), pk=pk)
    today = timezone.localdate()
    closed = closure_days()
    deadlines = [
        (_("Screening visit"), case.visit_due_by),
        (_("Each agency's findings"), case.findings_due_by),
        (_("Signed-off initial assessment"), case.assessment_due_by),
    ]
    basic_only = request.user.role == Role.PRACTITIONER
    visits = visit_list_for(user=request.user).filter(case=case).order_by("-start")
    return render(
        request,
        "frontend/case_detail.html",
        {
            "case": case,
            "person": case.young_person,
            "deadlines": [
                {
                    "label": label,
                    "due": due,
                    "days_left": None
                    if due is None
                    else working_days_between(today, due, closures=closed),
                }
                for label, due in deadlines
            ],
            "visits": visits,
            # A case with a booked visit cannot book another: the page links to that one.
            "booked_visit": booked_visit_of(case=case),
            "timeline": [] if basic_only else case_timeline(case=case),
            "basic_only": basic_only,
            "may_book": can(request.user, "visit_options", "read"),
            "may_edit": can(request.user, "cases", "update"),
            "may_read_messages": can(request.user, "messages", "read"),
            "draft": _draft_of(request.user, case),
            "assessments": case_assessments(request.user, case),
            "plan_actions": case_plan_actions(request.user, case),
            "oversight": case_oversight(request.user, case),
            "findings_sessions": _findings_sessions(request.user, case),
            **case_reviews(request.user, case),
        },
    )


def _draft_of(user, case: Case) -> dict[str, object] | None:
    """The draft's status for roles that may read it (None otherwise)."""
    if not can(user, "assessment_drafts", "read"):
        return None
    if not draft_case_list_for(user=user).filter(pk=case.pk).exists():
        return None
    draft = AssessmentDraft.objects.filter(case=case).only("status").first()
    return {"status": draft.get_status_display() if draft else _("Not started")}


def _findings_sessions(user, case: Case) -> list:
    """The sessions of the case whose findings this user may read, with their state."""
    if not can(user, "findings", "read"):
        return []
    submitted = Finding.objects.filter(session=OuterRef("pk")).exclude(status=FindingStatus.DRAFT)
    return list(
        findings_sessions_for(user=user)
        .filter(visit__case=case, cancelled=False)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .annotate(has_findings=Exists(submitted))
        .order_by("start", "id")
    )


def _case_values(form: CaseForm) -> dict[str, object]:
    return {
        "order_type": form.cleaned_data["order_type"],
        "order_start_date": form.cleaned_data["order_start_date"],
        "case_manager": form.cleaned_data["case_manager"],
    }


@page("cases", "create")
def case_new(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(young_person_list_for(user=request.user), pk=person_pk)
    form = CaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_create(young_person=person, **_case_values(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Case %(reference)s is open.") % {"reference": case.reference}
            )
            return redirect("frontend:case", pk=case.pk)
    return render(
        request,
        "frontend/case_form.html",
        {"form": form, "person": person, "case": None, "error_title": form.errors},
    )


@page("cases", "update")
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(case_list_for(user=request.user), pk=pk)
    initial = {
        "order_type": case.order_type,
        "order_start_date": case.order_start_date,
        "case_manager": case.case_manager_id,
    }
    form = CaseForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_update(case=case, **_case_values(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The case is saved. Deadlines follow the order."))
            return redirect("frontend:case", pk=case.pk)
    return render(
        request,
        "frontend/case_form.html",
        {"form": form, "person": case.young_person, "case": case, "error_title": form.errors},
    )
