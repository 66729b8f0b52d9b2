"""Booking from a case, the visit page, attendance, reschedule, cancel and rebooking a
missed session; every write goes through screening.booking.services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Interpreter, Practitioner
from frontend.access import page
from frontend.forms import AttendanceForm, CancelForm, OptionsForm
from frontend.participants import parent_carer_of
from screening.access import can, sees_attendance_reason
from screening.assessment.review_selectors import review_for_booking
from screening.booking import services as visit_services
from screening.booking.options import VisitOptions, visit_options
from screening.booking.selectors import booked_visit_of, session_list_for, visit_list_for
from screening.booking.services import SessionRequest
from screening.errors import NotAllowed, SlotTaken
from screening.models import Case, Review, Room, Session, Venue, VenueKind, Visit
from screening.people.selectors import case_list_for
from screening.scheduling.expand import from_minutes
from screening.scheduling.search import Option

OPTION_SALT = "frontend.booking.option"
OPTION_COUNT = 10
PAGE_MARGIN_MINUTES = 15


@dataclass
class ShownOption:
    """One option as the page shows it, with the signed value its form posts back."""

    start: dt.datetime
    end: dt.datetime
    room: Room | None  # None: a home or school visit, at `venue` with no room
    sessions: list[dict[str, object]]
    token: str
    key: str
    value: dict[str, object]  # what the token signs, to know the option again on a POST
    # The young person's unavailable times the visit overlaps, as (start, end).
    clashes: list[tuple[dt.datetime, dt.datetime]]
    # The parent or carer's, when they must attend.
    carer_clashes: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    chosen: bool = False
    # The interpreter held for the whole span, when the young person needs one.
    interpreter: Interpreter | None = None
    venue: Venue | None = None

    @property
    def where(self) -> str:
        """The room with its venue, or the venue alone for a visit needing no room."""
        return str(self.room) if self.room is not None else self.venue.name


def _datetimes(spans: list[tuple[int, int]]) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(from_minutes(a), from_minutes(b)) for a, b in spans]


def shown_options(found: VisitOptions, options: list, prefix: str) -> list[ShownOption]:
    shown = []
    for n, option in enumerate(options, 1):
        room, venue = found.place(option)
        sessions = [
            {
                "agency": found.agencies[s.agency],
                "practitioner": found.practitioners[s.practitioner],
                "start": from_minutes(s.start),
                "end": from_minutes(s.end),
            }
            for s in option.sessions
        ]
        value = {
            "room": room.pk if room is not None else None,
            "sessions": [
                [
                    s.agency,
                    s.practitioner,
                    from_minutes(s.start).isoformat(),
                    from_minutes(s.end).isoformat(),
                ]
                for s in option.sessions
            ],
        }
        if room is None:
            value["venue"] = venue.pk
        if option.interpreter is not None:
            value["interpreter"] = option.interpreter
        token = signing.dumps(value, salt=OPTION_SALT)
        shown.append(
            ShownOption(
                start=from_minutes(option.start),
                end=from_minutes(option.end),
                room=room,
                venue=venue,
                sessions=sessions,
                token=token,
                key=f"{prefix}{n}",
                value=value,
                clashes=_datetimes(found.clashes(option)),
                carer_clashes=_datetimes(found.carer_clashes(option)),
                interpreter=found.interpreters.get(option.interpreter)
                if option.interpreter is not None
                else None,
            )
        )
    return shown


def _free_for(free: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in free)


def _keeping_team(found: VisitOptions | None, visit: Visit) -> VisitOptions | None:
    """The options with each of the moved visit's practitioners kept on their agency's
    session wherever they are free for it (the search leaves the visit's own sessions out
    of their busy times, so its own slot is free to them); someone else only where they
    are not."""
    if found is None or found.request is None:
        return found
    team = dict(visit.sessions.filter(cancelled=False).values_list("agency__code", "practitioner"))
    free = {c.id: c.free for c in found.request.candidates}

    def keep(option: Option) -> Option:
        sessions = tuple(
            replace(s, practitioner=team[s.agency])
            if s.agency in team and _free_for(free.get(team[s.agency], ()), s.start, s.end)
            else s
            for s in option.sessions
        )
        return replace(option, sessions=sessions)

    return replace(
        found,
        options=[keep(o) for o in found.options],
        after_deadline=[keep(o) for o in found.after_deadline],
    )


def _chosen_value(token: str) -> dict | None:
    """What a posted token signs (the JSON round trip makes its lists lists), or None."""
    try:
        return signing.loads(token, salt=OPTION_SALT)
    except signing.BadSignature:
        return None


def _error_href(key: str, chosen: ShownOption | None, shown: list[ShownOption]) -> str:
    """Where an error summary item goes: the box of the option chosen that the error is
    about (the same box of the first option offering one, if the chosen one is gone)."""
    field = {"late_reason": "-late-reason", "reason": "-reason"}.get(key)
    if field is None:
        return ""
    if chosen is not None:
        return f"#{chosen.key}{field}"
    return f"#{shown[0].key}{field}" if shown else ""


def chosen_option(token: str) -> tuple[Room | None, list[SessionRequest]]:
    """The option a form posted back (its room: None for a home or school visit, whose
    venue chosen_venue gives); a tampered or stale value is a 400-style error."""
    try:
        data = signing.loads(token, salt=OPTION_SALT, max_age=6 * 3600)
    except signing.BadSignature as exc:
        raise ValidationError({"option": [_("Choose one of the options shown.")]}) from exc
    room = Room.objects.get(pk=data["room"]) if data["room"] is not None else None
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[s[0] for s in data["sessions"]])}
    people = Practitioner.objects.in_bulk([s[1] for s in data["sessions"]])
    return room, [
        SessionRequest(
            agency=agencies[code],
            practitioner=people[pid],
            start=dt.datetime.fromisoformat(start),
            end=dt.datetime.fromisoformat(end),
        )
        for code, pid, start, end in data["sessions"]
    ]


def chosen_venue(token: str) -> Venue | None:
    """The venue of a posted option that needs no room (None for an option in a room); the
    token was checked by chosen_option."""
    data = _chosen_value(token) or {}
    pk = data.get("venue")
    return None if pk is None else Venue.objects.filter(pk=pk).first()


def chosen_interpreter(token: str) -> Interpreter | None:
    """The interpreter of the option a form posted back (None when it holds none); the
    token was checked by chosen_option."""
    data = _chosen_value(token) or {}
    pk = data.get("interpreter")
    return None if pk is None else Interpreter.objects.filter(pk=pk).first()


def _search(case: Case, form: OptionsForm, **extra: object) -> VisitOptions | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    # Options are offered a little beyond the minimum notice, so the one chosen is still
    # bookable when the admin has read the page and pressed the button.
    not_before = None  # the search's own start: the order's start date, or now
    if data.get("not_before"):
        not_before = dt.datetime.combine(
            data["not_before"], dt.time(0), tzinfo=timezone.get_current_timezone()
        )
    try:
        return visit_options(
            case=case,
            agencies=list(data["agencies"]),
            durations=form.durations(),
            order=data["order"],
            min_gap=data.get("min_gap"),
            max_gap=data.get("max_gap"),
            not_before=not_before,
            respect_unavailable=data.get("respect_unavailable", False),
            spread=form.spread_out(),
            # The venues ticked, searched at once; none ticked: every active room.
            venues=list(data.get("venues") or ()) or None,
            count=OPTION_COUNT,
            extra_notice_minutes=PAGE_MARGIN_MINUTES,
            **extra,
        )
    except ValidationError as error:  # a window the form could not judge (defaults apply)
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
        return None


def office_venues() -> list[int]:
    """The venues the booking page searches unless asked otherwise: the YOT office(s)."""
    return list(
        Venue.objects.filter(kind=VenueKind.YOT_OFFICE, rooms__is_active=True)
        .distinct()
        .values_list("pk", flat=True)
    )


def _options_form(query: QueryDict, agencies: list[Agency], defaults: dict) -> OptionsForm:
    """Bound to the query when the admin has asked; otherwise bound to the defaults, so the
    first view already shows options."""
    if "order" in query:
        return OptionsForm(query, agencies=agencies)
    data = QueryDict(mutable=True)
    data.setlist("agencies", defaults["agencies"])
    data.setlist("venues", [str(pk) for pk in defaults.get("venues", office_venues())])
    data["order"] = "fixed"
    data["spread"] = "yes"
    for code, minutes in defaults.get("durations", {}).items():
        data[f"duration_{code}"] = str(minutes)
    return OptionsForm(data, agencies=agencies)


def _current_sessions(visit: Visit | None) -> list[Session]:
    """The sessions of the booking being moved, as the reschedule page shows them."""
    if visit is None:
        return []
    return list(
        visit.sessions.filter(cancelled=False)
        .select_related("agency", "practitioner")
        .order_by("start", "id")
    )


def _render_options(
    request: HttpRequest,
    *,
    case: Case,
    form: OptionsForm,
    found: VisitOptions | None,
    mode: str,
    action_url: str,
    visit: Visit | None = None,
    missed: Session | None = None,
    error: ValidationError | None = None,
    taken: str = "",
    chosen: str = "",
    status: int = 200,
    deadline: dt.date | None = None,
    review: Review | None = None,
) -> HttpResponse:
    options = shown_options(found, found.options, "option-") if found else []
    after_deadline = shown_options(found, found.after_deadline, "late-option-") if found else []
    value = _chosen_value(chosen) if chosen else None
    picked = next((o for o in options + after_deadline if o.value == value), None)
    if picked is not None:
        picked.chosen = True
    errors = []
    if error is not None:
        for key, msgs in getattr(error, "message_dict", {"": error.messages}).items():
            # A late reason is asked on options after the deadline only; a rebooking's
            # reason on every option.
            boxes = after_deadline if key == "late_reason" else options + after_deadline
            href = _error_href(key, picked, boxes)
            errors += [{"key": key, "text": m, "href": href} for m in msgs]
    late_error = next((e["text"] for e in errors if e["key"] == "late_reason"), "")
    reason_error = next((e["text"] for e in errors if e["key"] == "reason"), "")
    return render(
        request,
        "frontend/booking.html",
        {
            "case": case,
            "visit": visit,
            "missed": missed,
            "mode": mode,
            "form": form,
            "found": found,
            "options": options,
            "after_deadline": after_deadline,
            "deadline": deadline or case.visit_due_by,
            "review": review,
            "action_url": action_url,
            "query": request.GET.urlencode()
            if request.method == "GET"
            else request.POST.get("query", ""),
            "errors": errors,
            "late_error": late_error,
            "reason_error": reason_error,
            "taken": taken,
            "posted": request.POST if request.method == "POST" else {},
            "error_title": bool(errors or taken or form.errors),
            "current_sessions": _current_sessions(visit) if mode == "reschedule" else [],
        },
        status=status,
    )


def _book_flow(
    request: HttpRequest,
    *,
    case: Case,
    agencies: list[Agency],
    defaults: dict,
    mode: str,
    write,
    success_url,
    visit: Visit | None = None,
    missed: Session | None = None,
    deadline: dt.date | None = None,
    review: Review | None = None,
) -> HttpResponse:
    """Show options for the constraints asked (before `deadline`, by default the case's
    visit deadline); on POST, write the chosen one. A slot taken meanwhile says so and
    shows fresh options."""
    query = QueryDict(request.POST.get("query", "")) if request.method == "POST" else request.GET
    form = _options_form(query, agencies, defaults)
    extra: dict[str, object] = {"deadline": deadline}

    def search() -> VisitOptions | None:
        if visit is None:
            return _search(case, form, **extra)
        # A visit being moved holds nobody, and keeps its team where they are free.
        return _keeping_team(_search(case, form, ignore_visit=visit, **extra), visit)

    def show(**more: object) -> HttpResponse:
        return _render_options(
            request,
            case=case,
            form=form,
            found=search(),
            mode=mode,
            action_url=request.path,
            visit=visit,
            missed=missed,
            deadline=deadline,
            review=review,
            **more,
        )

    if request.method == "POST":
        token = request.POST.get("option", "")
        try:
            room, sessions = chosen_option(token)
            result = write(
                room=room,
                venue=chosen_venue(token),
                sessions=sessions,
                interpreter=chosen_interpreter(token),
                late_reason=request.POST.get("late_reason", "").strip(),
                reason=request.POST.get("reason", "").strip(),
                query=form.cleaned_data if form.is_valid() else {},
            )
        except SlotTaken as taken:
            return show(taken=taken.words(), status=409)
        except (ValidationError, NotAllowed) as error:
            if isinstance(error, NotAllowed):
                error = ValidationError(str(error))
            return show(error=error, chosen=token)
        return redirect(success_url(result))
    return show()


def _gaps(query: dict) -> dict[str, object]:
    return {"min_gap": query.get("min_gap"), "max_gap": query.get("max_gap")}


@page("visit_options", "read")
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """Book the one visit for a case: constraints, options, book one."""
    case = get_object_or_404(case_list_for(user=request.user), pk=pk)
    if request.method == "POST" and not can(request.user, "visits", "create"):
        raise PermissionDenied
    booked = booked_visit_of(case=case)
    if booked is not None:  # the booking would be refused: say so before any option is chosen
        return render(
            request,
            "frontend/booking_booked.html",
            {"case": case, "visit": booked},
            status=409 if request.method == "POST" else 200,
        )
    agencies = list(Agency.objects.order_by("order", "code"))
    defaults = {"agencies": [a.code for a in agencies if a.required_by_default]}

    def write(*, room, venue, sessions, late_reason, reason, query, interpreter):
        visit = visit_services.visit_book(
            case=case,
            room=room,
            venue=venue,
            sessions=sessions,
            interpreter=interpreter,
            booked_by=request.user,
            late_reason=late_reason,
            **_gaps(query),
        )
        messages.success(request, _("The visit is booked."))
        return visit

    return _book_flow(
        request,
        case=case,
        agencies=agencies,
        defaults=defaults,
        mode="book",
        write=write,
        success_url=lambda visit: f"/visits/{visit.pk}/",
    )


@page("visit_options", "read")
def book_review(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    """Book a review visit for a case's open review: only the agencies it needs (chosen
    with the constraints, the review page's link names them), due by the review's due date."""
    case = get_object_or_404(case_list_for(user=request.user), pk=pk)
    review = review_for_booking(user=request.user, case=case, pk=review_pk)
    if review is None:
        raise Http404
    if request.method == "POST" and not can(request.user, "visits", "create"):
        raise PermissionDenied
    agencies = list(Agency.objects.order_by("order", "code"))
    asked = [code for code in request.GET.getlist("agencies") if code]
    defaults = {"agencies": asked or [a.code for a in agencies if a.required_by_default]}

    def write(*, room, venue, sessions, late_reason, reason, query, interpreter):
        visit = visit_services.visit_book(
            case=case,
            room=room,
            venue=venue,
            sessions=sessions,
            booked_by=request.user,
            late_reason=late_reason,
            review=review,
            interpreter=interpreter,
            **_gaps(query),
        )
        messages.success(request, _("The review visit is booked."))
        return visit

    return _book_flow(
        request,
        case=case,
        agencies=agencies,
        defaults=defaults,
        mode="book",
        write=write,
        success_url=lambda visit: f"/visits/{visit.pk}/",
        deadline=visit_services.visit_deadline(case=case, review=review)[0],
        review=review,
    )


def _visit_for(request: HttpRequest, pk: int) -> Visit:
    return get_object_or_404(
        visit_list_for(user=request.user).select_related("case__young_person", "rebook_of"),
        pk=pk,
    )


@page("visits", "read")
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    now = timezone.now()
    user = request.user
    sessions = list(visit.sessions.select_related("agency", "practitioner").order_by("start", "id"))
    may_attend = can(user, "attendance", "create")
    own = set(session_list_for(user=user).filter(visit=visit).values_list("pk", flat=True))
    rebooked = set(
        Visit.objects.filter(rebook_of__in=sessions)
        .exclude(status="cancelled")
        .values_list("rebook_of_id", flat=True)
    )
    for s in sessions:
        s.may_record = (
            may_attend and s.pk in own and not s.cancelled and visit.is_live() and s.start <= now
        )
        s.may_rebook = (
            can(user, "visits", "create") and s.attended is False and s.pk not in rebooked
        )
        s.reason_shown = s.attendance_reason if sees_attendance_reason(user, s) else ""
    return render(
        request,
        "frontend/visit_detail.html",
        {
            "visit": visit,
            "case": visit.case,
            "carer": parent_carer_of(visit.case, texts_shown=can(user, "messages", "read")),
            "sessions": sessions,
            "may_change": can(user, "visits", "update") and visit.is_changeable(),
        },
    )


@page("visits", "update")
def visit_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    if not visit.is_changeable():
        messages.info(request, _("Only a booked visit that has not started can be rescheduled."))
        return redirect("frontend:visit", pk=visit.pk)
    sessions = list(visit.sessions.select_related("agency").order_by("start"))
    agencies = [s.agency for s in sessions]
    defaults = {
        "agencies": [a.code for a in agencies],
        "venues": sorted({*office_venues(), visit.venue_id}),
        "durations": {
            s.agency.code: int((s.end - s.start).total_seconds() // 60) for s in sessions
        },
    }

    def write(*, room, venue, sessions, late_reason, reason, query, interpreter):
        changed = visit_services.visit_reschedule(
            visit=visit,
            room=room,
            venue=venue,
            sessions=sessions,
            interpreter=interpreter,
            changed_by=request.user,
            reason=reason,
            late_reason=late_reason,
            **_gaps(query),
        )
        messages.success(request, _("The visit is rescheduled."))
        return changed

    return _book_flow(
        request,
        case=visit.case,
        agencies=agencies,
        defaults=defaults,
        mode="reschedule",
        write=write,
        success_url=lambda v: f"/visits/{v.pk}/",
        visit=visit,
    )


@page("visits", "update")
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_services.visit_cancel(
                visit=visit, reason=form.cleaned_data["reason"], cancelled_by=request.user
            )
        except ValidationError as error:
            form.add_error("reason", error.messages[0])
        except NotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The visit is cancelled."))
            return redirect("frontend:visit", pk=visit.pk)
    return render(
        request,
        "frontend/visit_cancel.html",
        {"visit": visit, "case": visit.case, "form": form, "error_title": form.errors},
    )


@page("attendance", "create")
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Attended or did not attend (with a reason), not before the session starts."""
    session = get_object_or_404(
        session_list_for(user=request.user).select_related("visit__case__young_person"), pk=pk
    )
    form = AttendanceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_services.session_record_attendance(
                session=session,
                attended=form.cleaned_data["attended"] == "yes",
                reason=form.cleaned_data["reason"],
                recorded_by=request.user,
            )
        except ValidationError as error:
            form.add_error("reason", error.messages[0])
        except NotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Attendance is recorded for the %(agency)s session.")
                % {"agency": session.agency},
            )
            return redirect("frontend:visit", pk=session.visit_id)
    return render(
        request,
        "frontend/attendance.html",
        {"session": session, "visit": session.visit, "form": form, "error_title": form.errors},
    )


