"""The capacity planner's pages for YOT managers: ask for a run (with one what-if change),
then read its figures beside the baseline and separate appointments. The simulation runs in
a job of its own (screening/planner/jobs.py); these views only record and show."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Practitioner
from frontend.access import page
from frontend.reports import chart
from screening.models import PlannerRun, Venue
from screening.planner import runner
from screening.planner.jobs import planner_run_start
from screening.reports.timeliness import Rate

WEEKDAYS = [(str(i), d) for i, d in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday",
                                                "Friday"])]  # fmt: skip


class PlannerForm(forms.Form):
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks to simulate"), min_value=1, max_value=52, initial=13
    )
    orders_per_week = forms.FloatField(
        label=gettext_lazy("Orders a week"), min_value=0, max_value=200,
        help_text=gettext_lazy("Left empty: the average of the last 12 weeks' cases."),
        required=False,
    )  # fmt: skip
    missed_percent = forms.IntegerField(
        label=gettext_lazy("Visits missed (per cent)"), min_value=0, max_value=100, initial=15
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed"), min_value=0, max_value=10**9, initial=1,
        help_text=gettext_lazy("The same seed gives the same figures."),
    )  # fmt: skip
    practitioner = forms.ModelChoiceField(
        label=gettext_lazy("What-if: add a weekly pattern for"),
        required=False,
        queryset=Practitioner.objects.none(),
    )
    weekday = forms.ChoiceField(label=gettext_lazy("On"), choices=WEEKDAYS, required=False)
    start = forms.TimeField(label=gettext_lazy("From (HH:MM)"), required=False)
    end = forms.TimeField(label=gettext_lazy("Until (HH:MM)"), required=False)
    room_at = forms.ModelChoiceField(
        label=gettext_lazy("What-if: add a room at"), required=False, queryset=Venue.objects.none()
    )

    new_venue_rooms = forms.IntegerField(
        label=gettext_lazy("What-if: a new venue with this many rooms"), min_value=1, max_value=20,
        required=False, help_text=gettext_lazy("Open Monday to Friday, 08:00 to 18:00."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = Practitioner.objects.filter(is_active=True)
        self.fields["room_at"].queryset = Venue.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("practitioner"):
            if not data.get("start") or not data.get("end"):
                self.add_error("start", _("Give the pattern's start and end times."))
            elif data["end"] <= data["start"]:
                self.add_error("end", _("The pattern must end after it starts."))
        return data

    def changes(self) -> list[dict]:
        d, out = self.cleaned_data, []
        if d.get("practitioner"):
            out.append({"kind": "add_pattern", "practitioner": d["practitioner"].pk,
                        "weekdays": [int(d["weekday"] or 0)],
                        "start": d["start"].isoformat("minutes"),
                        "end": d["end"].isoformat("minutes")})  # fmt: skip
        if d.get("room_at"):
            out.append({"kind": "add_room", "venue": d["room_at"].pk, "name": "Extra room"})
        if d.get("new_venue_rooms"):
            out.append({"kind": "add_venue", "name": "New venue",
                        "rooms": d["new_venue_rooms"]})  # fmt: skip
        return out


@page("capacity_planner", "read")
def planner(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    recent = runner.recent_demand(today=today)
    form = PlannerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        per_week = form.cleaned_data["orders_per_week"]
        if per_week is None and recent is None:
            form.add_error(
                "orders_per_week", _("No cases started in the last 12 weeks: give a rate.")
            )
        else:
            params = {
                "weeks": form.cleaned_data["weeks"],
                "first_monday": runner.next_monday(today).isoformat(),
                "per_week": per_week if per_week is not None else recent[0],
                "mix": recent[1] if recent else {"referral_order": 0.5, "other": 0.5},
                "missed_rate": form.cleaned_data["missed_percent"] / 100,
                "seed": form.cleaned_data["seed"],
            }
            run = planner_run_start(user=request.user, params=params, changes=form.changes())
            return redirect("frontend:planner_run", run_id=run.pk)
    return render(request, "frontend/planner.html", {
        "form": form, "recent": recent, "runs": PlannerRun.objects.all()[:10],
        "error_title": form.errors,
    })  # fmt: skip


def _rate(figure: dict) -> Rate:
    return Rate(on_time=figure["on_time"], late=figure["late"])


@page("capacity_planner", "read")
def planner_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(PlannerRun, pk=run_id)
    results = run.results or []
    charts = []
    for key, title in (
        ("visit", _("Visits within the deadline")),
        ("findings", _("Findings on time")),
    ):
        rows = [(r["name"], _rate(r[key])) for r in results]
        charts.append(chart(f"chart-{key}", title, rows))
    rows = [(r["name"], _rate(r["assessment"].get("all", {"on_time": 0, "late": 0})))
            for r in results]  # fmt: skip
    charts.append(chart("chart-assessment", _("Assessments signed off on time"), rows))
    return render(request, "frontend/planner_run.html", {
        "run": run, "results": results, "charts": charts,
        "started": dt.date.fromisoformat(run.params["first_monday"]),
    })  # fmt: skip
