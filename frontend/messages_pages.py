"""A case's text messages and replies, and the YOT admins' task list; reads through the
same selectors as the API, and tasks are closed through the messages service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.access import page
from frontend.views import paginate
from screening.access import can
from screening.messaging.selectors import message_list_for, reply_list_for
from screening.models import MessageStatus
from screening.people.selectors import case_list_for
from screening.phone import mask_mobile
from screening.worktray.selectors import admin_task_list_for
from screening.worktray.services import admin_task_done

# A GOV.UK tag colour per message status; the status is always written out as well.
STATUS_TAGS = {
    MessageStatus.PLANNED: "govuk-tag--blue",
    MessageStatus.SENDING: "govuk-tag--light-blue",
    MessageStatus.SENT: "govuk-tag--turquoise",
    MessageStatus.DELIVERED: "govuk-tag--green",
    MessageStatus.UNDELIVERED: "govuk-tag--red",
    MessageStatus.FAILED: "govuk-tag--red",
    MessageStatus.WITHDRAWN: "govuk-tag--grey",
    MessageStatus.HELD: "govuk-tag--red",
    MessageStatus.OUTCOME_UNKNOWN: "govuk-tag--orange",
}

TASK_FILTERS = {"open": "Open", "done": "Done"}


@page("messages", "read")
def case_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """Texts sent or planned about a case's visits, replies received, and its admin tasks."""
    case = get_object_or_404(case_list_for(user=request.user), pk=pk)
    texts = list(message_list_for(user=request.user, case=case))
    for text in texts:
        text.masked_to = mask_mobile(text.to)
        text.tag = STATUS_TAGS.get(text.status, "govuk-tag--grey")
    replies = list(reply_list_for(user=request.user, case=case))
    for reply in replies:
        reply.masked_from = mask_mobile(reply.from_number)
    tasks = admin_task_list_for(user=request.user).filter(case=case)
    return render(
        request,
        "frontend/case_messages.html",
        {
            "case": case,
            "texts": texts,
            "replies": replies,
            "tasks": list(tasks),
            "may_close": can(request.user, "admin_tasks", "update"),
            "show_tasks": can(request.user, "admin_tasks", "read"),
        },
    )


@page("admin_tasks", "read")
def task_list(request: HttpRequest) -> HttpResponse:
    """Open tasks first, newest first; ?show=done lists the finished ones."""
    show = request.GET.get("show", "open")
    if show not in TASK_FILTERS:
        show = "open"
    tasks = admin_task_list_for(user=request.user).filter(done_at__isnull=show == "open")
    tasks = tasks.order_by("-created_at", "-id") if show == "open" else tasks.order_by("-done_at")
    return render(
        request,
        "frontend/task_list.html",
        {
            "page": paginate(request, tasks),
            "show": show,
            "params": f"show={show}",
            "filters": TASK_FILTERS,
            "may_close": can(request.user, "admin_tasks", "update"),
        },
    )


@require_POST
@page("admin_tasks", "update")
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(admin_task_list_for(user=request.user), pk=pk)
    admin_task_done(task=task, by=request.user)
    messages.success(
        request, _("Marked as done: %(kind_display)s.") % {"kind_display": task.get_kind_display()}
    )
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("frontend:tasks")
