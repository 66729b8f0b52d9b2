"""manage.py simulate: play N weeks of the YOT on a copy of today's set-up (ADR 0019)."""

from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from screening.planner import runner
from screening.planner.demand import ORDER_TYPES
from screening.planner.results import as_csv
from screening.planner.simulation import ONE_VISIT, SEPARATE


def _mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind not in ORDER_TYPES:
            raise CommandError(f"--mix: unknown order type {kind!r} ({', '.join(ORDER_TYPES)}).")
        try:
            mix[kind] = float(weight)
        except ValueError as error:
            raise CommandError(f"--mix: give a weight for {kind} (e.g. {kind}=0.5).") from error
    return mix


def _pattern(text: str) -> dict:
    """PRACTITIONER_ID:WEEKDAYS:HH:MM-HH:MM, weekdays 0=Monday joined by '+' (1 or 1+3)."""
    try:
        who, days, times = text.split(":", 2)
        start, end = times.split("-")
        return {
            "kind": "add_pattern",
            "practitioner": int(who),
            "weekdays": [int(d) for d in days.split("+")],
            "start": dt.time.fromisoformat(start).isoformat("minutes"),
            "end": dt.time.fromisoformat(end).isoformat("minutes"),
        }
    except ValueError as error:
        raise CommandError(
            f"--add-pattern {text!r}: write PRACTITIONER_ID:WEEKDAYS:HH:MM-HH:MM, "
            "e.g. 12:1:09:00-12:30 (weekdays 0=Monday, joined by +)."
        ) from error


def _venue(text: str) -> dict:
    """NAME:ROOMS[:WEEKDAYS:HH:MM-HH:MM], weekdays 0=Monday joined by '+'; without hours
    the venue opens Monday to Friday 08:00-18:00 (the venue service's default)."""
    try:
        name, rooms, *hours = text.split(":", 2)
        change = {"kind": "add_venue", "name": name.strip(), "rooms": int(rooms)}
        if hours:
            days, times = hours[0].split(":", 1)
            opens, closes = times.split("-")
            change["opening_hours"] = [
                {"weekday": int(d), "opens": dt.time.fromisoformat(opens).isoformat("minutes"),
                 "closes": dt.time.fromisoformat(closes).isoformat("minutes")}
                for d in days.split("+")
            ]  # fmt: skip
        if not change["name"]:
            raise ValueError("no name")
        return change
    except ValueError as error:
        raise CommandError(
            f"--add-venue {text!r}: write NAME:ROOMS or NAME:ROOMS:WEEKDAYS:HH:MM-HH:MM, "
            "e.g. 'Eastside Hub:2:1+3:09:00-17:00' (weekdays 0=Monday, joined by +)."
        ) from error


