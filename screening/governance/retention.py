"""What the retention schedule makes due (the dry run): each case's last action, the dates
its rule gives, and the action due today. Reads only; screening/governance/disposal.py
carries a confirmed list out.

A case's last action is the latest local date of: its order start; its creation; the end of
any visit not cancelled; any change to a visit (booked, moved, cancelled, attendance: its
history); any findings saved or submitted; any step of its assessment draft (merged, edited,
sent, signed off, reopened) and any signed-off version; any plan action added or updated.
Cases are not closed in this service, so the latest activity on the case is its last
action. Once a case is reduced, the date as it was then is kept and used (reduction deletes
its plan actions, which must not bring the disposal forward)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from screening.governance.retention_rules import RuleFigures, disposal_dates, due_action
from screening.models import (
    AssessmentVersion,
    Case,
    DraftEvent,
    Finding,
    OrderType,
    PlanAction,
    RetentionRule,
    RetentionStage,
    Visit,
    VisitHistory,
    VisitStatus,
)

# (model, the path from it to the case's id, the moments that count as an action).
ACTIVITY = [
    (Visit.objects.exclude(status=VisitStatus.CANCELLED), "case_id", ("end",)),
    (VisitHistory.objects.all(), "visit__case_id", ("at",)),
    (Finding.objects.all(), "session__visit__case_id", ("updated_at", "submitted_at")),
    (DraftEvent.objects.all(), "draft__case_id", ("at",)),
    (AssessmentVersion.objects.all(), "case_id", ("signed_off_at",)),
    (PlanAction.objects.all(), "case_id", ("created_at", "updated_at")),
]


@dataclass(frozen=True)
class DueCase:
    """One line of the dry run."""

    case_id: int
    reference: str
    order_type: str
    order_type_label: str
    rule: str
    last_action_on: dt.date
    due_on: dt.date
    action: str

    @property
    def action_label(self) -> str:
        return "Dispose" if self.action == "dispose" else "Reduce to basic details"


def figures(rule: RetentionRule) -> RuleFigures:
    return RuleFigures(
        dispose_after_years=rule.dispose_after_years,
        reduce_after_years=rule.reduce_after_years,
        keep_until_age=rule.keep_until_age,
    )


def last_actions(case_ids: Iterable[int] | None = None) -> dict[int, dt.date]:
    """Each case's last action (module docstring), as a local date: one query per kind of
    activity, however many cases (None: every case, read without a list of ids, which
    SQLite would limit)."""
    ids = None if case_ids is None else list(case_ids)
    latest: dict[int, dt.date] = {}
    zone = timezone.get_current_timezone()  # once: looking it up per row costs more than the rest

    def note(case_id: int, moment) -> None:
        if moment is None:
            return
        day = moment.astimezone(zone).date() if isinstance(moment, dt.datetime) else moment
        if case_id not in latest or day > latest[case_id]:
            latest[case_id] = day

    cases = Case.objects.all() if ids is None else Case.objects.filter(pk__in=ids)
    for case in cases.values("pk", "order_start_date", "created_at", "retention_last_action_on"):
        note(case["pk"], case["order_start_date"])
        note(case["pk"], case["created_at"])
        note(case["pk"], case["retention_last_action_on"])
    for query, path, moments in ACTIVITY:
        if ids is not None:
            query = query.filter(**{f"{path}__in": ids})
        rows = query.values(path).annotate(**{f"m_{m}": Max(m) for m in moments})
        for row in rows:
            for m in moments:
                note(row[path], row[f"m_{m}"])
    return latest


def _due_cases(cases: QuerySet[Case], today: dt.date, *, every: bool) -> list[DueCase]:
    rules = {r.order_type: r for r in RetentionRule.objects.all()}
    rows = list(
        cases.exclude(retention_stage=RetentionStage.DISPOSED).values(
            "pk",
            "reference",
            "order_type",
            "retention_stage",
            "retention_last_action_on",
            "young_person__date_of_birth",
        )
    )
    latest = last_actions(None if every else [row["pk"] for row in rows])
    labels = {value: str(label) for value, label in OrderType.choices}
    due = []
    for row in rows:
        rule = rules.get(row["order_type"])
        if rule is None:  # no rule: nothing is ever disposed of by guesswork
            continue
        last = latest[row["pk"]]  # the frozen date of a reduced case counts among them
        dates = disposal_dates(
            rule=figures(rule), last_action=last, born=row["young_person__date_of_birth"]
        )
        found = due_action(dates=dates, stage=row["retention_stage"], today=today)
        if found is None:
            continue
        action, due_on = found
        due.append(
            DueCase(
                case_id=row["pk"],
                reference=row["reference"],
                order_type=row["order_type"],
                order_type_label=labels.get(row["order_type"], row["order_type"]),
                rule=rule.describe(),
                last_action_on=last,
                due_on=due_on,
                action=action,
            )
        )
    due.sort(key=lambda d: (d.due_on, d.reference))
    return due


def retention_due(*, today: dt.date | None = None) -> list[DueCase]:
    """The dry run: every case due for reduction or disposal on `today` (the YOT's local
    date), earliest due first. Changes nothing."""
    return _due_cases(Case.objects.all(), today or timezone.localdate(), every=True)


def retention_due_for_case(*, case: Case, today: dt.date) -> DueCase | None:
    """The one case's line of the dry run, worked out afresh (None: not due)."""
    found = _due_cases(Case.objects.filter(pk=case.pk), today, every=False)
    return found[0] if found else None


CSV_HEADER = [
    "reference",
    "order type",
    "rule",
    "last action",
    "due on",
    "action",
]


def due_csv_rows(due: Iterable[DueCase]) -> list[list[str]]:
    """The dry run as rows for a CSV: the header, then one row per case (no names, no
    content: the reference, the rule and the dates)."""
    rows = [CSV_HEADER]
    rows += [
        [
            d.reference,
            d.order_type_label,
            d.rule,
            d.last_action_on.isoformat(),
            d.due_on.isoformat(),
            d.action_label,
        ]
        for d in due
    ]
    return rows
