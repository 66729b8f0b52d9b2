"""The YOT admin's "Bring forward" list: earlier times freed by cancellations, each ready
to book (or move to) with one click through the usual services, which re-check it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontend.access import page
from frontend.booking import chosen_interpreter, chosen_option, chosen_venue, shown_options
from screening.booking import services as visit_services
from screening.booking.bring_forward import bring_forward_list, deadline_end
from screening.errors import NotAllowed, SlotTaken
from screening.models import Case, Visit, VisitStatus
from screening.scheduling.expand import to_minutes

MOVED_REASON = "Brought forward into time a cancellation freed."


def _rows() -> list[dict[str, object]]:
    rows = []
    for offer in bring_forward_list():
        shown = shown_options(offer.found, [offer.option], prefix=f"case-{offer.case.pk}-")[0]
        late = offer.option.end > to_minutes(deadline_end(offer.case))
        rows.append({"offer": offer, "option": shown, "late": late})
    return rows


def _show(request: HttpRequest, *, status: int = 200, **more: object) -> HttpResponse:
    return render(request, "frontend/bring_forward.html", {"rows": _rows(), **more}, status=status)


@page("bring_forward", "read")
def bring_forward(request: HttpRequest) -> HttpResponse:
    """GET: the list. POST: book (or move the case's visit to) the chosen offer; a time
    taken meanwhile answers 409 with the list worked out again."""
    if request.method != "POST":
        return _show(request)
    case = get_object_or_404(Case, pk=request.POST.get("case"))
    visit_pk = request.POST.get("visit")
    late_reason = request.POST.get("late_reason", "").strip()
    try:
        room, sessions = chosen_option(request.POST.get("option", ""))
        interpreter = chosen_interpreter(request.POST.get("option", ""))
        # An offer at a home or school has no room: its venue (re-checked like the rest).
        venue = chosen_venue(request.POST.get("option", ""))
        if visit_pk:
            visit = get_object_or_404(Visit, pk=visit_pk, case=case, status=VisitStatus.BOOKED)
            result = visit_services.visit_reschedule(
                visit=visit,
                room=room,
                venue=venue,
                sessions=sessions,
                changed_by=request.user,
                reason=MOVED_REASON,
                late_reason=late_reason,
                # The offer holds the interpreter the search found free (none when the young
                # person needs none); the re-check refuses one taken meanwhile.
                interpreter=interpreter,
            )
            messages.success(
                request,
                _("%(reference)s's visit is moved earlier.") % {"reference": case.reference},
            )
        else:
            result = visit_services.visit_book(
                case=case,
                room=room,
                venue=venue,
                sessions=sessions,
                booked_by=request.user,
                late_reason=late_reason,
                interpreter=interpreter,
            )
            messages.success(
                request, _("A visit is booked for %(reference)s.") % {"reference": case.reference}
            )
    except SlotTaken as taken:
        return _show(
            request,
            status=409,
            taken=_(
                "That time was taken meanwhile (%(taken)s); the list below is worked out again."
            )
            % {"taken": taken.words()},
        )
    except (ValidationError, NotAllowed) as error:
        words = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return _show(request, status=400, error=words, error_case=case.pk)
    return redirect("frontend:visit", pk=result.pk)