class Command(BaseCommand):
    help = "Simulate the YOT's next weeks on a copy of today's set-up (capacity planner)."

    def add_arguments(self, parser):
        parser.add_argument("--worker", action="store_true", help="(internal) run one spec")
        parser.add_argument("--run", type=int, help="(internal) play a run the page recorded")
        parser.add_argument("--weeks", type=int, default=13)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start", help="first Monday (default: next Monday)")
        parser.add_argument("--orders-per-week", type=float)
        parser.add_argument("--mix", help="order-type weights, e.g. referral_order=0.6,other=0.4")
        parser.add_argument("--missed-rate", type=float, default=0.15)
        parser.add_argument("--models", choices=["one_visit", "separate", "both"], default="both")
        what = parser.add_argument_group("what-if (run side by side with the baseline)")
        what.add_argument("--add-pattern", action="append", default=[], type=_pattern)
        what.add_argument("--remove-pattern", action="append", default=[],
                          help="PRACTITIONER_ID:PATTERN_ID")  # fmt: skip
        what.add_argument("--add-room", action="append", default=[], help="VENUE_ID:NAME")
        what.add_argument("--add-venue", action="append", default=[], type=_venue,
                          help="NAME:ROOMS[:WEEKDAYS:HH:MM-HH:MM]")  # fmt: skip
        what.add_argument("--what-if-orders-per-week", type=float)
        what.add_argument("--what-if-missed-rate", type=float)
        parser.add_argument("--json", action="store_true", help="print the results as JSON")
        parser.add_argument("--csv", action="store_true", help="print the results as CSV")

    def handle(self, *args, **opts):
        if opts["worker"]:
            result = runner.run_here(json.loads(sys.stdin.read()))
            self.stdout.write(json.dumps(result))
            return
        if opts["run"]:
            from screening.models import PlannerRun
            from screening.planner.jobs import planner_run_play

            planner_run_play(run=PlannerRun.objects.get(pk=opts["run"]))
            return
        if not 1 <= opts["weeks"] <= 52:
            raise CommandError("--weeks: simulate from 1 to 52 weeks.")
        today = timezone.localdate()
        first = dt.date.fromisoformat(opts["start"]) if opts["start"] else runner.next_monday(today)
        if first.weekday() != 0:
            raise CommandError("--start: give a Monday.")
        recent = runner.recent_demand(today=today)
        per_week = opts["orders_per_week"]
        mix = _mix(opts["mix"]) if opts["mix"] else None
        if per_week is None or mix is None:
            if recent is None:
                raise CommandError(
                    "No cases started in the last 12 weeks: give --orders-per-week and --mix."
                )
            per_week = recent[0] if per_week is None else per_week
            mix = recent[1] if mix is None else mix
        params = {"weeks": opts["weeks"], "first_monday": first.isoformat(), "per_week": per_week,
                  "mix": mix, "missed_rate": opts["missed_rate"], "seed": opts["seed"]}  # fmt: skip
        changes = list(opts["add_pattern"])
        for text in opts["remove_pattern"]:
            who, _, pattern = text.partition(":")
            changes.append({"kind": "remove_pattern", "practitioner": int(who),
                            "pattern": int(pattern)})  # fmt: skip
        for text in opts["add_room"]:
            venue, _, name = text.partition(":")
            changes.append({"kind": "add_room", "venue": int(venue), "name": name or "Extra room"})
        changes += opts["add_venue"]
        setup = runner.export_for(first)
        runs = []
        models = [ONE_VISIT, SEPARATE] if opts["models"] == "both" else [opts["models"]]
        for model in models:
            runs.append((f"baseline {model}", {**params, "model": model}, []))
        what_if = {**params, "model": ONE_VISIT}
        if opts["what_if_orders_per_week"] is not None:
            what_if["per_week"] = opts["what_if_orders_per_week"]
        if opts["what_if_missed_rate"] is not None:
            what_if["missed_rate"] = opts["what_if_missed_rate"]
        if changes or what_if != {**params, "model": ONE_VISIT}:
            runs.append(("what-if one_visit", what_if, changes))
        results = []
        for name, p, c in runs:
            try:
                result = runner.run_isolated(runner.spec_for(params=p, changes=c, setup=setup))
            except RuntimeError as error:
                raise CommandError(f"{name}: {error}") from error
            results.append({"name": name, "changes": c, **result})
        if opts["json"]:
            self.stdout.write(json.dumps(results, indent=2))
        elif opts["csv"]:
            self.stdout.write(as_csv(results))
        else:
            self.stdout.write(summary(results))


def summary(results: list[dict]) -> str:
    lines = []
    for r in results:
        a = r["assessment"]["all"]
        lines.append(
            f"{r['name']}: {r['orders']} orders over {r['weeks']} weeks from {r['first_day']}; "
            f"visits on time {r['visit']['percent']}% ({r['visit']['on_time']}/"
            f"{r['visit']['on_time'] + r['visit']['late']}), findings {r['findings']['percent']}%, "
            f"assessments signed off on time {a['percent']}%; bottleneck: {r['bottleneck']}; "
            f"{r['bookings']} bookings, {r['seconds_per_booking'] or 0:.3f} s each"
        )
    return "\n".join(lines)
