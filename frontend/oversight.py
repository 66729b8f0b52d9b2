"""Alerts (urgent findings) for everyone; the audit log and the changes to logins (approve
or refuse what would let a login read findings) for YOT managers."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import PrivilegeRequest
from accounts.selectors import account_events_for, privilege_requests_for
from accounts.services import privilege_request_approve, privilege_request_refuse
from agencies.models import Agency
from frontend.access import page
from frontend.views import paginate
from screening.assessment.drafts import alert_mark_read
from screening.assessment.selectors import alert_list_for
from screening.audit import audit_entries_for, audit_entry_words, role_words


@page("alerts", "read")
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = paginate(
        request, alert_list_for(user=request.user).order_by("read_at", "-created_at", "-id")
    )
    return render(request, "frontend/alerts.html", {"page": alerts})


@require_POST
@page("alerts", "update")
def alert_read(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(alert_list_for(user=request.user), pk=pk)
    alert_mark_read(alert=alert, user=request.user)
    messages.success(request, _("The alert is marked as read."))
    return redirect("frontend:alerts")


class AuditFilterForm(forms.Form):
    case = forms.CharField(label=gettext_lazy("Case reference"), required=False, max_length=40)
    user = forms.CharField(label=gettext_lazy("Username"), required=False, max_length=150)


@page("audit_log", "read")
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who read or wrote which findings or draft, newest first, filtered by case and user."""
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries_for(user=request.user)
    filters = {}
    if form.is_valid():
        filters = {k: v.strip() for k, v in form.cleaned_data.items() if v and v.strip()}
        if "case" in filters:
            entries = entries.filter(case__reference__iexact=filters["case"])
        if "user" in filters:
            entries = entries.filter(username__iexact=filters["user"])
    shown = paginate(request, entries)
    names = dict(Agency.objects.values_list("code", "name"))
    rows = [
        {
            "entry": e,
            "words": audit_entry_words(e, agency_names=names),
            "role": role_words(e.role),
        }
        for e in shown.object_list
    ]
    return render(
        request,
        "frontend/audit_log.html",
        {
            "form": form if form.is_bound else AuditFilterForm(),
            "page": shown,
            "rows": rows,
            "params": urlencode(filters),
        },
    )


@page("account_events", "read")
def login_changes(request: HttpRequest) -> HttpResponse:
    """Changes awaiting approval (approve or refuse each), then every privilege change."""
    pending = privilege_requests_for(user=request.user).filter(
        status=PrivilegeRequest.Status.PENDING
    )
    events = paginate(request, account_events_for(user=request.user))
    return render(
        request,
        "frontend/login_changes.html",
        {"pending": list(pending), "page": events, "me": request.user.pk},
    )


@require_POST
@page("privilege_requests", "update")
def login_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(privilege_requests_for(user=request.user), pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            privilege_request_approve(request=change, by=request.user)
            messages.success(
                request,
                _("%(username)s is now an active %(role_display)s.")
                % {"username": change.user.username, "role_display": change.get_role_display()},
            )
        else:
            reason = request.POST.get("reason", "")[:500]
            privilege_request_refuse(request=change, by=request.user, reason=reason)
            messages.success(
                request,
                _("The change to %(username)s is refused.") % {"username": change.user.username},
            )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    return redirect("frontend:login_changes")