@page("visits", "create")
def session_rebook(request: HttpRequest, pk: int) -> HttpResponse:
    """Rebook the one agency whose session was missed, with the reason."""
    missed = get_object_or_404(
        session_list_for(user=request.user).select_related("visit__case__young_person"), pk=pk
    )
    if missed.attended is not False:
        messages.info(request, _("Only a session marked 'did not attend' is rebooked."))
        return redirect("frontend:visit", pk=missed.visit_id)
    defaults = {
        "agencies": [missed.agency.code],
        "venues": sorted({*office_venues(), missed.visit.venue_id}),
    }

    def write(*, room, venue, sessions, late_reason, reason, query, interpreter):
        only = sessions[0]
        visit = visit_services.session_rebook(
            missed=missed,
            room=room,
            venue=venue,
            practitioner=only.practitioner,
            start=only.start,
            end=only.end,
            reason=reason,
            late_reason=late_reason,
            booked_by=request.user,
            interpreter=interpreter,
        )
        messages.success(
            request, _("The %(agency)s session is rebooked.") % {"agency": missed.agency}
        )
        return visit

    return _book_flow(
        request,
        case=missed.visit.case,
        agencies=[missed.agency],
        defaults=defaults,
        mode="rebook",
        write=write,
        success_url=lambda v: f"/visits/{v.pk}/",
        missed=missed,
        # A missed session has its own deadline, not the case's first visit's.
        deadline=visit_services.rebook_due_by(session=missed),
    )
