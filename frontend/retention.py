"""Records due for disposal (YOT managers): the list waiting for approval, or today's dry
run; approving it carries it out; the dry run as a CSV document. The rules and the work are
in screening/governance; this module only translates HTTP."""

from __future__ import annotations

import csv
import datetime as dt
from typing import NamedTuple

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontend.access import page
from screening.governance.disposal import (
    DisposalRefused,
    disposal_batch_confirm,
    disposal_batch_propose,
)
from screening.governance.retention import due_csv_rows, retention_due
from screening.models import DisposalAction, DisposalBatch, RetentionRule
from screening.models.retention import rule_words_from_text


class Row(NamedTuple):
    reference: str
    order_type: str
    rule: str
    last_action_on: dt.date
    due_on: dt.date
    action: str  # "dispose" or "reduce"


CONFIRM_ERROR = gettext_lazy("Tick the box to say you have checked the list before approving it.")


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    waiting = DisposalBatch.objects.filter(status=DisposalBatch.Status.PROPOSED).first()
    if waiting:
        rows = [
            Row(
                i.case.reference,
                i.case.get_order_type_display(),
                rule_words_from_text(i.rule),
                i.last_action_on,
                i.due_on,
                i.action,
            )
            for i in waiting.items.select_related("case").order_by("due_on", "case__reference")
        ]
    else:
        rows = [
            Row(
                d.reference,
                d.order_type_label,
                rule_words_from_text(d.rule),
                d.last_action_on,
                d.due_on,
                d.action,
            )
            for d in retention_due()
        ]
    return render(
        request,
        "frontend/retention.html",
        {
            "waiting": waiting,
            "rows": rows,
            "reducing": sum(r.action != DisposalAction.DISPOSE for r in rows),
            "disposing": sum(r.action == DisposalAction.DISPOSE for r in rows),
            "rules": RetentionRule.objects.all(),
            "past": DisposalBatch.objects.exclude(status=DisposalBatch.Status.PROPOSED)[:20],
            "error": error,
        },
        status=status,
    )


@page("retention", "read")
def retention_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@page("retention", "read")
def retention_csv(request: HttpRequest) -> HttpResponse:
    """Today's dry run as a CSV document: references, rules, dates and actions, no names."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="records-due-for-disposal-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    csv.writer(response).writerows(due_csv_rows(retention_due()))
    return response


@require_POST
@page("retention", "update")
def retention_propose(request: HttpRequest) -> HttpResponse:
    batch = disposal_batch_propose(by=request.user)
    if batch is None:
        messages.success(request, _("Nothing is due for disposal today."))
    else:
        messages.success(
            request,
            _("The list of %(count)s cases is ready to approve.") % {"count": batch.items.count()},
        )
    return redirect("frontend:retention")


@require_POST
@page("retention", "update")
def retention_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(DisposalBatch, pk=pk)
    if request.POST.get("checked") != "yes":
        return _page(request, error=CONFIRM_ERROR, status=400)
    try:
        report = disposal_batch_confirm(batch=batch, by=request.user)
    except DisposalRefused as error:
        return _page(request, error=" ".join(error.messages), status=409)
    text = _("Done: %(reduced)s reduced to basic details, %(disposed)s disposed of.") % {
        "reduced": report.reduced,
        "disposed": report.disposed,
    }
    if report.failed:
        text += " " + _("%(count)s could not be done and were left unchanged.") % {
            "count": report.failed
        }
    if report.skipped:
        text += " " + _("%(count)s were no longer due and were left unchanged.") % {
            "count": report.skipped
        }
    messages.success(request, text)
    return redirect("frontend:retention")
