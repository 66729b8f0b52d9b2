"""The findings page of a session: the form rendered from the agency's form definition for
the practitioner who ran it, read-only versions for everyone else allowed to read them.
Access is the API's (api/views_findings.py): the same selectors and audit-logged reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.findings_forms import (
    PLAN_CATEGORIES,
    DefinitionError,
    check_answers,
    render_answer,
)
from agencies.models import Agency
from agencies.models import FindingsForm as FindingsFormDefinition
from frontend.access import page
from frontend.findings_forms import FindingsForm, agency_choices, own
from screening.access import can
from screening.assessment import findings as findings_services
from screening.assessment.selectors import (
    communication_needs_for_session,
    findings_answers_visible,
    findings_read_for,
    findings_sessions_for,
)
from screening.audit import audit_finding
from screening.errors import NotAllowed
from screening.models import AuditEntry, Finding, FindingStatus, Session


def _write_refusal(session: Session, user) -> str | None:
    """Why this user may not write the session's findings, or None when they may."""
    try:
        findings_services.check_can_write(session=session, user=user)
    except NotAllowed as refusal:
        return str(refusal)
    return None


def answer_rows(finding: Finding, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers shown read-only, in the form's order, as words."""
    rows = []
    for question in finding.form.questions:
        value = answers.get(question["key"])
        if value in (None, "", []):
            continue
        if question["type"] == "actions":
            names = dict(agency_choices())
            actions = [
                {
                    **a,
                    "owner_name": names.get(a["owner_agency"], a["owner_agency"]),
                    "category_name": PLAN_CATEGORIES.get(a["category"], a["category"]),
                    "due": dt.date.fromisoformat(a["due_date"]),
                }
                for a in value
            ]
            rows.append({"label": own(question, "label"), "actions": actions})
        else:
            rows.append({"label": own(question, "label"), "text": render_answer(question, value)})
    return rows


def _form_for(session: Session, finding: Finding | None, data=None) -> FindingsForm:
    form = finding.form if finding else findings_services.form_current(agency=session.agency)
    answers = finding.answers if finding else {}
    actions = next((answers.get(q["key"]) for q in form.questions if q["type"] == "actions"), None)
    findings_form = FindingsForm(
        data,
        questions=form.questions,
        agencies=agency_choices(),
        saved_actions=len(actions or []),
        initial=FindingsForm.initial_for(answers, form.questions),
    )
    findings_form.definition = form
    return findings_form


@page("findings", "read")
def session_findings(request: HttpRequest, pk: int) -> HttpResponse:
    """Read (audit-logged), save the working copy, submit or start an amendment."""
    user = request.user
    session = get_object_or_404(findings_sessions_for(user=user), pk=pk)
    versions = list(
        session.findings.exclude(status=FindingStatus.DRAFT)
        .select_related("form")
        .order_by("version")
    )
    refusal = _write_refusal(session, user)
    own = session.practitioner.user_id == user.pk
    form = None
    if request.method == "POST":
        if not can(user, "findings", "update"):
            raise PermissionDenied  # the API's PUT and submit answer 403 to these roles
        if refusal is not None:
            return _render(request, session, versions, None, refusal=refusal, error=refusal)
        copy = findings_services.working_copy(session=session)
        if request.POST.get("action") == "amend":
            latest = versions[-1] if versions else None
            if copy is None and latest is not None:
                findings_services.findings_save(session=session, answers=latest.answers, user=user)
            return redirect("frontend:findings", pk=session.pk)
        base = copy or (versions[-1] if versions else None)
        try:
            form = _form_for(session, base, request.POST)
        except FindingsFormDefinition.DoesNotExist:
            error = f"{session.agency.name} has no findings form yet."
            return _render(request, session, versions, None, refusal=error, error=error)
        if request.POST.get("action") == "confirm":
            # From the confirmation page: submit the working copy it showed, as saved. With
            # none (submitted already, say in another tab) there is nothing to do.
            if copy is None:
                return redirect("frontend:findings", pk=session.pk)
            try:
                findings_services.findings_submit(session=session, user=user)
            except (ValidationError, NotAllowed) as error:
                text = (
                    " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                form = _form_for(session, copy)
                return _render(
                    request, session, versions, copy, form=form, refusal=refusal, error=text
                )
            return redirect(reverse("frontend:findings", args=[session.pk]) + "?submitted=1")
        if form.is_valid():
            try:
                copy = findings_services.findings_save(
                    session=session, answers=form.answers(), user=user
                )
                if request.POST.get("action") == "submit":
                    # Every required answer first (the submission's own rule), then a
                    # confirmation saying what was left empty before anything is sent.
                    _check_complete(copy)
                    return _render_confirm(request, session, copy)
                return redirect(reverse("frontend:findings", args=[session.pk]) + "?saved=1")
            except (ValidationError, NotAllowed) as error:
                _put_errors(form, error)
        finding = findings_services.working_copy(session=session) or base
        return _render(request, session, versions, finding, form=form, refusal=refusal)

    version = request.GET.get("version")
    if version is not None:
        if not version.isdigit():
            return _render(
                request, session, versions, None, refusal=refusal, error=_("Choose a version.")
            )
        finding = get_object_or_404(
            session.findings.exclude(status=FindingStatus.DRAFT), version=int(version)
        )
        audit_finding(user=user, action=AuditEntry.Action.READ, finding=finding)
        return _render(request, session, versions, finding, refusal=refusal, older=True)
    finding = findings_read_for(user=user, session=session)
    if own and refusal is None and (finding is None or finding.status == FindingStatus.DRAFT):
        try:
            form = _form_for(session, finding)
        except FindingsFormDefinition.DoesNotExist:
            refusal = f"{session.agency.name} has no findings form yet: ask a system administrator."
    return _render(request, session, versions, finding, form=form, refusal=refusal)


def _check_complete(copy: Finding) -> None:
    """The submission's rule, checked before the confirmation page: every required question
    answered (agencies.findings_forms.check_answers, which findings_submit applies too)."""
    codes = Agency.objects.values_list("code", flat=True)
    try:
        check_answers(copy.form.questions, copy.answers, complete=True, agency_codes=codes)
    except DefinitionError as error:
        raise ValidationError(dict(error.errors)) from error


def _put_errors(form: FindingsForm, error: ValidationError | NotAllowed) -> None:
    if isinstance(error, ValidationError):
        form.apply_errors(error)
    else:
        form.add_error(None, str(error))


def _render_confirm(request: HttpRequest, session: Session, copy: Finding) -> HttpResponse:
    """Before submitting: what was left empty, and that a submission goes to the case
    manager's draft (a change after it is an amendment, a new version)."""
    empty = [
        q["label"] for q in copy.form.questions if copy.answers.get(q["key"]) in (None, "", [])
    ]
    return render(
        request,
        "frontend/findings_confirm.html",
        {
            "session": session,
            "case": session.visit.case,
            "person": session.visit.case.young_person,
            "finding": copy,
            "empty": empty,
        },
    )


def _render(
    request: HttpRequest,
    session: Session,
    versions: list[Finding],
    finding: Finding | None,
    *,
    form: FindingsForm | None = None,
    refusal: str | None = None,
    error: str | None = None,
    older: bool = False,
) -> HttpResponse:
    user = request.user
    answers, withheld = ({}, False)
    if finding is not None and form is None:
        answers, withheld = findings_answers_visible(user=user, finding=finding)
    due = (
        finding.due_by
        if finding is not None
        else findings_services.findings_due_for(session=session)
    )
    latest = versions[-1] if versions else None
    context = {
        "session": session,
        "case": session.visit.case,
        "person": session.visit.case.young_person,
        "communication": communication_needs_for_session(session=session),
        "finding": finding,
        "form": form,
        "definition": getattr(form, "definition", None) or (finding.form if finding else None),
        "answers": answer_rows(finding, answers) if finding is not None and form is None else [],
        "withheld": withheld,
        "versions": versions,
        "latest": latest,
        "due": due,
        "overdue": latest is None and timezone.localdate() > due,
        "did_not_attend": session.attended is False,
        "refusal": refusal,
        "may_amend": refusal is None
        and form is None
        and latest is not None
        and not older
        and finding is not None
        and finding.pk == latest.pk,
        "older": older,
        "just_submitted": request.GET.get("submitted") == "1"
        and latest is not None
        and form is None,
        "just_saved": request.method == "GET"
        and request.GET.get("saved") == "1"
        and form is not None,
        "error": error,
    }
    return render(request, "frontend/findings.html", context)
